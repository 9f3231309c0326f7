"""Feedback pages: one self-contained HTML page per student and assignment.

The page lists every graded function with its points and, test by test,
whether it passed, the test's message, and, when the failure matches a known
mistake, that mistake in plain words (the assignment's mistakes.py).

What a page reveals follows each test's visibility, Gradescope's four levels:

    visible          shown in full, always
    after_due_date   shown in full once `after_due` is set
    after_published  shown in full once `published` is set
    hidden           never shown: no description, outcome, message or mistake

A test that is not shown appears only as a count and the points it is worth
("2 more tests worth 3 points will be shown after the due date"), and its
points are not counted as earned yet: the points a page shows as earned are
exactly the sum of the tests it shows, so nothing can be read off them.  The
one exception is deliberate: once grades are published, hidden tests count
towards the function's and the assignment's points (as in Gradescope, where
the published score includes them), still without any detail.  A function
none of whose tests may count yet says "withheld", never "0 points".

Written answers show the student's text; their points and the grader's
comments (from nbgrader's formgrader, see autograder.gradebook) appear once
grades are published, as does a grader's override of a function's points.

Only what is meant for the student appears: file problems do, the
`tampering` notes (for instructors) and what the code printed (it could echo a
hidden test's inputs) do not.  Everything that came from a submission or a
test run is escaped (page.tag escapes every string).
"""
from __future__ import annotations

import pathlib
import re
from collections import defaultdict
from dataclasses import dataclass

from .. import course
from ..kinds import NOTHING_GRADED, Kind, Status, Visibility
from ..run_tests import TestOutcome
from ..score import SubmissionResult
from .. import course
from . import ReportError
from .page import Html, document, join, markdown, points, tag, write_page

KIND_LABELS = {Kind.PASSED: "passed", Kind.FAILED: "failed", Kind.NOT_IMPLEMENTED: "not implemented",
               Kind.MISSING: "missing", Kind.ERROR: "error", Kind.LIMIT: "stopped", Kind.NOT_RUN: "not run",
               Kind.GRADER_ERROR: "not graded yet"}

KIND_HINTS = {
    Kind.NOT_IMPLEMENTED: "The function still raises NotImplementedError: replace that line with your code.",
    Kind.MISSING: "Keep the function's name and its solution cell as they were given.",
    Kind.ERROR: "Your code raised an exception; the message says what and, where it can, on which line.",
    Kind.LIMIT: "Your code was stopped for taking too much time or memory: look for a loop that does not "
                "end, or for far more work (or training) than the task needs.",
    Kind.GRADER_ERROR: "This test failed because of a problem in the grader, not in your code. It will be "
                       "run again; its points are not counted until then.",
}

STATUS_NOTES = {
    Status.CRASHED: ("bad", "Your code stopped the grader's process before all tests could run; "
                            "the tests that could not run got no points."),
    Status.LIMIT: ("warn", "Your code ran out of time or memory; the tests it could not finish got no points."),
    Status.UNREADABLE: ("bad", "Your file could not be read as a notebook, so nothing could be graded: "
                               "see the notes below."),
    Status.MISSING: ("bad", "No notebook was found in your submission, so nothing could be graded: "
                            "see the notes below."),
    Status.GRADER_ERROR: ("warn", "A hidden test failed because of a problem in the grader, not in your code. "
                                  "Your instructor will grade it again; until then its points are not counted."),
}

WITHHELD = {
    Visibility.AFTER_DUE_DATE: "will be shown after the due date",
    Visibility.AFTER_PUBLISHED: "will be shown when grades are published",
}


def revealed(visibility: str, published: bool, after_due: bool) -> bool:
    """Whether a test's description, outcome and message may be shown."""
    return (visibility == Visibility.VISIBLE
            or (visibility == Visibility.AFTER_DUE_DATE and after_due)
            or (visibility == Visibility.AFTER_PUBLISHED and published))


def counted(visibility: str, published: bool, after_due: bool) -> bool:
    """Whether a test's points count towards the points the page shows."""
    return revealed(visibility, published, after_due) or (visibility == Visibility.HIDDEN and published)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _worth(tests: list[TestOutcome]) -> str:
    total = sum(t.max_score for t in tests)
    return f"{_plural(len(tests), 'test')} worth {points(total)} point{'' if total == 1 else 's'}"


