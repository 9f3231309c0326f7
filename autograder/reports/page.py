"""Safe HTML building and the shell every report page shares.

Pages are assembled from `Html` values only: `tag()` escapes every child and
attribute that is not already `Html`, so text that came from a submission
(test messages carry student output and exception text) can only ever be
text.  The page's Content-Security-Policy forbids scripts and any fetch, as a
second line of defence and a guarantee that the page reads offline.
"""
from __future__ import annotations

import html
import pathlib
from collections.abc import Iterable

from .. import record
from . import ReportError


class Html(str):
    """Markup that is safe to insert as it is."""


def esc(value) -> Html:
    return value if isinstance(value, Html) else Html(html.escape(str(value), quote=True))


def join(parts: Iterable) -> Html:
    return Html("".join(esc(p) for p in parts))


def separated(separator: str, parts: Iterable) -> Html:
    return Html(esc(separator).join(esc(p) for p in parts))


def markdown(text: str) -> Html:
    """A grader's comment (the formgrader takes Markdown) as markup; raw HTML in it stays text."""
    from markdown_it import MarkdownIt

    return Html(MarkdownIt("commonmark", {"html": False}).render(text))


def tag(name: str, *children, **attrs) -> Html:
    """<name attrs>children</name>; `class_` gives the class attribute, None drops an attribute."""
    rendered = "".join(f' {k.rstrip("_").replace("_", "-")}="{esc(v)}"' for k, v in attrs.items() if v is not None)
    return Html(f"<{name}{rendered}>{join(children)}</{name}>")


CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"

CSS = """
:root { --ink: #1f2328; --muted: #59636e; --line: #d1d9e0; --soft: #f6f8fa;
        --good: #1a7f37; --good-bg: #dafbe1; --bad: #cf222e; --bad-bg: #ffebe9;
        --warn: #9a6700; --warn-bg: #fff8c5; --info: #0969da; --info-bg: #ddf4ff; }
* { box-sizing: border-box; }
body { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif;
       color: var(--ink); background: #fff; margin: 0; }
main { max-width: 60rem; margin: 0 auto; padding: 1.5rem 1.25rem 3rem; }
h1 { font-size: 1.6rem; margin: 0 0 .25rem; }
h2 { font-size: 1.25rem; margin: 2rem 0 .5rem; padding-bottom: .25rem; border-bottom: 1px solid var(--line); }
h3 { font-size: 1.05rem; margin: 1.25rem 0 .5rem; }
p { margin: .4rem 0; }
.muted { color: var(--muted); }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .9em; }
pre { white-space: pre-wrap; overflow-wrap: anywhere; background: var(--soft); border-radius: 6px;
      padding: .5rem .75rem; margin: .4rem 0; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; font-size: .95rem; }
th, td { text-align: left; vertical-align: top; padding: .35rem .5rem; border-bottom: 1px solid var(--line); }
th { background: var(--soft); font-weight: 600; }
td pre { margin: 0; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.badge { display: inline-block; padding: 0 .5rem; border-radius: 1rem; font-size: .8rem; font-weight: 600;
         white-space: nowrap; }
.badge.passed { color: var(--good); background: var(--good-bg); }
.badge.failed, .badge.error, .badge.missing { color: var(--bad); background: var(--bad-bg); }
.badge.not_implemented, .badge.limit, .badge.withheld { color: var(--warn); background: var(--warn-bg); }
.note { border-left: 4px solid var(--info); background: var(--info-bg); padding: .5rem .75rem;
        border-radius: 0 6px 6px 0; margin: .75rem 0; }
.note.warn { border-color: var(--warn); background: var(--warn-bg); }
.note.bad { border-color: var(--bad); background: var(--bad-bg); }
.score { font-size: 1.1rem; font-weight: 600; }
.bar { height: .5rem; background: var(--soft); border-radius: .25rem; overflow: hidden; margin: .25rem 0 .75rem; }
.bar > span { display: block; height: 100%; background: var(--good); }
.test { border: 1px solid var(--line); border-radius: 6px; padding: .5rem .75rem; margin: .5rem 0; }
.test .head { display: flex; gap: .75rem; align-items: baseline; justify-content: space-between; }
.note p { display: inline; margin: 0; }
.answer { white-space: pre-wrap; overflow-wrap: anywhere; margin: .4rem 0; padding: .4rem .6rem;
          border-left: 3px solid var(--line); }
.mistake { margin-top: .4rem; padding: .4rem .6rem; border-radius: 6px; background: var(--warn-bg); }
.wide { overflow-x: auto; }
summary { white-space: nowrap; cursor: pointer; }
.plot { display: block; max-width: 100%; height: auto; margin: .5rem 0; }
.cards { display: flex; flex-wrap: wrap; gap: .75rem; margin: .75rem 0; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: .5rem .9rem; min-width: 8rem; }
.card b { display: block; font-size: 1.4rem; }
footer { margin-top: 2.5rem; font-size: .85rem; color: var(--muted); }
@media print { .test, .card { break-inside: avoid; } }
"""


def document(title: str, body: Html) -> str:
    return ("<!DOCTYPE html>\n" + tag(
        "html",
        tag("head",
            Html('<meta charset="utf-8">'),
            Html(f'<meta http-equiv="Content-Security-Policy" content="{esc(CSP)}">'),
            Html('<meta name="viewport" content="width=device-width, initial-scale=1">'),
            tag("title", title),
            tag("style", Html(CSS))),
        tag("body", tag("main", body)),
        lang="en") + "\n")


def percent(part: float, whole: float) -> str:
    return f"{100 * part / whole:.0f}%" if whole else "–"


def points(x: float) -> str:
    return f"{x:g}"


def write_page(path: pathlib.Path, text: str) -> pathlib.Path:
    """Write atomically (record.atomic_write), turning a file-system error into one clear line."""
    try:
        record.atomic_write(path, text)
    except OSError as exc:
        raise ReportError(f"cannot write {path}: {exc.strerror or exc}") from exc
    return path
