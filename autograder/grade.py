"""The library API: grade one notebook, or a whole class, through every step.

    read -> isolate -> run hidden tests -> score -> record

grade_batch is what `autograder grade` runs.  It is resumable: a submission
whose result.json already records the same file and the same suite is not
graded again (unless regrade=True), and results land one atomic file at a time.
"""
from __future__ import annotations

import concurrent.futures
import contextlib
import dataclasses
import datetime as dt
import hashlib
import json
import pathlib
import queue
import threading
import time
import warnings
from dataclasses import dataclass, field

from . import course, gradebook, hidden, language, record
from .isolate import isolate
from .kinds import Kind, Status
from .language import _
from .read import Submission, find_notebook, read_submission
from .read import reference_submission as read_reference
from .read import template as read_template
from .run_tests import not_run, run_suite
from .sandbox.host import Sandbox
from .sandbox.limits import Limits, SandboxDied
from .score import SCHEMA, SubmissionResult, score
from .settings import Autograder
from .settings import load as load_settings
from .times import is_late, parse_time


def _use_secret(secret: str):
    if secret == hidden.DEFAULT_SECRET:
        warnings.warn("no secret is set (AUTOGRADER_SECRET, or c.Autograder.secret in nbgrader_config.py), so the "
                      "hidden tests draw their inputs from a public default that anyone with this repository can "
                      "reproduce: set one of this term's before grading", course.SecretWarning, stacklevel=3)
    hidden.use_secret(secret)


@dataclass
class BatchSummary:
    assignment: str
    graded: list[str] = field(default_factory=list)  # student ids graded in this run
    skipped: list[str] = field(default_factory=list)  # already graded, unchanged
    failed: list[str] = field(default_factory=list)  # stopped, crashed, or no readable notebook
    grader_errors: list[str] = field(default_factory=list)  # a hidden test failed on its own: not graded
    out_dir: pathlib.Path | None = None
    csv_path: pathlib.Path | None = None
    db_url: str = ""
    seconds: float = 0.0
    phases: dict[str, float] = field(default_factory=dict)  # seconds per phase, see PHASES


PHASES = ("reading", "sandbox start", "grading", "recording")
# "sandbox start" overlaps reading: the sandboxes start while the submissions are read.


def suite_version(assignment: str, root: pathlib.Path = course.REPO_ROOT) -> str:
    """Changes whenever the code that grades (see course.grading_code_version) or the
    instructor notebook change, so a rerun regrades what they would grade differently."""
    h = hashlib.sha256(f"{SCHEMA}:{course.grading_code_version(assignment)}".encode())
    for path in course.edition_notebooks(assignment, root):  # each edition's template grades its own submissions
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


def _load_problem_text(p: dict) -> str:
    fields = dict(cell=p["cell"], error=p["type"], message=p["message"], where=p.get("where"))
    if p.get("origin") == "student":
        if p.get("where"):
            return _("your code in cell {cell} could not run: {error}: {message} ({where})", **fields)
        return _("your code in cell {cell} could not run: {error}: {message}", **fields)
    if p.get("where"):
        return _("the given cell {cell} could not run: {error}: {message} ({where})", **fields)
    return _("the given cell {cell} could not run: {error}: {message}", **fields)


def _nothing_to_grade(sub: Submission) -> SubmissionResult:
    """No file, or no code in it: the problems say why once, and no test runs."""
    return score(sub.student_id, sub.assignment, not_run(sub.assignment, "", kind=Kind.NOT_RUN),
                 problems=sub.problems, tampering=sub.tampering, fingerprint=sub.fingerprint,
                 status=Status.UNREADABLE if sub.unreadable else Status.MISSING, written=sub.written,
                 language=sub.language)


def grade_in(sandbox: Sandbox, sub: Submission) -> SubmissionResult:
    """isolate -> run hidden tests -> score, for one read submission, answered in the language
    of the edition it came from."""
    with language.using(sub.language):
        return _grade_in(sandbox, sub)


