"""Hidden grading suites, one module per assignment: test_<assignment>.py.

Each test is a plain pytest function that takes the `student` fixture (see
autograder.student) and carries its points and graded function:

    @graded("relu", points=1)
    def test_relu_keeps_positive_values(student):
        ...
        assert np.allclose(out, want), "relu should ..."

Draw random inputs from `rng` (imported from here): the runner seeds it for
each test from AUTOGRADER_SECRET, the assignment and the test's name, so the
inputs are unguessable without the secret yet the same on every regrade and
under stock nbgrader.  A failed assert's message is what the student reads, so it says what was
expected without revealing the hidden inputs' answers.  Raise KnownMistake
when a failure matches a mistake students often make: feedback and class
reports name it.  Run a suite by hand against a notebook with
    pytest autograder/hidden/test_weight_init.py --notebook source/weight_init/weight_init.ipynb
"""
import hashlib
import os
import threading

import numpy as np
import pytest

from ..kinds import Visibility

def graded(function: str, points: float = 1, visibility: str = Visibility.AFTER_PUBLISHED):
    """Mark a test as worth `points` of `function`'s grade."""
    if visibility not in tuple(Visibility):
        raise ValueError(f"visibility must be one of {', '.join(Visibility)}")
    return pytest.mark.graded(function=function, points=points, visibility=Visibility(visibility))


def as_array(value, what: str, verb: str = "return"):
    """A student's result as a float array, or a failure that says what was expected."""
    try:
        return np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise AssertionError(f"{what} should {verb} a NumPy array of numbers") from None


class KnownMistake(AssertionError):
    """A failure that matches a common mistake; `mistake` is its short name."""

    def __init__(self, mistake: str, message: str):
        super().__init__(message)
        self.mistake = mistake


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


def _digest(*parts: str) -> bytes:
    return hashlib.sha256("\0".join((SECRET, *parts)).encode()).digest()


def seed_tests(*parts: str):
    _TestRandom._local.gen = np.random.default_rng(int.from_bytes(_digest(*parts)[:16], "little"))


def student_seed(assignment: str, test: str, student_id: str) -> int:
    """The seed of the student process's own generators for one test: a student's randomness
    repeats on every regrade, yet differs between tests and between students."""
    return int.from_bytes(_digest("student process", assignment, test, student_id)[:8], "little") >> 1
