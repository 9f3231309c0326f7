"""An LMS's bulk download -> nbgrader's submitted/ layout, and a report of what happened.

Each LMS names files its own way (canvas.py, moodle.py say how to read a name);
the rest is shared: walk the zip safely, map the LMS's id to a student through
the roster, keep one notebook per student (the one named for the assignment,
then the latest), and write

    <into>/<student_id>/<assignment>/<assignment>.ipynb
    <into>/<student_id>/<assignment>/timestamp.txt      (nbgrader's format, UTC)

Neither LMS puts the submission time in its download: Canvas and Moodle stamp
every zip entry with the moment they built the zip.  The time comes from
elsewhere or not at all: Moodle's grading worksheet has it (moodle.py); a
Canvas download has none, so no timestamp.txt is written (as nbgrader's
zip_collect does for names without a time) and Canvas's _LATE flag is the
lateness on record.  Entry times only order two attempts within one download.

Everything is read and staged before the first file lands, so a zip refused as
a whole changes nothing; each notebook then lands by an atomic rename.  A
student who already has a later submission in <into> keeps it.  An id the
roster does not know is reported and skipped, never guessed; a team's file is
filed for each of its members.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import os
import pathlib
import re
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields

from . import safezip
from .roster import Roster
from ..times import UTC, is_late, nbgrader_timestamp, parse_time
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
    name: str = ""  # the sender's name as the file name gives it (Moodle: a person's or a team's)


@dataclass(frozen=True)
class LmsFormat:
    name: str
    roster_column: str
    identify: Callable[[tuple[str, ...]], Identity | str]  # an entry's chain -> Identity, or why it is none


@dataclass(frozen=True)
class Senders:
    """The students a file is filed for (one, or every member of a team) and when it was submitted."""

    student_ids: tuple[str, ...]
    submitted: dt.datetime | None = None
    note: str = ""


@dataclass
class RosterSenders:
    """Senders found by the LMS's id in one roster column; the download says nothing of time."""

    roster: Roster
    column: str
    notes: list[str] = field(default_factory=list)

    def __post_init__(self):
        self.roster.require(self.column, f"maps {self.column.removesuffix('_id')} ids to student ids")

    def senders(self, who: Identity) -> Senders | str:
        person = self.roster.find(self.column, who.lms_id)
        return Senders((person.student_id,)) if person else f"{who.label} is not in the roster"

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
    notes: list[str] = field(default_factory=list)

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
        lines += [f"  note: {n}" for n in self.notes]
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
    submitted: dt.datetime | None  # the submission time, when it is known
    late: bool
    note: str = ""

    @property
    def file_name(self) -> str:
        """What the student called the notebook (inside their own zip: its name there)."""
        return self.member.name if len(self.member.chain) > 1 else self.who.file_name


# Canvas's weight_init-1 or weight_init-<uuid>, a browser's weight_init (1)
_COPY_SUFFIX = re.compile(r"(-\d+|-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}| \(\d+\))$", re.I)


def named_for(file_name: str, assignment: str) -> bool:
    stem = file_name.rsplit("/", 1)[-1]
    stem = stem[: -len(".ipynb")] if stem.lower().endswith(".ipynb") else stem
    return _COPY_SUFFIX.sub("", stem).lower() == assignment.lower()


def import_archive(archive: pathlib.Path, lms: LmsFormat, assignment: str, senders, into: pathlib.Path, *,
                   limits: safezip.ZipLimits = safezip.ZipLimits(), due: dt.datetime | None = None,
                   keep_anonymous: bool = False) -> ImportReport:
    """Unpack an LMS download into `into` (nbgrader's submitted/ folder).

    senders.senders(identity) says whom a file is from (a Senders, or why nobody);
    senders.notes are said once in the report."""
    course.check_assignment(assignment)
    into = pathlib.Path(into)
    into.mkdir(parents=True, exist_ok=True)
    report = ImportReport(lms.name, assignment, str(archive), str(into), notes=list(senders.notes))
    with tempfile.TemporaryDirectory(dir=into.parent, prefix=".import-") as stage:
        candidates = []
        for member in safezip.walk(pathlib.Path(archive), pathlib.Path(stage), limits):
            candidates += _consider(member, lms, senders, due, keep_anonymous, report)
        for group in _by_student(candidates).values():
            _install(group, assignment, into, report)
    report.rows.sort(key=lambda r: (r.action != "taken", r.student_id or "~", r.entry))
    stamp = dt.datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = into.parent / f"import-{lms.name}-{assignment}-{stamp}.csv"
    atomic_write(path, report.csv_text())
    report.report_path = str(path)
    return report


def _consider(member: safezip.Member, lms: LmsFormat, senders, due: dt.datetime | None, keep_anonymous: bool,
              report: ImportReport) -> list[_Candidate]:
    """A notebook for each student who sent it, or none (and a row saying why not)."""
    if member.refused:
        report.rows.append(Row(member.where, "refused", member.refused))
        return []
    if member.staged is None:
        report.rows.append(Row(member.where, "skipped", safezip.clutter(member.chain[-1]) or "not a notebook"))
        return []
    who = lms.identify(member.chain)
    if isinstance(who, str):
        report.rows.append(Row(member.where, "skipped", who))
        return []
    if who.anonymous:
        if not keep_anonymous:
            report.rows.append(Row(member.where, "skipped", f"{who.label}: the download does not say who sent it "
                                   "(import with --keep-anonymous to grade it under that name)", who.lms_id))
            return []
        found = Senders((who.lms_id,))
    else:
        found = senders.senders(who)
        if isinstance(found, str):
            report.rows.append(Row(member.where, "skipped", found, who.lms_id))
            return []
    when = member.date_time.replace(tzinfo=UTC)  # only orders attempts: the LMS stamps the download's time
    late = who.late if who.late is not None else is_late(found.submitted, due)
    return [_Candidate(member, who, sid, when, found.submitted, late, found.note) for sid in found.student_ids]


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
    notes = [best.note] if best.note else []
    if not named_for(best.file_name, assignment):
        notes.append(f"{best.file_name} saved as {assignment}.ipynb")
    if (folder / f"{assignment}.ipynb").exists():
        notes.append("replaced an earlier submission" + (f" of {existing:%Y-%m-%d %H:%M %Z}" if existing else ""))
    folder.mkdir(parents=True, exist_ok=True)
    dest = folder / f"{assignment}.ipynb"
    _copy_into_place(pathlib.Path(best.member.staged), dest)  # a team's file lands for each member
    if best.submitted:
        atomic_write(stamp, nbgrader_timestamp(best.submitted) + "\n")
    else:
        stamp.unlink(missing_ok=True)  # an earlier import's time is not this file's
    row = _row(best, "taken", "; ".join(notes))
    row.dest = str(dest)
    report.rows.append(row)


def _copy_into_place(staged: pathlib.Path, dest: pathlib.Path):
    fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out, open(staged, "rb") as src:
            shutil.copyfileobj(src, out)
        os.chmod(tmp, 0o644)
        os.replace(tmp, dest)
    except BaseException:
        pathlib.Path(tmp).unlink(missing_ok=True)
        raise


def _row(c: _Candidate, action: str, reason: str) -> Row:
    return Row(c.member.where, action, reason, c.who.lms_id, c.student_id, c.late,
               nbgrader_timestamp(c.submitted) if c.submitted else "")
