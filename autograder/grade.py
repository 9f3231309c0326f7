"""The library API: grade one notebook, or a whole class, through every step.

    read -> isolate -> run hidden tests -> score -> record

grade_batch is what `autograder grade` runs.  It is resumable: a submission
whose results.json already records the same file and the same suite is not
graded again (unless regrade=True), and results land one atomic file at a time.
"""
from __future__ import annotations

import concurrent.futures
import datetime as dt
import hashlib
import os
import pathlib
import queue
import threading
import time
from dataclasses import dataclass, field

from . import course, record
from .isolate import Limits, Sandbox
from .read import Submission, find_notebook, read_submission
from .run_tests import not_run, run_suite
from .score import SubmissionResult, score
from .student import SandboxDied


@dataclass
class BatchSummary:
    assignment: str
    graded: list[str] = field(default_factory=list)  # student ids graded in this run
    skipped: list[str] = field(default_factory=list)  # already graded, unchanged
    failed: list[str] = field(default_factory=list)  # graded with a stop or an internal error
    out_dir: pathlib.Path | None = None
    csv_path: pathlib.Path | None = None
    db_url: str = ""
    seconds: float = 0.0


def suite_version(assignment: str, root: pathlib.Path = course.REPO_ROOT) -> str:
    """Changes whenever the hidden suite, its shared helpers, the probes or the
    instructor notebook change, so a rerun regrades what they would grade differently."""
    h = hashlib.sha256()
    suite = pathlib.Path(course.hidden_suite_module(assignment).__file__)
    for path in [suite, *sorted(suite.parent.glob("[!t]*.py")), pathlib.Path(__file__).parent / "sandbox" / "probes.py",
                 course.source_notebook(assignment, root)]:
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


def _load_problem_text(p: dict) -> str:
    what = "your code in cell" if p.get("origin") == "student" else "the given cell"
    where = f" ({p['where']})" if p.get("where") else ""
    return f"{what} {p['cell']} could not run: {p['type']}: {p['message']}{where}"


def grade_in(sandbox: Sandbox, sub: Submission) -> SubmissionResult:
    """isolate -> run hidden tests -> score, for one read submission."""
    started = time.monotonic()
    tampering = list(sub.tampering)
    with sandbox.session(sub.cells) as session:
        outcomes = run_suite(sub.assignment, session.student, restart=session.restart)
        try:
            tampering += [f"patched {name} while running" for name in session.student.probe("integrity")]
        except (SandboxDied, AssertionError):
            pass
    problems = sub.problems + [_load_problem_text(p) for p in session.load_problems]
    if session.stops:
        problems += [f"your code was stopped: {reason}" for reason in dict.fromkeys(session.stops)]
    if session.truncated:
        problems.append("your code printed more than the output limit; the rest was dropped")
    status = "graded"
    if session.stops:
        limits = ("time limit", "memory", "CPU")
        status = "limit" if any(k in s for s in session.stops for k in limits) else "crashed"
    elif sub.unreadable:
        status = "unreadable"
    return score(sub.student_id, sub.assignment, outcomes, problems=problems, tampering=tampering,
                 status=status, fingerprint=sub.fingerprint, execution_time=time.monotonic() - started,
                 output=session.output)


def grade_notebook(path: pathlib.Path | None, assignment: str, student_id: str = "", *,
                   limits: Limits = Limits(), isolation: str = "auto",
                   root: pathlib.Path = course.REPO_ROOT) -> SubmissionResult:
    """Grade one notebook in a fresh sandbox (pays TensorFlow's start-up once)."""
    sub = read_submission(pathlib.Path(path) if path else None, assignment, student_id, root)
    with Sandbox(limits, isolation=isolation, hide=(pathlib.Path(path).parent,) if path else ()) as sandbox:
        return grade_in(sandbox, sub)


# -- a whole class -----------------------------------------------------------

@dataclass
class _Job:
    student_id: str
    submission: Submission
    submitted_at: str
    key: str  # file fingerprint + suite version


def _timestamp(folder: pathlib.Path) -> str:
    stamp = folder / "timestamp.txt"
    try:
        return stamp.read_text(encoding="utf-8").strip()[:64]
    except OSError:
        return ""


def _is_late(submitted_at: str, due: dt.datetime | None) -> bool:
    if not (due and submitted_at):
        return False
    try:
        from nbgrader.utils import parse_utc

        return parse_utc(submitted_at) > parse_utc(due)
    except (ValueError, TypeError, OverflowError):
        return False


def collect(assignment: str, submissions: pathlib.Path, root: pathlib.Path = course.REPO_ROOT) -> list[_Job]:
    """Read every student's submission of the assignment (students without one are skipped)."""
    course.check_assignment(assignment)
    submissions = pathlib.Path(submissions)
    if not submissions.is_dir():
        raise course.CourseError(f"the submissions folder {submissions} does not exist")
    version = suite_version(assignment, root)
    jobs = []
    for student_dir in sorted(p for p in submissions.iterdir() if p.is_dir()):
        folder = student_dir / assignment
        if not folder.is_dir():
            continue
        path, notes = find_notebook(folder, assignment)
        sub = read_submission(path, assignment, student_dir.name, root)
        sub.problems = notes + sub.problems
        jobs.append(_Job(student_dir.name, sub, _timestamp(folder), f"{sub.fingerprint}:{version}"))
    return jobs


