"""The audit: would the hidden tests catch a wrong answer?  Mutation testing of the suites.

    mutants.py      each graded function's reference solution, changed in one small way
    equivalence.py  a mutant the tests let through, compared call by call with the reference

audit() grades the reference and every mutant in bulk on warm sandboxes, as a
batch grades students.  A mutant is killed when it earns fewer points than the
reference; one that earns as many is equivalent if it agrees with the
reference on a large sample of the inputs the tests draw (see equivalence.py),
or if the assignment's audit.py accepts it as another right answer (a detail
the task leaves to the student, with the reason); it survived if neither.  A
function's score is killed / (mutants - equivalent).

    autograder audit weight_init --out audit/    audit.json, audit.html, a summary
"""
from __future__ import annotations

import json
import pathlib
import random
import time
from dataclasses import dataclass, field

from .. import course, hidden
from ..grade import SandboxPool, grade_in
from ..kinds import Kind, Status
from ..read import Submission, build_cells, reference_code, reference_submission, template
from ..settings import Autograder
from ..settings import load as load_settings
from . import equivalence
from .mutants import Mutant, Operator, mutants_of

THRESHOLD = 0.95


class AuditError(course.CourseError):
    """The audit cannot judge the suite: the reference solution itself does not get full marks."""


@dataclass
class Survivor:
    operator: Operator
    diff: str
    why: str = ""  # what told it apart from the reference (or that nothing could be compared)
    grader_error: str = ""  # a hidden test failed on its own against this mutant


@dataclass
class FunctionAudit:
    function: str
    mutants: int = 0
    killed: int = 0
    equivalent: int = 0
    survived: list[Survivor] = field(default_factory=list)
    equivalent_diffs: list[str] = field(default_factory=list)
    accepted: list[tuple[str, str]] = field(default_factory=list)  # (diff, reason): counted as equivalent

    @property
    def score(self) -> float:
        """Killed over the mutants that are not equivalent (1 when every one is)."""
        judged = self.mutants - self.equivalent
        return self.killed / judged if judged else 1.0


@dataclass
class AuditReport:
    assignment: str
    threshold: float
    functions: dict[str, FunctionAudit]
    seconds: float = 0.0
    phases: dict[str, float] = field(default_factory=dict)  # seconds: "grading" the mutants, "equivalence"

    @property
    def weak(self) -> list[str]:
        """Functions whose score is below the threshold."""
        return [name for name, f in self.functions.items() if f.score < self.threshold]

    def to_json(self) -> dict:
        return {"assignment": self.assignment, "threshold": self.threshold, "seconds": round(self.seconds, 1),
                "functions": {name: {"mutants": f.mutants, "killed": f.killed, "equivalent": f.equivalent,
                                     "score": round(f.score, 4),
                                     "survived": [{"diff": s.diff, "operator": s.operator.value, "why": s.why,
                                                   **({"grader_error": s.grader_error} if s.grader_error else {})}
                                                  for s in f.survived],
                                     "equivalent_diffs": f.equivalent_diffs,
                                     "accepted": [{"diff": d, "reason": r} for d, r in f.accepted]}
                              for name, f in self.functions.items()}}

    def summary(self) -> str:
        lines = [f"audit of {self.assignment}: {sum(f.mutants for f in self.functions.values())} mutants "
                 f"in {self.seconds:.0f} s (" + ", ".join(f"{k} {v:.0f} s" for k, v in self.phases.items()) + ")"]
        for name, f in self.functions.items():
            mark = "ok  " if f.score >= self.threshold else "WEAK"
            lines.append(f"  {mark} {name:<22} {f.score:6.1%}  {f.killed} killed, {f.equivalent} equivalent, "
                         f"{len(f.survived)} survived of {f.mutants}")
        return "\n".join(lines)


@dataclass
class _Item:
    submission: Submission
    mutant: Mutant | None  # None: the reference

    @property
    def student_id(self) -> str:
        return self.submission.student_id


