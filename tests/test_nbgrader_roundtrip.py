"""The course through nbgrader after the grader: formgrader, manual grades, feedback, stock autograde.

A small class submits through nbgrader's exchange (autograder.demo), the grader
grades it, and then nbgrader's own commands and API take over, as an
instructor and a student would use them.  The formgrader itself, in a
browser, is tests/test_formgrader_browser.py.
"""
import csv
import json
import os
import pathlib
import subprocess
import sys

import nbformat
import pytest

from autograder import course, gradebook, record
from autograder.tools import demo
from autograder.grade import grade_batch
from autograder.sandbox.limits import Limits
from tests import builders
from tests.builders import grading, write_roster

pytestmark = pytest.mark.slow
A = "weight_init"
KINDS = ["solution", "wrong", "untouched", "truncated", "alternative"]  # student001 ... student005
ANSWERED = ["student001", "student002", "student005"]  # the kinds that write a written answer
ANSWER = "answer_he_factor"
LIMITS = Limits(call_seconds=5, wall_seconds=30, memory_mb=1024)


def nbgrader(root: pathlib.Path, *args: str, env=None, cwd=None) -> subprocess.CompletedProcess:
    env = dict(env or os.environ, PATH=os.path.dirname(sys.executable) + os.pathsep + os.environ["PATH"])
    return subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=cwd or root, env=env,
                          capture_output=True, text=True)


def graded_course(root: pathlib.Path, kinds=KINDS) -> course.Layout:
    return builders.graded_course(root, kinds, LIMITS)


@pytest.fixture(scope="module")
def graded(tmp_path_factory) -> course.Layout:
    return graded_course(tmp_path_factory.mktemp("course") / "course")


def students(layout):
    return [f"student{i + 1:03d}" for i in range(len(KINDS))]


def export_totals(layout) -> dict[str, float]:
    out = layout.root / "export.csv"
    proc = nbgrader(layout.root, "export", f"--to={out}")
    assert proc.returncode == 0, proc.stderr
    return {r["student_id"]: float(r["score"]) for r in csv.DictReader(out.open())}


def csv_totals(layout) -> dict[str, float]:
    return {r["student_id"]: float(r["score"]) for r in csv.DictReader((layout.results / "grades.csv").open())}


def api(layout):
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    config = course.nbgrader_config(layout.root)
    return NbGraderAPI(CourseDirectory(config=config), config=config)


def set_manual_grade(layout, student_id, grade_id, score, comment):
    """What the formgrader's grade and comment boxes save."""
    with gradebook.open_gradebook(layout) as gb:
        notebook = gb.find_submission_notebook(A, A, student_id)
        grade = next(g for g in notebook.grades if g.name == grade_id)
        grade.manual_score, grade.needs_manual_grade = score, False
        next(c for c in notebook.comments if c.name == grade_id).manual_comment = comment
        gb.db.commit()


# -- the formgrader's view ----------------------------------------------------------------------


def test_the_demo_lays_out_a_whole_course(graded):
    for name in ("nbgrader_config.py", "source", "release", "submitted", "autograded", "results", "gradebook.db"):
        assert (graded.root / name).exists(), name
    for sid in students(graded):
        assert (graded.submitted / sid / A / "submission_secret.txt").is_file(), "collected through the exchange"
        config = (graded.root / "students" / sid / ".jupyter" / "nbgrader_config.py").read_text()
        assert f"student_id = {sid!r}" in config


def test_every_submission_has_a_graded_notebook_the_formgrader_lists(graded):
    nbapi = api(graded)
    assert nbapi.get_autograded_students(A) == set(students(graded))
    listed = nbapi.get_notebook_submissions(A, A)
    assert sorted(s["student"] for s in listed) == students(graded)
    waiting = {s["student"] for s in listed if s["needs_manual_grade"]}
    assert waiting == set(ANSWERED), "answered written questions wait for a person; blank ones do not"
    [student] = [s for s in nbapi.get_student_notebook_submissions("student001", A)]
    assert student["max_score"] == 19 and student["score"] == 17


