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
test run is escaped (the templates autoescape).

This module decides what the page may show; templates/feedback.html.j2 puts
it into words.
"""
from __future__ import annotations

import dataclasses
import pathlib
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .. import course
from ..language import translate
from ..kinds import NOTHING_GRADED, Visibility
from ..score import SubmissionResult, TestOutcome, WrittenAnswer
from . import ReportError
from .page import render, write_page

if TYPE_CHECKING:
    from ..hidden import Mistake  # imports pytest and numpy: only course.mistake() loads it


def revealed(visibility: str, published: bool, after_due: bool) -> bool:
    """Whether a test's description, outcome and message may be shown."""
    return (visibility == Visibility.VISIBLE
            or (visibility == Visibility.AFTER_DUE_DATE and after_due)
            or (visibility == Visibility.AFTER_PUBLISHED and published))


def counted(visibility: str, published: bool, after_due: bool) -> bool:
    """Whether a test's points count towards the points the page shows."""
    return revealed(visibility, published, after_due) or (visibility == Visibility.HIDDEN and published)


@dataclass
class _View:
    """A function's points as the page may show them."""

    earned: float
    possible: float
    withheld: bool = False  # none of its tests may count yet
    partial: bool = False  # some of its tests do not count yet
    comment: str = ""  # the grader's, once published

    @property
    def fraction(self) -> float:
        """How full the function's bar is: a withheld function's stays empty."""
        if not self.possible or self.withheld:
            return 0.0
        return min(max(self.earned / self.possible, 0.0), 1.0)


@dataclass
class _Card:
    """A test the page shows, with the known mistake its failure matched."""

    test: TestOutcome
    mistake: Mistake | None  # its title and explanation in the page's language
    description: str  # the test's, in the page's language


@dataclass
class _Unseen:
    """Tests the page may not show yet, told only as a count and the points they are worth."""

    visibility: Visibility
    tests: list[TestOutcome] = field(default_factory=list)

    @property
    def worth(self) -> float:
        return sum(t.max_score for t in self.tests)


@dataclass
class _Section:
    function: str
    view: _View
    cards: list[_Card]
    unseen: list[_Unseen]  # in the order the tests came, hidden ones last


@dataclass
class _Written:
    grade_id: str
    possible: float
    earned: float | None  # None until a grader has scored it
    answer: str  # "" when the student did not answer
    comment: str


def _function_view(fn: str, tests: list[TestOutcome], result: SubmissionResult, published: bool,
                   after_due: bool) -> _View:
    possible = result.max_functions.get(fn, 0.0)
    if result.status in NOTHING_GRADED:
        return _View(0.0, possible)
    grade = result.manual.get(course.test_cell_id(fn))
    if published and grade:
        return _View(result.function_points(fn), possible, comment=grade.comment)
    if not tests:
        return _View(result.functions.get(fn, 0.0), possible)
    shown = [t for t in tests if counted(t.visibility, published, after_due) and t.kind.charged]
    if not shown:
        return _View(0.0, possible, withheld=True)
    return _View(round(sum(t.score for t in shown), 6), possible, partial=len(shown) < len(tests))


def _unseen(tests: list[TestOutcome], published: bool, after_due: bool) -> list[_Unseen]:
    groups: dict[Visibility, _Unseen] = {}
    for t in tests:
        if not revealed(t.visibility, published, after_due):
            groups.setdefault(t.visibility, _Unseen(t.visibility)).tests.append(t)
    hidden = groups.pop(Visibility.HIDDEN, None)
    return [*groups.values(), *([hidden] if hidden else [])]


def _mistake(assignment: str, name: str | None, lang: str):
    known = course.mistake(assignment, name)
    return known and dataclasses.replace(known, title=translate(known.title, lang),
                                         explanation=translate(known.explanation, lang))


def _section(assignment: str, fn: str, tests: list[TestOutcome], view: _View, published: bool, after_due: bool,
             nothing_ran: bool, lang: str) -> _Section:
    if nothing_ran:
        return _Section(fn, view, [], [])
    cards = [_Card(t, None if t.passed else _mistake(assignment, t.mistake, lang), translate(t.description, lang))
             for t in tests if revealed(t.visibility, published, after_due)]
    return _Section(fn, view, cards, _unseen(tests, published, after_due))


def _written(result: SubmissionResult, answer: WrittenAnswer, published: bool) -> _Written:
    return _Written(answer.grade_id, answer.max_score, result.written_points(answer),
                    answer.answer if answer.auto_score is None else "",
                    result.comment(answer.grade_id) if published else "")


def _title(assignment: str) -> str:
    return assignment.replace("_", " ").capitalize()


def _views(result: SubmissionResult, published: bool, after_due: bool):
    by_function: dict[str, list[TestOutcome]] = defaultdict(list)
    for t in result.tests:
        by_function[t.function].append(t)
    functions = list(result.max_functions) + [f for f in by_function if f not in result.max_functions]
    return by_function, {fn: _function_view(fn, by_function[fn], result, published, after_due) for fn in functions}


@dataclass(frozen=True)
class Shown:
    """The score a student may see: the points of the tests that count yet."""

    points: float
    max_score: float
    complete: bool  # nothing is withheld or waiting for a grader


def shown_score(result: SubmissionResult, published: bool = False, after_due: bool = False) -> Shown:
    """What the feedback page adds up (and all an LMS should hear before the grades are published)."""
    _, views = _views(result, published, after_due)
    total = sum(v.earned for v in views.values())
    if published:
        total += sum(result.written_points(w) or 0.0 for w in result.written)
    partial = any(v.partial or v.withheld for v in views.values()) or (bool(result.written) and not published)
    return Shown(round(total, 6), result.max_score, not partial)


def render_feedback(result: SubmissionResult, published: bool = False, after_due: bool = False,
                    back: str = "") -> str:
    """The feedback page for one result, as a complete HTML document in the language of the
    edition the submission came from (with a link to `back`, where it is served)."""
    by_function, views = _views(result, published, after_due)
    functions = list(views)
    nothing_ran = result.status in NOTHING_GRADED
    shown = shown_score(result, published, after_due)
    withheld = all(v.withheld for v in views.values()) and not nothing_ran
    partial = not shown.complete
    total = shown.points
    return render("feedback.html.j2", result.language, result=result, title=_title(result.assignment),
                  published=published, back=back,
                  total=round(total, 6), withheld=withheld, partial=partial,
                  sections=[_section(result.assignment, fn, by_function[fn], views[fn], published, after_due,
                                     nothing_ran, result.language) for fn in functions],
                  written=[_written(result, w, published) for w in result.written])


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
