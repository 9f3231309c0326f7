"""Lets stock `nbgrader autograde` grade with the hidden suites.

The hidden part of each test cell calls hidden_points(); the cell's value is
the points earned, which nbgrader reads as partial credit.  This runs in the
notebook's own kernel, with none of the grader's isolation: it is there so
that an instructor who prefers nbgrader's own pipeline gets the same totals
on honest submissions (see docs/threat-model.md).
"""
import contextlib
import io
import json
import os
import pathlib
import warnings

from .. import language
from ..kinds import Kind
from ..run_tests import run_suite
from ..student import local_student


def _student_id() -> str:
    """nbgrader autogrades each notebook in autograded/<student>/<assignment>/."""
    return pathlib.Path.cwd().parent.name if os.environ.get("NBGRADER_EXECUTION") == "autograde" else ""


def _language(assignment: str) -> str | None:
    """The edition of the notebook nbgrader is autograding (the kernel runs in its folder), so that
    the feedback speaks its language; None (the language in force) when it cannot be read."""
    try:
        nb = json.loads((pathlib.Path.cwd() / f"{assignment}.ipynb").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return language.of_notebook(nb, default=language.active())


def hidden_points(assignment: str, function: str, namespace: dict) -> float:
    student, _ = local_student(namespace=namespace)
    lang = _language(assignment)
    # nbgrader scores a test cell 0 if anything reached stderr: keep the
    # student's warnings (and TensorFlow's) out of it, down to the file descriptor.
    saved = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        with warnings.catch_warnings(), contextlib.redirect_stderr(io.StringIO()):
            warnings.simplefilter("ignore")
            outcomes = run_suite(assignment, student, only_function=function, student_id=_student_id(),
                                 language=lang)
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)
    for o in outcomes:
        if not o.passed:
            print(f"\u2717 {o.description}: {o.message}")
    broken = [o for o in outcomes if o.kind is Kind.GRADER_ERROR]
    if broken:
        # A failing cell, not a quiet zero: the grader's bug must show in the formgrader.
        raise GraderError(f"{len(broken)} hidden test(s) of {function} failed on their own, not because of the "
                          f"student's code: {broken[0].message}")
    return sum(o.score for o in outcomes)


class GraderError(RuntimeError):
    """A hidden test's own bug, met while stock nbgrader grades."""