def _test_card(t: TestOutcome, assignment: str) -> Html:
    kind = t.kind
    head = tag("div",
               tag("span", tag("span", KIND_LABELS[kind], class_=f"badge {kind}"), " ", t.description or t.name),
               tag("span", f"{points(t.score)} / {points(t.max_score)}", class_="num muted"),
               class_="head")
    body = []
    if not t.passed:
        if t.message:
            body.append(tag("pre", t.message))
        known = course.mistake(assignment, t.mistake)
        if known:
            body.append(tag("div", tag("strong", "Common mistake: ", known.title, "."), " ", known.explanation,
                            class_="mistake"))
        if kind in KIND_HINTS:
            body.append(tag("p", KIND_HINTS[kind], class_="muted"))
    return tag("div", head, *body, class_="test")


def _withheld_notes(tests: list[TestOutcome], published: bool, after_due: bool) -> list[Html]:
    unseen = defaultdict(list)
    for t in tests:
        if not revealed(t.visibility, published, after_due):
            unseen[t.visibility if t.visibility in WITHHELD else Visibility.HIDDEN].append(t)
    notes = [tag("p", f"{_worth(group)} {WITHHELD[why]}.", class_="muted")
             for why, group in unseen.items() if why in WITHHELD]
    if unseen[Visibility.HIDDEN]:
        what = _worth(unseen[Visibility.HIDDEN]).replace("test", "hidden test", 1)
        notes.append(tag("p", f"Includes {what}; hidden tests never show details." if published else
                         f"{what} will count once grades are published; hidden tests never show details.",
                         class_="muted"))
    return notes


@dataclass
class _View:
    """A function's points as the page may show them."""

    earned: float
    withheld: bool = False  # none of its tests may count yet
    partial: bool = False  # some of its tests do not count yet
    comment: str = ""  # the grader's, once published


def _function_view(fn: str, tests: list[TestOutcome], result: SubmissionResult, published: bool,
                   after_due: bool) -> _View:
    if result.status in NOTHING_GRADED:
        return _View(0.0)
    grade = result.manual.get(course.test_cell_id(fn))
    if published and grade:
        return _View(result.function_points(fn), comment=grade.comment)
    if not tests:
        return _View(result.functions.get(fn, 0.0))
    shown = [t for t in tests if counted(t.visibility, published, after_due) and t.kind.charged]
    if not shown:
        return _View(0.0, withheld=True)
    return _View(round(sum(t.score for t in shown), 6), partial=len(shown) < len(tests))


def _points_text(view: _View, possible: float) -> str:
    if view.withheld:
        return f"withheld ({points(possible)} points)"
    return f"{points(view.earned)} / {points(possible)} points{' so far' if view.partial else ''}"


def _comment(text: str) -> Html:
    return tag("div", tag("strong", "Comment from your grader: "), markdown(text), class_="note") if text else Html("")


def _function_section(assignment: str, fn: str, tests: list[TestOutcome], view: _View, possible: float,
                      published: bool, after_due: bool, nothing_ran: bool) -> Html:
    shown = [] if nothing_ran else [t for t in tests if revealed(t.visibility, published, after_due)]
    fraction = min(max(view.earned / possible, 0.0), 1.0) if possible and not view.withheld else 0.0
    return tag("section",
               tag("h2", tag("code", fn), " ", tag("span", _points_text(view, possible), class_="muted")),
               tag("div", tag("span", style=f"width:{100 * fraction:.1f}%"), class_="bar"),
               _comment(view.comment),
               *[_test_card(t, assignment) for t in shown],
               *([] if nothing_ran else _withheld_notes(tests, published, after_due)),
               id=f"fn-{fn}")


def _written_score(result: SubmissionResult, answer, published: bool) -> str:
    earned = result.written_points(answer)
    if not published:
        return f"graded by hand, shown when grades are published ({points(answer.max_score)} points)"
    if earned is None:
        return f"not graded yet ({points(answer.max_score)} points)"
    return f"{points(earned)} / {points(answer.max_score)} points"


def _written_section(result: SubmissionResult, published: bool) -> Html:
    if not result.written:
        return Html("")
    cards = []
    for answer in result.written:
        score = _written_score(result, answer, published)
        text = answer.answer if answer.auto_score is None else ""
        cards.append(tag("div",
                         tag("div", tag("span", tag("code", answer.grade_id)), tag("span", score, class_="num muted"),
                             class_="head"),
                         tag("div", text, class_="answer") if text else tag("p", "You did not answer.", class_="muted"),
                         _comment(result.comment(answer.grade_id)) if published else Html(""),
                         class_="test"))
    return tag("section", tag("h2", "Written answers"), *cards, id="written")


