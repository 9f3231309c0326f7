"""The words a result is made of, as enums (their values are what result.json stores).

    Kind        what happened to one test
    Status      what happened to one submission
    Visibility  who may see a test's details, and when (Gradescope's four levels)

Why a student process was stopped is sandbox.limits.Stop: the sandbox uses it too.
"""
from enum import StrEnum


class Kind(StrEnum):
    PASSED = "passed"
    FAILED = "failed"  # an assertion or a known mistake
    NOT_IMPLEMENTED = "not_implemented"  # the function still raises NotImplementedError
    MISSING = "missing"  # the notebook defines no such function
    ERROR = "error"  # the student's code raised, or its cell stopped while loading
    LIMIT = "limit"  # the student process was stopped while the test ran
    NOT_RUN = "not_run"  # there was nothing to run it on
    GRADER_ERROR = "grader_error"  # the test's own code failed: never the student's fault

    @property
    def charged(self) -> bool:
        """Whether the student loses the test's points for it."""
        return self is not Kind.GRADER_ERROR


class Status(StrEnum):
    GRADED = "graded"
    LIMIT = "limit"  # stopped by a time, memory or CPU limit
    CRASHED = "crashed"  # the student process crashed or exited
    UNREADABLE = "unreadable"  # a file, but no notebook could be read from it
    MISSING = "missing"  # no notebook at all
    GRADER_ERROR = "grader_error"  # a hidden test failed on its own: grade again once it is fixed


class Visibility(StrEnum):
    HIDDEN = "hidden"  # never shown
    AFTER_DUE_DATE = "after_due_date"
    AFTER_PUBLISHED = "after_published"
    VISIBLE = "visible"


NOTHING_GRADED = (Status.UNREADABLE, Status.MISSING)
