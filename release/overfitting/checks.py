"""Public checks: instant, plain-words feedback inside the notebooks.

    with check("relu"):
        out = relu(np.array([-2.0, 0.0, 3.0]))
        assert np.allclose(out, [0, 0, 3]), f"relu([-2, 0, 3]) should be [0, 0, 3], not {out}"

A passing block prints one line.  A failing one prints what is wrong, without
a wall of traceback, and fails the cell so that "Run All" stops there.  While
nbgrader autogrades (NBGRADER_EXECUTION=autograde) a failure only prints: the
hidden tests that follow decide the score.

nbgrader fails a graded cell that writes anything to stderr, so whenever nbgrader
runs the notebook (NBGRADER_EXECUTION is set: "validate" for the Validate button,
"autograde" for grading) the warnings of the student's code are kept off stderr:
Validate then says what the check says.
"""
import contextlib
import io
import os
import traceback
import warnings


class CheckFailed(Exception):
    """Shown by IPython as its message alone, not as a traceback."""

    def _render_traceback_(self):
        return [f"\x1b[31m{self}\x1b[0m"]


def _student_line(exc):
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename.startswith("<ipython-input") or "/ipykernel_" in frame.filename:
            return f" (in your code: {frame.line.strip()})" if frame.line else ""
    return ""


GRADING = os.environ.get("NBGRADER_EXECUTION") == "autograde"
UNDER_NBGRADER = bool(os.environ.get("NBGRADER_EXECUTION"))


@contextlib.contextmanager
def quiet_under_nbgrader():
    """Keep the student's warnings off stderr whenever nbgrader runs the notebook."""
    if not UNDER_NBGRADER:
        yield
        return
    with warnings.catch_warnings(), contextlib.redirect_stderr(io.StringIO()):
        warnings.simplefilter("ignore")
        yield


@contextlib.contextmanager
def check(name):
    try:
        with quiet_under_nbgrader():
            yield
    except NotImplementedError:
        message = f"{name}: not implemented yet. Replace `raise NotImplementedError()` with your code."
    except AssertionError as exc:
        message = f"{name}: {exc}" if str(exc) else f"{name}: a public check failed."
    except Exception as exc:  # noqa: BLE001 - any crash in student code is feedback too
        message = f"{name} raised {type(exc).__name__}: {exc}{_student_line(exc)}"
    else:
        print(f"\u2713 {name} passes the public checks.")
        return
    print(f"\u2717 {message}")
    if not GRADING:
        raise CheckFailed(message) from None
