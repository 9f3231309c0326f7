"""Generate an edition's release folder with nbgrader's own generate_assignment.

Students get release/<assignment>/ (release_<language>/ for another edition than
English): the notebook without solutions or hidden tests, plus visual.py and
checks.py and, for another language, locale/ with the messages checks.py prints
(source*/<assignment>/ holds symlinks to the repository's copies; nbgrader copies
what they point to).
"""
from __future__ import annotations

import pathlib
import shutil
import tempfile

from nbgrader.apps import NbGraderAPI

from .. import course
from ..gradebook import ensure_alembic


def nbgrader_api(root: pathlib.Path, lang: str | None = None) -> NbGraderAPI:
    """nbgrader's own API on the course at root, with its nbgrader_config.py and gradebook.db
    (and, given `lang`, on that edition's source and release folders)."""
    ensure_alembic()
    config = course.nbgrader_config(root)
    config.CourseDirectory.root = str(root)
    if lang:
        config.CourseDirectory.source_directory = course.edition_folder("source", lang)
        config.CourseDirectory.release_directory = course.edition_folder("release", lang)
    config.CourseDirectory.db_url = f"sqlite:///{pathlib.Path(root) / 'gradebook.db'}"
    return NbGraderAPI(config=config)


def check(outcome: dict, what: str) -> dict:
    """An NbGraderAPI call's outcome, or a CourseError with nbgrader's log."""
    if not outcome["success"]:
        raise course.CourseError(f"nbgrader {what} failed:\n{outcome.get('log', '')[-3000:]}"
                                 f"{outcome.get('error', '')[-3000:]}")
    return outcome


def generate(assignments=course.ASSIGNMENTS, root: pathlib.Path = course.REPO_ROOT,
             dest: pathlib.Path | None = None, lang: str | None = None) -> pathlib.Path:
    """Run nbgrader's generate_assignment (through its NbGraderAPI) for each assignment of the
    `lang` edition (default: the course's language), with the course's nbgrader_config.py;
    return the release folder.

    With dest, the course is copied to a scratch root first so the repository's
    release folders and gradebook stay untouched (the freshness test uses this)."""
    root = pathlib.Path(root)
    lang = lang or course.course_language(root)
    source, release = course.edition_folder("source", lang), course.edition_folder("release", lang)
    work = root
    scratch = None
    if dest is not None:
        scratch = pathlib.Path(tempfile.mkdtemp(prefix="ag-release-"))
        work = scratch / "course"
        shutil.copytree(root / source, work / source, symlinks=True)
        for name in ("nbgrader_config.py", "visual.py", "checks.py"):
            shutil.copy(root / name, work / name)
        if (root / "locale").is_dir():
            shutil.copytree(root / "locale", work / "locale")
    try:
        api = nbgrader_api(work, lang)
        for a in assignments:
            course.source_notebook(a, root, lang)
            check(api.generate_assignment(a, force=True, create=True), f"generate_assignment {a}")
        if dest is None:
            return root / release
        if pathlib.Path(dest).exists():
            shutil.rmtree(dest)
        shutil.copytree(work / release, dest)
        return pathlib.Path(dest)
    finally:
        if scratch:
            shutil.rmtree(scratch, ignore_errors=True)
