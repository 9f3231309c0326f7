"""Where things live in a course, and what each assignment grades.

The course root holds source/<assignment>/<assignment>.ipynb (the instructor's
notebooks) and nbgrader's other folders.  What an assignment grades, and how
many points each function is worth, comes from its hidden suite in
autograder/hidden/test_<assignment>.py: the suite is the one place that says it.
"""
from __future__ import annotations

import functools
import hashlib
import importlib
import inspect
import pathlib
from dataclasses import dataclass

REPO_ROOT = pathlib.Path(__file__).resolve().parent.parent
ASSIGNMENTS = ("weight_init", "overfitting", "regularization", "dropout", "batchnorm", "universal_approximation")


class CourseError(ValueError):
    """Bad input from the instructor: an unknown assignment, a missing folder."""


class SecretWarning(UserWarning):
    """AUTOGRADER_SECRET is the public default, so the hidden inputs can be predicted."""


@dataclass(frozen=True)
class HiddenTest:
    name: str
    function: str
    points: float
    visibility: str
    run: object  # the test function itself, called with the `student` fixture

    @property
    def module(self) -> str:
        return self.run.__module__

    @property
    def doc(self) -> str:
        return inspect.getdoc(self.run) or self.name.removeprefix("test_").replace("_", " ")


def hidden_suite_module(assignment: str):
    check_assignment(assignment)
    module = importlib.import_module(f"autograder.hidden.test_{assignment}")
    _LOADED.setdefault(assignment, _code_version(assignment))
    return module


_LOADED: dict[str, str] = {}
PACKAGE = pathlib.Path(__file__).resolve().parent


def _code_version(assignment: str) -> str:
    hidden = PACKAGE / "hidden"
    files = [hidden / f"test_{assignment}.py", *sorted(p for p in hidden.glob("*.py") if not p.name.startswith("test_")),
             *sorted((PACKAGE / "sandbox").glob("*.py")), PACKAGE / "run_tests.py", PACKAGE / "student.py"]
    h = hashlib.sha256()
    for path in files:
        h.update(path.name.encode() + b"\0" + path.read_bytes())
    return h.hexdigest()[:16]


def grading_code_version(assignment: str) -> str:
    """The hidden suite, its shared helpers and the code that runs them, as this process
    loaded them: a long-lived Dask worker keeps what it imported, whatever is on disk now."""
    hidden_suite_module(assignment)
    return _LOADED[assignment]


@functools.lru_cache(maxsize=None)
def hidden_tests(assignment: str) -> tuple[HiddenTest, ...]:
    """The graded tests of an assignment, in the order the suite defines them."""
    module = hidden_suite_module(assignment)
    found = []
    for name, fn in vars(module).items():
        if not (name.startswith("test_") and callable(fn)):
            continue
        marks = [m for m in getattr(fn, "pytestmark", []) if m.name == "graded"]
        if not marks:
            raise CourseError(f"{module.__name__}.{name} has no @graded(...) marker")
        kw = marks[0].kwargs
        found.append(HiddenTest(name, kw["function"], float(kw["points"]), kw["visibility"], fn))
    found.sort(key=lambda t: t.run.__code__.co_firstlineno)
    return tuple(found)


def functions(assignment: str) -> dict[str, float]:
    """Graded function -> its maximum points, in suite order."""
    points: dict[str, float] = {}
    for t in hidden_tests(assignment):
        points[t.function] = points.get(t.function, 0.0) + t.points
    return points


def check_assignment(assignment: str) -> str:
    if assignment not in ASSIGNMENTS:
        raise CourseError(f"unknown assignment {assignment!r}; the assignments are: {', '.join(ASSIGNMENTS)}")
    return assignment


def source_notebook(assignment: str, root: pathlib.Path = REPO_ROOT) -> pathlib.Path:
    path = pathlib.Path(root) / "source" / check_assignment(assignment) / f"{assignment}.ipynb"
    if not path.is_file():
        raise CourseError(f"the instructor notebook {path} is missing: is {pathlib.Path(root).resolve()} the course "
                          "folder? (run in it, or pass --course)")
    return path


def given_files(assignment: str, root: pathlib.Path = REPO_ROOT) -> tuple[str, ...]:
    """Names of the files that travel with the assignment's notebook (visual.py, checks.py)."""
    folder = pathlib.Path(root) / "source" / assignment
    return tuple(sorted(p.name for p in folder.iterdir() if p.name != f"{assignment}.ipynb")) if folder.is_dir() else ()


def test_cell_id(function: str) -> str:
    """grade_id of the test cell that follows a function's solution cell."""
    return f"test_{function}"


# -- a course root ---------------------------------------------------------------

@dataclass(frozen=True)
class Layout:
    """A course root in nbgrader's layout, plus results/, the grader's own record.

    nbgrader owns submitted/, autograded/ and feedback/: `nbgrader autograde
    --force` deletes autograded/<student>/<assignment>/ whole, so the grader's
    results.json files live beside those folders, never inside them."""

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
