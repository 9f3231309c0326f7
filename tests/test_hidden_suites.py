"""pytest runs the hidden suites, and a hidden test's own bug is the grader's error.

The toy assignment of test_new_assignment.py shows parametrize, fixtures and conftest.py
end to end; these tests break a real suite in this process (the suites run in the
grader, so a monkeypatched helper is what pytest runs).
"""
import json

import numpy as np
import pytest

from autograder import cli, course, read, run_tests
from autograder.tools import sample
from autograder.grade import grade_batch
from autograder.hidden.weight_init import suite
from autograder.kinds import Kind, Status
from autograder.reports.class_report import render_class_report, summarise
from autograder.reports.feedback import render_feedback
from autograder.score import score
from autograder.student import local_student
from tests.builders import grading, scratch_layout, text_of

A = "weight_init"


def _broken_logistic(x):
    return undefined_name * x  # noqa: F821 - the bug under test


@pytest.fixture
def broken_suite(monkeypatch):
    """The weight_init suite with a bug in the helper its sigmoid tests compare against."""
    monkeypatch.setattr(suite, "_logistic", _broken_logistic)


def _reference():
    student, _ = local_student(read.build_cells(read.template(A), sample.reference_code(A)))
    return student


def test_pytest_collects_the_suite_with_its_points():
    tests = course.hidden_tests(A)
    assert [t.name for t in tests][:2] == ["test_sigmoid_values", "test_sigmoid_large_inputs"]
    assert sum(t.points for t in tests) == sum(course.functions(A).values()) == 17
    assert tests[0].doc == "sigmoid computes 1 / (1 + e^-x) for every element"


def test_a_bug_in_a_hidden_test_is_the_graders_error_not_the_students(broken_suite):
    outcomes = run_tests.run_suite(A, _reference())
    broken = [o for o in outcomes if o.kind is Kind.GRADER_ERROR]
    # the sigmoid tests and one forward-pass test compare against the broken helper
    assert {o.function for o in broken} == {"sigmoid", "forward_activations"} and len(broken) >= 3
    assert all("NameError" in o.message and "your" not in o.message for o in broken)
    assert all(o.passed for o in outcomes if o.kind is not Kind.GRADER_ERROR)
    result = score("ann", A, outcomes, status=Status.GRADER_ERROR)
    page = text_of(render_feedback(result, published=True))
    assert "problem in the grader, not in your code" in page and "stopped the grader" not in page
    report = text_of(render_class_report(summarise([result])))
    assert "NameError" in report and "test_sigmoid_values" in report


def test_the_same_outcome_without_the_bug(monkeypatch):
    """The fixture above is what breaks the suite: unbroken, the reference passes everything."""
    assert all(o.passed for o in run_tests.run_suite(A, _reference()))


def test_grade_exits_non_zero_and_names_the_submissions(broken_suite, tmp_path, capsys):
    layout = scratch_layout(tmp_path)
    sample.build_class(layout.submitted, [A], students=1, kinds=["solution"])
    summary = grade_batch(A, layout, settings=grading(1, isolation="none"))
    assert summary.grader_errors == ["student001"] and summary.graded == summary.failed == []
    data = json.loads((layout.results / "student001" / A / "result.json").read_text())
    assert data["status"] == "grader_error"
    code = cli.main(["grade", A, "--submissions", str(layout.submitted), "--results", str(layout.results), "--db", "",
                     "--isolation", "none", "--jobs", "1", "--regrade"])
    assert code == 1
    err = capsys.readouterr().err
    assert "failed on its own" in err and "student001" in err and "not the students'" in err


@pytest.mark.parametrize("exc, kind", [
    (pytest.fail.Exception("the values are off"), Kind.FAILED),
    (pytest.skip.Exception("not today"), Kind.GRADER_ERROR),
    (KeyError("w"), Kind.GRADER_ERROR),
    (AssertionError(""), Kind.FAILED),
])
def test_what_each_exception_of_a_test_means(exc, kind):
    got, message, _ = run_tests.classify(exc, "relu", {})
    assert got is kind and message
    assert not got.charged if kind is Kind.GRADER_ERROR else got.charged


def test_a_suite_that_cannot_be_collected_stops_with_its_error(monkeypatch, tmp_path):
    folder = tmp_path / "hidden" / "weight_init"
    folder.mkdir(parents=True)
    (folder / "suite.py").write_text("import numpy as np\n\ndef test_x(student):\n    assert True\n")
    monkeypatch.setattr(course, "HIDDEN", tmp_path / "hidden")
    monkeypatch.setattr(course, "suite_path", lambda a: folder / "suite.py")
    with pytest.raises(run_tests.SuiteError, match="has no @graded"):
        run_tests._Session(A)


def test_under_stock_nbgrader_a_broken_hidden_test_fails_its_cell(broken_suite):
    from autograder.tools import bridge

    namespace = {"np": np}
    for function in ("sigmoid", "relu"):
        exec(sample.reference_code(A)[function], namespace)  # noqa: S102 - the instructor's own solution
    with pytest.raises(bridge.GraderError, match="failed on their own"):
        bridge.hidden_points(A, "sigmoid", namespace)
    assert bridge.hidden_points(A, "relu", namespace) == 3, "tests that do not meet the bug still count"
