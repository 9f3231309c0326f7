"""Step 4, score: test outcomes -> a SubmissionResult, and its Gradescope JSON.

A SubmissionResult is plain data: it round-trips through results.json
(to_gradescope / from_gradescope), which is the record every later step
(CSV, gradebook, LMS exports, feedback, reports) reads.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

from . import course
from .run_tests import TestOutcome

SCHEMA = "dl-overfitting/1"


@dataclass
class SubmissionResult:
    student_id: str
    assignment: str
    tests: list[TestOutcome]
    functions: dict[str, float]  # function -> points earned
    max_functions: dict[str, float]  # function -> points possible
    problems: list[str] = field(default_factory=list)  # file and load problems, for the student
    tampering: list[str] = field(default_factory=list)  # for the instructor's eyes
    status: str = "graded"  # graded | limit | crashed | unreadable
    fingerprint: str = ""
    execution_time: float = 0.0
    output: str = ""  # what the student's code printed, truncated
    late: bool = False
    submitted_at: str = ""

    @property
    def score(self) -> float:
        return round(sum(self.functions.values()), 6)

    @property
    def max_score(self) -> float:
        return round(sum(self.max_functions.values()), 6)

    # -- Gradescope's results.json --------------------------------------
    def to_gradescope(self) -> dict:
        lines = [f"{self.assignment}: {self.score:g} / {self.max_score:g} points"]
        lines += [f"Note: {p}" for p in self.problems]
        if self.output:
            lines += ["", "Your code printed (truncated):", self.output]
        return {
            "score": self.score,
            "execution_time": round(self.execution_time, 3),
            "output": "\n".join(lines),
            "output_format": "text",
            "visibility": "visible",
            "stdout_visibility": "hidden",
            "tests": [
                {
                    "name": f"{t.function}: {t.description}",
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
            "extra_data": {
                "schema": SCHEMA,
                "student_id": self.student_id,
                "assignment": self.assignment,
                "functions": self.functions,
                "max_functions": self.max_functions,
                "problems": self.problems,
                "tampering": self.tampering,
                "status": self.status,
                "fingerprint": self.fingerprint,
                "late": self.late,
                "submitted_at": self.submitted_at,
                "printed": self.output,
            },
        }

    @classmethod
    def from_gradescope(cls, data: dict) -> "SubmissionResult":
        extra = data["extra_data"]
        tests = [
            TestOutcome(t["extra_data"]["test"], t["tags"][0], t["max_score"], t["score"], t["output"],
                        t["visibility"], t["extra_data"]["kind"], t["extra_data"]["mistake"],
                        t["name"].split(": ", 1)[-1])
            for t in data["tests"]
        ]
        return cls(extra["student_id"], extra["assignment"], tests, dict(extra["functions"]),
                   dict(extra["max_functions"]), list(extra["problems"]), list(extra["tampering"]),
                   extra["status"], extra["fingerprint"], data.get("execution_time", 0.0),
                   extra.get("printed", ""), extra.get("late", False), extra.get("submitted_at", ""))

    def to_dict(self) -> dict:
        return asdict(self)


def score(student_id: str, assignment: str, outcomes: list[TestOutcome], **details) -> SubmissionResult:
    maximum = course.functions(assignment)
    earned = {fn: 0.0 for fn in maximum}
    for o in outcomes:
        earned[o.function] = round(earned[o.function] + o.score, 6)
    return SubmissionResult(student_id, assignment, outcomes, earned, dict(maximum), **details)
