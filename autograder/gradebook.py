"""Step 5, record (nbgrader's side): the gradebook, autograded/ notebooks, and manual grades back.

nbgrader's formgrader, `nbgrader generate_feedback` and `nbgrader export` read
two things, and the grader writes both as `nbgrader autograde` would:

* autograded/<student>/<assignment>/<assignment>.ipynb, the notebook an
  instructor grades by hand: the student's notebook sanitised by nbgrader's own
  preprocessors (instructor cells restored from the gradebook, as OverwriteCells
  does), each test cell showing that function's hidden results and ending in
  its points as the cell's value, which nbgrader reads as partial credit;
* the gradebook: the assignment's cells exactly as `generate_assignment` saves
  them (it is run in-process when they are missing), and one grade per grade
  cell and one comment per solution cell, decided as SaveAutoGrades decides
  them, from that notebook.

The grader's own record, results/<student>/<assignment>/result.json, lives
outside autograded/: stock `nbgrader autograde --force` deletes that folder,
and the next `autograder grade` writes the graded notebooks back.

What people enter in the formgrader (the points of a written answer, an
override of an automatic grade, a comment) comes back through
pull_manual_grades, into each result's `manual`, before anything is published.
"""
from __future__ import annotations

import contextlib
import contextvars
import functools
import json
import logging
import pathlib
import re
import secrets
import shutil
import tempfile
from dataclasses import dataclass, field
from types import SimpleNamespace

from . import course, language, record
from .kinds import NOTHING_GRADED, Status
from .language import _
from .score import ManualGrade, SubmissionResult
from .times import naive_utc, parse_time

GRADED_MARK = "autograder_graded"  # notebook metadata key that says which grading wrote the notebook
KEPT_FILES = ("timestamp.txt", "submission_secret.txt")  # what nbgrader's feedback commands read

_QUIET = logging.getLogger("autograder.nbgrader")
_QUIET.setLevel(logging.ERROR)  # nbgrader warns about every restored cell; the results say what matters


class GradebookError(course.CourseError):
    """The gradebook cannot take the assignment (for example, its cells changed after submissions)."""


# -- the assignment, as generate_assignment saves it -------------------------------


def ensure_alembic():
    """nbgrader's own commands ask the `alembic` command for a new gradebook's schema
    version; a venv used without activation has it beside the interpreter but not on PATH."""
    import os
    import sys

    if not shutil.which("alembic"):
        os.environ["PATH"] = os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", "")


_CHECKED: set[str] = set()  # gradebooks whose schema this process has made sure of
_OPEN: contextvars.ContextVar = contextvars.ContextVar("open_gradebook", default=None)


def ensure_schema(db_url: str) -> None:
    """Create a new gradebook's tables and stamp its alembic version, as nbgrader's Gradebook
    does, but with the version read in-process: nbgrader starts `alembic heads`, a second
    Python, for every new gradebook, which costs seconds.  Done once per gradebook and process
    (again if its file has gone)."""
    from sqlalchemy.engine import make_url

    path = make_url(db_url).database if db_url.startswith("sqlite") else None
    if db_url in _CHECKED and (path is None or pathlib.Path(path).exists()):
        return
    from sqlalchemy import create_engine, inspect, text

    engine = create_engine(db_url, future=True)
    try:
        if not inspect(engine).get_table_names():
            from alembic.script import ScriptDirectory
            from nbgrader.api import Base
            from nbgrader.dbutil import ALEMBIC_DIR

            with engine.begin() as connection:
                Base.metadata.create_all(connection)
                connection.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)"))
                connection.execute(text("INSERT INTO alembic_version (version_num) VALUES (:head)"),
                                   {"head": ScriptDirectory(ALEMBIC_DIR).get_current_head()})
    finally:
        engine.dispose()
    _CHECKED.add(db_url)


@contextlib.contextmanager
def open_gradebook(layout: course.Layout):
    """nbgrader's Gradebook on the course; inside `one_run`, the run's own, left open."""
    shared = _OPEN.get()
    if shared is not None and shared[0] == layout.db_url:
        yield shared[1]
        return
    from nbgrader.api import Gradebook

    ensure_schema(layout.db_url)
    ensure_alembic()  # should nbgrader still ask alembic (another process raced us to the new file)
    with Gradebook(layout.db_url, course.course_id(layout.root)) as gb:
        yield gb