def audit(assignment: str, *, root: pathlib.Path = course.REPO_ROOT, settings: Autograder | None = None,
          functions: list[str] | None = None, max_mutants: int | None = None, threshold: float = THRESHOLD,
          progress=None) -> AuditReport:
    """Mutation-test the hidden suite of `assignment` (of some of its functions, and at most
    max_mutants per function, sampled evenly, for a quick run).  progress(done, total) is called
    as mutants are graded."""
    t0 = time.monotonic()
    course.check_assignment(assignment)
    settings = settings or load_settings(root)
    hidden.use_secret(settings.secret)
    reference = reference_code(assignment, root)
    graded = list(course.functions(assignment))
    functions = functions or graded
    unknown = [f for f in functions if f not in graded]
    if unknown:
        raise course.CourseError(f"{assignment} grades no function {', '.join(unknown)} "
                                 f"(it grades {', '.join(graded)})")
    tpl = template(assignment, root)
    items = [_Item(reference_submission(assignment, root), None)]
    for function in functions:
        found = mutants_of(function, reference[function])
        if max_mutants and len(found) > max_mutants:
            found = sorted(random.Random(function).sample(found, max_mutants), key=found.index)
        for m in found:
            cells = build_cells(tpl, dict(reference, **{function: m.code}))
            items.append(_Item(Submission(f"mutant-{m.id}", assignment, None, cells=cells, fingerprint=m.id), m))
    report = AuditReport(assignment, threshold, {f: FunctionAudit(f) for f in functions})
    with SandboxPool(max(1, min(settings.workers, len(items))), settings,
                     tensorflow=tpl.uses_tensorflow) as pool:
        [(_, ref)] = pool.map(lambda sandbox, item: grade_in(sandbox, item.submission), items[:1], _crashed)
        if ref.functions != ref.max_functions or ref.status is not Status.GRADED:
            lost = [f"{t.name}: {t.message}" for t in ref.tests if t.score < t.max_score]
            raise AuditError(f"the reference solution of {assignment} gets {ref.score:g}/{ref.max_score:g}, so the "
                             "suite cannot be audited until that is fixed:\n  " + "\n  ".join(lost or ref.problems))
        todo = items[1:]
        candidates = []
        started = time.monotonic()
        for done, (item, result) in enumerate(pool.map(lambda sb, it: grade_in(sb, it.submission), todo, _crashed),
                                              start=1):
            f = report.functions[item.mutant.function]
            f.mutants += 1
            errors = [t.message for t in result.tests if t.kind is Kind.GRADER_ERROR]
            if result.score < ref.score and not errors:
                f.killed += 1
            else:
                candidates.append((item, errors))
            if progress:
                progress(done, len(todo))
        report.phases["grading"] = time.monotonic() - started
        started = time.monotonic()
        checks = pool.map(lambda sb, c: equivalence.check(sb, assignment, c[0].submission.cells,
                                                          c[0].mutant.function, reference[c[0].mutant.function]),
                          candidates, lambda c, exc: equivalence.Verdict(False, 0, f"{type(exc).__name__}: {exc}"))
        accepted = accepted_mutants(assignment)
        for (item, errors), verdict in checks:
            f, m = report.functions[item.mutant.function], item.mutant
            why = next((a.reason for a in accepted if a.covers(m.function, m.diff)), None)
            if errors:
                f.survived.append(Survivor(m.operator, m.diff, verdict.difference, errors[0]))
            elif verdict.equivalent:
                f.equivalent += 1
                f.equivalent_diffs.append(m.diff)
            elif why:
                f.equivalent += 1
                f.accepted.append((m.diff, why))
            else:
                f.survived.append(Survivor(m.operator, m.diff, verdict.difference))
        report.phases["equivalence"] = time.monotonic() - started
    report.seconds = time.monotonic() - t0
    return report


def accepted_mutants(assignment: str) -> list:
    """The assignment's audit.py ACCEPTED list (hidden.Accepted), if it has one."""
    import importlib

    if not (course.assignment_folder(assignment) / "audit.py").exists():
        return []
    module = importlib.import_module(f"autograder.hidden.{assignment}.audit")
    found = list(getattr(module, "ACCEPTED", []))
    wrong = [a for a in found if not isinstance(a, hidden.Accepted)]
    if wrong:
        raise course.CourseError(f"{assignment}'s audit.py: ACCEPTED holds {wrong[0]!r}, not an Accepted")
    return found


def _crashed(item: _Item, exc: BaseException):
    raise AuditError(f"grading {item.student_id} failed: {type(exc).__name__}: {exc}") from exc


def write(report: AuditReport, out: pathlib.Path) -> tuple[pathlib.Path, pathlib.Path]:
    """DIR/audit.json and DIR/audit.html."""
    from ..record import atomic_write
    from ..reports.page import render

    out = pathlib.Path(out)
    data = report.to_json()
    json_path, html_path = out / "audit.json", out / "audit.html"
    atomic_write(json_path, json.dumps(data, indent=1))
    atomic_write(html_path, render("audit.html.j2", report=report))
    return json_path, html_path
