"""An LMS's bulk download -> nbgrader's submitted/ layout, and a report of what happened.

Each LMS names files its own way (canvas.py, moodle.py say how to read a name);
the rest is shared: walk the zip safely, map the LMS's id to a student through
the roster, keep one notebook per student (the one named for the assignment,
then the latest), and write

    <into>/<student_id>/<assignment>/<assignment>.ipynb
    <into>/<student_id>/<assignment>/timestamp.txt      (nbgrader's format, UTC)

The time is the zip entry's, where the LMS stamps entries with the file's own
time (Moodle).  Canvas stamps every entry with the moment it built the zip, so
a Canvas download has no submission time: no timestamp.txt is written (as
nbgrader's zip_collect does for names without a time), and Canvas's _LATE flag
is the lateness on record.

Everything is read and staged before the first file lands, so a zip refused as
a whole changes nothing; each notebook then lands by an atomic rename.  A
student who already has a later submission in <into> keeps it.  An id the
roster does not know is reported and skipped, never guessed.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import os
import pathlib
import re
import tempfile
import zoneinfo
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields

from . import LmsError, safezip
from .roster import Roster
from .scores import UTC, nbgrader_timestamp, parse_time
from .. import course
from ..record import atomic_write


@dataclass(frozen=True)
class Identity:
    """Who sent a file, as the LMS's file name tells it."""

    lms_id: str
    label: str  # how the report names the sender, e.g. "Canvas user 1234"
    file_name: str  # the name the student gave the file, without the LMS's additions
    late: bool | None = None  # the LMS's own late flag; None when its names carry none
    order: tuple = ()  # among attempts with the same time, the larger is later
    anonymous: bool = False


@dataclass(frozen=True)
class LmsFormat:
    name: str
    roster_column: str
    identify: Callable[[tuple[str, ...]], Identity | str]  # an entry's chain -> Identity, or why it is none
    dated: bool  # whether the zip's entry times are the files' submission times


@dataclass
class Row:
    entry: str  # the file inside the download (nested zips joined by !/)
    action: str  # taken | skipped | refused
    reason: str = ""
    lms_id: str = ""
    student_id: str = ""
    late: bool = False
    submitted_at: str = ""
    dest: str = ""


@dataclass
class ImportReport:
    lms: str
    assignment: str
    archive: str
    into: str
    rows: list[Row] = field(default_factory=list)
    report_path: str = ""

    def _count(self, action: str) -> int:
        return sum(r.action == action for r in self.rows)

    @property
    def taken(self) -> list[Row]:
        return [r for r in self.rows if r.action == "taken"]

    def summary(self) -> str:
        lines = [f"{self.lms} download {self.archive} -> {self.into} ({self.assignment}): "
                 f"{self._count('taken')} taken, {self._count('skipped')} skipped, {self._count('refused')} refused"]
        late = sum(r.late for r in self.taken)
        if late:
            lines.append(f"  {late} of the submissions taken are late")
        for r in self.rows:
            if r.action != "taken" or r.reason:
                who = f" [{r.student_id or r.lms_id}]" if (r.student_id or r.lms_id) else ""
                lines.append(f"  {r.action:8} {r.entry}{who}: {r.reason}")
        if self.report_path:
            lines.append(f"report: {self.report_path}")
        return "\n".join(lines)

    def csv_text(self) -> str:
        buf = io.StringIO()
        writer = csv.DictWriter(buf, [f.name for f in fields(Row)], lineterminator="\n")
        writer.writeheader()
        writer.writerows(asdict(r) for r in self.rows)
        return buf.getvalue()


@dataclass
class _Candidate:
    member: safezip.Member
    who: Identity
    student_id: str
    when: dt.datetime  # the zip entry's time: orders attempts within one download
    submitted: dt.datetime | None  # the submission time, when the download has one
    late: bool

    @property
    def file_name(self) -> str:
        """What the student called the notebook (inside their own zip: its name there)."""
        return self.member.name if len(self.member.chain) > 1 else self.who.file_name


_COPY_SUFFIX = re.compile(r"(-\d+| \(\d+\))$")  # Canvas's weight_init-1, a browser's weight_init (1)


def named_for(file_name: str, assignment: str) -> bool:
    stem = file_name.rsplit("/", 1)[-1]
    stem = stem[: -len(".ipynb")] if stem.lower().endswith(".ipynb") else stem
    return _COPY_SUFFIX.sub("", stem).lower() == assignment.lower()


def zone(name: str) -> dt.tzinfo:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise LmsError(f"unknown time zone {name!r} (use an IANA name such as UTC or Asia/Seoul)") from None


