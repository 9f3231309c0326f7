"""The class report: one self-contained HTML page per assignment, for the instructor.

It shows how the class did (score distribution, pass rates per function and
per test), what went wrong most often (known mistakes by name, then the most
common failure messages no known mistake explains: candidates for a new
KnownMistake), which submissions hit time or memory limits or raised errors,
and which ones need an instructor's look: crashes, unreadable files and
suspected tampering (the reader's `tampering` notes, and problems or test
messages that speak of patching, overriding or edited read-only cells).

summarise() turns results into plain data (ClassSummary); render_class_report()
draws it.  Charts are PNGs embedded in the page, so it reads offline.
"""
from __future__ import annotations

import pathlib
import re
import statistics
import textwrap
from collections import Counter
from dataclasses import dataclass, field

from ..kinds import Kind, Status
from ..score import SubmissionResult
from .. import course
from . import plots
from .page import Html, document, join, percent, points, separated, tag, write_page

KINDS = tuple(Kind)
KIND_HEADINGS = {Kind.FAILED: "Failed", Kind.NOT_IMPLEMENTED: "Not impl.", Kind.MISSING: "Missing",
                 Kind.ERROR: "Error", Kind.LIMIT: "Limit", Kind.NOT_RUN: "Not run", Kind.GRADER_ERROR: "Grader error"}
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
                                   TestRow(t.name, t.function, t.description, t.visibility, t.max_score))
            row.kinds[t.kind] += 1
            if t.mistake:
                m = found.setdefault(t.mistake, MistakeRow(t.mistake))
                m.students.add(r.student_id)
                m.tests.add(f"{t.function}: {t.description or t.name}")
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


def _table(head: list, rows: list[list], numeric: set[int] = frozenset()) -> Html:
    def cells(tag_name, values):
        return [tag(tag_name, v, class_="num" if i in numeric else None) for i, v in enumerate(values)]
    return tag("div", tag("table", tag("thead", tag("tr", *cells("th", head))),
                          tag("tbody", *[tag("tr", *cells("td", row)) for row in rows])), class_="wide")


def _label(text: str) -> str:
    """At most two lines: longer chart labels squeeze the bars; the tables give the full text."""
    return textwrap.fill(textwrap.shorten(text, 2 * LABEL_CHARS, placeholder="…"), LABEL_CHARS)


def _students(ids) -> Html:
    ids = sorted(ids)
    return tag("details", tag("summary", f"{len(ids)} student{'s' if len(ids) != 1 else ''}"),
               separated(", ", (tag("code", i) for i in ids)))


def _overview_section(s: ClassSummary) -> Html:
    values = list(s.scores.values())
    n = len(values)
    cards = [("submissions", str(n)),
             ("mean", f"{statistics.fmean(values):.1f} / {points(s.max_score)}"),
             ("median", f"{points(statistics.median(values))}"),
             ("full marks", str(sum(v >= s.max_score for v in values))),
             ("zero", str(sum(v <= 0 for v in values))),
             ("late", str(s.late)),
             ("await a manual grade", str(s.awaiting_manual)),
             ("need a look", str(len(s.flags)))]
    return join([
        tag("div", *[tag("div", tag("b", value), label, class_="card") for label, value in cards], class_="cards"),
        tag("h2", "Score distribution"),
        plots.embed(plots.score_histogram(values, s.max_score), "histogram of the class's scores"),
    ])


def _pass_rates_section(s: ClassSummary) -> Html:
    n = len(s.scores)
    fn_rows = [[tag("code", f.name), points(f.possible), percent(f.full_marks, n),
                f"{f.earned / n:.2f}" if n else "–"] for f in s.functions]
    labels = [_label(f"{t.function}: {t.description or t.name}") for t in s.tests]
    shares = {k: [t.kinds[k] / t.runs if t.runs else 0.0 for t in s.tests] for k in KINDS}
    seen = [k for k in KINDS[1:] if any(t.kinds[k] for t in s.tests)]  # leave out columns of zeros
    test_rows = [[join([tag("code", t.function), ": ", t.description or t.name]), t.visibility.replace("_", " "),
                  points(t.max_score), percent(t.kinds[Kind.PASSED], t.runs), *[str(t.kinds[k]) for k in seen]]
                 for t in s.tests]
    return join([
        tag("h2", "Pass rates per function"),
        plots.embed(plots.horizontal_shares([f.name for f in s.functions],
                                            {"passed": [f.full_marks / n for f in s.functions]},
                                            "% of students with full marks"),
                    "share of students with full marks, per function"),
        _table(["Function", "Points", "Full marks", "Mean points"], fn_rows, {1, 2, 3}),
        tag("h2", "Pass rates per test"),
        plots.embed(plots.horizontal_shares(labels, shares, "% of submissions"), "outcome of each test"),
        _table(["Test", "Visibility", "Points", "Passed", *[KIND_HEADINGS[k] for k in seen]], test_rows,
               set(range(2, 4 + len(seen)))),
    ])


