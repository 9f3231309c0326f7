"""Everything about grading one assignment that students never see: one folder per assignment.

    autograder/hidden/<assignment>/
        __init__.py         its title, and UNIT: where it comes in the course
        suite.py            the hidden pytest suite
        mistakes.py         the mistakes students often make, in plain words
        variants/           right and wrong solutions the project's tests grade
        test_experiment.py  what the notebook's experiment must show (the project's tests run it)

A suite is plain pytest: tests take the `student` fixture (see autograder.student)
and say which function they grade and what they are worth with @graded.  Fixtures,
parametrize and conftest.py work as in any pytest suite (each parametrized case is
a test worth its points):

    @graded("relu", points=1)
    def test_relu_keeps_positive_values(student):
        x = rng.normal(size=(4, 5))
        assert np.allclose(student.relu(x), np.maximum(x, 0)), "relu should keep positive values"

A failed assert's message is what the student reads: say what was expected without
revealing the hidden inputs' answers.  Write it with `_()`, a field for each value,
so that it is translated (autograder.language):
    assert out.shape == x.shape, _("relu should keep the shape {shape}", shape=x.shape)
A Mistake's title and explanation are marked with N_(); a test's docstring, which
feedback lists, is translated as it is.  Raise a Mistake from the assignment's table
when a failure matches a mistake students often make; feedback and class reports
explain it.  Any other exception is the grader's own error: never charged to the
student, and `autograder grade` stops with a non-zero exit.

Draw random inputs from `rng`: it is seeded for each test from AUTOGRADER_SECRET,
the assignment and the test's name, so inputs are unguessable without the secret yet
the same on every regrade.  Run a suite by hand against one notebook with
    pytest autograder/hidden/weight_init/suite.py --notebook source/weight_init/weight_init.ipynb
"""
from __future__ import annotations

import hashlib
import os
import threading
from dataclasses import dataclass

import numpy as np
import pytest

from ..kinds import Visibility
from ..language import N_, _  # noqa: F401 - the suites' translation functions


def graded(function: str, points: float = 1, visibility: str = Visibility.AFTER_PUBLISHED):
    """Mark a test as worth `points` of `function`'s grade."""
    if visibility not in tuple(Visibility):
        raise ValueError(f"visibility must be one of {', '.join(Visibility)}")
    if not (isinstance(points, (int, float)) and points >= 0):
        raise ValueError(f"points must be a number >= 0, not {points!r}")
    return pytest.mark.graded(function=function, points=float(points), visibility=Visibility(visibility))


def as_array(value, what: str, verb: str = "return"):
    """A student's result as a float array, or a failure that says what was expected."""
    try:
        return np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        if verb == "be":
            raise AssertionError(_("{what} should be a NumPy array of numbers", what=what)) from None
        raise AssertionError(_("{what} should return a NumPy array of numbers", what=what)) from None


# -- known mistakes ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Mistake:
    """A mistake students often make.  The title says what is wrong in the student's code;
    the explanation says why it matters and where to look, without the solution.  Its
    name is the attribute it is declared as, in a MistakeTable."""

    title: str
    explanation: str
    name: str = ""

    def __set_name__(self, owner, name):
        object.__setattr__(self, "name", name)

    def __call__(self, message: str) -> "KnownMistake":
        """The failure to raise when a test sees this mistake: `message` says what it saw."""
        return KnownMistake(self, message)


class MistakeTable:
    """An assignment's mistakes (mistakes.py: `class Mistakes(MistakeTable)`), declared once."""

    @classmethod
    def all(cls) -> dict[str, Mistake]:
        found: dict[str, Mistake] = {}
        for klass in reversed(cls.__mro__):
            found.update((m.name, m) for m in vars(klass).values() if isinstance(m, Mistake))
        return found


class KnownMistake(AssertionError):
    """A failure that matches a known Mistake."""

    def __init__(self, mistake: Mistake, message: str):
        if not isinstance(mistake, Mistake):
            raise TypeError(f"KnownMistake takes a Mistake from the assignment's table, not {mistake!r}")
        super().__init__(message)
        self.mistake = mistake


# -- the audit (autograder.audit) -----------------------------------------------------------------

@dataclass(frozen=True)
class Accepted:
    """Mutants of the reference that are right answers too, because the task leaves that detail
    to the student (declared in the assignment's audit.py, as ACCEPTED = [...]).  A mutant is
    accepted when it changes a line of the reference containing `line` into one containing
    `becomes` (any change of that line, if `becomes` is empty).  `reason` says where the task
    leaves it open."""

    function: str
    line: str
    reason: str
    becomes: str = ""

    def covers(self, function: str, diff: str) -> bool:
        removed = [d[1:] for d in diff.splitlines() if d.startswith("-") and not d.startswith("---")]
        added = [d[1:] for d in diff.splitlines() if d.startswith("+") and not d.startswith("+++")]
        return (function == self.function and any(self.line in r for r in removed)
                and (not self.becomes or any(self.becomes in a for a in added)))


# -- randomness ----------------------------------------------------------------------------------

DEFAULT_SECRET = "dl-overfitting: change me each term"  # public: it makes the hidden inputs predictable
SECRET = os.environ.get("AUTOGRADER_SECRET", DEFAULT_SECRET)


class _TestRandom:
    """A numpy Generator per thread, reseeded by the runner before each test."""

    _local = threading.local()

    def __getattr__(self, name):
        gen = getattr(self._local, "gen", None)
        if gen is None:  # a suite run by hand with plain pytest: fresh entropy
            gen = self._local.gen = np.random.default_rng()
        return getattr(gen, name)


rng = _TestRandom()


def use_secret(secret: str):
    """Seed from `secret` from now on (the grader sets the course's before it grades)."""
    global SECRET
    SECRET = secret


def _digest(*parts: str) -> bytes:
    return hashlib.sha256("\0".join((SECRET, *parts)).encode()).digest()


def seed_tests(assignment: str, test: str, draw: int | None = None):
    """Seed the test's `rng`.  Another `draw` gives another set of inputs from the same
    distributions (the audit samples many to tell an equivalent mutant from one that survived)."""
    salt = () if draw is None else ("another draw", str(draw))
    _TestRandom._local.gen = np.random.default_rng(int.from_bytes(_digest(assignment, test, *salt)[:16], "little"))


def student_seed(assignment: str, test: str, student_id: str) -> int:
    """The seed of the student process's own generators for one test: a student's randomness
    repeats on every regrade, yet differs between tests and between students."""
    return int.from_bytes(_digest("student process", assignment, test, student_id)[:8], "little") >> 1
