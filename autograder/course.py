"""Where things live in a course, and what each assignment grades.

The course root holds source/<assignment>/<assignment>.ipynb (the instructor's
notebooks) and nbgrader's other folders.  Everything else about an assignment,
its hidden suite first, sits in autograder/hidden/<assignment>/: the assignments
are the folders found there, in the order their UNIT says.  What an assignment
grades, and how many points each function is worth, is what pytest collects from
its suite: the suite is the one place that says it.
"""
from __future__ import annotations

import ast
import functools
import hashlib
import importlib
import pathlib
from dataclasses import dataclass

from . import language

REPO_ROOT = pathlib.Path(__file__).resolve().parent.parent
PACKAGE = pathlib.Path(__file__).resolve().parent
HIDDEN = PACKAGE / "hidden"


class CourseError(ValueError):
    """Bad input from the instructor: an unknown assignment, a missing folder."""


class SecretWarning(UserWarning):
    """AUTOGRADER_SECRET is the public default, so the hidden inputs can be predicted."""


def _unit(folder: pathlib.Path) -> float:
    """UNIT = n in the folder's __init__.py (read, not imported); folders without one come last."""
    init = folder / "__init__.py"
    try:
        for node in ast.parse(init.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.Assign) and [getattr(t, "id", "") for t in node.targets] == ["UNIT"]:
                return float(ast.literal_eval(node.value))
    except (OSError, SyntaxError, ValueError):
        pass
    return float("inf")


def _discover() -> tuple[str, ...]:
    folders = [p for p in HIDDEN.iterdir() if (p / "suite.py").is_file() and p.name.isidentifier()]
    return tuple(p.name for p in sorted(folders, key=lambda p: (_unit(p), p.name)))


ASSIGNMENTS = _discover()


def assignment_folder(assignment: str) -> pathlib.Path:
    return HIDDEN / check_assignment(assignment)


def suite_path(assignment: str) -> pathlib.Path:
    return assignment_folder(assignment) / "suite.py"


_LOADED: dict[str, str] = {}


def hidden_suite_loaded(assignment: str) -> None:
    """Note the grading code's version as this process first loads the suite."""
    _LOADED.setdefault(assignment, _code_version(assignment))


def _code_version(assignment: str) -> str:
    folder = assignment_folder(assignment)
    # test_experiment.py and audit.py never grade a student
    files = [*sorted(p for p in folder.glob("*.py") if p.name not in ("test_experiment.py", "audit.py")),
             *sorted(HIDDEN.glob("*.py")), *sorted((PACKAGE / "sandbox").glob("*.py")),
             PACKAGE / "run_tests.py", PACKAGE / "student.py"]
    h = hashlib.sha256()
    for path in files:
        h.update(str(path.relative_to(PACKAGE)).encode() + b"\0" + path.read_bytes())
    return h.hexdigest()[:16]


def grading_code_version(assignment: str) -> str:
    """The hidden suite, its shared helpers and the code that runs them, as this process
    loaded them: a long-lived Dask worker keeps what it imported, whatever is on disk now."""
    hidden_suite_loaded(assignment)
    return _LOADED[assignment]


def hidden_tests(assignment: str):
    """The graded tests of an assignment (run_tests.HiddenTest), as pytest collects them."""
    from .run_tests import hidden_tests

    return hidden_tests(assignment)


def functions(assignment: str) -> dict[str, float]:
    """Graded function -> its maximum points, in suite order."""
    points: dict[str, float] = {}
    for t in hidden_tests(assignment):
        points[t.function] = points.get(t.function, 0.0) + t.points
    return points


@functools.lru_cache(maxsize=None)
def mistakes(assignment: str) -> dict:
    """Name -> hidden.Mistake, from the assignment's mistakes.py (none if it has no such file)."""
    if not (assignment_folder(assignment) / "mistakes.py").is_file():
        return {}
    return importlib.import_module(f"autograder.hidden.{assignment}.mistakes").Mistakes.all()


def mistake(assignment: str, name: str | None):
    """The named Mistake of the assignment, or None (no name, or one the table lacks)."""
    if not name or assignment not in ASSIGNMENTS:
        return None
    return mistakes(assignment).get(name)


def check_assignment(assignment: str) -> str:
    if assignment not in ASSIGNMENTS:
        raise CourseError(f"unknown assignment {assignment!r}; the assignments are: {', '.join(ASSIGNMENTS)}")
    return assignment


# -- editions ------------------------------------------------------------------------

def edition_folder(step: str, lang: str = language.DEFAULT) -> str:
    """Where an edition's notebooks live: source/ and release/ for English, source_<lang>/ and
    release_<lang>/ for another language (nbgrader_config.py points nbgrader at the course's)."""
    return step if lang == language.DEFAULT else f"{step}_{language.check(lang)}"


