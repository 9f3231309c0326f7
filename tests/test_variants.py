"""The hidden suites grade what they should: every assignment, in-process.

The reference solution gets full marks, an untouched notebook gets zero, each
known-wrong variant loses points on its own function and on no other, and each
correct alternative gets full marks.
"""
import json

import pytest

from autograder import course, read, sample
from autograder.run_tests import run_suite
from autograder.score import score
from autograder.student import local_student

READY = [a for a in course.ASSIGNMENTS
         if (course.REPO_ROOT / "source" / a / f"{a}.ipynb").exists()
         and (course.REPO_ROOT / "autograder" / "hidden" / f"test_{a}.py").exists()]


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


def _variant_cases(kind):
    for a in READY:
        wrong, right = sample.variants(a)
        table = wrong if kind == "wrong" else right
        for fn, by_label in table.items():
            for label in by_label:
                yield pytest.param(a, fn, label, id=f"{a}-{fn}-{label}")


@pytest.mark.parametrize("assignment,function,label", list(_variant_cases("wrong")))
def test_wrong_variant_loses_points_only_on_its_function(assignment, function, label):
    variant = sample.variants(assignment)[0][function][label]
    code = dict(sample.reference_code(assignment), **{function: variant["code"]})
    result, _ = grade_code(assignment, code)
    assert result.functions[function] < result.max_functions[function], f"{label} was not caught"
    others = {fn: s for fn, s in result.functions.items() if fn != function and s < result.max_functions[fn]}
    assert others == {}, f"{label} also cost points on {others}"
    if variant.get("mistake"):
        named = {t.mistake for t in result.tests if t.function == function and not t.passed}
        assert variant["mistake"] in named, f"expected mistake {variant['mistake']}, got {named}"


@pytest.mark.parametrize("assignment,function,label", list(_variant_cases("right")))
def test_correct_alternative_gets_full_marks(assignment, function, label):
    code = dict(sample.reference_code(assignment), **{function: sample.variants(assignment)[1][function][label]})
    result, _ = grade_code(assignment, code)
    failed = [(t.name, t.message) for t in result.tests if not t.passed]
    assert failed == []