@contextlib.contextmanager
def one_run(layout: course.Layout):
    """One gradebook connection for a whole batch, so its schema is checked once per run."""
    with open_gradebook(layout) as gb:
        token = _OPEN.set((layout.db_url, gb))
        try:
            yield gb
        finally:
            _OPEN.reset(token)


@contextlib.contextmanager
def _one_transaction(gb):
    """nbgrader's API commits after every student and submission it adds.  A batch writes
    all its rows in one transaction instead: one commit for 300 results, not 300, and a
    failure leaves the gradebook as it was."""
    session = gb.db

    class Deferred:
        def __getattr__(self, name):
            return getattr(session, name)

        def commit(self):
            session.flush()

    gb.db = Deferred()
    try:
        yield
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        gb.db = session


def _config(layout: course.Layout, **settings):
    """The course's nbgrader configuration, pointed at this layout."""
    config = course.nbgrader_config(layout.root)
    config.CourseDirectory.root = str(layout.root)
    config.CourseDirectory.db_url = layout.db_url
    for key, value in settings.items():
        setattr(config.CourseDirectory, key, value)
    return config


def _generate_assignment(layout: course.Layout, assignment: str):
    """Run nbgrader's GenerateAssignment in-process into a scratch release folder, so the
    gradebook gets its cells, checksums and kernelspec exactly as the command saves them."""
    from nbgrader.converters import GenerateAssignment, NbGraderException
    from nbgrader.coursedir import CourseDirectory

    course.source_notebook(assignment, layout.root)
    scratch = tempfile.mkdtemp(prefix="ag-generate-")
    try:
        config = _config(layout, release_directory=scratch, assignment_id=assignment)
        converter = GenerateAssignment(coursedir=CourseDirectory(config=config), config=config, log=_QUIET)
        converter.force = True
        try:
            converter.start()
        except (NbGraderException, RuntimeError) as exc:
            raise GradebookError(f"nbgrader could not save {assignment}'s cells in the gradebook "
                                 f"{layout.db_url}: {exc}") from None
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


@dataclass(frozen=True)
class SourceBook:
    """The assignment's cells in the gradebook, read once: what OverwriteCells looks up
    for every notebook, answered without a query per cell."""

    assignment: str
    kernelspec: dict | None
    source_cells: tuple  # in the gradebook's order: name, cell_type, locked, checksum, source
    grade_cells: tuple  # name, max_score
    solution_cells: tuple  # name
    task_cells: tuple  # name, max_score

    def find_notebook(self, notebook_id, assignment_id):
        return self

    def find_source_cell(self, name, notebook_id, assignment_id):
        from nbgrader.api import MissingEntry

        for cell in self.source_cells:
            if cell.name == name:
                return cell
        raise MissingEntry(name)

    def find_graded_cell(self, name, notebook_id, assignment_id):
        from nbgrader.api import MissingEntry

        for cell in (*self.grade_cells, *self.task_cells):
            if cell.name == name:
                return cell
        raise MissingEntry(name)


def prepare_assignment(layout: course.Layout, assignment: str) -> SourceBook:
    """Make sure the gradebook knows the assignment as generate_assignment would have
    saved it (a gradebook nbgrader made is used as it is), and read its cells."""
    from nbgrader.api import MissingEntry

    with open_gradebook(layout) as gb:
        try:
            nb = gb.find_notebook(assignment, assignment)
            complete = all(c.checksum for c in nb.source_cells)
        except MissingEntry:
            complete = False
    if not complete:
        _generate_assignment(layout, assignment)
    with open_gradebook(layout) as gb:
        nb = gb.find_notebook(assignment, assignment)

        def cells(rows, *attrs):
            return tuple(SimpleNamespace(**{a: getattr(r, a) for a in attrs}) for r in rows)

        return SourceBook(assignment, json.loads(nb.kernelspec) if nb.kernelspec else None,
                          cells(nb.source_cells, "name", "cell_type", "locked", "checksum", "source"),
                          cells(nb.grade_cells, "name", "max_score"), cells(nb.solution_cells, "name"),
                          cells(nb.task_cells, "name", "max_score"))


