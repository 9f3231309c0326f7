"""Moodle: read "Download all submissions" and the grading worksheet; write the worksheet back.

Download names start `<Full Name>_<participant id>_assignsubmission_file`, then
either `/<file>` (the default, "download submissions in folders") or
`_<file>` (flat).  The number is the assignment's participant id, not a user
id: Moodle numbers participants per assignment, which is why the grading
worksheet ("Download grading worksheet") is the way to know who they are.  A
team assignment names its folders `<group name>_<group id>_...` instead, with
no participant id: such a folder is filed for every member of the group, or
refused, never filed for a participant who happens to have that number.

Current Moodle builds the download with ZipStream and gives no time, so every
entry carries the time of the download.  The submission times are in the
worksheet's "Last modified (submission)" column, written in the downloading
teacher's Moodle time zone without saying which: hence --timezone.  Without a
worksheet there is no submission time, and nobody is marked late.

The worksheet is in the language of the teacher who downloaded it, and so is
the importer that reads it back: Moodle finds its Identifier, Grade and
"Last modified (grade)" columns by their exact names in the uploader's
language, and cuts the participant id off the language's "Participant" word
(English "Participant 5001", Korean "참가자5001").  Its importer skips a grade
above the assignment's maximum and one changed in Moodle more than a minute
after "Last modified (grade)".
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import pathlib
import re
from dataclasses import dataclass, field, replace

import dateutil.parser

from . import LmsError
from .exporting import Export, match, max_points
from .intake import Identity, LmsFormat, Senders
from .roster import Roster
from ..times import UTC
from .scores import LatePolicy, describe, final_score, number, scaled, untimed_note
from ..score import SubmissionResult

_FOLDER = re.compile(r"^(?P<name>[^/]*)_(?P<pid>\d+)_assignsubmission_(?P<plugin>[a-z]+)/(?P<file>.+)$")
_FLAT = re.compile(r"^(?P<name>[^/]*?)_(?P<pid>\d+)_assignsubmission_(?P<plugin>[a-z]+)_(?P<file>[^/]+)$")


def identify(chain: tuple[str, ...]) -> Identity | str:
    found = _FOLDER.match(chain[0]) or _FLAT.match(chain[0])
    if not found:
        return "not named the way Moodle names submissions (<Full Name>_<participant id>_assignsubmission_file...)"
    if found["plugin"] != "file":
        return f"a {found['plugin']} submission, not an uploaded file"
    return Identity(found["pid"], f"Moodle participant {found['pid']}", found["file"].rsplit("/", 1)[-1],
                    name=found["name"])


MOODLE = LmsFormat("moodle", "moodle_participant_id", identify)


# -- the grading worksheet ------------------------------------------------------------


@dataclass(frozen=True)
class Words:
    """A worksheet's column names (and the Identifier's prefix) in one of Moodle's languages."""

    language: str
    identifier: str
    participant: str  # what comes before the id in an Identifier
    grade: str
    modified_grade: str
    email: str
    full_name: str
    maximum: str
    feedback: str
    team: str

    @property
    def modified(self) -> str:
        """What both "Last modified" columns start with; the one that is not the grade's is the submission's."""
        return self.modified_grade.split("(")[0]


# English is Moodle's own; Korean is the Korean language pack's (식별자, 참가자5001 without a
# space, 마지막 수정됨(성적)).  Only identifier, grade and modified_grade are required.
LANGUAGES = (
    Words("English", "Identifier", "Participant ", "Grade", "Last modified (grade)", "Email address", "Full name",
          "Maximum Grade", "Feedback comments", "Group"),
    Words("Korean", "식별자", "참가자", "성적", "마지막 수정됨(성적)", "이메일 주소", "이름", "최대 성적", "피드백 코멘트",
          "그룹"),
)
ENGLISH = LANGUAGES[0]


def _expected() -> str:
    return "; ".join(f"{w.language}: {w.identifier!r}, {w.grade!r} and {w.modified_grade!r}" for w in LANGUAGES)


@dataclass
class Worksheet:
    path: pathlib.Path
    words: Words
    header: list[str]
    rows: list[dict]
    submitted_column: str | None  # "Last modified (submission)" in the sheet's language, if there

    def participant(self, row: dict) -> str:
        return (row.get(self.words.identifier) or "").strip().removeprefix(self.words.participant.strip()).strip()

    def identifier(self, participant_id: str) -> str:
        return f"{self.words.participant}{participant_id}"

    def has(self, column: str) -> bool:
        return column in self.header

    def by_participant(self) -> dict[str, dict]:
        return {self.participant(r): r for r in self.rows if self.participant(r)}


