"""Step 1, read: turn a submitted file into the code that will be graded.

Only the code of the student's solution cells is taken, matched by nbgrader
grade_id; every other cell comes from the instructor's source notebook, so an
edited or deleted given cell or test cell changes nothing.  The written
answers (manually graded cells) are kept as text for the person who grades them.  Test cells and
cells tagged "experiment" (training runs, plots) are left out: the hidden
suite replaces the first, and the second cost time without deciding a grade.

A bad file never raises here: it becomes a Submission with `problems` that
say, in plain words, what was wrong and what was graded anyway.
"""
from __future__ import annotations

import hashlib
import json
import pathlib
import re
from dataclasses import dataclass, field

from . import course, language
from .language import _
from .score import WrittenAnswer

MAX_NOTEBOOK_BYTES = 64 * 1024 * 1024


@dataclass
class Submission:
    student_id: str
    assignment: str
    path: pathlib.Path | None
    cells: list[dict] = field(default_factory=list)  # {'name', 'code', 'origin'} in run order
    problems: list[str] = field(default_factory=list)  # what the student should know
    tampering: list[str] = field(default_factory=list)  # what the instructor should look at
    fingerprint: str = ""  # sha256 of the file, "" when there was none
    unreadable: bool = False  # a file was there but no code could be read from it
    missing: bool = False  # no notebook was there at all
    notebook: dict | None = None  # the file as a version 4 notebook, when it was one
    written: list[WrittenAnswer] = field(default_factory=list)
    language: str = language.DEFAULT  # of the edition it came from: its messages are in it


def _nbgrader(cell) -> dict:
    meta = cell.get("metadata", {}) if isinstance(cell, dict) else {}
    nbg = meta.get("nbgrader", {}) if isinstance(meta, dict) else {}
    return nbg if isinstance(nbg, dict) else {}


def _source(cell) -> str:
    src = cell.get("source", "") if isinstance(cell, dict) else ""
    if isinstance(src, list):
        src = "".join(s for s in src if isinstance(s, str))
    return src if isinstance(src, str) else ""


def _tags(cell) -> list:
    meta = cell.get("metadata", {})
    tags = meta.get("tags", []) if isinstance(meta, dict) else []
    return tags if isinstance(tags, list) else []


@dataclass(frozen=True)
class Template:
    """The instructor's notebook, reduced to what grading needs."""

    order: tuple  # ('setup', name, code) or ('solution', function, None), in notebook order
    locked: dict  # grade_id -> (source, points) of cells the student must not change
    written: dict  # grade_id -> points of each manually graded cell

    @property
    def uses_tensorflow(self) -> bool:
        """Whether the given code imports TensorFlow or Keras, so the sandbox should have it warm."""
        return any(_TENSORFLOW.search(code) for step, name, code in self.order if step == "setup")


_TENSORFLOW = re.compile(r"^\s*(?:import|from)\s+(?:tensorflow|keras)\b", re.M)


def template(assignment: str, root: pathlib.Path = course.REPO_ROOT, lang: str | None = None) -> Template:
    """What the instructor notebook of `lang`'s edition gives (the course's edition when it has
    none in that language): a submission is compared with the edition it came from."""
    wanted = course.edition_folder("source", lang) if lang else None
    has_it = any(p.parent.parent.name == wanted for p in course.edition_notebooks(assignment, root))
    path = course.source_notebook(assignment, root, lang if has_it else None)
    key = (str(path), path.stat().st_mtime_ns)
    if key not in _TEMPLATES:
        _TEMPLATES[key] = _template(path)
    return _TEMPLATES[key]


_TEMPLATES: dict = {}


def _template(path: pathlib.Path) -> Template:
    nb = json.loads(path.read_text(encoding="utf-8"))
    graded = set(course.functions(path.stem))
    order, locked, written = [], {}, {}
    for i, cell in enumerate(nb["cells"]):
        nbg, src = _nbgrader(cell), _source(cell)
        gid = nbg.get("grade_id", f"cell-{i}")
        if nbg.get("grade") and nbg.get("solution"):
            written[gid] = float(nbg.get("points", 0))
            continue
        if cell["cell_type"] != "code":
            continue
        if nbg.get("solution") and gid in graded:
            order.append(("solution", gid, None))
        elif nbg.get("grade"):
            locked[gid] = (src.split("### BEGIN HIDDEN TESTS")[0], nbg.get("points"))
        elif "experiment" not in _tags(cell):
            order.append(("setup", gid, src))
            if nbg.get("locked"):
                locked[gid] = (src, None)
    return Template(tuple(order), locked, written)


