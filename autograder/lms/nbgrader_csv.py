"""nbgrader's export columns, written from the results with this package's late penalty.

`nbgrader export` reads the gradebook, where the grader records raw points;
its late_submission_penalty comes from nbgrader's own late-submission plugin
and due dates.  This writes the same columns from result.json files instead,
so the penalty is the one the Canvas, Moodle, Gradescope and LTI exports apply.
"""
from __future__ import annotations

import csv
import io

from .exporting import Export, match, max_points
from .roster import Person, Roster
from ..times import nbgrader_timestamp, parse_time
from .scores import LatePolicy, final_score, number, untimed_note
from ..score import SubmissionResult

COLUMNS = ["assignment", "duedate", "timestamp", "student_id", "last_name", "first_name", "email",
           "raw_score", "late_submission_penalty", "score", "max_score"]


def _names(person: Person) -> tuple[str, str]:
    """(last, first) from "Last, First"; a name without a comma is all last name."""
    name = person.name
    last, _, first = name.partition(",")
    return last.strip(), first.strip()


def _time(text: str) -> str:
    when = parse_time(text)
    return nbgrader_timestamp(when) if when else ""


def export_csv(assignment: str, results: list[SubmissionResult], roster: Roster,
               policy: LatePolicy = LatePolicy()) -> Export:
    """One row per student of the roster with a result, as every export does."""
    max_points(results, assignment)
    pairs, left_out = match(results, assignment, roster, "student_id")
    due = nbgrader_timestamp(policy.due) if policy.due else ""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(COLUMNS)
    for person, r in pairs:
        final = final_score(r, policy)
        last, first = _names(person)
        writer.writerow([assignment, due, _time(r.submitted_at), r.student_id, last, first,
                         person.email, number(final.raw), number(final.raw - final.score),
                         number(final.score), number(final.max_score)])
    return Export(buf.getvalue(), [p.student_id for p, _ in pairs], left_out,
                  untimed_note([r for _, r in pairs], policy))
