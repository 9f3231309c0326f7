"""Lets an instructor run a hidden suite with plain pytest against one notebook."""
import pathlib

import pytest


def pytest_addoption(parser):
    parser.addoption("--notebook", default=None, help="notebook whose solution cells the suite grades")


def pytest_configure(config):
    config.addinivalue_line("markers", "graded(function, points, visibility): points a test is worth")


@pytest.fixture(scope="module")
def student(request):
    from autograder.read import read_submission
    from autograder.student import local_student

    path = request.config.getoption("--notebook")
    if not path:
        pytest.skip("pass --notebook PATH to grade a notebook")
    assignment = pathlib.Path(request.module.__file__).stem.removeprefix("test_")
    submission = read_submission(pathlib.Path(path), assignment)
    found, _ = local_student(submission.cells)
    return found