def _title(assignment: str) -> str:
    return assignment.replace("_", " ").capitalize()


def render_feedback(result: SubmissionResult, published: bool = False, after_due: bool = False) -> str:
    """The feedback page for one result, as a complete HTML document."""
    by_function: dict[str, list[TestOutcome]] = defaultdict(list)
    for t in result.tests:
        by_function[t.function].append(t)
    functions = list(result.max_functions) + [f for f in by_function if f not in result.max_functions]
    views = {fn: _function_view(fn, by_function[fn], result, published, after_due) for fn in functions}
    nothing_ran = result.status in NOTHING_GRADED
    withheld = all(v.withheld for v in views.values()) and not nothing_ran
    partial = any(v.partial or v.withheld for v in views.values()) or (bool(result.written) and not published)
    total = sum(v.earned for v in views.values())
    if published:
        total += sum(result.written_points(w) or 0.0 for w in result.written)

    if withheld:
        score = "Your results are withheld until grades are published."
    else:
        score = f"{points(round(total, 6))} / {points(result.max_score)} points{' so far' if partial else ''}"
    intro = [tag("h1", _title(result.assignment), ": your feedback"),
             tag("p", "Student ", tag("code", result.student_id),
                 f" · submitted {result.submitted_at}" if result.submitted_at else "",
                 " · marked late" if result.late else "", class_="muted"),
             tag("p", score, class_="score")]
    if result.status in STATUS_NOTES:
        level, text = STATUS_NOTES[result.status]
        intro.append(tag("div", text, class_=f"note {level}"))
    if result.problems:
        intro.append(tag("div", tag("strong", "About your file"),
                         tag("ul", *[tag("li", p) for p in result.problems]), class_="note warn"))
    if published and result.pending_manual:
        intro.append(tag("p", "Your written answers are not all graded yet; this page will change when they are.",
                         class_="muted"))
    elif partial and not withheld:
        intro.append(tag("p", "Some results are not shown yet; their points are not counted on this page.",
                         class_="muted"))
    overview = tag("table",
                   tag("tr", tag("th", "Function"), tag("th", "Points", class_="num")),
                   *[tag("tr", tag("td", tag("a", tag("code", fn), href=f"#fn-{fn}")),
                         tag("td", _points_text(views[fn], result.max_functions.get(fn, 0.0)), class_="num"))
                     for fn in functions],
                   *[tag("tr", tag("td", tag("a", tag("code", w.grade_id), href="#written"), " (written)"),
                         tag("td", _written_score(result, w, published), class_="num"))
                     for w in result.written])
    sections = [_function_section(result.assignment, fn, by_function[fn], views[fn], result.max_functions.get(fn, 0.0),
                                  published, after_due, nothing_ran) for fn in functions]
    footer = tag("footer", "Messages describe what was expected without giving away the hidden tests' inputs. "
                           "Points are per function; each function's tests add up to its points.")
    return document(f"{_title(result.assignment)}: feedback for {result.student_id}",
                    join([*intro, overview, *sections, _written_section(result, published), footer]))


_UNSAFE = re.compile(r"[^\w.@+-]")


def _folder_name(student_id: str) -> str:
    name = _UNSAFE.sub("_", student_id).lstrip(".")
    if not name:
        raise ReportError(f"student id {student_id!r} cannot name a folder")
    return name


def write_feedback(results: list[SubmissionResult], dest, published: bool = False, after_due: bool = False,
                   beside: tuple = ()) -> list[pathlib.Path]:
    """Write DEST/<student>/<assignment>/<assignment>.html, nbgrader's feedback layout, for
    every result; return the paths.  timestamp.txt and submission_secret.txt, which
    `nbgrader release_feedback` reads, are copied from the first of the folders in
    `beside` (each holding <student>/<assignment>/) that has them."""
    dest = pathlib.Path(dest)
    folders = [_folder_name(r.student_id) for r in results]
    if len(set(folders)) < len(folders):
        raise ReportError("two student ids map to the same folder name; rename one of the students' folders")
    paths = []
    for folder, result in zip(folders, results):
        here = dest / folder / result.assignment
        paths.append(write_page(here / f"{result.assignment}.html",
                                render_feedback(result, published=published, after_due=after_due)))
        for name in ("timestamp.txt", "submission_secret.txt"):
            found = next((p for p in (pathlib.Path(b) / folder / result.assignment / name for b in beside)
                          if p.is_file()), None)
            if found:
                write_page(here / name, found.read_text(encoding="utf-8", errors="replace"))
    return paths
