"""Step 3, run hidden tests: call each test of the suite with the `student`.

The tests run here, in the grader, and only talk to the student's code through
the `student` object; whatever the student's process does, the decision of
pass or fail is taken in this process.

Every test ends in a Kind: an assertion or a known mistake fails it, the
student's own exception or stop is an error or a limit, and any other exception
is the hidden test's own bug, Kind.GRADER_ERROR, never charged to the student.
"""
from __future__ import annotations

from dataclasses import dataclass

from . import course
from .hidden import KnownMistake, seed_tests, student_seed
from .kinds import Kind, Visibility
from .student import MissingFunction, SandboxDied, StudentError


@dataclass
class TestOutcome:
    name: str
    function: str
    max_score: float
    score: float
    message: str  # what the student reads; "" when passed
    visibility: Visibility
    kind: Kind
    mistake: str | None = None
    description: str = ""

    def __post_init__(self):
        self.visibility, self.kind = Visibility(self.visibility), Kind(self.kind)

    @property
    def passed(self) -> bool:
        return self.kind is Kind.PASSED


def broken_cell_message(problem: dict) -> str:
    """What a test says when the student's cell that defines its function stopped while loading."""
    if problem["type"] == "Stopped":
        return f"your {problem['cell']} cell was stopped while it ran: {problem['message']}"
    if problem["type"] == "SystemExit":
        return f"your {problem['cell']} cell tried to exit the program while it ran; graded code must not exit"
    where = f" ({problem['where']})" if problem.get("where") else ""
    return f"your {problem['cell']} cell stopped with {problem['type']}: {problem['message']}{where}"


def classify(exc: BaseException | None, function: str, broken: dict) -> tuple[Kind, str, str | None]:
    """What a test's exception (None: it returned) means: (kind, message, mistake)."""
    if exc is None:
        return Kind.PASSED, "", None
    if isinstance(exc, KnownMistake):
        return Kind.FAILED, str(exc), exc.mistake
    if isinstance(exc, MissingFunction):
        if exc.function in broken:
            return Kind.ERROR, broken_cell_message(broken[exc.function]), None
        return Kind.MISSING, str(exc), None
    if isinstance(exc, StudentError):
        kind = {"NotImplementedError": Kind.NOT_IMPLEMENTED, "Missing": Kind.MISSING}.get(exc.type, Kind.ERROR)
        return kind, str(exc), None
    if isinstance(exc, AssertionError):
        return Kind.FAILED, str(exc) or f"{function} gave a wrong result", None
    return Kind.GRADER_ERROR, f"the hidden test failed on its own ({type(exc).__name__}: {exc})", None


def _judge(test: course.HiddenTest, student, broken: dict, seed: int) -> tuple[Kind, str, str | None]:
    """Run one test: (kind, message, mistake)."""
    seed_tests(test.module, test.name)
    try:
        student.seed(seed)
        test.run(student)
    except SandboxDied:
        raise
    except Exception as exc:  # noqa: BLE001 - classify says whose fault it was
        return classify(exc, test.function, broken)
    return classify(None, test.function, broken)


def run_suite(assignment: str, student, restart=None, only_function: str | None = None,
              load_problems: list[dict] = (), student_id: str = "") -> list[TestOutcome]:
    """Every test of the assignment (or of one function) against `student`.

    If the student's process dies, the test that was running fails with the
    reason; restart() must then return a fresh `student` (or None to give up,
    failing the remaining tests with the same reason).  load_problems are the
    cells that failed while the submission loaded: a test that finds its
    function missing names the cell's failure instead.  Before each test the
    student's random generators are seeded from the secret, the test and
    student_id, so a regrade repeats the student's own randomness."""
    broken = {p["cell"]: p for p in load_problems if p.get("origin") == "student"}
    outcomes, dead, stopped = [], None, {}
    for test in course.hidden_tests(assignment):
        if only_function and test.function != only_function:
            continue
        if dead is not None:
            kind, message, mistake = Kind.LIMIT, dead, None
        elif test.function in stopped:
            # One stop per function is enough: rerunning an endless loop only burns the time limit.
            kind, message, mistake = Kind.LIMIT, f"not run: {test.function} was stopped earlier ({stopped[test.function]})", None
        else:
            try:
                kind, message, mistake = _judge(test, student, broken, student_seed(assignment, test.name, student_id))
            except SandboxDied as exc:
                kind, message, mistake = Kind.LIMIT, exc.reason, None
                stopped[test.function] = exc.reason
                student = restart() if restart else None
                if student is None:
                    dead = f"not run: {exc.reason}"
        outcomes.append(TestOutcome(test.name, test.function, test.points,
                                    test.points if kind is Kind.PASSED else 0.0, message,
                                    test.visibility, kind, mistake, test.doc))
    return outcomes


def not_run(assignment: str, reason: str, kind: Kind = Kind.ERROR) -> list[TestOutcome]:
    """Every test failed with the same reason, for a submission that could not be run at all."""
    return [TestOutcome(t.name, t.function, t.points, 0.0, reason, t.visibility, kind, None, t.doc)
            for t in course.hidden_tests(assignment)]
