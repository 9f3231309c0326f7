"""The class report: one self-contained HTML page per assignment, for the instructor.

It shows how the class did (score distribution, pass rates per function and
per test), what went wrong most often (known mistakes by name, then the most
common failure messages no known mistake explains: candidates for a new
KnownMistake), which submissions hit time or memory limits or raised errors,
and which ones need an instructor's look: crashes, unreadable files and
suspected tampering (the reader's `tampering` notes, and problems or test
messages that speak of patching, overriding or edited read-only cells).

summarise() turns results into plain data (ClassSummary); render_class_report()
draws it with templates/class_report.html.j2.  Charts are PNGs embedded in the page, so it
reads offline.
"""
from __future__ import annotations

import pathlib
import re
import statistics
import textwrap
from collections import Counter
from dataclasses import dataclass, field

from .. import course
from ..kinds import Kind, Status
from ..language import _, translate
from ..score import SubmissionResult
from . import plots
from .page import render, write_page

KINDS = tuple(Kind)
TROUBLE_KINDS = (Kind.LIMIT, Kind.ERROR)
TOP_MESSAGES = 15
LABEL_CHARS = 36
NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?", re.I)


@dataclass
class FunctionRow:
    name: str
    possible: float
    full_marks: int = 0
    earned: float = 0.0  # summed over the class


@dataclass
class TestRow:
    name: str
    function: str
    description: str
    visibility: str
    max_score: float
    kinds: Counter = field(default_factory=Counter)

    @property
    def runs(self) -> int:
        return sum(self.kinds.values())


@dataclass
class MistakeRow:
    name: str
    students: set[str] = field(default_factory=set)
    tests: set[str] = field(default_factory=set)


@dataclass
class MessageRow:
    function: str
    pattern: str  # the message with its numbers replaced by '#'
    students: set[str] = field(default_factory=set)


@dataclass
class Trouble:
    student_id: str
    status: str
    kinds: Counter
    message: str


@dataclass
class Flag:
    student_id: str
    reasons: list[str]


@dataclass
class ClassSummary:
    assignment: str
    scores: dict[str, float]  # student -> points
    max_score: float
    late: int
    awaiting_manual: int  # submissions with a written answer no grader has scored
    functions: list[FunctionRow]
    tests: list[TestRow]
    mistakes: list[MistakeRow]  # most common first
    messages: list[MessageRow]  # most common first
    trouble: list[Trouble]
    flags: list[Flag]
    grader_errors: list["GraderErrorRow"] = field(default_factory=list)


def _pattern(message: str) -> str:
    return " ".join(NUMBER.sub("#", message).split())[:300]


def _trouble(r: SubmissionResult) -> Trouble | None:
    bad = sorted((t for t in r.tests if t.kind in TROUBLE_KINDS), key=lambda t: TROUBLE_KINDS.index(t.kind))
    if r.status in (Status.GRADED, Status.GRADER_ERROR) and not bad:
        return None
    message = bad[0].message if bad else next(iter(r.problems), "")
    return Trouble(r.student_id, r.status, Counter(t.kind for t in bad), message)


def _flag(r: SubmissionResult) -> Flag | None:
    reasons = []
    if r.status is Status.CRASHED:
        limit = next((t.message for t in r.tests if t.kind is Kind.LIMIT), "")
        reasons.append(f"grading crashed{': ' + limit if limit else ''}")
    elif r.status is Status.UNREADABLE:
        reasons.append(f"unreadable file{': ' + r.problems[0] if r.problems else ''}")
    elif r.status is Status.MISSING:
        reasons.append(f"no notebook submitted{': ' + '; '.join(r.problems) if r.problems else ''}")
    reasons += [f"tampering: {note}" for note in r.tampering]
    reasons += [f"unverified: {note}" for note in r.unverified]
    return Flag(r.student_id, reasons) if reasons else None


@dataclass
class GraderErrorRow:
    """A hidden test that failed on its own: the grader's bug, shown first, never charged to students."""

    function: str
    test: str
    message: str
    students: set[str] = field(default_factory=set)