# -- the graded notebook -------------------------------------------------------------


def _released(layout: course.Layout, assignment: str):
    """The notebook as students received it: the source with its solutions cleared."""
    import nbformat
    from nbgrader.preprocessors import ClearOutput, ClearSolutions

    nb = nbformat.read(course.source_notebook(assignment, layout.root), as_version=4)
    config = _config(layout)
    for step in (ClearSolutions, ClearOutput):
        nb, unused = step(config=config, log=_QUIET).preprocess(nb, {})
    return nb


def _note(text: str):
    import nbformat

    return nbformat.v4.new_markdown_cell(f"**Note from the grader.** {text}")


def _base_notebook(layout: course.Layout, sub, result: SubmissionResult):
    """The student's notebook, or, when there was none to read, the released one with a note."""
    import nbformat

    if sub.notebook is not None:
        return nbformat.reads(json.dumps(sub.notebook), as_version=4)  # joins list-of-lines sources
    nb = _released(layout, sub.assignment)
    if sub.cells and any(c["origin"] == "student" for c in sub.cells):
        code = "\n\n".join(c["code"] for c in sub.cells if c["origin"] == "student")
        nb.cells[:0] = [_note("The file was Python code, not a notebook; its functions were graded from this code."),
                        nbformat.v4.new_code_cell(code)]
    else:
        why = "; ".join(result.problems) or "nothing could be read"
        nb.cells.insert(0, _note(f"Nothing could be graded ({why}). Below is the assignment as it was released."))
    return nb


def _sanitise(nb, book: SourceBook, layout: course.Layout):
    """nbgrader autograde's sanitising pass: ClearOutput, DeduplicateIds,
    OverwriteKernelspec, OverwriteCells (missing grade cells added back), CheckCellMetadata."""
    from nbconvert.preprocessors import Preprocessor
    from nbgrader.nbgraderformat import ValidationError
    from nbgrader.preprocessors import ClearOutput, DeduplicateIds, OverwriteCells

    config = _config(layout)
    resources = {"nbgrader": {"assignment": book.assignment, "notebook": book.assignment,
                              "db_url": layout.db_url}}
    for step in (ClearOutput, DeduplicateIds):
        nb, resources = step(config=config, log=_QUIET).preprocess(nb, resources)
    if book.kernelspec:
        nb.metadata["kernelspec"] = book.kernelspec  # OverwriteKernelspec
    overwrite = OverwriteCells(config=config, log=_QUIET, add_missing_cells=True)
    overwrite.notebook_id = overwrite.assignment_id = book.assignment
    overwrite.gradebook = book
    nb, resources = Preprocessor.preprocess(overwrite, nb, resources)  # its cell by cell pass
    nb, resources = overwrite.add_missing_grade_cells(nb, resources)
    nb, resources = overwrite.add_missing_task_cells(nb, resources)
    try:  # CheckCellMetadata, with its validator
        _metadata_validator().validate_nb(nb)
    except ValidationError as exc:
        raise ValidationError(f"Notebook failed to validate; the nbgrader metadata may be corrupted: {exc}") from None
    return nb


@functools.cache
def _metadata_validator():
    """nbgrader's metadata validator, with its JSON schema checked once: jsonschema.validate,
    which nbgrader calls for every cell, checks the schema itself each time, and that was
    most of the cost of writing a graded notebook."""
    import jsonschema
    from nbgrader.nbgraderformat import MetadataValidator
    from nbgrader.nbgraderformat.common import BaseMetadataValidator

    class SchemaCheckedOnce(BaseMetadataValidator):
        def validate_cell(self, cell):
            meta = cell.metadata.get("nbgrader")
            if meta is None or meta.get("schema_version", 0) != self.schema_version:
                return super().validate_cell(cell)  # nbgrader's own answer, errors included
            checker.validate(meta)

    class Validator(MetadataValidator, SchemaCheckedOnce):  # SchemaCheckedOnce sits between it and its base
        pass

    validator = Validator()
    schema_class = jsonschema.validators.validator_for(validator.schema)
    schema_class.check_schema(validator.schema)
    checker = schema_class(validator.schema)
    return validator


