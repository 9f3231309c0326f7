"""Grading the same file twice gives the same result, bit for bit, even when the student's code
draws its own random numbers: the student's generators are seeded before each test."""
import json

import pytest

from autograder.tools import sample, stock
from autograder.grade import grade_batch
from autograder.record import read_result, results_path
from tests.builders import grading, scratch_layout

pytestmark = pytest.mark.slow
A = "dropout"
# One coin for the whole call: with an unseeded generator its score changes from one grading to the next.
COIN = """\
def dropout_forward(x, rate, training=True):
    x = np.asarray(x, dtype=float)
    if not training:
        return x
    if np.random.rand() < 0.5:
        return x * (np.random.rand(*x.shape) >= rate) / (1 - rate)
    return x * (np.random.rand(*x.shape) < rate) / (1 - rate)
"""


def _class(tmp_path):
    nb = sample.with_code(sample.student_notebook(A), dict(sample.reference_code(A), dropout_forward=COIN))
    for sid in ("coin1", "coin2"):
        folder = tmp_path / "submitted" / sid / A
        folder.mkdir(parents=True)
        (folder / f"{A}.ipynb").write_text(json.dumps(nb))
    return tmp_path / "submitted"


def _outcomes(layout, sid):
    result = read_result(results_path(layout.results, sid, A))
    return [(t.name, t.kind, t.score, t.message) for t in result.tests]


def test_a_student_who_draws_random_numbers_gets_the_same_result_every_time(tmp_path):
    _class(tmp_path)
    layout = scratch_layout(tmp_path)
    runs = []
    for _ in range(3):
        grade_batch(A, layout, settings=grading(2), regrade=True)
        runs.append({sid: _outcomes(layout, sid) for sid in ("coin1", "coin2")})
    assert runs[0] == runs[1] == runs[2]
    assert runs[0]["coin1"] != runs[0]["coin2"], "the seed differs from student to student"


def test_stock_nbgrader_repeats_itself_too(tmp_path):
    submitted = _class(tmp_path)
    scores = []
    for run in range(2):
        workdir = stock.prepare_course(tmp_path / f"stock{run}", [A])
        scores.append(stock.autograde(workdir, A, submitted))
    assert scores[0] == scores[1]
