"""Step 4, score: test outcomes -> a SubmissionResult.

A SubmissionResult is plain data: it round-trips through result.json (to_record /
from_record, the project's own schema, docs/results.md), which is the record every
later step (CSV, gradebook, LMS exports, feedback, reports) reads.  Gradescope's
results.json is an export of it (to_gradescope), never read back.

Its points have two sources.  The grader decides `functions` (the hidden
tests) and whether a written answer was left blank.  People decide the rest in
nbgrader's formgrader: the points of each written answer, and any override of
an automatic grade.  Those live in nbgrader's gradebook and are copied into
`manual` (autograder.gradebook.pull_manual_grades) before anything is
published, so `score` is always the total the gradebook shows.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields

from . import course
from .kinds import Kind, Status, Visibility
from .language import N_, _, translate, using

SCHEMA = "dl-overfitting/result/4"


@dataclass
class TestOutcome:
    """One hidden test's verdict on one submission."""

    __test__ = False  # a result, not a pytest test class

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


@dataclass
class WrittenAnswer:
    """A manually graded cell of the notebook, as the student left it."""

    grade_id: str
    max_score: float
    answer: str = ""  # the cell's text
    auto_score: float | None = None  # 0 when left as given (no response), else None: a person grades it


@dataclass
class ManualGrade:
    """What a grader entered in the formgrader for one grade cell."""

    score: float | None = None  # replaces the automatic points when set
    extra_credit: float = 0.0
    comment: str = ""


NO_RESPONSE = N_("No response.")  # nbgrader's own comment on an answer left as given (English in its gradebook)


@dataclass
class SubmissionResult:
    student_id: str
    assignment: str
    tests: list[TestOutcome]
    functions: dict[str, float]  # function -> points earned
    max_functions: dict[str, float]  # function -> points possible
    problems: list[str] = field(default_factory=list)  # file and load problems, for the student
    tampering: list[str] = field(default_factory=list)  # for the instructor's eyes
    unverified: list[str] = field(default_factory=list)  # verdicts resting on the student's own process
    status: Status = Status.GRADED
    fingerprint: str = ""  # sha256 of the submitted file
    suite_version: str = ""  # the grading code and instructor notebook that graded it (grade.suite_version)
    execution_time: float = 0.0
    output: str = ""  # what the student's code printed, truncated
    late: bool = False
    submitted_at: str = ""
    written: list[WrittenAnswer] = field(default_factory=list)
    manual: dict[str, ManualGrade] = field(default_factory=dict)  # grade_id -> from the gradebook
    language: str = "en"  # of the edition it came from: its messages and feedback are in it

    def __post_init__(self):
        self.status = Status(self.status)

    @property
    def grading_key(self) -> str:
        """This file as graded by this suite: a new key means a new grading."""
        return f"{self.fingerprint}:{self.suite_version}"

    @property
    def grader_errors(self) -> list[TestOutcome]:
        return [t for t in self.tests if t.kind is Kind.GRADER_ERROR]

    def function_points(self, function: str) -> float:
        """A function's points: the hidden tests', unless a grader overrode them."""
        grade = self.manual.get(course.test_cell_id(function))
        auto = self.functions.get(function, 0.0)
        if grade is None:
            return auto
        return round((auto if grade.score is None else grade.score) + grade.extra_credit, 6)

    def written_points(self, answer: WrittenAnswer) -> float | None:
        """A written answer's points, or None while it waits for a grader."""
        grade = self.manual.get(answer.grade_id)
        points = grade.score if grade and grade.score is not None else answer.auto_score
        if points is None:
            return None
        return round(points + (grade.extra_credit if grade else 0.0), 6)

    def comment(self, grade_id: str) -> str:
        grade = self.manual.get(grade_id)
        if grade and grade.comment:
            text = grade.comment
        else:
            answer = next((w for w in self.written if w.grade_id == grade_id), None)
            text = NO_RESPONSE if answer is not None and answer.auto_score == 0 else ""
        return translate(text, self.language) if text == NO_RESPONSE else text  # nbgrader's, in the student's words

    @property
    def pending_manual(self) -> list[str]:
        """grade_ids of the written answers no grader has scored yet."""
        return [w.grade_id for w in self.written if self.written_points(w) is None]

    @property
    def auto_score(self) -> float:
        return round(sum(self.functions.values()), 6)

    @property
    def score(self) -> float:
        """The total, as nbgrader's gradebook adds it up: functions plus written answers."""
        functions = sum(self.function_points(fn) for fn in {**self.max_functions, **self.functions})
        return round(functions + sum(self.written_points(w) or 0.0 for w in self.written), 6)

    @property
    def max_score(self) -> float:
        return round(sum(self.max_functions.values()) + sum(w.max_score for w in self.written), 6)

    # -- an export: Gradescope's results.json ----------------------------
    def to_gradescope(self) -> dict:
        with using(self.language):
            if self.pending_manual:
                lines = [_("{assignment}: {score:g} / {max_score:g} points ({pending} written answer(s) still to be "
                           "graded by hand)", assignment=self.assignment, score=self.score, max_score=self.max_score,
                           pending=len(self.pending_manual))]
            else:
                lines = [_("{assignment}: {score:g} / {max_score:g} points", assignment=self.assignment,
                           score=self.score, max_score=self.max_score)]
            lines += [_("Note: {problem}", problem=p) for p in self.problems]
            if self.output:
                lines += ["", _("Your code printed (truncated):"), self.output]
        return {
            "score": self.score,
            "execution_time": round(self.execution_time, 3),
            "output": "\n".join(lines),
            "output_format": "text",
            "visibility": "visible",
            "stdout_visibility": "hidden",
            "tests": [
                {
                    "name": f"{t.function}: {translate(t.description, self.language)}",
                    "number": str(i + 1),
                    "score": t.score,
                    "max_score": t.max_score,
                    "status": "passed" if t.passed else "failed",
                    "output": t.message,
                    "output_format": "text",
                    "tags": [t.function] + ([t.mistake] if t.mistake else []),
                    "visibility": t.visibility,
                    "extra_data": {"test": t.name, "kind": t.kind, "mistake": t.mistake},
                }
                for i, t in enumerate(self.tests)
            ],
            "extra_data": {"student_id": self.student_id, "assignment": self.assignment, "status": self.status},
        }

    # -- the record: result.json ------------------------------------------
    def to_record(self) -> dict:
        """The project's own record (schema SCHEMA): every field as it is, plus the totals."""
        return {"schema": SCHEMA, **asdict(self),
                "totals": {"score": self.score, "max_score": self.max_score, "auto_score": self.auto_score,
                           "pending_manual": self.pending_manual}}

    @classmethod
    def from_record(cls, data: dict) -> "SubmissionResult":
        if data.get("schema") != SCHEMA:
            raise ValueError(f"not a {SCHEMA} record: {data.get('schema')!r}")
        known = {f.name: data[f.name] for f in fields(cls) if f.name in data}
        known["tests"] = [TestOutcome(**t) for t in data["tests"]]
        known["written"] = [WrittenAnswer(**w) for w in data.get("written", [])]
        known["manual"] = {gid: ManualGrade(**m) for gid, m in data.get("manual", {}).items()}
        return cls(**known)


def score(student_id: str, assignment: str, outcomes: list[TestOutcome], **details) -> SubmissionResult:
    maximum = course.functions(assignment)
    earned = {fn: 0.0 for fn in maximum}
    for o in outcomes:
        earned[o.function] = round(earned[o.function] + o.score, 6)
    return SubmissionResult(student_id, assignment, outcomes, earned, dict(maximum), **details)