@functools.cache
def _markdown():
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False}).enable("table")


def _inert(markdown: str) -> str:
    """Markdown a student wrote, as HTML that can run nothing: nbgrader's formgrader renders
    markdown cells unsanitised (raw HTML, javascript: links) inside the instructor's logged-in
    Jupyter.  markdown-it renders it with raw HTML off and unsafe links refused; the result,
    one HTML block without blank lines, passes through the formgrader's renderer unchanged."""
    html = _markdown().render(markdown)
    return '<div class="student-markdown">\n' + re.sub(r"\n[ \t]*(?=\n)", "", html) + "</div>\n"


def _defuse_markdown(nb, book: SourceBook, layout: course.Layout):
    """Every markdown cell a student could have written (all but the locked ones nbgrader
    restored from the gradebook, and those still exactly as the instructor wrote them)
    loses its power to run script."""
    locked = {c.name for c in book.source_cells if c.locked}
    instructors = _instructor_markdown(course.source_notebook(book.assignment, layout.root))
    for cell in nb.cells:
        if (cell.cell_type == "markdown" and cell.source not in instructors
                and cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") not in locked):
            cell.source = _inert(cell.source)


def _instructor_markdown(source: pathlib.Path) -> frozenset[str]:
    """The markdown cells of the instructor's notebook: trusted text, left to render as written."""
    key = (str(source), source.stat().st_mtime_ns)
    if key not in _INSTRUCTORS:
        cells = json.loads(source.read_text(encoding="utf-8"))["cells"]
        _INSTRUCTORS[key] = frozenset("".join(c["source"]) if isinstance(c["source"], list) else c["source"]
                                      for c in cells if c["cell_type"] == "markdown")
    return _INSTRUCTORS[key]


_INSTRUCTORS: dict = {}


def results_text(result: SubmissionResult, function: str) -> str:
    """What a function's test cell shows the grader: each test's outcome, as a student
    may see it once grades are published."""
    with language.using(result.language):
        return _results_text(result, function)


def _results_text(result: SubmissionResult, function: str) -> str:
    from .reports.feedback import counted, revealed

    tests = [t for t in result.tests if t.function == function]
    earned = result.functions.get(function, 0.0)
    lines = [_("{function}: {earned:g} / {possible:g} points from the hidden tests", function=function, earned=earned,
               possible=result.max_functions.get(function, 0.0))]
    withheld = []
    for t in tests:
        if not revealed(t.visibility, published=True, after_due=False):
            withheld.append(t)
            continue
        mark = "\u2713" if t.passed else "\u2717"
        line = f"{mark} {language.translate(t.description) or t.name} ({t.score:g}/{t.max_score:g})"
        if not t.passed and t.message:
            line += f": {t.message}"
        lines.append(line)
        known = course.mistake(result.assignment, t.mistake) if not t.passed else None
        if known:
            lines.append("    " + _("common mistake: {title}", title=language.translate(known.title)))
    if withheld:
        counted_points = sum(t.score for t in withheld if counted(t.visibility, True, False))
        lines.append(_("({n} more test(s) not shown here; {counted:g} of their {possible:g} points are counted)",
                       n=len(withheld), counted=counted_points, possible=sum(t.max_score for t in withheld)))
    if result.status in NOTHING_GRADED:
        lines.append(_("not run: {why}", why="; ".join(result.problems) or _("there was nothing to grade")))
    return "\n".join(lines) + "\n"


def _show_results(nb, result: SubmissionResult):
    """Each test cell gets the hidden results and, as its value, the points (nbgrader's partial credit)."""
    import nbformat

    by_cell = {course.test_cell_id(fn): fn for fn in result.max_functions}
    for cell in nb.cells:
        fn = by_cell.get(cell.get("metadata", {}).get("nbgrader", {}).get("grade_id"))
        if fn is None or cell.cell_type != "code":
            continue
        cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=results_text(result, fn)),
                        nbformat.v4.new_output("execute_result", data={"text/plain": f"{result.functions.get(fn, 0.0):g}"},
                                               execution_count=None)]