def _grade_in(sandbox: Sandbox, sub: Submission) -> SubmissionResult:
    if sub.unreadable or sub.missing:
        return _nothing_to_grade(sub)
    started = time.monotonic()
    tampering = list(sub.tampering)
    with isolate(sandbox, sub.cells) as session:
        outcomes = run_suite(sub.assignment, session.student, restart=session.restart,
                             load_problems=session.load_problems, student_id=sub.student_id)
        try:
            tampering += [f"patched {name} while running" for name in session.student.probe("integrity")]
        except (SandboxDied, AssertionError):
            pass
    problems = sub.problems + [_load_problem_text(p) for p in session.load_problems]
    problems += [_("your code was stopped: {reason}", reason=reason)
                 for reason in dict.fromkeys(s.reason for s in session.stops)]
    if session.truncated:
        problems.append(_("your code printed more than the output limit; the rest was dropped"))
    status = Status.GRADED
    if session.stops:
        status = Status.LIMIT if any(s.stop.is_limit for s in session.stops) else Status.CRASHED
    if any(o.kind is Kind.GRADER_ERROR for o in outcomes):
        status = Status.GRADER_ERROR
    return score(sub.student_id, sub.assignment, outcomes, problems=problems, tampering=tampering,
                 unverified=list(session.student.unverified), status=status, fingerprint=sub.fingerprint,
                 execution_time=time.monotonic() - started, output=session.output, written=sub.written,
                 language=sub.language)


def grade_notebook(path: pathlib.Path | None, assignment: str, student_id: str = "", *,
                   settings: Autograder | None = None, root: pathlib.Path = course.REPO_ROOT) -> SubmissionResult:
    """Grade one notebook in a fresh sandbox (pays TensorFlow's start-up once)."""
    settings = settings or load_settings(root)
    _use_secret(settings.secret)
    with language.using(settings.language):  # until the notebook says its edition
        sub = read_submission(pathlib.Path(path) if path else None, assignment, student_id, root)
    with Sandbox(settings.limits, isolation=settings.isolation, hide=(pathlib.Path(path).parent,) if path else (),
                 import_tensorflow=read_template(assignment, root).uses_tensorflow) as sandbox:
        return grade_in(sandbox, sub)


# -- a whole class -----------------------------------------------------------

@dataclass
class _Job:
    student_id: str
    submission: Submission
    submitted_at: str
    suite_version: str  # what grades it (suite_version())
    folder: pathlib.Path  # submitted/<student>/<assignment>/


def _timestamp(folder: pathlib.Path) -> str:
    stamp = folder / "timestamp.txt"
    try:
        return stamp.read_text(encoding="utf-8").strip()[:64]
    except OSError:
        return ""


def collect(assignment: str, submissions: pathlib.Path, root: pathlib.Path = course.REPO_ROOT) -> list[_Job]:
    """Read every student's submission of the assignment (students without one are skipped)."""
    course.check_assignment(assignment)
    submissions = pathlib.Path(submissions)
    if not submissions.is_dir():
        raise course.CourseError(f"the submissions folder {submissions} does not exist")
    version = suite_version(assignment, root)
    given = course.given_files(assignment, root)
    jobs = []
    for student_dir in sorted(p for p in submissions.iterdir() if p.is_dir()):
        folder = student_dir / assignment
        if not folder.is_dir():
            continue
        path, notes = find_notebook(folder, assignment, given)
        sub = read_submission(path, assignment, student_dir.name, root)
        sub.problems = notes + sub.problems
        jobs.append(_Job(student_dir.name, sub, _timestamp(folder), version, folder))
    return jobs


