"""Moodle: read "Download all submissions" names; write an offline grading worksheet.

Download names start `<Full Name>_<participant id>_assignsubmission_file`, then
either `/<file>` (the default, "download submissions in folders") or
`_<file>` (flat).  Each entry carries the time of the stored file on the
server's disk: with Moodle's default file storage, when its content was
uploaded.  The number is the assignment's participant id, not a user
id: Moodle numbers participants per assignment, which is why the roster can
take those ids from the assignment's grading worksheet (roster.with_moodle_worksheet).

Grades go back through the same worksheet ("Upload grading worksheet", with
offline grading worksheets enabled in the assignment's feedback types).  Its
importer needs the columns Identifier ("Participant <id>"), Grade and
"Last modified (grade)"; it skips a grade above the assignment's maximum and,
unless told otherwise, one changed in Moodle after "Last modified (grade)".
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import pathlib
import re

from . import LmsError
from .exporting import Export, match, max_points
from .intake import Identity, LmsFormat
from .roster import Roster
from .scores import UTC, LatePolicy, describe, final_score, number, scaled, untimed_note
from ..score import SubmissionResult

_FOLDER = re.compile(r"^(?P<name>[^/]*)_(?P<pid>\d+)_assignsubmission_(?P<plugin>[a-z]+)/(?P<file>.+)$")
_FLAT = re.compile(r"^(?P<name>[^/]*?)_(?P<pid>\d+)_assignsubmission_(?P<plugin>[a-z]+)_(?P<file>[^/]+)$")


def identify(chain: tuple[str, ...]) -> Identity | str:
    found = _FOLDER.match(chain[0]) or _FLAT.match(chain[0])
    if not found:
        return "not named the way Moodle names submissions (<Full Name>_<participant id>_assignsubmission_file...)"
    if found["plugin"] != "file":
        return f"a {found['plugin']} submission, not an uploaded file"
    return Identity(found["pid"], f"Moodle participant {found['pid']}", found["file"].rsplit("/", 1)[-1])


MOODLE = LmsFormat("moodle", "moodle_participant_id", identify, dated=True)

COLUMNS = ["Identifier", "Full name", "Email address", "Grade", "Maximum Grade",
           "Last modified (grade)", "Feedback comments"]


def _participant(identifier: str) -> str:
    return identifier.strip().removeprefix("Participant").strip()


def _read_worksheet(path: pathlib.Path) -> tuple[list[str], list[dict]]:
    with open(path, newline="", encoding="utf-8-sig") as f:
        reader = csv.DictReader(f)
        rows = list(reader)
        header = list(reader.fieldnames or [])
    missing = [c for c in ("Identifier", "Grade", "Last modified (grade)") if c not in header]
    if missing:
        raise LmsError(f"Moodle worksheet {path} has no {', '.join(missing)} column; download it again with "
                       "'Download grading worksheet'")
    return header, rows


def _worksheet_maximum(rows: list[dict]) -> float | None:
    for row in rows:
        try:
            return float((row.get("Maximum Grade") or "").replace(",", "."))
        except ValueError:
            continue
    return None


def worksheet_csv(assignment: str, results: list[SubmissionResult], roster: Roster,
                  policy: LatePolicy = LatePolicy(), max_grade: float | None = None,
                  worksheet: pathlib.Path | None = None, now: dt.datetime | None = None) -> Export:
    """The grading worksheet to upload: Moodle's own (every row and column kept, grades
    filled in) when `worksheet` is given, else one built from the roster.  Scores are
    after the late penalty, rescaled to `max_grade` (default: the worksheet's
    Maximum Grade, else the grader's maximum)."""
    roster.require("moodle_participant_id", "Moodle's worksheet matches students by")
    top = max_points(results, assignment)
    pairs, left_out = match(results, assignment, roster, "moodle_participant_id")
    if worksheet is not None:
        header, rows = _read_worksheet(worksheet)
        max_grade = max_grade if max_grade is not None else _worksheet_maximum(rows)
    else:
        header, rows = COLUMNS, [{"Identifier": f"Participant {p.moodle_participant_id}", "Full name": p.name,
                                  "Email address": p.email} for p, _ in pairs]
    stamp = (now or dt.datetime.now(UTC)).astimezone(UTC).isoformat(timespec="seconds")
    by_participant = {p.moodle_participant_id: (p, r) for p, r in pairs}
    exported = []
    for row in rows:
        found = by_participant.pop(_participant(row.get("Identifier") or ""), None)
        if found is None:
            continue
        person, result = found
        final = final_score(result, policy)
        row["Grade"] = number(scaled(final, max_grade))
        row["Last modified (grade)"] = stamp
        row["Maximum Grade"] = number(max_grade if max_grade is not None else top)
        if "Feedback comments" in header:
            row["Feedback comments"] = describe(result, final)
        exported.append(person.student_id)
    left_out += [(p.student_id, f"participant {pid} is not in the worksheet") for pid, (p, _) in by_participant.items()]
    buf = io.StringIO()
    writer = csv.DictWriter(buf, header, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return Export(buf.getvalue(), exported, left_out, untimed_note([r for _, r in pairs], policy))