def test_each_test_cell_shows_the_hidden_results_and_scores_as_the_grader_did(graded):
    for sid in students(graded):
        result = record.read_result(record.results_path(graded.results, sid, A))
        nb = nbformat.read(gradebook.graded_path(graded, sid, A), as_version=4)
        cells = {c.metadata.get("nbgrader", {}).get("grade_id"): c for c in nb.cells}
        for fn in result.max_functions:
            cell = cells[course.test_cell_id(fn)]
            text = cell.outputs[0]["text"]
            assert text.startswith(f"{fn}: {result.functions[fn]:g} / ") and "### BEGIN" not in text
            assert cell.outputs[-1]["data"]["text/plain"] == f"{result.functions[fn]:g}"
            for t in result.tests:
                if t.function == fn and not t.passed and t.message:
                    assert t.message in text
        if sid != "student004":  # the truncated file: its notebook is the released one
            submitted = nbformat.read(graded.submitted / sid / A / f"{A}.ipynb", as_version=4)
            [relu] = [c for c in submitted.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "relu"]
            assert cells["relu"].source == relu.source, "the student's own code, as submitted"


def test_the_gradebook_cells_are_the_ones_generate_assignment_saves(graded, tmp_path):
    def cells(db_url):
        from nbgrader.api import Gradebook

        with Gradebook(db_url) as gb:
            nb = gb.find_notebook(A, A)
            return ({c.name: (c.cell_type, c.locked, c.checksum, c.source) for c in nb.source_cells},
                    {c.name: c.max_score for c in nb.grade_cells}, nb.kernelspec)

    stock = demo.lay_out(tmp_path / "stock", [A])
    proc = nbgrader(stock.root, "generate_assignment", A, "--force")
    assert proc.returncode == 0, proc.stderr
    assert cells(graded.db_url) == cells(stock.db_url)


def test_a_written_answer_left_as_given_scores_zero_with_nbgraders_comment(graded):
    with gradebook.open_gradebook(graded) as gb:
        blank = gb.find_submission_notebook(A, A, "student003")
        grade = next(g for g in blank.grades if g.name == ANSWER)
        assert (grade.auto_score, grade.needs_manual_grade) == (0, False)
        assert next(c for c in blank.comments if c.name == ANSWER).auto_comment == "No response."
        answered = gb.find_submission_notebook(A, A, "student001")
        assert next(g for g in answered.grades if g.name == ANSWER).needs_manual_grade


def test_an_unreadable_file_still_gets_a_notebook_that_says_why(graded):
    nb = nbformat.read(gradebook.graded_path(graded, "student004", A), as_version=4)
    assert "Nothing could be graded" in nb.cells[0].source and "not valid notebook JSON" in nb.cells[0].source
    assert {c.metadata.get("nbgrader", {}).get("grade_id") for c in nb.cells} >= {"sigmoid", "test_sigmoid", ANSWER}


# -- manual grades reach everything -------------------------------------------------------------


