"""The hidden suites' pytest plugin: the `graded` marker and the `student` fixture.

While the grader runs a suite, `student` is the submission being graded (run_tests binds
it).  Run by hand, `pytest autograder/hidden/<a>/suite.py --notebook PATH` grades that
notebook's solution cells in this process.  Experiment tests get `notebook`: the
globals of the assignment's source notebook after its code cells ran.
"""
import json
import os
import pathlib

import pytest


def pytest_addoption(parser):
    parser.addoption("--notebook", default=None, help="notebook whose solution cells the suite grades")


def pytest_configure(config):
    config.addinivalue_line("markers", "graded(function, points, visibility): points a hidden test is worth")


def _assignment(request) -> str:
    return pathlib.Path(request.module.__file__).parent.name


@pytest.fixture
def student(request):
    from autograder.run_tests import GRADING

    grading = request.config.stash.get(GRADING, None)
    if grading is not None:
        return grading.student
    path = request.config.getoption("--notebook")
    if not path:
        pytest.skip("pass --notebook PATH to grade a notebook")
    return _by_hand(request.config, _assignment(request), path)


def _by_hand(config, assignment: str, path: str):
    from autograder.read import read_submission
    from autograder.student import local_student

    cache = config.__dict__.setdefault("_autograder_students", {})
    if assignment not in cache:
        cache[assignment], _ = local_student(read_submission(pathlib.Path(path), assignment).cells)
    return cache[assignment]


@pytest.fixture(scope="module")
def notebook(request):
    """Run every code cell of source/<assignment>/<assignment>.ipynb but the test cells, in
    order, in the notebook's folder; its globals."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from autograder import course

    assignment = _assignment(request)
    path = course.source_notebook(assignment)
    namespace = {"__name__": "__main__"}
    cwd = os.getcwd()
    os.chdir(path.parent)
    try:
        for i, cell in enumerate(json.loads(path.read_text(encoding="utf-8"))["cells"]):
            if cell["cell_type"] == "code" and not cell["metadata"].get("nbgrader", {}).get("grade"):
                exec(compile("".join(cell["source"]), f"<{assignment} cell {i}>", "exec"), namespace)  # noqa: S102
    finally:
        os.chdir(cwd)
        plt.close("all")
    return namespace
