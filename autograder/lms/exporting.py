"""What every grade export shares: results matched to roster entries, the
assignment's maximum, and an account of who was left out and why."""
from __future__ import annotations

from dataclasses import dataclass, field

from . import LmsError
from .roster import Person, Roster
from ..score import SubmissionResult


@dataclass
class Export:
    """A CSV to upload, and who is in it or left out (with why)."""

    text: str
    exported: list[str] = field(default_factory=list)
    left_out: list[tuple[str, str]] = field(default_factory=list)
    note: str = ""  # about lateness, when some results could not be timed

    def summary(self, what: str) -> str:
        lines = [f"{what}: {len(self.exported)} students"]
        lines += [f"  left out {sid}: {why}" for sid, why in self.left_out]
        lines += [f"  note: {self.note}"] if self.note else []
        return "\n".join(lines)


def max_points(results: list[SubmissionResult], assignment: str) -> float:
    """The assignment's maximum, on which every result must agree."""
    tops = {r.max_score for r in results if r.assignment == assignment}
    if not tops:
        raise LmsError(f"there are no graded results of {assignment} to export")
    if len(tops) > 1:
        raise LmsError(f"results of {assignment} disagree on the maximum score ({sorted(tops)}); regrade them "
                       "with the current hidden suite first")
    return tops.pop()


def match(results: list[SubmissionResult], assignment: str, roster: Roster,
          column: str) -> tuple[list[tuple[Person, SubmissionResult]], list[tuple[str, str]]]:
    """(person, result) pairs of the assignment for students whom the LMS can name
    (they have `column` in the roster); the others, with the reason."""
    results = [r for r in results if r.assignment == assignment]
    pairs, left_out = [], []
    for r in sorted(results, key=lambda r: r.student_id):
        person = roster.get(r.student_id)
        if person is None:
            left_out.append((r.student_id, "not in the roster"))
        elif not getattr(person, column):
            left_out.append((r.student_id, f"no {column} in the roster"))
        else:
            pairs.append((person, r))
    graded = {r.student_id for r in results}
    left_out += [(p.student_id, "no graded submission") for p in roster.people if p.student_id not in graded]
    return pairs, left_out
