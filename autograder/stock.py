"""Stock `nbgrader autograde` on the same submissions, for comparison.

The test cells' hidden part calls the same hidden suites through
autograder.bridge, so on honest submissions the totals must match the
grader's.  The benchmark uses this as its baseline; a test checks the match.
"""
from __future__ import annotations

import os
import pathlib
import shutil
import subprocess
import sys

from . import course


def _env():
    return dict(os.environ, PATH=os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""))


def prepare_course(workdir: pathlib.Path, assignments, root: pathlib.Path = course.REPO_ROOT) -> pathlib.Path:
    """A scratch course root with source/ and the gradebook populated by generate_assignment."""
    workdir = pathlib.Path(workdir)
    shutil.copytree(root / "source", workdir / "source", symlinks=True, dirs_exist_ok=True)
    for name in ("nbgrader_config.py", "visual.py", "checks.py"):
        shutil.copy(root / name, workdir / name)
    for a in assignments:
        _nbgrader(workdir, "generate_assignment", a, "--force")
    return workdir


def _nbgrader(workdir: pathlib.Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    proc = subprocess.run([sys.executable, "-m", "nbgrader", *args, f"--CourseDirectory.root={workdir}",
                           f"--CourseDirectory.db_url=sqlite:///{workdir}/gradebook.db"],
                          cwd=workdir, env=_env(), capture_output=True, text=True)
    if check and proc.returncode != 0:
        raise RuntimeError(f"nbgrader {' '.join(args)} failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-4000:]}")
    return proc


def autograde(workdir: pathlib.Path, assignment: str, submitted: pathlib.Path) -> dict[str, float]:
    """Copy submissions into workdir/submitted, run `nbgrader autograde`, return the
    auto-graded points per student (manual answer cells are left out, as the grader does)."""
    workdir = pathlib.Path(workdir)
    shutil.copytree(submitted, workdir / "submitted", dirs_exist_ok=True)
    for student in (workdir / "submitted").iterdir():
        if (student / assignment).is_dir():
            _nbgrader(workdir, "db", "student", "add", student.name)
    # nbgrader exits non-zero when any one notebook is unreadable; the others are still graded.
    _nbgrader(workdir, "autograde", assignment, "--force", check=False)
    return code_scores(workdir, assignment)


def code_scores(workdir: pathlib.Path, assignment: str) -> dict[str, float]:
    from nbgrader.api import Gradebook

    from .gradebook import ensure_alembic

    ensure_alembic()
    with Gradebook(f"sqlite:///{workdir}/gradebook.db") as gb:
        return {s.student.id: float(s.code_score) for s in gb.assignment_submissions(assignment)}