def _load_notebook(raw: bytes, sub: Submission):
    """bytes -> list of cells (dicts), or None when nothing can be read."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        sub.problems.append(_("the file is not valid UTF-8 text (bad byte at position {position}); "
                              "unreadable characters were replaced", position=exc.start))
        text = raw.decode("utf-8", errors="replace")
    if not text.strip():
        sub.problems.append(_("the notebook file is empty"))
        return None
    try:
        data = json.loads(text)
    except ValueError as exc:
        return _python_fallback(text, sub, exc)
    if not isinstance(data, dict):
        sub.problems.append(_("the file is JSON but not a notebook"))
        return None
    major = data.get("nbformat")
    if major != 4:
        try:
            import nbformat  # only old notebooks need it, and it imports jsonschema

            data = json.loads(nbformat.writes(nbformat.reads(text, as_version=4)))
            sub.problems.append(_("the notebook was in the old format version {version}; it was converted to version 4",
                                  version=major))
        except Exception as exc:  # noqa: BLE001 - nbformat raises many kinds
            sub.problems.append(_("the notebook's format version {version!r} could not be read ({error})",
                                  version=major, error=exc))
            return None
    cells = data.get("cells")
    if not isinstance(cells, list):
        sub.problems.append(_("the notebook has no list of cells"))
        return None
    sub.notebook = data
    return [c for c in cells if isinstance(c, dict)]


def _python_fallback(text: str, sub: Submission, exc: ValueError):
    """A .py file renamed to .ipynb still has functions worth grading."""
    try:
        compile(text, "<submission>", "exec")
    except (SyntaxError, ValueError):
        if "\ufffd" in text[:2000] or "\x00" in text:
            sub.problems.append(_("the file is binary data and cannot be read as a notebook ({error}); "
                                  "re-download it from Jupyter with File > Save and submit again", error=exc))
        else:
            sub.problems.append(_("the file is not valid notebook JSON and cannot be read as a notebook ({error}); "
                                  "re-download it from Jupyter with File > Save and submit again", error=exc))
        return None
    sub.problems.append(_("the file is Python code, not a notebook; its functions were graded as they are"))
    return [{"cell_type": "code", "source": text, "metadata": {}}]


_DEF = r"^def\s+{}\s*\("


def _student_solutions(cells, functions, sub: Submission) -> dict:
    by_id: dict[str, str] = {}
    for cell in cells:
        gid = _nbgrader(cell).get("grade_id")
        if gid in functions:
            if cell.get("cell_type") != "code":
                sub.problems.append(_("the solution cell for {function} was turned into a {cell_type} cell; "
                                      "{function} could not be graded", function=gid, cell_type=cell.get("cell_type")))
                by_id.setdefault(gid, "")
            elif gid in by_id:
                sub.problems.append(_("the solution cell for {function} appears more than once; "
                                      "the first one was graded", function=gid))
            else:
                by_id[gid] = _source(cell)
    plain_python = len(cells) == 1 and not _nbgrader(cells[0])
    for fn in functions:
        if by_id.get(fn):
            continue
        pattern = re.compile(_DEF.format(re.escape(fn)), re.M)
        for cell in cells:
            if cell.get("cell_type") == "code" and pattern.search(_source(cell)):
                by_id[fn] = _source(cell)
                if not plain_python:
                    sub.problems.append(_("the solution cell for {function} had lost its grading metadata; "
                                          "the code cell that defines {function} was graded instead", function=fn))
                break
        else:
            if fn not in by_id:
                sub.problems.append(_("no solution cell for {function} was found; {function} gets no points",
                                      function=fn))
    return by_id


def _tamper_check(cells, tpl: Template, sub: Submission):
    for cell in cells:
        nbg = _nbgrader(cell)
        gid = nbg.get("grade_id")
        if gid in tpl.locked:
            src, points = tpl.locked[gid]
            if _source(cell).strip() != src.strip():
                sub.tampering.append(f"read-only cell {gid} was edited (the instructor's version was used)")
            if points is not None and nbg.get("points") != points:
                sub.tampering.append(f"points of {gid} were changed to {nbg.get('points')!r} (ignored)")


def _written_answers(cells, tpl: Template) -> list[WrittenAnswer]:
    """Each manually graded cell's text.  Whether it was left blank is nbgrader's call
    (autograder.gradebook), made on the graded notebook as nbgrader makes it."""
    given = {}
    for cell in cells or []:
        gid = _nbgrader(cell).get("grade_id")
        if gid in tpl.written and gid not in given:
            given[gid] = _source(cell)
    return [WrittenAnswer(gid, points, given.get(gid, "")) for gid, points in tpl.written.items()]


_SOLUTION = re.compile(r"^([ \t]*)### BEGIN SOLUTION\n(.*?)^[ \t]*### END SOLUTION\n?", re.M | re.S)


def reference_code(assignment: str, root: pathlib.Path = course.REPO_ROOT) -> dict[str, str]:
    """function -> the instructor's solution cell with the solution markers removed."""
    nb = json.loads(course.source_notebook(assignment, root).read_text(encoding="utf-8"))
    graded = course.functions(assignment)
    out = {}
    for cell in nb["cells"]:
        if _nbgrader(cell).get("grade_id") in graded:
            out[_nbgrader(cell)["grade_id"]] = _SOLUTION.sub(lambda m: m.group(2), _source(cell))
    return out


