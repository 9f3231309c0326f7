"""Stock `nbgrader autograde` on the same submissions, for comparison.

The test cells' hidden part calls the same hidden suites through
autograder.tools.bridge, so on honest submissions the totals must match the
grader's.  The benchmark uses this as its baseline; a test checks the match.
"""
from __future__ import annotations

import pathlib
import shutil

from .. import course
from .release import check, nbgrader_api


def prepare_course(workdir: pathlib.Path, assignments, root: pathlib.Path = course.REPO_ROOT) -> pathlib.Path:
    """A scratch course root with source/ and the gradebook populated by generate_assignment."""
    workdir = pathlib.Path(workdir)
    shutil.copytree(root / "source", workdir / "source", symlinks=True, dirs_exist_ok=True)
    for name in ("nbgrader_config.py", "visual.py", "checks.py"):
        shutil.copy(root / name, workdir / name)
    api = nbgrader_api(workdir)
    for a in assignments:
        check(api.generate_assignment(a, force=True, create=True), f"generate_assignment {a}")
    return workdir


def autograde(workdir: pathlib.Path, assignment: str, submitted: pathlib.Path) -> dict[str, float]:
    """Copy submissions into workdir/submitted, run nbgrader's autograde on every student (as
    `nbgrader autograde --force` does), return the auto-graded points per student (manual
    answer cells are left out, as the grader does)."""
    workdir = pathlib.Path(workdir)
    shutil.copytree(submitted, workdir / "submitted", dirs_exist_ok=True)
    # nbgrader fails the whole call when any one notebook is unreadable; the others are still graded.
    nbgrader_api(workdir).autograde(assignment, "*", force=True, create=True)
    return code_scores(workdir, assignment)


def code_scores(workdir: pathlib.Path, assignment: str) -> dict[str, float]:
    from nbgrader.api import Gradebook

    from ..gradebook import ensure_alembic

    ensure_alembic()
    with Gradebook(f"sqlite:///{workdir}/gradebook.db") as gb:
        return {s.student.id: float(s.code_score) for s in gb.assignment_submissions(assignment)}

