"""The class roster: one CSV that says who each student is in each LMS.

The first row names the columns (case and spaces do not matter; columns not
listed here are ignored).  Only student_id is required; the others are needed
by the commands that use them, which say so when one is missing.

    student_id             nbgrader's student id: the folder name under submitted/
    name                   display name, e.g. "Doe, Jane" (Canvas's Student column)
    email
    canvas_id              Canvas user id: the number in download names, the gradebook's ID
    sis_id                 Canvas "SIS User ID"
    sis_login_id           Canvas "SIS Login ID"
    section
    moodle_participant_id  Moodle participant id (it is per assignment: the worksheet gives them)
    moodle_group           the student's group in a Moodle team assignment
    lti_user_id            the student's LTI user id (`sub`) on the platform

Ids are exact strings; a blank cell means "not known", never a match.
"""
from __future__ import annotations

import csv
import functools
import pathlib
import re
from dataclasses import dataclass, fields

from . import LmsError

STUDENT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@+-]{0,99}$")


class RosterError(LmsError):
    pass


@dataclass(frozen=True)
class Person:
    student_id: str
    name: str = ""
    email: str = ""
    canvas_id: str = ""
    sis_id: str = ""
    sis_login_id: str = ""
    section: str = ""
    moodle_participant_id: str = ""
    moodle_group: str = ""
    lti_user_id: str = ""


COLUMNS = tuple(f.name for f in fields(Person))
ID_COLUMNS = ("canvas_id", "moodle_participant_id", "lti_user_id", "sis_id", "email")


@dataclass(frozen=True)
class Roster:
    people: tuple[Person, ...]
    columns: frozenset[str]  # the columns the file had
    source: str = "roster"

    def require(self, column: str, why: str):
        if column not in self.columns:
            raise RosterError(f"{self.source} has no {column} column, which {why}")

    @functools.cached_property
    def _index(self) -> dict[tuple[str, str], Person]:
        return {(col, getattr(p, col)): p for p in self.people for col in ("student_id",) + ID_COLUMNS
                if getattr(p, col)}

    def find(self, column: str, value: str) -> Person | None:
        return self._index.get((column, value.strip())) if value.strip() else None

    def get(self, student_id: str) -> Person | None:
        return self.find("student_id", student_id)


def _header(name: str) -> str:
    return re.sub(r"[\s-]+", "_", name.strip().lower())


def load_roster(path: pathlib.Path) -> Roster:
    path = pathlib.Path(path)
    try:
        with open(path, newline="", encoding="utf-8-sig") as f:
            rows = list(csv.reader(f))
    except (UnicodeDecodeError, csv.Error) as exc:
        raise RosterError(f"roster {path} is not a UTF-8 CSV file ({exc})") from None
    if not rows:
        raise RosterError(f"roster {path} is empty")
    header = [_header(h) for h in rows[0]]
    if "student_id" not in header:
        raise RosterError(f"roster {path} has no student_id column (its columns: {', '.join(rows[0])})")
    known = [(i, h) for i, h in enumerate(header) if h in COLUMNS]
    people = [Person(**{h: row[i].strip() if i < len(row) else "" for i, h in known})
              for row in rows[1:] if any(cell.strip() for cell in row)]
    _check(people, path)
    return Roster(tuple(people), frozenset(h for _, h in known), str(path))


def _check(people: list[Person], path: pathlib.Path):
    for n, p in enumerate(people, start=2):
        if not STUDENT_ID.match(p.student_id):
            raise RosterError(f"roster {path}, row {n}: student_id {p.student_id!r} is not a usable folder name "
                              "(letters, digits and _ . @ + - only, starting with a letter or digit)")
    for col in ("student_id",) + ID_COLUMNS:
        seen: dict[str, str] = {}
        for p in people:
            value = getattr(p, col)
            if value and value in seen:
                raise RosterError(f"roster {path}: {col} {value!r} belongs to both {seen[value]} and {p.student_id}")
            if value:
                seen[value] = p.student_id