def _title(assignment: str, name: str) -> str:
    """The mistake's title, or its short name made readable when the table lacks it."""
    known = course.mistake(assignment, name)
    return known.title if known else name.replace("_", " ")


def _mistakes_section(s: ClassSummary) -> Html:
    n = len(s.scores)
    parts = [tag("h2", "Most common mistakes")]
    if not s.mistakes:
        parts.append(tag("p", "No failure matched a known mistake.", class_="muted"))
    else:
        top = s.mistakes[:15]
        parts.append(plots.embed(plots.counts([_label(_title(s.assignment, m.name)) for m in top],
                                              [len(m.students) for m in top], "students"),
                                 "number of students making each known mistake"))
        parts.append(_table(
            ["Mistake", "Students", "Share", "Tests", "Who"],
            [[join([tag("div", tag("strong", _title(s.assignment, m.name))), tag("code", m.name)]),
              str(len(m.students)), percent(len(m.students), n),
              separated(Html("<br>"), sorted(m.tests)), _students(m.students)]
             for m in s.mistakes], {1, 2}))
    parts.append(tag("h3", "Most common failure messages no known mistake explains"))
    if s.messages:
        parts.append(_table(["Function", "Message (numbers shown as #)", "Students", "Who"],
                            [[tag("code", m.function), tag("pre", m.pattern), str(len(m.students)),
                              _students(m.students)] for m in s.messages], {2}))
    else:
        parts.append(tag("p", "None.", class_="muted"))
    return join(parts)


def _trouble_section(s: ClassSummary) -> Html:
    rows = [[tag("code", t.student_id), t.status, str(t.kinds[Kind.LIMIT]), str(t.kinds[Kind.ERROR]),
             tag("pre", t.message[:500]) if t.message else ""] for t in s.trouble]
    return join([tag("h2", "Time-outs and errors"),
                 _table(["Student", "Status", "Limit", "Error", "First message"], rows, {2, 3}) if rows
                 else tag("p", "No submission hit a limit or raised an error.", class_="muted")])


def _grader_errors_section(s: ClassSummary) -> Html:
    if not s.grader_errors:
        return Html("")
    rows = [[join([tag("code", g.function), ": ", g.test]), tag("pre", g.message[:500]), _students(g.students)]
            for g in s.grader_errors]
    return join([tag("h2", "The grader's own errors"),
                 tag("div", "These hidden tests failed on their own, not because of the students' code. Their "
                            "points are not charged; fix the tests and grade again before publishing.",
                     class_="note bad"),
                 _table(["Test", "What failed", "Who"], rows)])


def _flags_section(s: ClassSummary) -> Html:
    rows = [[tag("code", f.student_id), tag("ul", *[tag("li", reason[:500]) for reason in f.reasons])]
            for f in s.flags]
    return join([tag("h2", "Submissions that need a look"),
                 tag("p", "Crashes, unreadable files and suspected tampering. Edited read-only cells were "
                          "replaced by the instructor's version before grading; the rest deserves a human look.",
                     class_="muted"),
                 _table(["Student", "Why"], rows) if rows else tag("p", "None.", class_="muted")])


def render_class_report(summary: ClassSummary) -> str:
    title = f"{summary.assignment.replace('_', ' ').capitalize()}: class report"
    return document(title, join([tag("h1", title), _grader_errors_section(summary), _overview_section(summary),
                                 _pass_rates_section(summary),
                                 _mistakes_section(summary), _trouble_section(summary), _flags_section(summary)]))


def write_class_report(results: list[SubmissionResult], dest) -> pathlib.Path:
    """Write DEST/<assignment>-report.html for one assignment's results; return its path."""
    summary = summarise(results)
    return write_page(pathlib.Path(dest) / f"{summary.assignment}-report.html", render_class_report(summary))
