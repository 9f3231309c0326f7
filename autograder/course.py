"""Where things live in a course, and what each assignment grades.

The course root holds source/<assignment>/<assignment>.ipynb (the instructor's
notebooks) and nbgrader's other folders.  What an assignment grades, and how
many points each function is worth, comes from its hidden suite in
autograder/hidden/test_<assignment>.py: the suite is the one place that says it.
"""
from __future__ import annotations

import functools
import importlib
import inspect
import pathlib
from dataclasses import dataclass

REPO_ROOT = pathlib.Path(__file__).resolve().parent.parent
ASSIGNMENTS = ("weight_init", "overfitting", "regularization", "dropout", "batchnorm", "universal_approximation")


class CourseError(ValueError):
    """Bad input from the instructor: an unknown assignment, a missing folder."""


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
    return importlib.import_module(f"autograder.hidden.test_{assignment}")


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
        raise CourseError(f"the instructor notebook {path} is missing")
    return path


def test_cell_id(function: str) -> str:
    """grade_id of the test cell that follows a function's solution cell."""
    return f"test_{function}"