def grade_batch(assignment: str, submissions: pathlib.Path, out_dir: pathlib.Path, db_url: str | None = None, *,
                jobs: int | None = None, regrade: bool = False, limits: Limits = Limits(),
                isolation: str = "auto", scheduler: str | None = None, due: str | None = None,
                root: pathlib.Path = course.REPO_ROOT, progress=None) -> BatchSummary:
    """Grade every submission of `assignment` under `submissions` into `out_dir`.

    progress(done, total, result_or_None, student_id) is called as work lands."""
    t0 = time.monotonic()
    out_dir = pathlib.Path(out_dir)
    summary = BatchSummary(assignment, out_dir=out_dir, db_url=db_url or "")
    todo = []
    for job in collect(assignment, submissions, root):
        previous = record.read_result(record.results_path(out_dir, job.student_id, assignment))
        if not regrade and previous is not None and previous.fingerprint == job.key:
            summary.skipped.append(job.student_id)
        else:
            todo.append(job)
    total = len(todo)
    if progress:
        progress(0, total, None, "")
    hide = (pathlib.Path(submissions), out_dir) + ((_db_dir(db_url),) if db_url else ())
    runner = _grade_on_dask if scheduler else _grade_locally
    done = 0
    for job, result in runner(todo, limits, isolation, hide, jobs or os.cpu_count() or 1, scheduler):
        result.fingerprint = job.key
        result.submitted_at = job.submitted_at
        result.late = _is_late(job.submitted_at, due)
        record.write_result(out_dir, result)
        (summary.graded if result.status == "graded" else summary.failed).append(job.student_id)
        done += 1
        if progress:
            progress(done, total, result, job.student_id)
    summary.csv_path = record.write_grades_csv(out_dir)
    if db_url:
        record.record_gradebook(db_url, record.load_results(out_dir, assignment), root)
    summary.seconds = time.monotonic() - t0
    return summary


def _db_dir(db_url: str) -> pathlib.Path:
    if db_url.startswith("sqlite:///"):
        return pathlib.Path(db_url.removeprefix("sqlite:///")).resolve().parent
    return pathlib.Path(".").resolve()


def _internal_error(job: _Job, exc: BaseException) -> SubmissionResult:
    reason = f"the grader failed on this submission: {type(exc).__name__}: {exc}"
    return score(job.student_id, job.submission.assignment, not_run(job.submission.assignment, reason),
                 status="crashed", problems=job.submission.problems + [reason])


def _grade_locally(todo, limits, isolation, hide, jobs, _scheduler):
    """A pool of threads, each owning one warm sandbox; yields (job, result) as they finish."""
    work: queue.Queue = queue.Queue()
    for job in todo:
        work.put(job)
    results: queue.Queue = queue.Queue()
    n = max(1, min(jobs, len(todo)))

    def worker(slot):
        with Sandbox(limits, isolation=isolation, hide=hide, slot=slot) as sandbox:
            while True:
                try:
                    job = work.get_nowait()
                except queue.Empty:
                    return
                try:
                    results.put((job, grade_in(sandbox, job.submission)))
                except Exception as exc:  # noqa: BLE001 - one submission must not stop the batch
                    results.put((job, _internal_error(job, exc)))

    with concurrent.futures.ThreadPoolExecutor(n) as pool:
        futures = [pool.submit(worker, i) for i in range(n)]
        for _ in range(len(todo)):
            while True:
                try:
                    yield results.get(timeout=1.0)
                    break
                except queue.Empty:
                    failed = [f for f in futures if f.done() and f.exception()]
                    if failed and all(f.done() for f in futures):
                        raise failed[0].exception()
        for f in futures:
            f.result()


# -- Dask ----------------------------------------------------------------------

_DASK_SANDBOX: dict = {}
_DASK_LOCK = threading.Lock()


def _dask_grade(submission: Submission, limits: Limits, isolation: str) -> SubmissionResult:
    """Runs on a Dask worker: one warm sandbox per worker process, reused across tasks."""
    with _DASK_LOCK:
        sandbox = _DASK_SANDBOX.get("sandbox")
        if sandbox is None:
            sandbox = _DASK_SANDBOX["sandbox"] = Sandbox(limits, isolation=isolation)
            sandbox.start()
        sandbox.limits = limits  # a later batch on the same cluster may ask for other limits
        return grade_in(sandbox, submission)


def _grade_on_dask(todo, limits, isolation, _hide, _jobs, scheduler):
    from dask.distributed import Client, as_completed

    with Client(scheduler) as client:
        futures = {client.submit(_dask_grade, job.submission, limits, isolation, pure=False,
                                 key=f"grade-{job.submission.assignment}-{job.student_id}-{i}"): job
                   for i, job in enumerate(todo)}
        for future in as_completed(futures):
            job = futures[future]
            try:
                yield job, future.result()
            except Exception as exc:  # noqa: BLE001
                yield job, _internal_error(job, exc)