def read_worksheet(path: pathlib.Path) -> Worksheet:
    """Moodle's grading worksheet, in any language this module knows; another is refused by name."""
    path = pathlib.Path(path)
    try:
        with open(path, newline="", encoding="utf-8-sig") as f:
            table = list(csv.reader(f))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise LmsError(f"Moodle worksheet {path} cannot be read as a UTF-8 CSV file ({exc})") from None
    header = [h.strip() for h in (table[0] if table else [])]
    words = next((w for w in LANGUAGES if w.identifier in header), None)
    if words is None:
        raise LmsError(f"Moodle worksheet {path} is in no language this tool reads; it needs the columns "
                       f"{_expected()}. Download it again with Moodle set to one of these languages")
    missing = [c for c in (words.grade, words.modified_grade) if c not in header]
    if missing:
        raise LmsError(f"Moodle worksheet {path} has no {' or '.join(map(repr, missing))} column ({words.language}); "
                       "download it again with 'Download grading worksheet'")
    bad = [n for n, row in enumerate(table[1:], start=2) if row and len(row) != len(header)]
    if bad:
        raise LmsError(f"Moodle worksheet {path}: row {bad[0]} has {len(table[bad[0] - 1])} fields, the header "
                       f"{len(header)}; Moodle refuses such a file whole")
    rows = [dict(zip(header, row)) for row in table[1:] if any(cell.strip() for cell in row)]
    submitted = next((h for h in header if h.startswith(words.modified) and h != words.modified_grade), None)
    return Worksheet(path, words, header, rows, submitted)


_KOREAN_TIME = re.compile(r"(\d{4})\s*년\s*(\d{1,2})\s*월\s*(\d{1,2})\s*일.*?(오전|오후)?\s*(\d{1,2}):(\d{2})")


def parse_moodle_time(text: str, zone: dt.tzinfo) -> dt.datetime | None:
    """A time as Moodle's userdate() writes it ("Sunday, 1 November 2026, 3:45 PM", or in Korean
    "2026년 11월 1일 일요일 오후 3:45"), in the downloading teacher's zone; None for "-"."""
    text = (text or "").strip()
    if not text or text == "-":
        return None
    korean = _KOREAN_TIME.search(text)
    if korean:
        year, month, day, half, hour, minute = korean.groups()
        hour = int(hour) % 12 + (12 if half == "오후" else 0) if half else int(hour)
        when = dt.datetime(int(year), int(month), int(day), hour, int(minute))
    else:
        try:
            when = dateutil.parser.parse(text)
        except (ValueError, OverflowError):
            return None
    return when.replace(tzinfo=zone) if when.tzinfo is None else when


def _name_key(name: str) -> tuple[str, ...]:
    """A name's words, case and order ignored: Moodle writes "Jane Doe" where a roster may say "Doe, Jane"."""
    return tuple(sorted(re.sub(r"[\W_]+", " ", name).casefold().split()))


# -- who sent a file, and when ---------------------------------------------------------


@dataclass
class MoodleSenders:
    """Participants (and teams) of one assignment's download, through the worksheet when given,
    else through the roster's moodle_participant_id."""

    roster: Roster
    worksheet: Worksheet | None = None
    zone: dt.tzinfo | None = None  # of the worksheet's times
    notes: list[str] = field(default_factory=list)

    def __post_init__(self):
        if self.worksheet is None:
            self.roster.require("moodle_participant_id", "maps Moodle ids to student ids (or give --worksheet)")
            self.notes.append("without the grading worksheet no submission time is known (Moodle stamps every file "
                              "in its download with the time of the download), so no submission is marked late; "
                              "give --worksheet to take the times from its 'Last modified (submission)' column")
            return
        if self.worksheet.submitted_column and self.zone is None:
            raise LmsError("give --timezone: Moodle writes the worksheet's times in the time zone of the Moodle "
                           "profile that downloaded it, without saying which (e.g. --timezone Asia/Seoul)")
        self.roster = with_participants(self.roster, self.worksheet)

    def _student(self, participant: str) -> str | None:
        person = self.roster.find("moodle_participant_id", participant)
        return person.student_id if person else None

    def _team(self, name: str) -> list[str]:
        """Student ids of the team a folder is named for, from the worksheet's group column or the roster's."""
        key = _name_key(name)
        members = []
        if self.worksheet and self.worksheet.has(self.worksheet.words.team):
            members = [self._student(self.worksheet.participant(r)) for r in self.worksheet.rows
                       if _name_key(r.get(self.worksheet.words.team) or "") == key]
        if not members and "moodle_group" in self.roster.columns:
            members = [p.student_id for p in self.roster.people if p.moodle_group and _name_key(p.moodle_group) == key]
        return [m for m in members if m]

    def senders(self, who: Identity) -> Senders | str:
        team = self._team(who.name)
        rows = self.worksheet.by_participant() if self.worksheet else {}
        if team:
            times = [self._submitted(rows.get(self._participant_of(sid), {})) for sid in team]
            return Senders(tuple(team), next((t for t in times if t), None), f"team {who.name!r}: filed for each member")
        row = rows.get(who.lms_id) if self.worksheet is not None else {}
        if row is None:
            return f"{who.label} is not in the grading worksheet"
        person = self.roster.find("moodle_participant_id", who.lms_id)
        if person is None:
            return f"{who.label} is not in the {'roster (matched through the worksheet)' if self.worksheet else 'roster'}"
        known = row.get(self.worksheet.words.full_name) if self.worksheet else None
        known = known if known is not None else person.name
        blind = _name_key(who.name) == _name_key(self.worksheet.words.participant if self.worksheet else "Participant")
        if known and not blind and _name_key(known) != _name_key(who.name):
            return (f"named {who.name!r}, but {who.label} is {known!r}: a team submission (its number a group id), "
                    "or ids from another assignment? Not filed; list the group in the roster's moodle_group "
                    "column to file it for each member")
        return Senders((person.student_id,), self._submitted(row))

    def _participant_of(self, student_id: str) -> str:
        person = self.roster.get(student_id)
        return person.moodle_participant_id if person else ""

    def _submitted(self, row: dict) -> dt.datetime | None:
        column = self.worksheet.submitted_column if self.worksheet else None
        return parse_moodle_time(row.get(column, ""), self.zone or UTC) if column else None


