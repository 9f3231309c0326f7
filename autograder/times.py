"""Times and due dates, parsed in one place.

Times are timezone-aware datetimes inside the package.  A recorded time without a
zone (nbgrader writes its timestamps in UTC) is read as UTC; a due date a person
types must carry its zone, since guessing it shifts every deadline.
"""
from __future__ import annotations

import datetime as dt
import zoneinfo

import dateutil.parser

from .course import CourseError

UTC = dt.timezone.utc


class TimeError(CourseError):
    """A due date or time zone the user typed that cannot be used."""


def parse_time(text: str) -> dt.datetime | None:
    """A recorded time (ISO 8601 or nbgrader's "2025-03-01 12:00:00.000000 UTC"), None if unreadable."""
    try:
        when = dateutil.parser.parse(text)
    except (ValueError, OverflowError, TypeError):
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def parse_due(text: str) -> dt.datetime:
    """A due date typed by the instructor; it must say its time zone."""
    try:
        when = dateutil.parser.isoparse(text)
    except (ValueError, OverflowError) as exc:
        raise TimeError(f"due date {text!r} is not an ISO 8601 time ({exc})") from None
    if when.tzinfo is None:
        raise TimeError(f"due date {text!r} has no time zone; write it like 2025-03-01T23:59+09:00 or ...Z for UTC")
    return when


def zone(name: str) -> dt.tzinfo:
    """An IANA time zone, by name."""
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise TimeError(f"unknown time zone {name!r} (use an IANA name such as UTC or Asia/Seoul)") from None


def is_late(submitted: dt.datetime | None, due: dt.datetime | None) -> bool:
    """Submitted after the due date; never late when either is unknown."""
    return bool(submitted and due and submitted > due)


def nbgrader_timestamp(when: dt.datetime) -> str:
    """The text nbgrader writes into timestamp.txt (its default format, in UTC)."""
    return when.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f UTC")


def naive_utc(when: dt.datetime | None) -> dt.datetime | None:
    """As nbgrader's gradebook stores times: UTC without a zone."""
    return when.astimezone(UTC).replace(tzinfo=None) if when else None
