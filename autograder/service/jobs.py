"""Workers that take queued attempts from the database and grade them.

Each worker leases the oldest waiting attempt (store.lease), grades it on its own warm
sandbox (grade.SandboxPool, the batch grader's) or on a Dask worker (`scheduler`), and
records the result with store.finish, which only the lease holder can do.  A heartbeat
renews the leases of the attempts being graded; a worker that died stops renewing, its
lease runs out, and another worker (after a restart, the same service) grades the
attempt again.  Results are corrected as a batch corrects them: tests the instructor's
own solution fails count as the grader's errors (grade.reference_check).
"""
from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import pathlib
import socket
import threading
import time
import uuid

from .. import course, grade, language
from ..read import read_submission
from ..read import template as read_template
from ..settings import Autograder
from ..times import UTC, is_late, parse_due
from .settings import Service
from .coursebook import Coursebook
from .store import Finished, Lease, Store

log = logging.getLogger("autograder.service")
MAX_LEASES = 3  # an attempt the service itself failed to grade this often is recorded as its error


class Grader:
    def __init__(self, store: Store, root: pathlib.Path, data: pathlib.Path, settings: Autograder, service: Service,
                 scheduler: str | None = None, coursebook: Coursebook | None = None):
        self.store, self.root, self.data = store, pathlib.Path(root), pathlib.Path(data)
        self.settings, self.service, self.scheduler = settings, service, scheduler
        self.coursebook = coursebook
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.layout = course.layout(root, results=self.data / "results", db_url="")
        self.hide = (self.root.resolve(), self.data.resolve())
        self._wake = threading.Condition()
        self._stop = threading.Event()
        self._held: dict[int, Lease] = {}
        self._fixes: dict[str, object] = {}
        self._versions: dict[str, str] = {}
        self._code_versions: dict[str, str] = {}
        self._fix_lock = threading.Lock()
        self._threads: list[threading.Thread] = []
        self._stack = contextlib.ExitStack()
        self._ready = threading.Event()
        self.graded = 0

    # -- life ------------------------------------------------------------------
    def start(self):
        grade._use_secret(self.settings.secret)
        if self.scheduler:
            from dask.distributed import Client

            self._client = self._stack.enter_context(Client(self.scheduler))
            slots = max(1, sum(self._client.nthreads().values()))
            grade_one = [self._on_dask] * slots
        else:
            tensorflow = any(read_template(a, self.root).uses_tensorflow for a in course.ASSIGNMENTS)
            n = self.service.workers or self.settings.workers
            self._pool = self._stack.enter_context(grade.SandboxPool(n, self.settings, self.hide, tensorflow))
            grade_one = [self._on_sandbox(slot) for slot in range(n)]
        self._threads = [threading.Thread(target=self._work, args=(g,), name=f"grader-{i}", daemon=True)
                         for i, g in enumerate(grade_one)]
        self._threads.append(threading.Thread(target=self._heartbeat, name="grader-heartbeat", daemon=True))
        self._threads.append(threading.Thread(target=self._prepare, name="grader-prepare", daemon=True))
        for t in self._threads:
            t.start()
        return self

    def stop(self):
        self._stop.set()
        self.notify()
        for t in self._threads:
            t.join(timeout=self.settings.wall_seconds + 5)
        self._stack.close()

    def notify(self):
        """An upload was queued: a waiting worker looks now rather than at its next poll."""
        with self._wake:
            self._wake.notify_all()

    # -- one worker ----------------------------------------------------------------
    def _work(self, grade_one):
        while not self._stop.is_set():
            lease = self.store.lease(self.owner, self.service.lease_seconds)
            if lease is None:
                with self._wake:
                    self._wake.wait(timeout=0.5)
                continue
            self._held[lease.attempt_id] = lease
            try:
                result = self._grade(lease, grade_one)
                finished = self.store.finish(lease, result, self.service.counted_attempt)
                if finished is Finished.TAKEN_OVER:
                    log.warning("attempt %s was taken over by another worker; its result stands", lease.attempt_id)
                    continue
                self.graded += 1
                if finished is Finished.COUNTS and self.coursebook:
                    self.coursebook.notify()
            except Exception as exc:  # noqa: BLE001 - the lease runs out and the attempt is graded again
                log.exception("grading attempt %s of %s failed in the service", lease.attempt_id, lease.student_id)
                if lease.leases >= MAX_LEASES:  # it will not mend by itself: the grader's error, not the student's
                    self._give_up(lease, exc)
                time.sleep(1.0)
            finally:
                self._held.pop(lease.attempt_id, None)

    def _prepare(self):
        if not self.scheduler:
            for slot in range(len(self._pool.boxes)):
                with contextlib.suppress(Exception):  # a sandbox that cannot start says so when it is used
                    self._pool.ready(slot)
        if self.coursebook:
            self.coursebook.ready.wait()
        self._ready.set()

    def wait_ready(self, timeout: float | None = None) -> bool:
        """Whether the sandboxes have started and the gradebook knows every assignment."""
        return self._ready.wait(timeout)

    def _give_up(self, lease: Lease, exc: BaseException):
        try:
            with language.using(self.settings.language):
                sub = read_submission(self.data / lease.file, lease.assignment, lease.student_id, self.root)
            self.store.finish(lease, grade.internal_error(sub, exc), self.service.counted_attempt)
        except Exception:  # noqa: BLE001 - the database itself is failing: the next lease tries again
            log.exception("attempt %s could not even be recorded as the grader's error", lease.attempt_id)

    def _heartbeat(self):
        while not self._stop.wait(self.service.lease_seconds / 3):
            for lease in list(self._held.values()):
                self.store.renew(lease, self.service.lease_seconds)

    def _grade(self, lease: Lease, grade_one):
        with language.using(self.settings.language):  # until the notebook says its edition
            sub = read_submission(self.data / lease.file, lease.assignment, lease.student_id, self.root)
        try:
            result = grade_one(sub)
        except Exception as exc:  # noqa: BLE001 - the grader's failure, never the student's
            log.exception("the grader failed on attempt %s", lease.attempt_id)
            result = grade.internal_error(sub, exc)
        result = self._fix(lease.assignment, grade_one)(result)
        result.fingerprint = sub.fingerprint
        result.suite_version = self._suite_version(lease.assignment)
        submitted = dt.datetime.fromtimestamp(lease.received_at, UTC)
        result.submitted_at = submitted.isoformat(timespec="seconds")
        result.late = is_late(submitted, parse_due(lease.due_at) if lease.due_at else None)
        return result

    def _suite_version(self, assignment: str) -> str:
        if assignment not in self._versions:  # the suites are loaded once: a new one needs a restart
            self._versions[assignment] = grade.suite_version(assignment, self.root)
        return self._versions[assignment]

    def _fix(self, assignment: str, grade_one):
        with self._fix_lock:  # the reference is graded once per assignment, by the first worker to need it
            if assignment not in self._fixes:
                self._fixes[assignment] = grade.reference_check(assignment, self.layout, self.settings, grade_one)
            return self._fixes[assignment]

    def _on_sandbox(self, slot: int):
        return lambda sub: grade.grade_in(self._pool.ready(slot), sub)

    def _on_dask(self, sub):
        if sub.assignment not in self._code_versions:
            self._code_versions[sub.assignment] = course.grading_code_version(sub.assignment)
        version = self._code_versions[sub.assignment]
        return self._client.submit(grade.dask_grade, sub, self.settings.limits, self.settings.isolation, self.hide,
                                   version, self.settings.secret, pure=False).result()