def with_participants(roster: Roster, worksheet: Worksheet) -> Roster:
    """The roster with moodle_participant_id taken from the worksheet, matched by e-mail.  A
    worksheet without e-mail addresses (blind marking) relies on the roster's own ids."""
    email = worksheet.words.email
    if not worksheet.has(email):
        roster.require("moodle_participant_id", "a worksheet without e-mail addresses (blind marking) is matched by")
        return roster
    roster.require("email", "a Moodle worksheet is matched by")
    by_email = {(r.get(email) or "").strip().lower(): worksheet.participant(r) for r in worksheet.rows}
    people = tuple(replace(p, moodle_participant_id=by_email.get(p.email.lower(), "")) for p in roster.people)
    return Roster(people, roster.columns | {"moodle_participant_id"}, f"{roster.source} + {worksheet.path}")


# -- grades back ---------------------------------------------------------------------------


def _maximum(sheet: Worksheet) -> float | None:
    for row in sheet.rows:
        try:
            return float((row.get(sheet.words.maximum) or "").replace(",", "."))
        except ValueError:
            continue
    return None


def worksheet_csv(assignment: str, results: list[SubmissionResult], roster: Roster,
                  policy: LatePolicy = LatePolicy(), max_grade: float | None = None,
                  worksheet: pathlib.Path | None = None, now: dt.datetime | None = None) -> Export:
    """The grading worksheet to upload: Moodle's own (every row and column kept, grades filled
    in, in its language) when `worksheet` is given, else an English one built from the roster.
    Scores are after the late penalty, rescaled to `max_grade` (default: the worksheet's
    Maximum Grade, else the grader's maximum)."""
    sheet = read_worksheet(worksheet) if worksheet is not None else None
    if sheet is not None:
        roster = with_participants(roster, sheet)
    roster.require("moodle_participant_id", "Moodle's worksheet matches students by")
    top = max_points(results, assignment)
    pairs, left_out = match(results, assignment, roster, "moodle_participant_id")
    if sheet is not None and sheet.has(sheet.words.email):
        left_out = [(sid, "not in the worksheet (matched by e-mail)" if why.startswith("no moodle_participant_id")
                     else why) for sid, why in left_out]
    if sheet is not None:
        words, header, rows = sheet.words, sheet.header, sheet.rows
        max_grade = max_grade if max_grade is not None else _maximum(sheet)
    else:
        words = ENGLISH
        header = [words.identifier, words.full_name, words.email, words.grade, words.maximum, words.modified_grade,
                  words.feedback]
        rows = [{words.identifier: f"{words.participant}{p.moodle_participant_id}", words.full_name: p.name,
                 words.email: p.email} for p, _ in pairs]
    stamp = (now or dt.datetime.now(UTC)).astimezone(UTC).isoformat(timespec="seconds")
    by_participant = {p.moodle_participant_id: (p, r) for p, r in pairs}
    exported = []
    for row in rows:
        identifier = (row.get(words.identifier) or "").strip().removeprefix(words.participant.strip()).strip()
        found = by_participant.pop(identifier, None)
        if found is None:
            continue
        person, result = found
        final = final_score(result, policy)
        row[words.grade] = number(scaled(final, max_grade))
        row[words.modified_grade] = stamp
        if words.maximum in header:
            row[words.maximum] = number(max_grade if max_grade is not None else top)
        if words.feedback in header:
            row[words.feedback] = describe(result, final)
        exported.append(person.student_id)
    left_out += [(p.student_id, f"participant {pid} is not in the worksheet") for pid, (p, _) in by_participant.items()]
    buf = io.StringIO()
    writer = csv.DictWriter(buf, header, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return Export(buf.getvalue(), exported, left_out, untimed_note([r for _, r in pairs], policy))
