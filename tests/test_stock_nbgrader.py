"""Stock `nbgrader autograde` gives the grader's totals on honest submissions."""
import pytest

from autograder.tools import sample, stock
from autograder.grade import grade_batch
from autograder.record import load_results
from tests.builders import grading, scratch_layout

pytestmark = pytest.mark.slow
HONEST = ["solution", "wrong", "alternative", "untouched", "wrong", "python_file"]


@pytest.mark.parametrize("assignment", ["weight_init", "universal_approximation"])
def test_stock_autograde_agrees_with_the_grader(tmp_path, assignment):
    submitted = tmp_path / "submitted"
    sample.build_class(submitted, [assignment], students=len(HONEST), kinds=HONEST, seed=3)
    grade_batch(assignment, scratch_layout(tmp_path), settings=grading(2))
    ours = {r.student_id: r.auto_score for r in load_results(tmp_path / "out", assignment)}
    workdir = stock.prepare_course(tmp_path / "stock", [assignment])
    theirs = stock.autograde(workdir, assignment, submitted)
    honest = {sid for sid in ours if sid != f"student{HONEST.index('python_file') + 1:03d}"}
    assert {s: ours[s] for s in honest} == {s: theirs[s] for s in honest}
    assert len(set(ours.values())) > 2, "the class should have a spread of scores"