def reference_submission(assignment: str, root: pathlib.Path = course.REPO_ROOT) -> Submission:
    """The instructor's own solutions, as a submission: it must earn full marks."""
    code = reference_code(assignment, root)
    return Submission("reference solution", assignment, None, cells=build_cells(template(assignment, root), code),
                      fingerprint=hashlib.sha256(json.dumps(code, sort_keys=True).encode()).hexdigest())


def build_cells(tpl: Template, solutions: dict) -> list[dict]:
    cells = []
    for kind, name, code in tpl.order:
        if kind == "setup":
            cells.append({"name": name, "code": code, "origin": "instructor"})
        elif solutions.get(name):
            cells.append({"name": name, "code": solutions[name], "origin": "student"})
    return cells


def read_submission(path: pathlib.Path | None, assignment: str, student_id: str = "",
                    root: pathlib.Path = course.REPO_ROOT) -> Submission:
    sub = Submission(student_id, assignment, path)
    functions = course.functions(assignment)
    cells = None
    if path is None or not path.is_file():
        sub.problems.append(_("no notebook {assignment}.ipynb was submitted", assignment=assignment))
    elif path.stat().st_size > MAX_NOTEBOOK_BYTES:
        sub.problems.append(_("the notebook is {size} MB, over the {limit} MB limit; "
                              "clear its outputs and submit again",
                              size=path.stat().st_size // 2**20, limit=MAX_NOTEBOOK_BYTES // 2**20))
    else:
        raw = path.read_bytes()
        sub.fingerprint = hashlib.sha256(raw).hexdigest()
        cells = _load_notebook(raw, sub)
    sub.language = language.of_notebook(sub.notebook, default=language.active())
    tpl = template(assignment, root, sub.language)
    if cells is not None:
        with language.using(sub.language):
            _tamper_check(cells, tpl, sub)
            sub.cells = build_cells(tpl, _student_solutions(cells, functions, sub))
    else:
        sub.cells = build_cells(tpl, {})
        sub.unreadable = path is not None and path.is_file()
        sub.missing = not sub.unreadable
    sub.written = _written_answers(cells, tpl)
    return sub


NBGRADER_FILES = ("timestamp.txt", "submission_secret.txt")  # what nbgrader's exchange adds to a submission


def find_notebook(folder: pathlib.Path, assignment: str, given: tuple = ()) -> tuple[pathlib.Path | None, list[str]]:
    """The notebook to grade in a student's assignment folder, and notes on what else was there
    (files in `given`, which came with the assignment, are not worth a note)."""
    notes = []
    wanted = folder / f"{assignment}.ipynb"
    expected = {*NBGRADER_FILES, *given}
    others = sorted(p for p in folder.iterdir() if p.is_file() and p != wanted and p.name not in expected)
    if others:
        notes.append(_("extra files were ignored: {files}", files=", ".join(p.name for p in others[:10])))
    if wanted.is_file():
        return wanted, notes
    notebooks = [p for p in others if p.suffix == ".ipynb"]
    if len(notebooks) == 1:
        notes.append(_("{assignment}.ipynb was missing; {notebook} was graded instead", assignment=assignment,
                       notebook=notebooks[0].name))
        return notebooks[0], notes
    return None, notes
