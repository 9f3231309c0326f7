"""Step 3, run hidden tests: pytest runs the assignment's suite against the `student`.

The tests run here, in the grader, and only talk to the student's code through
the `student` object; whatever the student's process does, the decision of
pass or fail is taken in this process.

pytest itself collects and runs the suite, so fixtures, parametrize and conftest.py
work as in any pytest suite.  Collecting costs a fraction of a second, so each
thread that grades keeps one pytest session per assignment alive (as
pytest-xdist's workers do) and hands it one student after another: the session's
runtest loop runs every test against that student, and a report hook turns each
test into a TestOutcome.

Every test ends in a Kind: an assertion or a known mistake fails it, the
student's own exception or stop is an error or a limit, and any other exception
(or a skip) is the hidden test's own bug, Kind.GRADER_ERROR, never charged to the
student.
"""
from __future__ import annotations

import os
import queue
import threading
from dataclasses import dataclass, field

import pytest

from . import course
from .hidden import KnownMistake, seed_tests, student_seed
from .kinds import Kind, Visibility
from .language import _, active, using
from .sandbox.limits import SandboxDied
from .score import TestOutcome
from .student import MissingFunction, StudentError


@dataclass(frozen=True)
class HiddenTest:
    """One test as pytest collected it (a parametrized test gives one per case)."""

    name: str
    function: str
    points: float
    visibility: Visibility
    doc: str


class SuiteError(course.CourseError):
    """The hidden suite cannot be collected (an import error, a test without @graded...)."""


GRADING = pytest.StashKey["_Grading"]()  # the conftest's `student` fixture finds the current student here


def broken_cell_message(problem: dict) -> str:
    """What a test says when the student's cell that defines its function stopped while loading."""
    if problem["type"] == "Stopped":
        return _("your {cell} cell was stopped while it ran: {reason}", cell=problem["cell"], reason=problem["message"])
    if problem["type"] == "SystemExit":
        return _("your {cell} cell tried to exit the program while it ran; graded code must not exit",
                 cell=problem["cell"])
    if problem.get("where"):
        return _("your {cell} cell stopped with {error}: {message} ({where})", cell=problem["cell"],
                 error=problem["type"], message=problem["message"], where=problem["where"])
    return _("your {cell} cell stopped with {error}: {message}", cell=problem["cell"], error=problem["type"],
             message=problem["message"])


class _NotRun(Exception):
    """Raised in place of a test that must not run (its function, or the student process, was stopped)."""


def classify(exc: BaseException | None, function: str, broken: dict) -> tuple[Kind, str, str | None]:
    """What a test's exception (None: it passed) means: (kind, message, mistake)."""
    if exc is None:
        return Kind.PASSED, "", None
    if isinstance(exc, _NotRun):
        return Kind.LIMIT, str(exc), None
    if isinstance(exc, SandboxDied):
        return Kind.LIMIT, exc.reason, None
    if isinstance(exc, KnownMistake):
        return Kind.FAILED, str(exc), exc.mistake.name
    if isinstance(exc, MissingFunction):
        if exc.function in broken:
            return Kind.ERROR, broken_cell_message(broken[exc.function]), None
        return Kind.MISSING, str(exc), None
    if isinstance(exc, StudentError):
        kind = {"NotImplementedError": Kind.NOT_IMPLEMENTED, "Missing": Kind.MISSING}.get(exc.type, Kind.ERROR)
        return kind, str(exc), None
    if isinstance(exc, AssertionError):
        return Kind.FAILED, str(exc) or _("{function} gave a wrong result", function=function), None
    if isinstance(exc, pytest.fail.Exception):  # pytest.fail("...") is an author's way to fail a test
        return Kind.FAILED, exc.msg or _("{function} gave a wrong result", function=function), None
    if isinstance(exc, pytest.skip.Exception):
        return Kind.GRADER_ERROR, _("the hidden test was skipped ({reason}); a graded test must run",
                                    reason=exc.msg), None
    return Kind.GRADER_ERROR, _("the hidden test failed on its own ({error}: {message})",
                                error=type(exc).__name__, message=exc), None


