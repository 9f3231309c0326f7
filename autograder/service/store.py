"""The service's database (SQLAlchemy; SQLite by default, PostgreSQL by URL).

Four tables hold everything that must survive a crash:

- people: who launched the tool, per platform (issuer + the LTI `sub`);
- links: the LMS placements (resource links), each on one assignment, with its AGS line item;
- attempts: every accepted upload, and the job queue itself: an attempt is queued, then
  leased by one worker (owner + lease end, renewed by a heartbeat), then graded;
- outbox: one score per attempt for the LMS, sent until it lands.

The two rules that make a crash harmless:
- a result is written only by the worker that still holds the attempt's lease, in the
  same transaction as the attempt's outbox entry, so an attempt is graded once and its
  score queued once, however often a worker dies in between;
- pylti1p3's login state and nonces live here too (launch_values), and a nonce is
  consumed by the launch that uses it, so a replayed launch is refused.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import enum
import json
import time
from dataclasses import dataclass

from sqlalchemy import (Float, ForeignKey, Integer, String, Text, UniqueConstraint, create_engine, delete, event,
                        func, select, update)
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

from ..kinds import Status
from ..score import SubmissionResult
from ..times import parse_due


class State(str, enum.Enum):
    QUEUED = "queued"
    GRADING = "grading"
    GRADED = "graded"


class Finished(str, enum.Enum):
    COUNTS = "counts"  # recorded, and it is the attempt the LMS gradebook gets
    RECORDED = "recorded"  # recorded; another attempt counts
    TAKEN_OVER = "taken over"  # the lease had run out and another worker graded it


class Delivery(str, enum.Enum):
    PENDING = "pending"
    SENT = "sent"
    REFUSED = "refused"  # the platform said no for good (a 4xx): an instructor must look


class Base(DeclarativeBase):
    pass


class Person(Base):
    __tablename__ = "people"
    __table_args__ = (UniqueConstraint("issuer", "sub"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    issuer: Mapped[str] = mapped_column(String(255))
    sub: Mapped[str] = mapped_column(String(255))  # the LTI user id: what AGS scores are addressed to
    student_id: Mapped[str] = mapped_column(String(255))  # what reports and the gradebook call them
    name: Mapped[str] = mapped_column(String(255), default="")
    email: Mapped[str] = mapped_column(String(255), default="")


class Link(Base):
    __tablename__ = "links"
    __table_args__ = (UniqueConstraint("issuer", "deployment_id", "resource_link_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    issuer: Mapped[str] = mapped_column(String(255))
    client_id: Mapped[str] = mapped_column(String(255))
    deployment_id: Mapped[str] = mapped_column(String(255))
    resource_link_id: Mapped[str] = mapped_column(String(255))
    context_title: Mapped[str] = mapped_column(String(255), default="")
    assignment: Mapped[str] = mapped_column(String(100))
    lineitem: Mapped[str] = mapped_column(Text, default="")  # AGS line item URL; "" when the LMS gave none
    published: Mapped[int] = mapped_column(Integer, default=0)  # hidden tests' details shown to students
    due_at: Mapped[str] = mapped_column(String(40), default="")  # as the LMS passed it (custom due_at)


class Attempt(Base):
    __tablename__ = "attempts"
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    link_id: Mapped[int] = mapped_column(ForeignKey("links.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)  # 1, 2, ... per student and link
    file: Mapped[str] = mapped_column(Text)  # relative to the data folder
    filename: Mapped[str] = mapped_column(String(255))  # as the student named it
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    received_at: Mapped[float] = mapped_column(Float, index=True)
    state: Mapped[str] = mapped_column(String(16), default=State.QUEUED.value, index=True)
    owner: Mapped[str] = mapped_column(String(255), default="")
    leased_until: Mapped[float] = mapped_column(Float, default=0.0)
    leases: Mapped[int] = mapped_column(Integer, default=0)  # how often a worker took it (1 unless one died)
    graded_at: Mapped[float] = mapped_column(Float, default=0.0)
    score: Mapped[float] = mapped_column(Float, default=0.0)
    max_score: Mapped[float] = mapped_column(Float, default=0.0)
    status: Mapped[str] = mapped_column(String(32), default="")  # the result's Status
    result: Mapped[str] = mapped_column(Text, default="")  # SubmissionResult.to_record() as JSON
    in_gradebook: Mapped[int] = mapped_column(Integer, default=0, index=True)  # 0 to record, 1 recorded, 2 not counted


class Outbox(Base):
    __tablename__ = "outbox"
    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempts.id"))
    reason: Mapped[str] = mapped_column(String(32), default="graded")  # graded | published | regraded
    lineitem: Mapped[str] = mapped_column(Text)
    user_sub: Mapped[str] = mapped_column(String(255))
    issuer: Mapped[str] = mapped_column(String(255))
    client_id: Mapped[str] = mapped_column(String(255))
    score: Mapped[float] = mapped_column(Float)
    max_score: Mapped[float] = mapped_column(Float)
    pending_manual: Mapped[int] = mapped_column(Integer, default=0)
    timestamp: Mapped[str] = mapped_column(String(40))  # the same on every try: the platform sees one score
    submitted_at: Mapped[str] = mapped_column(String(40), default="")
    comment: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[str] = mapped_column(String(16), default=Delivery.PENDING.value, index=True)
    tries: Mapped[int] = mapped_column(Integer, default=0)
    next_try_at: Mapped[float] = mapped_column(Float, default=0.0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    sent_at: Mapped[float] = mapped_column(Float, default=0.0)
    __table_args__ = (UniqueConstraint("attempt_id", "reason", "timestamp"),)


class LaunchValue(Base):
    __tablename__ = "launch_values"
    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    expires_at: Mapped[float] = mapped_column(Float)


@dataclass(frozen=True)
class ToRecord:
    attempt_id: int
    file: str
    assignment: str
    student_id: str
    result: str


@dataclass(frozen=True)
class Lease:
    attempt_id: int
    owner: str
    file: str
    assignment: str
    student_id: str
    received_at: float
    due_at: str
    leases: int  # this one included


def _sqlite_pragmas(dbapi_connection, _record):
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")  # readers (the pages) never wait for the worker's writes
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


class Store:
    def __init__(self, url: str):
        self.url = url
        sqlite = url.startswith("sqlite")
        self.engine = create_engine(url, **({"connect_args": {"check_same_thread": False, "timeout": 10}}
                                            if sqlite else {"pool_pre_ping": True}))
        if sqlite:
            event.listen(self.engine, "connect", _sqlite_pragmas)
        Base.metadata.create_all(self.engine)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @contextlib.contextmanager
    def session(self):
        with self._sessions() as s, s.begin():
            yield s

    def close(self):
        self.engine.dispose()

    # -- launches ----------------------------------------------------------
    def person(self, issuer: str, sub: str, student_id: str, name: str, email: str) -> Person:
        with self.session() as s:
            found = s.scalar(select(Person).where(Person.issuer == issuer, Person.sub == sub))
            if found is None:
                found = Person(issuer=issuer, sub=sub, student_id=student_id, name=name, email=email)
                s.add(found)
            else:
                found.name, found.email = name or found.name, email or found.email
            s.flush()
            return found

    def link(self, issuer: str, client_id: str, deployment_id: str, resource_link_id: str, assignment: str,
             lineitem: str, context_title: str, due_at: str = "") -> Link:
        with self.session() as s:
            found = s.scalar(select(Link).where(Link.issuer == issuer, Link.deployment_id == deployment_id,
                                                Link.resource_link_id == resource_link_id))
            if found is None:
                found = Link(issuer=issuer, client_id=client_id, deployment_id=deployment_id,
                             resource_link_id=resource_link_id, assignment=assignment, lineitem=lineitem,
                             context_title=context_title, due_at=due_at)
                s.add(found)
            else:
                found.assignment, found.context_title, found.due_at = assignment, context_title, due_at
                found.lineitem = lineitem or found.lineitem
            s.flush()
            return found

    def get(self, model, key: int):
        with self.session() as s:
            return s.get(model, key)

    # -- uploads -----------------------------------------------------------
    def uploads_since(self, person_id: int, since: float) -> int:
        with self.session() as s:
            return s.scalar(select(func.count()).select_from(Attempt).where(
                Attempt.person_id == person_id, Attempt.received_at >= since))

    def accept(self, person_id: int, link_id: int, file: str, filename: str, sha256: str, size: int) -> Attempt:
        """Queue an upload whose file is already on disk: from the commit on, it will be graded."""
        with self.session() as s:
            number = 1 + (s.scalar(select(func.max(Attempt.number)).where(
                Attempt.person_id == person_id, Attempt.link_id == link_id)) or 0)
            attempt = Attempt(person_id=person_id, link_id=link_id, number=number, file=file, filename=filename,
                              sha256=sha256, size=size, received_at=time.time())
            s.add(attempt)
            s.flush()
            return attempt

    def attempts(self, *, person_id: int | None = None, link_id: int | None = None) -> list[Attempt]:
        with self.session() as s:
            query = select(Attempt).order_by(Attempt.id)
            if person_id is not None:
                query = query.where(Attempt.person_id == person_id)
            if link_id is not None:
                query = query.where(Attempt.link_id == link_id)
            return list(s.scalars(query))

    def people(self, ids) -> dict[int, Person]:
        with self.session() as s:
            return {p.id: p for p in s.scalars(select(Person).where(Person.id.in_(list(ids))))}

    # -- the queue -----------------------------------------------------------
    def lease(self, owner: str, seconds: float) -> Lease | None:
        """The oldest attempt waiting (or whose worker stopped renewing its lease), now this owner's."""
        now = time.time()
        with self.session() as s:
            waiting = (Attempt.state == State.QUEUED.value) | (
                (Attempt.state == State.GRADING.value) & (Attempt.leased_until < now))
            for candidate in s.scalars(select(Attempt.id).where(waiting).order_by(Attempt.id).limit(8)):
                taken = s.execute(update(Attempt).where(Attempt.id == candidate, waiting).values(
                    state=State.GRADING.value, owner=owner, leased_until=now + seconds,
                    leases=Attempt.leases + 1)).rowcount
                if taken:  # another worker may have taken it between the select and the update
                    attempt = s.get(Attempt, candidate)
                    link, person = s.get(Link, attempt.link_id), s.get(Person, attempt.person_id)
                    return Lease(attempt.id, owner, attempt.file, link.assignment, person.student_id,
                                 attempt.received_at, link.due_at, attempt.leases)
        return None

    def renew(self, lease: Lease, seconds: float) -> bool:
        with self.session() as s:
            return bool(s.execute(update(Attempt).where(
                Attempt.id == lease.attempt_id, Attempt.owner == lease.owner,
                Attempt.state == State.GRADING.value).values(leased_until=time.time() + seconds)).rowcount)

    def finish(self, lease: Lease, result: SubmissionResult, counted_attempt: str) -> Finished:
        """Record the result and queue its score, if this worker still holds the lease (else
        another worker took the attempt over, and its result is the one that counts)."""
        now = time.time()
        with self.session() as s:
            recorded = s.execute(update(Attempt).where(
                Attempt.id == lease.attempt_id, Attempt.owner == lease.owner,
                Attempt.state == State.GRADING.value).values(
                state=State.GRADED.value, graded_at=now, score=result.score, max_score=result.max_score,
                status=result.status.value, result=json.dumps(result.to_record()), in_gradebook=0)).rowcount
            if not recorded:
                return Finished.TAKEN_OVER
            attempt = s.get(Attempt, lease.attempt_id)
            counted = counted_result(s, attempt.person_id, attempt.link_id, counted_attempt)
            if counted is not None and counted.id == attempt.id:
                again = s.scalar(select(Outbox.id).where(Outbox.attempt_id == attempt.id, Outbox.reason == "graded"))
                if again:  # regraded: a new score, newer than the first
                    _queue_score(s, attempt, "regraded", _timestamp(now))
                else:  # stamped with the upload's time, the platform keeps the latest upload's score
                    _queue_score(s, attempt, "graded", _timestamp(attempt.received_at))
                return Finished.COUNTS
            return Finished.RECORDED

    def regrade(self, attempt_ids: list[int]) -> int:
        """Queue attempts again (after the hidden tests changed); their new scores go out anew."""
        with self.session() as s:
            return s.execute(update(Attempt).where(Attempt.id.in_(attempt_ids), Attempt.state == State.GRADED.value)
                             .values(state=State.QUEUED.value, owner="", leased_until=0.0)).rowcount

    def to_record(self, counted_attempt: str, limit: int) -> list[ToRecord]:
        """Graded attempts the nbgrader gradebook does not have yet, if they are the ones that count."""
        found = []
        with self.session() as s:
            for attempt in s.scalars(select(Attempt).where(Attempt.state == State.GRADED.value, Attempt.in_gradebook == 0)
                                     .order_by(Attempt.id).limit(limit * 4)):
                if len(found) == limit:
                    break
                counted = counted_result(s, attempt.person_id, attempt.link_id, counted_attempt)
                if counted is None or counted.id != attempt.id:
                    attempt.in_gradebook = 2
                    continue
                link, person = s.get(Link, attempt.link_id), s.get(Person, attempt.person_id)
                found.append(ToRecord(attempt.id, attempt.file, link.assignment, person.student_id, attempt.result))
        return found

    def recorded(self, results: dict[int, SubmissionResult]):
        """Written to the gradebook, with the written answers' automatic scores nbgrader gave."""
        with self.session() as s:
            for attempt_id, result in results.items():
                s.execute(update(Attempt).where(Attempt.id == attempt_id, Attempt.state == State.GRADED.value).values(
                    in_gradebook=1, result=json.dumps(result.to_record()), score=result.score))

    def queued(self) -> int:
        with self.session() as s:
            return s.scalar(select(func.count()).select_from(Attempt).where(Attempt.state != State.GRADED.value))

    # -- the outbox ------------------------------------------------------------
    def publish(self, link_id: int, counted_attempt: str, manual: dict[int, SubmissionResult]) -> int:
        """Show the hidden tests' details to the link's students, and send every counted score
        again, with the grades entered by hand (manual: attempt id -> result with them)."""
        stamp = _timestamp(time.time())
        with self.session() as s:
            link = s.get(Link, link_id)
            link.published = 1
            n = 0
            for person_id in s.scalars(select(Attempt.person_id).where(Attempt.link_id == link_id).distinct()):
                attempt = counted_result(s, person_id, link_id, counted_attempt)
                if attempt is None:
                    continue
                if attempt.id in manual:
                    attempt.result = json.dumps(manual[attempt.id].to_record())
                    attempt.score = manual[attempt.id].score
                _queue_score(s, attempt, "published", stamp)
                n += 1
            return n

    def due_scores(self, now: float, limit: int = 20) -> list[Outbox]:
        with self.session() as s:
            return list(s.scalars(select(Outbox).where(Outbox.state == Delivery.PENDING.value,
                                                       Outbox.next_try_at <= now).order_by(Outbox.id).limit(limit)))

    def delivered(self, entry_id: int):
        with self.session() as s:
            s.execute(update(Outbox).where(Outbox.id == entry_id).values(
                state=Delivery.SENT.value, sent_at=time.time(), tries=Outbox.tries + 1, last_error=""))

    def not_delivered(self, entry_id: int, why: str, retry_at: float | None):
        """retry_at None: the platform refused it for good."""
        with self.session() as s:
            s.execute(update(Outbox).where(Outbox.id == entry_id).values(
                tries=Outbox.tries + 1, last_error=why[:500], next_try_at=retry_at or 0.0,
                state=Delivery.PENDING.value if retry_at is not None else Delivery.REFUSED.value))

    def retry_refused(self, link_id: int) -> int:
        with self.session() as s:
            ids = select(Attempt.id).where(Attempt.link_id == link_id)
            return s.execute(update(Outbox).where(Outbox.state == Delivery.REFUSED.value, Outbox.attempt_id.in_(ids))
                             .values(state=Delivery.PENDING.value, next_try_at=0.0)).rowcount

    def outbox(self, link_id: int | None = None) -> list[Outbox]:
        with self.session() as s:
            query = select(Outbox).order_by(Outbox.id)
            if link_id is not None:
                query = query.where(Outbox.attempt_id.in_(select(Attempt.id).where(Attempt.link_id == link_id)))
            return list(s.scalars(query))

    # -- pylti1p3's launch data ------------------------------------------------
    def put_value(self, key: str, value, seconds: float):
        with self.session() as s:
            s.merge(LaunchValue(key=key, value=json.dumps(value), expires_at=time.time() + seconds))
            s.execute(delete(LaunchValue).where(LaunchValue.expires_at < time.time()))

    def get_value(self, key: str):
        with self.session() as s:
            found = s.get(LaunchValue, key)
            return json.loads(found.value) if found is not None and found.expires_at >= time.time() else None

    def take_value(self, key: str) -> bool:
        """Whether the key was there; it is gone after (a nonce serves one launch)."""
        with self.session() as s:
            return bool(s.execute(delete(LaunchValue).where(LaunchValue.key == key,
                                                            LaunchValue.expires_at >= time.time())).rowcount)