def summarise(results: list[SubmissionResult]) -> ClassSummary:
    if not results:
        raise ValueError("a class report needs at least one result")
    first = results[0]
    functions = {fn: FunctionRow(fn, p) for fn, p in first.max_functions.items()}
    tests: dict[tuple[str, str], TestRow] = {}
    found: dict[str, MistakeRow] = {}
    messages: dict[tuple[str, str], MessageRow] = {}
    grader_errors: dict[tuple[str, str], GraderErrorRow] = {}
    for r in results:
        for fn, earned in r.functions.items():
            row = functions.setdefault(fn, FunctionRow(fn, r.max_functions.get(fn, 0.0)))
            row.earned += earned
            row.full_marks += earned >= row.possible > 0
        for t in r.tests:
            row = tests.setdefault((t.function, t.name),
                                   TestRow(t.name, t.function, translate(t.description), t.visibility, t.max_score))
            row.kinds[t.kind] += 1
            if t.mistake:
                m = found.setdefault(t.mistake, MistakeRow(t.mistake))
                m.students.add(r.student_id)
                m.tests.add(f"{t.function}: {translate(t.description) or t.name}")
            elif t.kind in (Kind.FAILED, Kind.ERROR) and t.message:
                key = (t.function, _pattern(t.message))
                messages.setdefault(key, MessageRow(*key)).students.add(r.student_id)
            if t.kind is Kind.GRADER_ERROR:
                grader = grader_errors.setdefault((t.function, t.name), GraderErrorRow(t.function, t.name, t.message))
                grader.students.add(r.student_id)

    def most_common(rows, name):
        return sorted(rows, key=lambda row: (-len(row.students), name(row)))

    return ClassSummary(
        assignment=first.assignment,
        scores={r.student_id: r.score for r in results},
        max_score=first.max_score,
        late=sum(r.late for r in results),
        awaiting_manual=sum(bool(r.pending_manual) for r in results),
        functions=list(functions.values()),
        tests=list(tests.values()),
        mistakes=most_common(found.values(), lambda m: m.name),
        messages=most_common(messages.values(), lambda m: m.pattern)[:TOP_MESSAGES],
        trouble=sorted((t for t in map(_trouble, results) if t),
                       key=lambda t: (t.status is Status.GRADED, -t.kinds[Kind.LIMIT], -t.kinds[Kind.ERROR],
                                      t.student_id)),
        flags=[f for f in map(_flag, results) if f],
        grader_errors=list(grader_errors.values()),
    )


# -- rendering -----------------------------------------------------------------


@dataclass
class _Scores:
    n: int
    mean: float
    median: float
    full_marks: int
    zero: int


@dataclass
class _Charts:
    """PNG data: URLs; `mistakes` is None when no failure matched a known mistake."""

    scores: str
    functions: str
    tests: str
    mistakes: str | None


def _label(text: str) -> str:
    """At most two lines: longer chart labels squeeze the bars; the tables give the full text."""
    return textwrap.fill(textwrap.shorten(text, 2 * LABEL_CHARS, placeholder="…"), LABEL_CHARS)


def _title(assignment: str, name: str) -> str:
    """The mistake's title, or its short name made readable when the table lacks it."""
    known = course.mistake(assignment, name)
    return translate(known.title) if known else name.replace("_", " ")


def _charts(s: ClassSummary, titles: dict[str, str]) -> _Charts:
    n = len(s.scores)
    labels = [_label(f"{t.function}: {t.description or t.name}") for t in s.tests]
    shares = {k: [t.kinds[k] / t.runs if t.runs else 0.0 for t in s.tests] for k in KINDS}
    top = s.mistakes[:15]
    return _Charts(
        scores=plots.data_url(plots.score_histogram(list(s.scores.values()), s.max_score)),
        functions=plots.data_url(plots.horizontal_shares(
            [f.name for f in s.functions], {"passed": [f.full_marks / n for f in s.functions]},
            _("% of students with full marks"))),
        tests=plots.data_url(plots.horizontal_shares(labels, shares, _("% of submissions"))),
        mistakes=plots.data_url(plots.counts([_label(titles[m.name]) for m in top], [len(m.students) for m in top],
                                             _("students"))) if top else None)


def render_class_report(summary: ClassSummary, back: str = "") -> str:
    values = list(summary.scores.values())
    scores = _Scores(len(values), statistics.fmean(values), statistics.median(values),
                     sum(v >= summary.max_score for v in values), sum(v <= 0 for v in values))
    titles = {m.name: _title(summary.assignment, m.name) for m in summary.mistakes}
    seen = [k for k in KINDS[1:] if any(t.kinds[k] for t in summary.tests)]  # leave out columns of zeros
    return render("class_report.html.j2", s=summary, title=summary.assignment.replace("_", " ").capitalize(),
                  scores=scores, charts=_charts(summary, titles), titles=titles, seen=seen, back=back)


def write_class_report(results: list[SubmissionResult], dest) -> pathlib.Path:
    """Write DEST/<assignment>-report.html for one assignment's results; return its path."""
    summary = summarise(results)
    return write_page(pathlib.Path(dest) / f"{summary.assignment}-report.html", render_class_report(summary))