@dataclass
class _Run:
    """One student's pass through the suite."""

    student: object
    restart: object  # () -> a fresh student, or None to give up
    only_function: str | None
    broken: dict
    student_id: str
    draw: int | None = None  # another set of inputs (hidden.seed_tests)
    language: str | None = None  # what the messages are written in (None: the caller's)
    outcomes: list[TestOutcome] = field(default_factory=list)
    dead: str | None = None  # why the student process is gone for good
    stopped: dict = field(default_factory=dict)  # function -> why it was stopped
    failure: BaseException | None = None  # the first exception of the test running now
    error: BaseException | None = None  # the session itself failed
    done: threading.Event = field(default_factory=threading.Event)


class _Grading:
    """The plugin that binds a pytest session to the students it grades, one after another."""

    def __init__(self, assignment: str):
        self.assignment = assignment
        self.runs: queue.Queue = queue.Queue()
        self.collected = threading.Event()
        self.tests: tuple[HiddenTest, ...] = ()
        self.items: list = []
        self.problems: list[str] = []
        self.run: _Run | None = None

    @property
    def student(self):
        return self.run.student

    # -- collection -------------------------------------------------------------------------

    def pytest_configure(self, config):
        config.stash[GRADING] = self

    def pytest_collectreport(self, report):
        if report.failed:
            self.problems.append(f"{report.nodeid or self.assignment}: {report.longreprtext.strip()}")

    def pytest_collection_finish(self, session):
        tests = []
        for item in session.items:
            mark = item.get_closest_marker("graded")
            if mark is None:
                self.problems.append(f"{item.nodeid} has no @graded(...) marker: say which function it grades")
                continue
            doc = (getattr(item, "obj", None).__doc__ or "").strip() if getattr(item, "obj", None) else ""
            tests.append(HiddenTest(item.name, mark.kwargs["function"], float(mark.kwargs.get("points", 1)),
                                    Visibility(mark.kwargs.get("visibility", Visibility.AFTER_PUBLISHED)),
                                    " ".join(doc.split()) or item.name.removeprefix("test_").replace("_", " ")))
        if not tests and not self.problems:
            self.problems.append(f"the hidden suite of {self.assignment} has no tests")
        self.tests, self.items = tuple(tests), list(session.items)
        self.collected.set()

    # -- running ----------------------------------------------------------------------------

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtestloop(self, session):
        if self.problems:
            return True
        while (run := self.runs.get()) is not None:
            self.run = run
            try:
                with using(run.language):
                    self._run_tests(run)
            except BaseException as exc:  # noqa: BLE001 - handed to the thread that asked
                run.error = exc
            finally:
                self.run = None
                run.done.set()
        return True

    def _run_tests(self, run: _Run):
        items = [(i, t) for i, t in zip(self.items, self.tests)
                 if not run.only_function or t.function == run.only_function]
        for n, (item, test) in enumerate(items):
            run.failure = None
            item.ihook.pytest_runtest_protocol(item=item, nextitem=items[n + 1][0] if n + 1 < len(items) else None)
            kind, message, mistake = classify(run.failure, test.function, run.broken)
            run.outcomes.append(TestOutcome(test.name, test.function, test.points,
                                            test.points if kind is Kind.PASSED else 0.0, message,
                                            test.visibility, kind, mistake, test.doc))

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_setup(self, item):
        run, function = self.run, item.get_closest_marker("graded").kwargs["function"]
        if run.dead is not None:
            raise _NotRun(run.dead)
        if function in run.stopped:
            # One stop per function is enough: rerunning an endless loop only burns the time limit.
            raise _NotRun(_("not run: {function} was stopped earlier ({reason})", function=function,
                            reason=run.stopped[function]))
        seed_tests(self.assignment, item.name, run.draw)
        run.student.seed(student_seed(self.assignment, item.name, run.student_id))

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_makereport(self, item, call):
        """The first exception is all a verdict needs (classify reads it).  pytest's own report
        would format a full traceback for every failing test, a cost each wrong submission pays
        over and over for text nobody reads, so this plain report stands in for it."""
        run = self.run
        if call.excinfo is not None and run.failure is None:
            run.failure = call.excinfo.value
            if isinstance(run.failure, SandboxDied):
                function = item.get_closest_marker("graded").kwargs["function"]
                run.stopped[function] = run.failure.reason
                run.student = run.restart() if run.restart else None
                if run.student is None:
                    run.dead = _("not run: {reason}", reason=run.failure.reason)
        return pytest.TestReport(item.nodeid, item.location, {}, "passed" if call.excinfo is None else "failed",
                                 None, call.when, (), call.duration, call.start, call.stop)