def grade_batch(assignment: str, layout: course.Layout, *, settings: Autograder | None = None, regrade: bool = False,
                scheduler: str | None = None, due: dt.datetime | None = None, progress=None) -> BatchSummary:
    """Grade every submission of `assignment` under layout.submitted, with `settings`
    (by default the course's own, from its nbgrader_config.py).

    Results go to layout.results; with a gradebook (layout.db_url), the graded
    notebooks go to layout.autograded and the grades into the gradebook, and
    what graders entered in the formgrader comes back into the results.
    progress(done, total, result_or_None, student_id) is called as work lands."""
    t0 = time.monotonic()
    settings = settings or load_settings(layout.root)
    _use_secret(settings.secret)
    summary = BatchSummary(assignment, out_dir=layout.results, db_url=layout.db_url)
    hide = (layout.root, layout.submitted, layout.results, layout.autograded)
    hide += (layout.db_path.resolve().parent,) if layout.db_path else ()
    clock = _Clock()
    with contextlib.ExitStack() as stack:
        stack.enter_context(language.using(settings.language))  # until a notebook says its edition
        if not scheduler:  # started now, they warm up while the submissions are read
            n = min(settings.workers, len(_folders(assignment, layout.submitted)) + 1)  # + the reference
            sandboxes = stack.enter_context(SandboxPool(n, settings, hide,
                                                       read_template(assignment, layout.root).uses_tensorflow))
        with clock("reading"):
            todo, unchanged = _changed(assignment, layout, regrade, summary)
        with clock("recording"):
            if layout.db_url:
                stack.enter_context(gradebook.one_run(layout))
            cells = gradebook.prepare_assignment(layout, assignment) if layout.db_url else None
        if progress:
            progress(0, len(todo), None, "")
        graded = []
        reference = _Reference(assignment, layout, settings, todo)
        with clock("grading"):
            jobs = reference.jobs + todo
            results = (_grade_on_dask(jobs, settings, hide, scheduler) if scheduler
                       else _grade_locally(jobs, sandboxes))
            done = 0
            for job, result in reference.checked(results):
                with clock("recording"):
                    graded.append(_record(layout, job, result, cells, due, summary))
                done += 1
                if progress:
                    progress(done, len(todo), result, job.student_id)
        with clock("recording"):
            if cells:
                for job, result in unchanged:  # stock `nbgrader autograde --force` may have replaced their notebooks
                    nb, auto = _graded_notebook(layout, job, result, cells, reuse=True)
                    if nb is not None:
                        gradebook.write_graded(layout, nb, result, job.folder)
                    graded.append((result, auto))
                gradebook.record_grades(layout, graded)
                gradebook.pull_manual_grades(layout, [result for result, _ in graded])
            summary.csv_path = record.write_grades_csv(layout.results)
        if not scheduler:
            clock.seconds["sandbox start"] = sandboxes.seconds
    summary.phases = {phase: clock.seconds.get(phase, 0.0) for phase in PHASES}
    summary.seconds = time.monotonic() - t0
    return summary


class _Clock:
    """Seconds per phase of a batch; time in a nested phase counts for that phase alone."""

    def __init__(self):
        self.seconds: dict[str, float] = {}
        self._open: list[str] = []

    @contextlib.contextmanager
    def __call__(self, phase: str):
        start = time.monotonic()
        self._open.append(phase)
        try:
            yield
        finally:
            spent = time.monotonic() - start
            self._open.pop()
            self.seconds[phase] = self.seconds.get(phase, 0.0) + spent
            if self._open:
                self.seconds[self._open[-1]] = self.seconds.get(self._open[-1], 0.0) - spent


class _Reference:
    """The instructor's own solutions, graded beside every batch: a test they fail is broken, so
    in every student's result it is the grader's error, never the student's lost points.  Its
    verdict is kept under results/.reference/ for as long as the suite, the secret and the limits
    are the same (grading is reproducible, so a regrade would only repeat it)."""

    def __init__(self, assignment: str, layout: course.Layout, settings: Autograder, todo: list[_Job]):
        self.assignment = assignment
        self.path = pathlib.Path(layout.results) / ".reference" / f"{assignment}.json"
        key = {"suite": suite_version(assignment, layout.root), "limits": dataclasses.asdict(settings.limits),
               "secret": hashlib.sha256(settings.secret.encode()).hexdigest()}
        self.key = hashlib.sha256(json.dumps(key, sort_keys=True).encode()).hexdigest()[:16]
        self.broken: dict[str, str] | None = self._cached()
        self.jobs = []
        if todo and self.broken is None:
            sub = read_reference(assignment, layout.root)
            self.jobs = [_Job(sub.student_id, sub, "", todo[0].suite_version, layout.root)]

    def _cached(self) -> dict[str, str] | None:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            return dict(data["broken"]) if data.get("key") == self.key else None
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def checked(self, results):
        """The students' (job, result) pairs, each with the broken tests taken out of its points;
        those that finish before the reference wait for it."""
        waiting = []
        for job, result in results:
            if self.jobs and job is self.jobs[0]:
                self._learn(result)
                yield from ((j, self._fix(r)) for j, r in waiting)
                waiting = []
            elif self.broken is None:
                waiting.append((job, result))
            else:
                yield job, self._fix(result)
        yield from ((j, self._fix(r)) for j, r in waiting)  # only if the reference never came back

    def _learn(self, result: SubmissionResult):
        self.broken = {t.name: t.message or t.kind.value for t in result.tests if t.score < t.max_score}
        if result.status is not Status.GRADED and not self.broken:
            self.broken = {t.name: f"the reference solution could not be graded ({result.status.value})"
                           for t in result.tests}
        record.atomic_write(self.path, json.dumps({"key": self.key, "broken": self.broken, "score": result.score,
                                                   "max_score": result.max_score}, indent=1))

    def _fix(self, result: SubmissionResult) -> SubmissionResult:
        broken = self.broken if self.broken is not None else {t.name: "the reference solution was not graded"
                                                               for t in result.tests}
        hit = [t for t in result.tests if t.name in broken and t.kind is not Kind.GRADER_ERROR]
        for t in hit:
            t.kind, t.score = Kind.GRADER_ERROR, 0.0
            t.message = (f"not graded: the instructor's own solution fails this test too ({broken[t.name]}), "
                         "so the test is wrong; it counts once the suite is fixed")
            t.mistake = None
        if hit:
            fixed = score(result.student_id, result.assignment, result.tests)
            result.functions, result.status = fixed.functions, Status.GRADER_ERROR
        return result


