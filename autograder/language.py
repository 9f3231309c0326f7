"""The languages the course speaks: every sentence a student reads goes through gettext.

English is written in the code and is the default; every other language is a set of
standard gettext catalogues, each kept beside what it translates:

    autograder/locale/<lang>/LC_MESSAGES/autograder.po          the grader's messages and pages
    autograder/hidden/<a>/locale/<lang>/LC_MESSAGES/suite.po    one assignment's tests and mistakes
    locale/<lang>/LC_MESSAGES/course.po                         what checks.py and visual.py print
                                                                in the student's notebook

The .po files are what a translator edits; `autograder messages` (tools/messages.py) adds
new message ids to them with Babel and compiles the .mo files that gettext reads.  A third
language is one more set of catalogues and an entry in LANGUAGES, not code.

In code, a sentence with values is one message with named fields, so that a translation
may put them in any order:

    assert out.shape == x.shape, _("sigmoid should return shape {want}, not {got}", want=x.shape, got=out.shape)

A sentence declared before any language is known (a Mistake's title) is marked with N_()
and translated where it is shown.  The language in force is a context variable: the
grader sets it to the language of the edition each submission came from (of_notebook),
so one class may mix editions.
"""
from __future__ import annotations

import contextlib
import contextvars
import functools
import gettext
import pathlib

LANGUAGES = {"en": "English", "ko": "한국어"}
DEFAULT = "en"

PACKAGE = pathlib.Path(__file__).resolve().parent
REPO_ROOT = PACKAGE.parent
LOCALE = PACKAGE / "locale"
COURSE_LOCALE = REPO_ROOT / "locale"  # checks.py's and visual.py's: released with the notebooks

_active: contextvars.ContextVar[str] = contextvars.ContextVar("language", default=DEFAULT)


class LanguageError(ValueError):
    """A language the course has no catalogues for."""


def check(language: str) -> str:
    if language not in LANGUAGES:
        raise LanguageError(f"unknown language {language!r}; the course speaks: "
                            + ", ".join(f"{k} ({v})" for k, v in LANGUAGES.items()))
    return language


def catalogues() -> list[tuple[pathlib.Path, str]]:
    """(locale folder, domain) of every catalogue the grader reads, its own first."""
    found = [(LOCALE, "autograder")]
    found += [(p, "suite") for p in sorted((PACKAGE / "hidden").glob("*/locale"))]
    return found


@functools.lru_cache(maxsize=None)
def translations(language: str) -> gettext.NullTranslations:
    """All of the grader's catalogues for `language`, as one gettext translation."""
    check(language)
    merged = gettext.NullTranslations()
    if language == DEFAULT:
        return merged
    for localedir, domain in reversed(catalogues()):
        found = gettext.translation(domain, localedir, [language], fallback=True)
        found.add_fallback(merged)
        merged = found
    return merged


def active() -> str:
    return _active.get()


@contextlib.contextmanager
def using(language: str | None):
    """Speak `language` (None: keep the current one) inside the block, in this thread only."""
    if language is None:
        yield
        return
    token = _active.set(check(language))
    try:
        yield
    finally:
        _active.reset(token)


def _(message: str, /, **values) -> str:
    """`message` in the language in force, with `values` filled into its {fields}."""
    text = translations(_active.get()).gettext(message)
    return text.format(**values) if values else text


def N_(message: str) -> str:
    """Mark a message for the catalogues without translating it yet."""
    return message


def translate(message: str, language: str | None = None) -> str:
    """An English message (a Mistake's title, say) in `language` (default: the one in force)."""
    return translations(language or _active.get()).gettext(message) if message else message


def of_notebook(nb, default: str = DEFAULT) -> str:
    """The language of the edition a notebook came from: its metadata's autograder.language
    (every edition's notebooks carry it), `default` when it has none or an unknown one.  A
    student may edit it; it only chooses the words of the answer."""
    meta = nb.get("metadata") if isinstance(nb, dict) else None
    tool = meta.get("autograder") if isinstance(meta, dict) else None
    wanted = tool.get("language") if isinstance(tool, dict) else None
    return wanted if isinstance(wanted, str) and wanted in LANGUAGES else default
