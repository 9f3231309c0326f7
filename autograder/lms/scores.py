"""The one late-penalty rule every exporter applies (times are parsed in autograder.times)."""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from . import LmsError
from ..score import SubmissionResult
from ..times import parse_time


def check_percentages(*values: float):
    if not all(0 <= v <= 100 for v in values):
        raise LmsError("late penalties are percentages between 0 and 100")


@dataclass(frozen=True)
class LatePolicy:
    """percent_per_day of the score is taken for each started day past `due` (after
    `grace`), up to cap_percent.  percent_per_day=0 turns penalties off;
    percent_per_day=100 gives late work zero."""

    due: dt.datetime | None = None
    percent_per_day: float = 0.0
    cap_percent: float = 100.0
    grace: dt.timedelta = dt.timedelta(0)

    def __post_init__(self):
        check_percentages(self.percent_per_day, self.cap_percent)
        if self.grace < dt.timedelta(0):
            raise LmsError("the grace period cannot be negative")
        if self.percent_per_day and self.due is None:
            raise LmsError("a late penalty needs the due date (--due)")


@dataclass(frozen=True)
class FinalScore:
    raw: float  # points the grader gave
    days_late: int
    penalty_percent: float
    score: float  # raw minus the penalty, rounded to 2 decimals
    max_score: float


def days_late(result: SubmissionResult, policy: LatePolicy) -> int:
    """Started days past the due date.  The recorded time decides; an LMS's late flag
    only counts (as one day) when there is no time to compare."""
    when = parse_time(result.submitted_at)
    if when is None or policy.due is None:
        return 1 if result.late else 0
    over = when - policy.due - policy.grace
    return max(0, math.ceil(over / dt.timedelta(days=1)))


def final_score(result: SubmissionResult, policy: LatePolicy) -> FinalScore:
    """The score every export reports: the grader's points less the late penalty."""
    days = days_late(result, policy)
    percent = min(policy.cap_percent, days * policy.percent_per_day)
    kept = result.score * (1 - percent / 100)
    return FinalScore(result.score, days, percent, round(kept, 2), result.max_score)


def untimed_note(results: list[SubmissionResult], policy: LatePolicy) -> str:
    """A warning for the export's summary when a penalty applies to results with no time."""
    untimed = sorted(r.student_id for r in results if not parse_time(r.submitted_at))
    if not policy.percent_per_day or not untimed:
        return ""
    return (f"{len(untimed)} results have no submission time (a Canvas download has none), so only a late "
            f"flag, counted as one day, makes them late: {', '.join(untimed[:10])}{' ...' if len(untimed) > 10 else ''}")


def scaled(final: FinalScore, out_of: float | None) -> float:
    """The final score, rescaled to an LMS column worth `out_of` points (None: as is)."""
    if out_of is None or not final.max_score:
        return final.score
    return round(final.score * out_of / final.max_score, 2)


def describe(result: SubmissionResult, final: FinalScore) -> str:
    """One line for a student-facing comment: points per function and written answer, and any penalty."""
    parts = [f"{fn} {result.function_points(fn):g}/{top:g}" for fn, top in result.max_functions.items()]
    for answer in result.written:
        earned = result.written_points(answer)
        parts.append(f"{answer.grade_id} {'not graded yet' if earned is None else f'{earned:g}'}/{answer.max_score:g}")
    text = f"{result.assignment}: {final.raw:g}/{final.max_score:g} points ({', '.join(parts)})"
    if final.penalty_percent:
        day_word = "day" if final.days_late == 1 else "days"
        text += f"; {final.days_late} {day_word} late: -{final.penalty_percent:g}%, final {final.score:g}"
    return text


def number(value: float) -> str:
    """A score as LMS CSVs want it: plain decimal, no exponent, no trailing zeros."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text