def graded_notebook(layout: course.Layout, sub, result: SubmissionResult, book: SourceBook):
    """(autograded/'s notebook for one submission, its automatic grades).  A notebook nbgrader
    cannot sanitise (corrupted metadata, say) is replaced by the released one with the
    student's code in it.  The grades are decided on the cells as submitted, then kept in the
    notebook's metadata, since making the student's markdown inert changes their checksums."""
    try:
        nb = _sanitise(_base_notebook(layout, sub, result), book, layout)
    except Exception as exc:  # noqa: BLE001 - any nbgrader failure on a hostile file
        import nbformat

        nb = _released(layout, sub.assignment)
        answers = {c["name"]: c["code"] for c in sub.cells if c["origin"] == "student"}
        answers.update((w.grade_id, w.answer) for w in sub.written if w.answer)
        for cell in nb.cells:
            gid = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
            if gid in answers:
                cell.source = answers[gid]
        nb.cells.insert(0, _note(f"nbgrader could not read this notebook's cells ({type(exc).__name__}: {exc}); "
                                 "this is the released notebook with the code that was graded."))
        nb = _sanitise(nbformat.from_dict(nb), book, layout)
    _show_results(nb, result)
    auto = auto_grades(nb)
    _defuse_markdown(nb, book, layout)
    nb.metadata[GRADED_MARK] = {"grading": result.grading_key, "scores": auto.scores, "comments": auto.comments}
    return nb, auto


@dataclass
class AutoGrades:
    """What SaveAutoGrades takes from a graded notebook: each grade cell's automatic score
    (None: a person must grade it) and each solution cell's automatic comment."""

    scores: dict[str, float | None] = field(default_factory=dict)
    comments: dict[str, str | None] = field(default_factory=dict)


def auto_grades(nb) -> AutoGrades:
    from nbgrader import utils
    from .score import NO_RESPONSE

    found = AutoGrades()
    for cell in nb.cells:
        if utils.is_grade(cell):
            found.scores[cell.metadata.nbgrader["grade_id"]] = utils.determine_grade(cell)[0]
        if utils.is_solution(cell) or utils.is_task(cell):
            unchanged = cell.metadata.nbgrader.get("checksum") == utils.compute_checksum(cell)
            found.comments[cell.metadata.nbgrader["grade_id"]] = NO_RESPONSE if unchanged and not utils.is_task(cell) else None
    return found


def graded_path(layout: course.Layout, student_id: str, assignment: str) -> pathlib.Path:
    return layout.autograded / student_id / assignment / f"{assignment}.ipynb"


def read_graded(layout: course.Layout, result: SubmissionResult) -> AutoGrades | None:
    """The automatic grades of the graded notebook on disk, if this very grading wrote it."""
    import nbformat

    try:
        nb = nbformat.read(graded_path(layout, result.student_id, result.assignment), as_version=4)
    except (OSError, ValueError):
        return None
    mark = nb.metadata.get(GRADED_MARK, {})
    if mark.get("grading") != result.grading_key or "scores" not in mark:
        return None
    return AutoGrades(dict(mark["scores"]), dict(mark.get("comments", {})))


def write_graded(layout: course.Layout, nb, result: SubmissionResult, submitted_folder: pathlib.Path | None):
    """autograded/<student>/<assignment>/: the notebook, timestamp.txt and submission_secret.txt.

    release_feedback needs a secret; a submission that did not come through nbgrader's
    exchange (an LMS download, say) gets a new one, which no student holds."""
    import nbformat

    folder = graded_path(layout, result.student_id, result.assignment).parent
    record.atomic_write(folder / f"{result.assignment}.ipynb", nbformat.writes(nb))
    for name in KEPT_FILES:
        given = submitted_folder / name if submitted_folder else None
        if given and given.is_file():
            record.atomic_write(folder / name, given.read_text(encoding="utf-8", errors="replace"))
        elif name == "submission_secret.txt" and not (folder / name).exists():
            record.atomic_write(folder / name, secrets.token_hex(64))
        elif name == "timestamp.txt":
            (folder / name).unlink(missing_ok=True)


# -- grades in, manual grades out ---------------------------------------------------------