def counted_result(s: Session, person_id: int, link_id: int, counted_attempt: str) -> Attempt | None:
    """The graded attempt the LMS gradebook should have: the latest upload, or the best score
    (the earliest among equals)."""
    graded = select(Attempt).where(Attempt.person_id == person_id, Attempt.link_id == link_id,
                                   Attempt.state == State.GRADED.value)
    if counted_attempt == "best":
        return s.scalars(graded.order_by(Attempt.score.desc(), Attempt.id)).first()
    latest = s.scalars(select(Attempt).where(Attempt.person_id == person_id, Attempt.link_id == link_id)
                       .order_by(Attempt.id.desc())).first()
    return latest if latest is not None and latest.state == State.GRADED.value else None


def _timestamp(seconds: float) -> str:
    return dt.datetime.fromtimestamp(seconds, dt.timezone.utc).isoformat(timespec="milliseconds")


def after_due(link: Link) -> bool:
    return bool(link.due_at) and parse_due(link.due_at).timestamp() < time.time()


def result_of(attempt: Attempt) -> SubmissionResult:
    return SubmissionResult.from_record(json.loads(attempt.result))


def student_score(result: SubmissionResult, link: Link):
    """The score the student may see (reports.feedback.shown_score): until the link is published,
    the points of the tests visible by then."""
    from ..reports.feedback import shown_score

    return shown_score(result, bool(link.published), after_due(link))


def _queue_score(s: Session, attempt: Attempt, reason: str, timestamp: str):
    """The LMS hears what the student may see: the gradebook is theirs to read too.  A result
    with the grader's error waits for a regrade instead."""
    link, person = s.get(Link, attempt.link_id), s.get(Person, attempt.person_id)
    result = result_of(attempt)
    if not link.lineitem or result.status is Status.GRADER_ERROR:  # a broken test must not cost the student
        return
    shown = student_score(result, link)
    waiting = not shown.complete or bool(result.pending_manual)
    s.add(Outbox(attempt_id=attempt.id, reason=reason, lineitem=link.lineitem, user_sub=person.sub,
                 issuer=link.issuer, client_id=link.client_id, score=shown.points, max_score=shown.max_score,
                 pending_manual=int(waiting), timestamp=timestamp,
                 submitted_at=_timestamp(attempt.received_at), comment=""))
