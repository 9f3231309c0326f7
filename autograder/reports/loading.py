"""The graded results of one assignment, as the pages need them."""
from __future__ import annotations

import pathlib

from .. import course, record
from ..score import SubmissionResult
from . import ReportError


def load(out_dir, assignment: str) -> list[SubmissionResult]:
    """Every student's result for `assignment` under `out_dir`, by student id.

    Unlike record.load_results, which skips a result.json it cannot read, this
    refuses: a page or report silently missing a student would mislead."""
    course.check_assignment(assignment)
    out = pathlib.Path(out_dir)
    if not out.is_dir():
        raise ReportError(f"the results folder {out} does not exist")
    paths = sorted(out.glob(f"*/{assignment}/{record.RESULT}"))
    if not paths:
        raise ReportError(f"no results for {assignment} in {out} (looked for {out}/<student>/{assignment}/"
                          f"{record.RESULT}); grade the assignment first")
    results = [record.read_result(p) for p in paths]
    broken = [p for p, r in zip(paths, results) if r is None]
    if broken:
        more = f" and {len(broken) - 1} more" if len(broken) > 1 else ""
        raise ReportError(f"{broken[0]}{more} is not a results file the grader can read; grade those students again")
    return sorted(results, key=lambda r: r.student_id)