def import_archive(archive: pathlib.Path, lms: LmsFormat, assignment: str, roster: Roster,
                   into: pathlib.Path, *, limits: safezip.ZipLimits = safezip.ZipLimits(),
                   zip_zone: str = "UTC", due: dt.datetime | None = None,
                   keep_anonymous: bool = False) -> ImportReport:
    """Unpack an LMS download into `into` (nbgrader's submitted/ folder)."""
    course.check_assignment(assignment)
    roster.require(lms.roster_column, f"maps {lms.name} ids to student ids")
    tz = zone(zip_zone)
    into = pathlib.Path(into)
    into.mkdir(parents=True, exist_ok=True)
    report = ImportReport(lms.name, assignment, str(archive), str(into))
    with tempfile.TemporaryDirectory(dir=into.parent, prefix=".import-") as stage:
        candidates = []
        for member in safezip.walk(pathlib.Path(archive), pathlib.Path(stage), limits):
            candidate = _consider(member, lms, roster, tz, due, keep_anonymous, report)
            if candidate:
                candidates.append(candidate)
        for group in _by_student(candidates).values():
            _install(group, assignment, into, report)
    report.rows.sort(key=lambda r: (r.action != "taken", r.student_id or "~", r.entry))
    stamp = dt.datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = into.parent / f"import-{lms.name}-{assignment}-{stamp}.csv"
    atomic_write(path, report.csv_text())
    report.report_path = str(path)
    return report


def _consider(member: safezip.Member, lms: LmsFormat, roster: Roster, tz: dt.tzinfo,
              due: dt.datetime | None, keep_anonymous: bool, report: ImportReport) -> _Candidate | None:
    """A notebook some student sent, or None (and a row saying why not)."""
    if member.refused:
        report.rows.append(Row(member.where, "refused", member.refused))
        return None
    if member.staged is None:
        report.rows.append(Row(member.where, "skipped", safezip.clutter(member.chain[-1]) or "not a notebook"))
        return None
    who = lms.identify(member.chain)
    if isinstance(who, str):
        report.rows.append(Row(member.where, "skipped", who))
        return None
    if who.anonymous:
        if not keep_anonymous:
            report.rows.append(Row(member.where, "skipped", f"{who.label}: the download does not say who sent it "
                                   "(import with --keep-anonymous to grade it under that name)", who.lms_id))
            return None
        student_id = who.lms_id
    else:
        person = roster.find(lms.roster_column, who.lms_id)
        if person is None:
            report.rows.append(Row(member.where, "skipped", f"{who.label} is not in the roster", who.lms_id))
            return None
        student_id = person.student_id
    when = member.date_time.replace(tzinfo=tz)
    submitted = when if lms.dated else None
    late = who.late if who.late is not None else bool(due and submitted and submitted > due)
    return _Candidate(member, who, student_id, when, submitted, late)


def _by_student(candidates: list[_Candidate]) -> dict[str, list[_Candidate]]:
    groups: dict[str, list[_Candidate]] = {}
    for c in candidates:
        groups.setdefault(c.student_id, []).append(c)
    return groups


def _install(group: list[_Candidate], assignment: str, into: pathlib.Path, report: ImportReport):
    """Keep one notebook of a student's: named for the assignment first, then the latest."""
    group.sort(key=lambda c: (named_for(c.file_name, assignment), c.when, c.who.order), reverse=True)
    best = group[0]
    for c in group[1:]:
        why = "an earlier attempt" if named_for(c.file_name, assignment) else "another notebook"
        report.rows.append(_row(c, "skipped", f"{why}; {best.member.where} was taken"))
    folder = into / best.student_id / assignment
    stamp = folder / "timestamp.txt"
    existing = parse_time(stamp.read_text(encoding="utf-8").strip()) if stamp.is_file() else None
    if existing and best.submitted and existing > best.submitted:
        report.rows.append(_row(best, "skipped", f"{folder} already holds a later submission ({existing:%Y-%m-%d %H:%M %Z})"))
        return
    notes = []
    if not named_for(best.file_name, assignment):
        notes.append(f"{best.file_name} saved as {assignment}.ipynb")
    if (folder / f"{assignment}.ipynb").exists():
        notes.append("replaced an earlier submission" + (f" of {existing:%Y-%m-%d %H:%M %Z}" if existing else ""))
    folder.mkdir(parents=True, exist_ok=True)
    dest = folder / f"{assignment}.ipynb"
    os.replace(best.member.staged, dest)
    if best.submitted:
        atomic_write(stamp, nbgrader_timestamp(best.submitted) + "\n")
    else:
        stamp.unlink(missing_ok=True)  # an earlier import's time is not this file's
    row = _row(best, "taken", "; ".join(notes))
    row.dest = str(dest)
    report.rows.append(row)


def _row(c: _Candidate, action: str, reason: str) -> Row:
    return Row(c.member.where, action, reason, c.who.lms_id, c.student_id, c.late,
               nbgrader_timestamp(c.submitted) if c.submitted else "")