class _Session:
    """One live pytest session over one assignment's suite, in a thread of its own."""

    ARGS = ("-c", os.devnull, "--assert=plain", "--capture=no", "--strict-markers", "--disable-plugin-autoload",
            # plugins that keep global state (warnings filters, log handlers, fault handler,
            # a cache folder) must stay out: several sessions run at once, one per grading thread
            *(f"-pno:{p}" for p in ("cacheprovider", "warnings", "logging", "faulthandler", "terminal",
                                     "threadexception", "unraisableexception", "stepwise", "junitxml", "doctest",
                                     "pastebin", "debugging")))

    def __init__(self, assignment: str):
        self.plugin = _Grading(assignment)
        suite = course.suite_path(assignment)
        args = [str(suite), "--rootdir", str(course.HIDDEN), *self.ARGS]
        self.thread = threading.Thread(target=self._main, args=(args,), daemon=True,
                                       name=f"hidden suite of {assignment}")
        # pytest keeps one global `pytest.mark`, bound to the session configured last, and checks
        # every marker against it.  This session lives on inside whatever process grades (the
        # project's own test run, say), so it hands `pytest.mark` back once its suite is collected;
        # sessions are configured one at a time for that hand-back to be exact.
        with _CONFIGURING:
            outer = pytest.mark._config
            self.thread.start()
            self.plugin.collected.wait()
            pytest.mark._config = outer
        if self.plugin.problems:
            raise SuiteError(f"the hidden suite {suite} cannot be used:\n" + "\n".join(self.plugin.problems))

    def _main(self, args):
        try:
            code = pytest.main(args, plugins=[self.plugin])
            if not self.plugin.collected.is_set():
                self.plugin.problems.append(f"pytest stopped before collecting (exit code {code}); its "
                                            "message is above")
        except BaseException as exc:  # noqa: BLE001 - reported to whoever waits for the collection
            self.plugin.problems.append(f"pytest failed: {type(exc).__name__}: {exc}")
        finally:
            self.plugin.collected.set()

    def run(self, run: _Run) -> list[TestOutcome]:
        if not self.thread.is_alive():
            raise SuiteError(f"the pytest session of {self.plugin.assignment} has stopped")
        self.plugin.runs.put(run)
        run.done.wait()
        if run.error is not None:
            raise run.error
        return run.outcomes


_local = threading.local()
_CONFIGURING = threading.Lock()
_TESTS: dict[str, tuple[HiddenTest, ...]] = {}


def _session(assignment: str) -> _Session:
    sessions = _local.__dict__.setdefault("sessions", {})
    if assignment not in sessions:
        course.check_assignment(assignment)
        course.hidden_suite_loaded(assignment)
        sessions[assignment] = _Session(assignment)
        _TESTS.setdefault(assignment, sessions[assignment].plugin.tests)
    return sessions[assignment]


def hidden_tests(assignment: str) -> tuple[HiddenTest, ...]:
    """The graded tests of an assignment as pytest collects them, in the suite's order."""
    if assignment not in _TESTS:
        _session(assignment)
    return _TESTS[assignment]


def run_suite(assignment: str, student, restart=None, only_function: str | None = None,
              load_problems: list[dict] = (), student_id: str = "", draw: int | None = None,
              language: str | None = None) -> list[TestOutcome]:
    """Every test of the assignment (or of one function) against `student`.

    If the student's process dies, the test that was running fails with the
    reason; restart() must then return a fresh `student` (or None to give up,
    failing the remaining tests with the same reason).  load_problems are the
    cells that failed while the submission loaded: a test that finds its
    function missing names the cell's failure instead.  Before each test the
    student's random generators are seeded from the secret, the test and
    student_id, so a regrade repeats the student's own randomness.  Another `draw` makes the
    tests draw other inputs (see hidden.seed_tests).  The messages are written in `language`
    (default: the language in force here, autograder.language)."""
    broken = {p["cell"]: p for p in load_problems if p.get("origin") == "student"}
    return _session(assignment).run(_Run(student, restart, only_function, broken, student_id, draw,
                                         language or active()))


def not_run(assignment: str, reason: str, kind: Kind = Kind.ERROR) -> list[TestOutcome]:
    """Every test failed with the same reason, for a submission that could not be run at all."""
    return [TestOutcome(t.name, t.function, t.points, 0.0, reason, t.visibility, kind, None, t.doc)
            for t in hidden_tests(assignment)]