def _timestamp(text: str):
    return naive_utc(parse_time(text)) if text else None


def record_grades(layout: course.Layout, graded: list[tuple[SubmissionResult, AutoGrades]]):
    """Store every submission's automatic grades and comments, as SaveAutoGrades does: a
    grade that a person already set keeps its manual score, and is flagged for review
    again only when the automatic score changed (a rerun on unchanged work leaves it be)."""
    with open_gradebook(layout) as gb, _one_transaction(gb):
        known = {s.id for s in gb.students}
        for result, auto in graded:
            if result.student_id not in known:
                gb.add_student(result.student_id)
                known.add(result.student_id)
            gb.update_or_create_submission(result.assignment, result.student_id,
                                           timestamp=_timestamp(result.submitted_at))
            notebook = gb.find_submission_notebook(result.assignment, result.assignment, result.student_id)
            grades = {g.name: g for g in notebook.grades}
            for name, score in auto.scores.items():
                grade = grades.get(name)
                if grade is not None and (grade.manual_score is None or grade.auto_score != score):
                    grade.auto_score = score
                    grade.needs_manual_grade = grade.manual_score is not None or score is None
            comments = {c.name: c for c in notebook.comments}
            for name, text in auto.comments.items():
                if name in comments:
                    comments[name].auto_comment = text


def has_gradebook(layout: course.Layout) -> bool:
    return bool(layout.db_url) and (layout.db_path is None or layout.db_path.exists())


def pull_manual_grades(layout: course.Layout, results: list[SubmissionResult]) -> list[SubmissionResult]:
    """Copy what graders entered in the formgrader into each result's `manual` (and its
    result.json, and grades.csv), so every export adds up the same total as the gradebook."""
    if not has_gradebook(layout):
        return results
    from nbgrader.api import MissingEntry

    changed = False
    with open_gradebook(layout) as gb:
        for result in results:
            try:
                notebook = gb.find_submission_notebook(result.assignment, result.assignment, result.student_id)
            except MissingEntry:
                continue
            comments = {c.name: c.manual_comment or "" for c in notebook.comments}
            manual = {}
            for g in notebook.grades:
                if g.manual_score is not None or g.extra_credit or comments.get(g.name):
                    manual[g.name] = ManualGrade(g.manual_score, float(g.extra_credit or 0.0), comments.get(g.name, ""))
            for name, text in comments.items():
                if text and name not in manual:
                    manual[name] = ManualGrade(comment=text)
            if manual != result.manual:
                result.manual = manual
                record.write_result(layout.results, result)
                changed = True
    if changed:
        record.write_grades_csv(layout.results)
    return results


class PendingManualGrades(course.CourseError):
    """Grades would be published while written answers still wait for a grader."""


def with_manual_grades(layout: course.Layout, results: list[SubmissionResult], *, publishing: bool,
                       allow_pending: bool = False) -> str:
    """Bring the formgrader's grades into `results`.  When publishing, refuse while written
    answers wait for a grader, unless allow_pending; return a note on who still waits."""
    pull_manual_grades(layout, results)
    broken = sorted(r.student_id for r in results if r.status is Status.GRADER_ERROR)
    if publishing and broken:
        raise course.CourseError(
            f"a hidden test failed on its own for {len(broken)} student(s) ({', '.join(broken[:10])}): their grades are "
            "not complete. Fix the test (the class report names it) and grade again before publishing")
    waiting = sorted((r.student_id, ", ".join(r.pending_manual)) for r in results if r.pending_manual)
    if not waiting:
        return ""
    listed = "; ".join(f"{sid} ({ids})" for sid, ids in waiting[:20]) + (" ..." if len(waiting) > 20 else "")
    where = (f"the gradebook {layout.db_url}" if has_gradebook(layout)
             else f"no gradebook (none at {layout.db_url or 'the --db given'})")
    if publishing and not allow_pending:
        raise PendingManualGrades(
            f"{len(waiting)} student(s) still wait for a manual grade in {where}: {listed}. Grade their written "
            "answers in the formgrader (Manual Grading), or pass --allow-pending-manual to publish without them.")
    return f"{len(waiting)} student(s) still wait for a manual grade, counted as 0 for now: {listed}"