def course_language(root: pathlib.Path = REPO_ROOT) -> str:
    """The course's language (c.Autograder.language in its nbgrader_config.py)."""
    path = pathlib.Path(root) / "nbgrader_config.py"
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return language.DEFAULT
    return _course_language(path, text)


@functools.lru_cache(maxsize=64)
def _course_language(path: pathlib.Path, text: str) -> str:  # text: a changed file is read again
    config = nbgrader_config(path.parent)
    chosen = config.Autograder.language if "language" in config.Autograder else language.DEFAULT
    try:
        return language.check(chosen)
    except language.LanguageError as exc:
        raise CourseError(f"c.Autograder.language in {path}: {exc}") from None


def editions(root: pathlib.Path = REPO_ROOT) -> tuple[str, ...]:
    """The languages the course has instructor notebooks in."""
    return tuple(lang for lang in language.LANGUAGES if (pathlib.Path(root) / edition_folder("source", lang)).is_dir())


def edition_notebooks(assignment: str, root: pathlib.Path = REPO_ROOT) -> list[pathlib.Path]:
    """The instructor notebooks the assignment has, one per edition that has it."""
    paths = [pathlib.Path(root) / edition_folder("source", lang) / assignment / f"{assignment}.ipynb"
             for lang in editions(root)]
    return [p for p in paths if p.is_file()]


def source_notebook(assignment: str, root: pathlib.Path = REPO_ROOT, lang: str | None = None) -> pathlib.Path:
    """The instructor notebook of `lang`'s edition (default: the course's language)."""
    lang = lang or course_language(root)
    path = pathlib.Path(root) / edition_folder("source", lang) / check_assignment(assignment) / f"{assignment}.ipynb"
    if not path.is_file():
        raise CourseError(f"the instructor notebook {path} is missing: is {pathlib.Path(root).resolve()} the course "
                          "folder? (run in it, or pass --course)")
    return path


def given_files(assignment: str, root: pathlib.Path = REPO_ROOT) -> tuple[str, ...]:
    """Names of the files that travel with the assignment's notebook (visual.py, checks.py, and
    another edition's locale/), in any edition."""
    names = set()
    for lang in editions(root):
        folder = pathlib.Path(root) / edition_folder("source", lang) / assignment
        if folder.is_dir():
            names.update(p.name for p in folder.iterdir() if p.name != f"{assignment}.ipynb")
    return tuple(sorted(names))


def test_cell_id(function: str) -> str:
    """grade_id of the test cell that follows a function's solution cell."""
    return f"test_{function}"


# -- a course root ---------------------------------------------------------------

@dataclass(frozen=True)
class Layout:
    """A course root in nbgrader's layout, plus results/, the grader's own record.

    nbgrader owns submitted/, autograded/ and feedback/: `nbgrader autograde
    --force` deletes autograded/<student>/<assignment>/ whole, so the grader's
    result.json files live beside those folders, never inside them."""

    root: pathlib.Path
    submitted: pathlib.Path
    autograded: pathlib.Path
    results: pathlib.Path
    feedback: pathlib.Path
    reports: pathlib.Path
    db_url: str  # "" keeps the gradebook out of it

    @property
    def db_path(self) -> pathlib.Path | None:
        """The gradebook's file, for an SQLite URL."""
        return pathlib.Path(self.db_url.removeprefix("sqlite:///")) if self.db_url.startswith("sqlite:///") else None


def layout(root=".", *, submitted=None, autograded=None, results=None, feedback=None, reports=None,
           db_url: str | None = None) -> Layout:
    """The folders of the course at `root`; each may be given elsewhere instead."""
    root = pathlib.Path(root).resolve()

    def at(given, default):
        return pathlib.Path(given).resolve() if given is not None else root / default

    return Layout(root, at(submitted, "submitted"), at(autograded, "autograded"), at(results, "results"),
                  at(feedback, "feedback"), at(reports, "reports"),
                  f"sqlite:///{root / 'gradebook.db'}" if db_url is None else db_url)


def nbgrader_config(root: pathlib.Path):
    """The course's nbgrader_config.py as a traitlets Config (empty when there is none)."""
    from traitlets.config import Config, PyFileConfigLoader

    path = pathlib.Path(root) / "nbgrader_config.py"
    if not path.is_file():
        return Config()
    return PyFileConfigLoader(path.name, str(path.parent)).load_config()


def course_id(root: pathlib.Path) -> str:
    """The course id nbgrader's commands use for this root ("" by nbgrader's default, as there)."""
    config = nbgrader_config(root)
    return config.CourseDirectory.course_id if "course_id" in config.CourseDirectory else ""
