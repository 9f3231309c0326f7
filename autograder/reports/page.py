"""The templates every report page is rendered with, and writing a page out.

Pages are Jinja2 templates (templates/) rendered with autoescaping on, so text
that came from a submission (test messages carry student output and exception
text) can only ever be text; the one fragment marked safe is a grader's
comment, which markdown() renders with raw HTML off.  The page's
Content-Security-Policy (templates/base.html.j2) forbids scripts and any fetch,
as a second line of defence and a guarantee that the page reads offline.

The templates' own sentences go through gettext (`_()`, `{% trans %}`), with
the grader's catalogues (autograder.language): a page is rendered in the
language it is for, and its <html lang> says which.
"""
from __future__ import annotations

import functools
import pathlib

from jinja2 import ChoiceLoader, Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from .. import language, record
from . import ReportError


def markdown(text: str) -> Markup:
    """A grader's comment (the formgrader takes Markdown) as markup; raw HTML in it stays text."""
    from markdown_it import MarkdownIt

    return Markup(MarkdownIt("commonmark", {"html": False}).render(text))


def percent(part: float, whole: float) -> str:
    return f"{100 * part / whole:.0f}%" if whole else "–"


def points(x: float) -> str:
    return f"{x:g}"


@functools.lru_cache(maxsize=None)
def _environment(lang: str, package: str = "autograder.reports") -> Environment:
    loaders = [PackageLoader(name, "templates") for name in dict.fromkeys((package, "autograder.reports"))]
    env = Environment(loader=ChoiceLoader(loaders), autoescape=True,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
                      extensions=["jinja2.ext.i18n"])
    env.install_gettext_translations(language.translations(lang), newstyle=True)
    env.policies["ext.i18n.trimmed"] = True  # a sentence may span lines in a template, never in a catalogue
    env.filters.update(markdown=markdown, points=points)
    env.globals.update(percent=percent)
    return env


def render(template: str, lang: str | None = None, *, package: str = "autograder.reports", **context) -> str:
    """The page in `lang` (default: the language in force, autograder.language); a template is
    looked for in `package`'s templates/ first (the service's pages extend the reports' base)."""
    lang = lang or language.active()
    return _environment(lang, package).get_template(template).render(lang=lang, **context)


def write_page(path: pathlib.Path, text: str) -> pathlib.Path:
    """Write atomically (record.atomic_write), turning a file-system error into one clear line."""
    try:
        record.atomic_write(path, text)
    except OSError as exc:
        raise ReportError(f"cannot write {path}: {exc.strerror or exc}") from exc
    return path