def test_a_manual_grade_reaches_every_total_and_the_students_feedback(graded, tmp_path, capsys):
    roster = write_roster(tmp_path / "roster.csv", [
        {"student_id": sid, "name": f"Student, {sid}", "canvas_id": str(100 + i), "section": "A",
         "moodle_participant_id": str(500 + i), "email": f"{sid}@example.edu"}
        for i, sid in enumerate(students(graded))])
    cli = [sys.executable, "-m", "autograder"]

    def run(*argv):
        return subprocess.run([*cli, *argv, "--course", str(graded.root)], capture_output=True, text=True)

    # Publishing waits until every written answer has a grade, and says who is missing.
    refused = run("export-canvas", A, "--roster", str(roster), "--assignment-id", "7", "--out", str(tmp_path / "c.csv"))
    assert refused.returncode == 2 and not (tmp_path / "c.csv").exists()
    assert all(sid in refused.stderr for sid in ANSWERED) and "--allow-pending-manual" in refused.stderr
    early = run("export-canvas", A, "--roster", str(roster), "--assignment-id", "7", "--out", str(tmp_path / "c.csv"),
                "--allow-pending-manual")
    assert early.returncode == 0 and "still wait for a manual grade" in early.stderr

    set_manual_grade(graded, "student001", ANSWER, 1.5, "Right idea; say *why* the variance halves.")
    set_manual_grade(graded, "student002", ANSWER, 0.5, "Not quite.")
    set_manual_grade(graded, "student005", ANSWER, 2.0, "")
    for argv in (["export-canvas", A, "--roster", str(roster), "--assignment-id", "7", "--out", str(tmp_path / "c.csv")],
                 ["export-moodle", A, "--roster", str(roster), "--out", str(tmp_path / "m.csv")],
                 ["feedback", A, "--published", "--after-due"]):
        proc = run(*argv)
        assert proc.returncode == 0, proc.stderr

    grade_batch(A, graded, settings=grading(1, LIMITS))  # a rerun leaves the graders' work alone
    assert not any(s["needs_manual_grade"] for s in api(graded).get_notebook_submissions(A, A))
    gradebook_totals = export_totals(graded)
    assert gradebook_totals["student001"] == 18.5
    assert csv_totals(graded) == gradebook_totals
    canvas = {r["ID"]: float(r[f"{A} (7)"]) for r in csv.DictReader((tmp_path / "c.csv").open()) if r["ID"].isdigit()}
    assert canvas == {str(100 + i): gradebook_totals[sid] for i, sid in enumerate(students(graded))}
    moodle = {r["Identifier"]: float(r["Grade"]) for r in csv.DictReader((tmp_path / "m.csv").open(encoding="utf-8-sig"))}
    assert moodle["Participant 500"] == 18.5
    rows = {r["student_id"]: r for r in csv.DictReader((graded.results / "grades.csv").open())}
    assert (rows["student001"][ANSWER], rows["student003"][ANSWER]) == ("1.5", "0")

    page = (graded.feedback / "student001" / A / f"{A}.html").read_text()
    assert "18.5 / 19 points" in page and "<em>why</em>" in page and "Doubling the weight variance" in page
    assert (graded.feedback / "student001" / A / "submission_secret.txt").read_text() == \
        (graded.submitted / "student001" / A / "submission_secret.txt").read_text()

    # nbgrader's own generate_feedback (the formgrader's button) writes the same page, and the
    # student fetches it through the exchange.
    proc = nbgrader(graded.root, "generate_feedback", A, "--force")
    assert proc.returncode == 0, proc.stderr
    ours = (graded.feedback / "student001" / A / f"{A}.html").read_text()
    assert ours == page
    proc = nbgrader(graded.root, "release_feedback", A)
    assert proc.returncode == 0, proc.stderr
    home = graded.root / "students" / "student001"
    proc = nbgrader(graded.root, "fetch_feedback", A, env=dict(os.environ, JUPYTER_CONFIG_DIR=str(home / ".jupyter")),
                    cwd=home)
    assert proc.returncode == 0, proc.stderr
    [fetched] = (home / A / "feedback").glob(f"*/{A}.html")
    assert "18.5 / 19 points" in fetched.read_text()


def test_lti_reports_pending_manual_grading_to_the_platform(graded):
    from autograder.lms import lti
    from autograder.lms.scores import LatePolicy

    import datetime as dt

    result = record.read_result(record.results_path(graded.results, "student002", A))
    result.manual = {}
    body = lti.score_for(result, "u2", LatePolicy(), dt.datetime.now(dt.timezone.utc)).get_value()
    assert json.loads(body)["gradingProgress"] == "PendingManual"


# -- stock nbgrader after the grader ------------------------------------------------------------


def test_stock_autograde_force_keeps_the_graders_results_and_the_totals(tmp_path):
    layout = graded_course(tmp_path / "course", kinds=["solution", "wrong", "alternative"])
    results_before = {p: p.read_bytes() for p in layout.results.rglob("result.json")}
    proc = nbgrader(layout.root, "autograde", A, "--force")
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "Inconsistent checksums" not in proc.stderr
    assert {p: p.read_bytes() for p in layout.results.rglob("result.json")} == results_before
    assert export_totals(layout) == csv_totals(layout), "stock nbgrader and the grader agree on honest work"
    nb = nbformat.read(gradebook.graded_path(layout, "student001", A), as_version=4)
    assert gradebook.GRADED_MARK not in nb.metadata, "stock autograde wrote its own notebook"

    summary = grade_batch(A, layout, settings=grading(1, LIMITS))
    assert sorted(summary.skipped) == ["student001", "student002", "student003"]
    nb = nbformat.read(gradebook.graded_path(layout, "student001", A), as_version=4)
    assert gradebook.GRADED_MARK in nb.metadata, "the grader wrote its notebook back"
    assert export_totals(layout) == csv_totals(layout)


def test_the_grader_works_on_a_gradebook_nbgrader_made(tmp_path):
    layout = demo.lay_out(tmp_path / "course", [A])
    proc = nbgrader(layout.root, "generate_assignment", A, "--force")
    assert proc.returncode == 0, proc.stderr
    demo.submit_class(layout, [A], students=2, kinds=["solution", "untouched"])
    grade_batch(A, layout, settings=grading(1, LIMITS))
    assert export_totals(layout) == csv_totals(layout) == {"student001": 17.0, "student002": 0.0}

