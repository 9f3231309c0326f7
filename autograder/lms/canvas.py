"""Canvas: read "Download Submissions" names; write a gradebook CSV its importer accepts.

Download names are `<sortable name>[_LATE]_<user id>_<attachment id>_<file name>`
(the sortable name lower-cased, non-word characters removed), or
`[LATE_]anon_<anonymous id>_<attachment id>_<file name>` under anonymous grading:
Canvas's ContentZipper joins [sortable name, "LATE", "anon_<id>"] in that order,
leaving out what does not apply.  Two files of one name in a download get -1,
-2, ... before the extension, and after eight of them -<uuid>.  Canvas puts no
time in the name, and stamps every zip entry with the time it built the zip
(its ContentZipper adds entries without a time), so a download says whether a
submission was late but not when it came.

The gradebook CSV has Canvas's own first columns (Student, ID, SIS User ID,
SIS Login ID, Section), one column `<title> (<assignment id>)`, and a
"Points Possible" row, which Canvas's importer reads and skips.  Its importer
silently drops every column whose title contains the name of one of its own
total columns (Current Score, Final Grade, Override Status, ...), so such a
title is refused here.
"""
from __future__ import annotations

import csv
import io
import re

from . import LmsError
from .exporting import Export, match, max_points
from .intake import Identity, LmsFormat
from .roster import Roster
from .scores import LatePolicy, final_score, number, scaled, untimed_note
from ..score import SubmissionResult

_NAMED = re.compile(r"^(?P<name>.*?)(?P<late>_late)?_(?P<user>\d+)_(?P<attachment>\d+)_(?P<file>.+)$", re.I)
_ANON = re.compile(r"^(?P<late>late_)?anon_(?P<anon>[A-Za-z0-9]+)_(?P<attachment>\d+)_(?P<file>.+)$", re.I)
_RESUBMITTED = re.compile(r"-(\d+|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(\.[^.]*)?$", re.I)
MANY_COPIES = 9  # a -<uuid> copy comes after -1 ... -8
# Canvas's gradebook_importer drops columns whose title matches this (unanchored, as there).
CANVAS_TOTALS = re.compile(r"(?:Unposted )?(?:Current|Final) (?:Score|Points|Grade)|Override (?:Score|Grade|Status)")


def identify(chain: tuple[str, ...]) -> Identity | str:
    """Who sent the file: Canvas names the top-level entry; a zip the student
    uploaded is unpacked under that name."""
    top = chain[0].rsplit("/", 1)[-1]
    found = _ANON.match(top) or _NAMED.match(top)
    if not found:
        return "not named the way Canvas names submissions (<name>_<user id>_<attachment id>_<file>)"
    copy = _RESUBMITTED.search(found["file"])
    number = (int(copy.group(1)) if copy.group(1).isdigit() else MANY_COPIES) if copy else 0
    order = (int(found["attachment"]), number)
    late = bool(found["late"])
    if found.re is _ANON:
        return Identity(f"anon_{found['anon']}", f"anonymous Canvas submission anon_{found['anon']}",
                        found["file"], late, order, anonymous=True)
    return Identity(found["user"], f"Canvas user {found['user']}", found["file"], late, order)


CANVAS = LmsFormat("canvas", "canvas_id", identify)


def gradebook_csv(assignment: str, results: list[SubmissionResult], roster: Roster, assignment_id: str,
                  title: str, policy: LatePolicy = LatePolicy(), points_possible: float | None = None) -> Export:
    """Canvas gradebook import for one assignment column; scores after the late penalty,
    rescaled to `points_possible` when the Canvas assignment is worth a different total."""
    roster.require("canvas_id", "Canvas's gradebook matches students by")
    if not re.fullmatch(r"\d+", str(assignment_id)):
        raise LmsError(f"Canvas assignment id {assignment_id!r} should be the number in the assignment's URL")
    clash = CANVAS_TOTALS.search(f"{title} ({assignment_id})")
    if clash:
        raise LmsError(f"Canvas's importer silently drops a column whose title contains {clash.group(0)!r} (one of "
                       f"its own total columns), so {title!r} would change nothing; give --title the assignment's "
                       "title in Canvas without those words")
    top = max_points(results, assignment)
    pairs, left_out = match(results, assignment, roster, "canvas_id")
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["Student", "ID", "SIS User ID", "SIS Login ID", "Section", f"{title} ({assignment_id})"])
    writer.writerow(["    Points Possible", "", "", "", "", number(points_possible or top)])
    for person, r in pairs:
        final = final_score(r, policy)
        writer.writerow([person.name or person.student_id, person.canvas_id, person.sis_id, person.sis_login_id,
                         person.section, number(scaled(final, points_possible))])
    return Export(buf.getvalue(), [p.student_id for p, _ in pairs], left_out,
                  untimed_note([r for _, r in pairs], policy))
