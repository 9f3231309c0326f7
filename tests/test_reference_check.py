"""The instructor's own solutions are graded beside every batch: a hidden test they fail is the
test's fault, so it is the grader's error in every student's result, never lost points."""
import json

from autograder import grade, read
from autograder.tools import sample
from autograder.grade import grade_batch
from autograder.kinds import Kind, Status
from autograder.record import read_result, results_path
from tests.builders import grading, scratch_layout

A = "weight_init"
WRONG_RELU = "def relu(x):\n    return np.abs(x)\n"


def _submit(layout, sid, code):
    folder = layout.submitted / sid / A
    folder.mkdir(parents=True)
    nb = sample.with_code(sample.student_notebook(A), dict(sample.reference_code(A), **code))
    (folder / f"{A}.ipynb").write_text(json.dumps(nb))


def _tests(layout, sid):
    return read_result(results_path(layout.results, sid, A))


def test_a_test_the_reference_fails_is_the_graders_error_for_everyone(tmp_path, monkeypatch):
    layout = scratch_layout(tmp_path)
    _submit(layout, "right", {})
    _submit(layout, "wrong_relu", {"relu": WRONG_RELU})

    def broken_reference(assignment, root):  # as if relu's tests were wrong: the reference fails them
        sub = read.reference_submission(assignment, root)
        sub.cells = [dict(c, code=WRONG_RELU) if c["name"] == "relu" else c for c in sub.cells]
        return sub

    monkeypatch.setattr(grade, "read_reference", broken_reference)
    summary = grade_batch(A, layout, settings=grading(2))
    assert sorted(summary.grader_errors) == ["right", "wrong_relu"]
    for sid in ("right", "wrong_relu"):
        result = _tests(layout, sid)
        assert result.status is Status.GRADER_ERROR
        relu = [t for t in result.tests if t.function == "relu"]
        failed_by_reference = [t for t in relu if t.kind is Kind.GRADER_ERROR]
        assert failed_by_reference and all("instructor's own solution fails this test" in t.message
                                           for t in failed_by_reference)
        assert all(t.score == 0 for t in failed_by_reference), "a broken test gives no points either"
        others = [t for t in result.tests if t.function != "relu"]
        assert all(t.passed for t in others), "the other functions are graded as usual"
    right = _tests(layout, "right")
    assert right.functions["relu"] == sum(t.score for t in right.tests if t.function == "relu" and t.passed)


def test_the_reference_is_graded_once_per_suite_secret_and_limits(tmp_path, monkeypatch):
    layout = scratch_layout(tmp_path)
    _submit(layout, "right", {})
    calls = []

    def counted(assignment, root):
        calls.append(assignment)
        return read.reference_submission(assignment, root)

    monkeypatch.setattr(grade, "read_reference", counted)
    first = grade_batch(A, layout, settings=grading(1))
    assert first.graded == ["right"] and not first.grader_errors and len(calls) == 1
    kept = json.loads((layout.results / ".reference" / f"{A}.json").read_text())
    assert kept["broken"] == {} and kept["score"] == kept["max_score"]
    grade_batch(A, layout, settings=grading(1), regrade=True)
    assert len(calls) == 1, "the same suite, secret and limits: its verdict is kept"
    grade_batch(A, layout, settings=grading(1, secret="another term"), regrade=True)
    assert len(calls) == 2, "another secret draws other inputs, so the reference is graded again"
    right = _tests(layout, "right")
    assert right.status is Status.GRADED and right.functions == right.max_functions
