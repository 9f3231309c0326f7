"""The hidden suites grade what they should: every assignment, in-process.

The reference solution gets full marks, an untouched notebook gets zero, each
known-wrong variant loses points on its own function and on no other, and each
correct alternative gets full marks.
"""
import json

import pytest

from autograder import course, read
from autograder.tools import sample
from autograder.run_tests import run_suite
from autograder.score import score
from autograder.student import local_student

READY = course.ASSIGNMENTS


def grade_code(assignment, code):
    """Grade solution-cell code {function: source} in this process."""
    cells = read.build_cells(read.template(assignment), code)
    student, problems = local_student(cells)
    return score("t", assignment, run_suite(assignment, student)), problems


def untouched_code(assignment):
    nb = sample.student_notebook(assignment)
    graded = course.functions(assignment)
    return {c["metadata"]["nbgrader"]["grade_id"]: "".join(c["source"]) for c in nb["cells"]
            if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") in graded}


@pytest.mark.parametrize("assignment", READY)
def test_reference_solution_gets_full_marks(assignment):
    result, problems = grade_code(assignment, sample.reference_code(assignment))
    assert problems == []
    failed = [(t.name, t.message) for t in result.tests if not t.passed]
    assert failed == [] and result.score == result.max_score > 0


@pytest.mark.parametrize("assignment", READY)
def test_untouched_notebook_gets_zero_and_says_not_implemented(assignment):
    result, problems = grade_code(assignment, untouched_code(assignment))
    assert problems == []
    assert result.score == 0
    assert all(t.kind == "not_implemented" for t in result.tests), [(t.name, t.kind) for t in result.tests]


@pytest.mark.parametrize("assignment", READY)
def test_test_cell_points_match_the_hidden_suite(assignment):
    nb = json.loads(course.source_notebook(assignment).read_text())
    cells = {c["metadata"]["nbgrader"]["grade_id"]: c["metadata"]["nbgrader"] for c in nb["cells"]
             if "nbgrader" in c.get("metadata", {})}
    for fn, points in course.functions(assignment).items():
        assert fn in cells and cells[fn]["solution"], f"{fn} has no solution cell"
        test_cell = cells.get(course.test_cell_id(fn))
        assert test_cell and test_cell["grade"], f"{fn} has no test cell"
        assert float(test_cell["points"]) == points, f"test cell of {fn} gives {test_cell['points']}, suite {points}"


def _variant_cases(right: bool):
    return [pytest.param(a, v, id=f"{a}-{v.function}-{v.label}")
            for a in READY for v in sample.variants(a) if v.right is right]


@pytest.mark.parametrize("assignment,variant", _variant_cases(right=False))
def test_wrong_variant_loses_points_only_on_its_function(assignment, variant):
    result, _ = grade_code(assignment, dict(sample.reference_code(assignment), **{variant.function: variant.code}))
    function = variant.function
    assert not result.grader_errors, [t.message for t in result.grader_errors]
    assert result.functions[function] < result.max_functions[function], f"{variant.label} was not caught"
    others = {fn: s for fn, s in result.functions.items() if fn != function and s < result.max_functions[fn]}
    assert others == {}, f"{variant.label} also cost points on {others}"
    if variant.mistake:
        named = {t.mistake for t in result.tests if t.function == function and not t.passed}
        assert variant.mistake in named, f"expected mistake {variant.mistake}, got {named}"


@pytest.mark.parametrize("assignment,variant", _variant_cases(right=True))
def test_correct_alternative_gets_full_marks(assignment, variant):
    result, _ = grade_code(assignment, dict(sample.reference_code(assignment), **{variant.function: variant.code}))
    failed = [(t.name, t.message) for t in result.tests if not t.passed]
    assert failed == []