def _changed(assignment: str, layout: course.Layout, regrade: bool, summary: BatchSummary):
    """Read every submission: (jobs to grade, [(job, its previous result)] for those unchanged)."""
    todo, unchanged = [], []
    for job in collect(assignment, layout.submitted, layout.root):
        previous = record.read_result(record.results_path(layout.results, job.student_id, assignment))
        if (not regrade and previous is not None and previous.fingerprint == job.submission.fingerprint
                and previous.suite_version == job.suite_version):
            summary.skipped.append(job.student_id)
            unchanged.append((job, previous))
        else:
            todo.append(job)
    return todo, unchanged


def _record(layout: course.Layout, job: _Job, result: SubmissionResult, cells, due, summary: BatchSummary):
    """One fresh result: its record, its graded notebook; (result, automatic grades) for the gradebook."""
    result.fingerprint, result.suite_version = job.submission.fingerprint, job.suite_version
    result.submitted_at = job.submitted_at
    result.late = is_late(parse_time(job.submitted_at), due)
    nb, auto = _graded_notebook(layout, job, result, cells, reuse=False) if cells else (None, None)
    record.write_result(layout.results, result)
    if cells:
        gradebook.write_graded(layout, nb, result, job.folder)
    if result.status is Status.GRADER_ERROR:
        summary.grader_errors.append(job.student_id)
    else:
        (summary.graded if result.status is Status.GRADED else summary.failed).append(job.student_id)
    return result, auto


def _graded_notebook(layout: course.Layout, job: _Job, result: SubmissionResult, book, reuse: bool):
    """(the graded notebook to write, or None when this grading's is on disk already; its
    automatic grades).  The written answers' automatic scores (0 for one left as given)
    are taken from them, decided as nbgrader decides them."""
    nb, auto = None, gradebook.read_graded(layout, result) if reuse else None
    if auto is None:
        nb, auto = gradebook.graded_notebook(layout, job.submission, result, book)
    for answer in result.written:
        answer.auto_score = auto.scores.get(answer.grade_id)
    return nb, auto


def internal_error(sub: Submission, exc: BaseException) -> SubmissionResult:
    """The result when the grader itself failed: every test is the grader's error, none the student's."""
    with language.using(sub.language):
        reason = _("the grader failed on this submission: {error}: {message}", error=type(exc).__name__,
                   message=exc)
        return score(sub.student_id, sub.assignment, not_run(sub.assignment, reason, kind=Kind.GRADER_ERROR),
                     status=Status.GRADER_ERROR, written=sub.written, language=sub.language)


def reference_check(assignment: str, layout: course.Layout, settings: Autograder, grade):
    """The correction every result of `assignment` needs (a function result -> result), as a batch
    applies it: tests the instructor's own solution fails are the grader's errors.  grade(submission)
    grades the reference, when no verdict for this suite, secret and limits is kept already."""
    reference = _Reference(assignment, layout, settings, [])
    if reference.broken is None:
        reference._learn(grade(read_reference(assignment, layout.root)))
    return reference._fix


