"""Public checks: instant, plain-words feedback inside the notebooks.

    with check("relu"):
        out = relu(np.array([-2.0, 0.0, 3.0]))
        assert np.allclose(out, [0, 0, 3]), f"relu([-2, 0, 3]) should be [0, 0, 3], not {out}"

A passing block prints one line.  A failing one prints what is wrong, without
a wall of traceback, and fails the cell so that "Run All" stops there.  While
nbgrader autogrades (NBGRADER_EXECUTION=autograde) a failure only prints: the
hidden tests that follow decide the score.

The Korean edition's first cell calls speak("ko"): from then on this module and
visual.py answer from the gettext catalogue in locale/ko/ beside this file, which
is released with the notebook.  English needs no catalogue.

nbgrader fails a graded cell that writes anything to stderr, so whenever nbgrader
runs the notebook (NBGRADER_EXECUTION is set: "validate" for the Validate button,
"autograde" for grading) the warnings of the student's code are kept off stderr:
Validate then says what the check says.
"""
import contextlib
import gettext
import io
import os
import pathlib
import traceback
import warnings

_LOCALE = pathlib.Path(__file__).resolve().parent / "locale"
_speech = gettext.NullTranslations()


def speak(language):
    """Answer in `language` ("en", "ko") from now on."""
    global _speech
    if language == "en":
        _speech = gettext.NullTranslations()
        return
    found = gettext.translation("course", _LOCALE, [language], fallback=True)
    if not isinstance(found, gettext.GNUTranslations):
        warnings.warn(f"no {language!r} messages beside checks.py ({_LOCALE}); answering in English", stacklevel=2)
    _speech = found


def _(message, /, **values):
    """`message` in the language spoken, with `values` filled into its {fields}."""
    text = _speech.gettext(message)
    return text.format(**values) if values else text


class CheckFailed(Exception):
    """Shown by IPython as its message alone, not as a traceback."""

    def _render_traceback_(self):
        return [f"\x1b[31m{self}\x1b[0m"]


def _student_line(exc):
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename.startswith("<ipython-input") or "/ipykernel_" in frame.filename:
            return _(" (in your code: {line})", line=frame.line.strip()) if frame.line else ""
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
        message = _("{name}: not implemented yet. Replace `raise NotImplementedError()` with your code.", name=name)
    except AssertionError as exc:
        message = f"{name}: {exc}" if str(exc) else _("{name}: a public check failed.", name=name)
    except Exception as exc:  # noqa: BLE001 - any crash in student code is feedback too
        message = _("{name} raised {error}: {text}{where}", name=name, error=type(exc).__name__, text=exc,
                    where=_student_line(exc))
    else:
        print("\u2713 " + _("{name} passes the public checks.", name=name))
        return
    print(f"\u2717 {message}")
    if not GRADING:
        raise CheckFailed(message) from None
