"""Generate release/ from source/ with nbgrader's own generate_assignment.

Students get release/<assignment>/: the notebook without solutions or hidden
tests, plus visual.py and checks.py (source/<assignment>/ holds symlinks to
the repository's copies; nbgrader copies the files they point to).
"""
from __future__ import annotations

import os
import pathlib
import shutil
import subprocess
import sys
import tempfile

from . import course


def generate(assignments=course.ASSIGNMENTS, root: pathlib.Path = course.REPO_ROOT,
             dest: pathlib.Path | None = None) -> pathlib.Path:
    """Run `nbgrader generate_assignment --force` for each assignment; return the release folder.

    With dest, the course is copied to a scratch root first so the repository's
    release/ and gradebook stay untouched (the freshness test uses this)."""
    root = pathlib.Path(root)
    work = root
    scratch = None
    if dest is not None:
        scratch = pathlib.Path(tempfile.mkdtemp(prefix="ag-release-"))
        work = scratch / "course"
        shutil.copytree(root / "source", work / "source", symlinks=True)
        for name in ("nbgrader_config.py", "visual.py", "checks.py"):
            shutil.copy(root / name, work / name)
    env = dict(os.environ, PATH=os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""))
    try:
        for a in assignments:
            course.source_notebook(a, root)
            proc = subprocess.run(
                [sys.executable, "-m", "nbgrader", "generate_assignment", a, "--force",
                 f"--CourseDirectory.root={work}", f"--CourseDirectory.db_url=sqlite:///{work}/gradebook.db"],
                cwd=work, env=env, capture_output=True, text=True)
            if proc.returncode != 0 or not (work / "release" / a / f"{a}.ipynb").exists():
                raise course.CourseError(f"nbgrader generate_assignment {a} failed:\n{proc.stdout[-3000:]}{proc.stderr[-3000:]}")
        if dest is None:
            return root / "release"
        if pathlib.Path(dest).exists():
            shutil.rmtree(dest)
        shutil.copytree(work / "release", dest)
        return pathlib.Path(dest)
    finally:
        if scratch:
            shutil.rmtree(scratch, ignore_errors=True)