class SandboxPool:
    """Warm sandboxes, started in the background as soon as the pool is made, so their
    start-up (TensorFlow's import, for the assignments that use it) overlaps whatever the
    caller does next (a batch reads its submissions meanwhile)."""

    def __init__(self, n: int, settings: Autograder, hide: tuple = (), tensorflow: bool = True):
        self.boxes = [Sandbox(settings.limits, isolation=settings.isolation, hide=hide, slot=slot,
                              import_tensorflow=tensorflow) for slot in range(n)]
        self._pool = concurrent.futures.ThreadPoolExecutor(max(n, 1), thread_name_prefix="sandbox-start")
        self._started = [self._pool.submit(self._start, box) for box in self.boxes]

    @staticmethod
    def _start(box: Sandbox) -> float:
        t = time.monotonic()
        box.start()
        return time.monotonic() - t

    def ready(self, slot: int) -> Sandbox:
        """The slot's sandbox once it has started (or the reason it could not)."""
        self._started[slot].result()
        return self.boxes[slot]

    @property
    def seconds(self) -> float:
        """The longest start-up among those that finished."""
        return max((f.result() for f in self._started if f.done() and not f.exception()), default=0.0)

    def map(self, work, items, on_error):
        """work(sandbox, item) for every item, one thread per sandbox; yields (item, value) as
        they finish.  An item whose work raises yields on_error(item, exc) instead."""
        todo: queue.Queue = queue.Queue()
        for item in items:
            todo.put(item)
        done: queue.Queue = queue.Queue()
        n = min(len(self.boxes), todo.qsize())

        def worker(slot):
            sandbox = self.ready(slot)
            while True:
                try:
                    item = todo.get_nowait()
                except queue.Empty:
                    return
                try:
                    done.put((item, work(sandbox, item)))
                except Exception as exc:  # noqa: BLE001 - one item must not stop the rest
                    done.put((item, on_error(item, exc)))

        total = todo.qsize()
        with concurrent.futures.ThreadPoolExecutor(max(n, 1)) as pool:
            futures = [pool.submit(worker, i) for i in range(n)]
            for unused in range(total):
                while True:
                    try:
                        yield done.get(timeout=1.0)
                        break
                    except queue.Empty:
                        failed = [f for f in futures if f.done() and f.exception()]
                        if failed and all(f.done() for f in futures):
                            raise failed[0].exception()
            for f in futures:
                f.result()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._pool.shutdown(wait=True)  # a sandbox still starting is closed once it has
        for box in self.boxes:
            box.close()


def _folders(assignment: str, submissions: pathlib.Path) -> list[pathlib.Path]:
    """submitted/<student>/<assignment>/ folders, without reading anything in them."""
    return [d / assignment for d in submissions.iterdir() if (d / assignment).is_dir()] if submissions.is_dir() else []


def _grade_locally(todo, sandboxes: SandboxPool):
    """Each warm sandbox grades the next submission; yields (job, result) as they finish."""
    return sandboxes.map(lambda sandbox, job: grade_in(sandbox, job.submission), todo,
                         lambda job, exc: internal_error(job.submission, exc))


# -- Dask ----------------------------------------------------------------------

class SuiteMismatch(course.CourseError):
    """A Dask worker would grade with other hidden suites than the coordinator's."""


_DASK_SANDBOXES: dict = {}
_DASK_LOCK = threading.Lock()


def dask_grade(submission: Submission, limits: Limits, isolation: str, hide: tuple,
                version: str, secret: str) -> SubmissionResult:
    """Runs on a Dask worker: one warm sandbox per worker process and isolation (the same
    masks and limits a local run gives), refusing if the worker's suites are not the coordinator's.
    The coordinator's secret comes with the job, so every worker draws the same hidden inputs."""
    mine = course.grading_code_version(submission.assignment)
    if mine != version:
        raise SuiteMismatch(f"the Dask worker on {_host()} grades {submission.assignment} with other code than the "
                            f"coordinator (version {mine}, the coordinator's {version}): update that machine's checkout "
                            "and restart its dask worker")
    with _DASK_LOCK:
        hidden.use_secret(secret)
        key = (isolation, tuple(str(p) for p in hide))
        sandbox = _DASK_SANDBOXES.get(key)
        if sandbox is None:
            sandbox = _DASK_SANDBOXES[key] = Sandbox(limits, isolation=isolation, hide=hide)
            sandbox.start()
        sandbox.limits = limits  # a later batch on the same cluster may ask for other limits
        return grade_in(sandbox, submission)


def _host() -> str:
    import socket

    return socket.gethostname()


def _grade_on_dask(todo, settings: Autograder, hide, scheduler):
    from dask.distributed import Client, as_completed

    with Client(scheduler) as client:
        versions = {a: course.grading_code_version(a) for a in {job.submission.assignment for job in todo}}
        futures = {client.submit(dask_grade, job.submission, settings.limits, settings.isolation, hide,
                                 versions[job.submission.assignment], settings.secret, pure=False,
                                 key=f"grade-{job.submission.assignment}-{job.student_id}-{i}"): job
                   for i, job in enumerate(todo)}
        for future in as_completed(futures):
            job = futures[future]
            try:
                yield job, future.result()
            except SuiteMismatch:
                client.cancel(list(futures))
                raise
            except Exception as exc:  # noqa: BLE001
                yield job, internal_error(job.submission, exc)
