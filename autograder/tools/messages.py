"""Keep the translation catalogues in step with the code (`autograder messages`).

Babel extracts every message the code marks (`_()`, `N_()`, and the templates' `_()` and
`{% trans %}`) into one template per catalogue; each language's .po is updated from it,
keeping what is translated, adding new ids untranslated and dropping ids the code no longer
has; the .mo files gettext reads are compiled from the .po files.  check() is what the
project's test runs: it fails on an untranslated message, a translation whose {fields}
differ from the English, or a .mo older than its .po.
"""
from __future__ import annotations

import ast
import io
import pathlib
import re
import string
from dataclasses import dataclass

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_file
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from .. import language
from ..language import COURSE_LOCALE, LOCALE, PACKAGE, REPO_ROOT

KEYWORDS = {"_": None, "N_": None, "gettext": None, "ngettext": (1, 2)}
JINJA_OPTIONS = {"trimmed": "true", "extensions": "jinja2.ext.i18n"}
NOT_GRADING = ("test_experiment.py", "audit.py")  # never show a student anything


@dataclass(frozen=True)
class Catalogue:
    name: str
    localedir: pathlib.Path
    domain: str
    sources: tuple[pathlib.Path, ...]

    def po(self, lang: str) -> pathlib.Path:
        return self.localedir / lang / "LC_MESSAGES" / f"{self.domain}.po"

    def mo(self, lang: str) -> pathlib.Path:
        return self.po(lang).with_suffix(".mo")


def catalogues() -> list[Catalogue]:
    hidden = PACKAGE / "hidden"
    assignments = sorted(p for p in hidden.iterdir() if (p / "suite.py").is_file())
    own = [p for p in sorted(PACKAGE.rglob("*.py")) if not any(a in p.parents for a in assignments)]
    own += sorted((PACKAGE / "reports" / "templates").glob("*.j2")) + sorted((PACKAGE / "service" / "templates").glob("*.j2"))
    found = [Catalogue("autograder", LOCALE, "autograder", tuple(own))]
    for a in assignments:
        files = tuple(p for p in sorted(a.glob("*.py")) if p.name not in NOT_GRADING)
        found.append(Catalogue(a.name, a / "locale", "suite", files))
    found.append(Catalogue("course", COURSE_LOCALE, "course", (REPO_ROOT / "checks.py", REPO_ROOT / "visual.py")))
    return found


def template(cat: Catalogue) -> Catalog:
    """Every message the catalogue's sources mark, as Babel extracts them."""
    out = Catalog(project="dl-overfitting", domain=cat.domain)
    for path in cat.sources:
        method = "jinja2" if path.suffix == ".j2" else "python"
        options = JINJA_OPTIONS if method == "jinja2" else {}
        for lineno, message, comments, context in extract_from_file(method, str(path), KEYWORDS, options=options):
            out.add(message, locations=[(str(path.relative_to(REPO_ROOT)), lineno)], auto_comments=comments,
                    context=context)
        if path.name == "suite.py":
            for lineno, doc in test_docs(path):
                out.add(doc, locations=[(str(path.relative_to(REPO_ROOT)), lineno)],
                        auto_comments=["what the test checks, as feedback lists it"])
    return out


def test_docs(path: pathlib.Path):
    """(line, text) of each hidden test's docstring, as feedback shows it (run_tests.HiddenTest.doc)."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.FunctionDef) and node.name.startswith("test_") and ast.get_docstring(node):
            yield node.lineno, " ".join(ast.get_docstring(node).split())


def _read(path: pathlib.Path, lang: str) -> Catalog:
    if not path.is_file():
        return Catalog(locale=lang, project="dl-overfitting", copyright_holder="the course's authors",
                       last_translator="the course's authors", fuzzy=False)
    with path.open("rb") as f:
        return read_po(f, locale=lang)


def _mo_bytes(catalog: Catalog) -> bytes:
    buf = io.BytesIO()
    write_mo(buf, catalog)
    return buf.getvalue()


def _po_bytes(catalog: Catalog) -> bytes:
    buf = io.BytesIO()
    write_po(buf, catalog, width=100, omit_header=False, include_lineno=False, ignore_obsolete=True)
    return buf.getvalue()


def update(only: str | None = None, languages=None) -> list[pathlib.Path]:
    """Bring every (or the `only` named) catalogue's .po up to date and compile its .mo."""
    written = []
    for cat in catalogues():
        if only and cat.name != only:
            continue
        tmpl = template(cat)
        for lang in languages or [k for k in language.LANGUAGES if k != language.DEFAULT]:
            catalog = _read(cat.po(lang), lang)
            created = catalog.creation_date if cat.po(lang).is_file() else tmpl.creation_date
            catalog.update(tmpl, no_fuzzy_matching=True)
            catalog.creation_date = created  # a header that changes on every run would churn the diffs
            cat.po(lang).parent.mkdir(parents=True, exist_ok=True)
            cat.po(lang).write_bytes(_po_bytes(catalog))
            cat.mo(lang).write_bytes(_mo_bytes(_read(cat.po(lang), lang)))
            written += [cat.po(lang), cat.mo(lang)]
    return written


_PERCENT = re.compile(r"%\((\w+)\)s")


def fields(text: str) -> set[str]:
    """The {fields} (and the templates' %(fields)s) a message fills in."""
    try:
        names = {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    except ValueError:  # a lone brace: not a format string
        names = set()
    return names | set(_PERCENT.findall(text))


def _forms(text) -> tuple[str, ...]:
    """A message's text, or its singular and plural forms."""
    return tuple(text) if isinstance(text, (tuple, list)) else (text,)


def _fields(text) -> set[str]:
    return set().union(*(fields(form) for form in _forms(text)))


def problems(languages=None) -> list[str]:
    """What keeps a language from being complete: each line names the catalogue and the message."""
    found = []
    for cat in catalogues():
        tmpl = template(cat)
        for lang in languages or [k for k in language.LANGUAGES if k != language.DEFAULT]:
            where = cat.po(lang).relative_to(REPO_ROOT)
            if not cat.po(lang).is_file():
                found.append(f"{where}: missing (run `autograder messages`)")
                continue
            catalog = _read(cat.po(lang), lang)
            for m in tmpl:
                if not m.id:
                    continue
                t = catalog.get(m.id, context=m.context)
                if t is None or not all(_forms(t.string)) or t.fuzzy:
                    found.append(f"{where}: untranslated: {m.id!r}")
                elif _fields(m.id) != _fields(t.string):
                    found.append(f"{where}: the translation of {m.id!r} fills in {sorted(_fields(t.string))}, "
                                 f"the English {sorted(_fields(m.id))}")
            if not cat.mo(lang).is_file() or cat.mo(lang).read_bytes() != _mo_bytes(catalog):
                found.append(f"{cat.mo(lang).relative_to(REPO_ROOT)}: not compiled from its .po "
                             "(run `autograder messages`)")
    return found
