"""Gradescope: the autograder zip, and what its run_autograder does for each submission.

Gradescope unpacks the zip into /autograder/source, runs setup.sh once while it
builds the image, then for each submission runs run_autograder, which calls
run() below: grade /autograder/submission/<assignment>.ipynb with the hidden
suite (the assignment is fixed when the zip is built) and write
/autograder/results/results.json.  Tests keep the visibility their suite gives
them (after_published by default), and while any test is hidden the total is
too, since it would give the hidden outcomes away.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import pathlib
import tempfile
import zipfile

from . import LmsError
from ..times import is_late, parse_time
from .scores import LatePolicy, check_percentages, final_score
from .. import course
from ..read import find_notebook
from ..record import atomic_write
from ..kinds import Visibility
from ..score import SubmissionResult

CONFIG = "gradescope.json"
DEFAULT_ROOT = "/autograder"
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # the same course files make the same zip

SETUP_SH = """\
#!/usr/bin/env bash
# Gradescope runs this once, as root, while it builds the autograder image.
set -euo pipefail
cd "$(dirname "$0")"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# bubblewrap sandboxes each submission; without it the grader still runs, less isolated, and says so.
apt-get install -y -q --no-install-recommends bubblewrap || echo "setup.sh: bubblewrap could not be installed" >&2
# The pinned wheels in requirements.txt are built for Python 3.11.  Only creating the venv
# proves it works: `-m venv --help` answers even where ensurepip (python3.11-venv) is missing.
VENV="${AUTOGRADER_VENV:-/autograder/venv}"
if ! python3.11 -m venv "$VENV" >/dev/null 2>&1; then
    rm -rf "$VENV"
    apt-get install -y -q --no-install-recommends python3.11 python3.11-venv
    python3.11 -m venv "$VENV"
fi
"$VENV/bin/pip" install -q --upgrade pip
"$VENV/bin/pip" install -q -r requirements.txt
"$VENV/bin/pip" install -q --no-deps -e .
"""

RUN_AUTOGRADER = """\
#!/usr/bin/env bash
# Gradescope runs this for every submission.  AUTOGRADER_ROOT and AUTOGRADER_PYTHON
# let a test run it against a copy of the /autograder tree.
set -euo pipefail
ROOT="${AUTOGRADER_ROOT:-/autograder}"
PYTHON="${AUTOGRADER_PYTHON:-$ROOT/venv/bin/python}"
cd "$ROOT/source"
exec "$PYTHON" -m autograder.lms gradescope-run --root "$ROOT"
"""

_VISIBILITY = {"enum": list(Visibility)}
_FORMAT = {"enum": ["text", "html", "simple_format", "md", "ansi"]}

# Gradescope's specification of results.json, as a JSON schema.
RESULTS_SCHEMA = {
    "type": "object",
    "properties": {
        "score": {"type": "number"},
        "execution_time": {"type": "number", "minimum": 0},
        "output": {"type": "string"},
        "output_format": _FORMAT,
        "test_output_format": _FORMAT,
        "test_name_format": _FORMAT,
        "visibility": _VISIBILITY,
        "stdout_visibility": _VISIBILITY,
        "extra_data": {"type": "object"},
        "tests": {"type": "array", "items": {
            "type": "object",
            "properties": {
                "score": {"type": "number"},
                "max_score": {"type": "number", "minimum": 0},
                "status": {"enum": ["passed", "failed"]},
                "name": {"type": "string"},
                "name_format": _FORMAT,
                "number": {"type": "string"},
                "output": {"type": "string"},
                "output_format": _FORMAT,
                "tags": {"type": "array", "items": {"type": "string"}},
                "visibility": _VISIBILITY,
                "extra_data": {"type": "object"},
            },
            "additionalProperties": False,
        }},
        "leaderboard": {"type": "array", "items": {
            "type": "object",
            "properties": {"name": {"type": "string"}, "value": {"type": ["number", "string"]},
                           "order": {"enum": ["asc", "desc"]}},
            "required": ["name", "value"],
            "additionalProperties": False,
        }},
    },
    "additionalProperties": False,
    # The total may be left to the tests only when every test has a score.
    "anyOf": [{"required": ["score"]},
              {"required": ["tests"], "properties": {"tests": {"items": {"required": ["score"]}}}}],
}


def check_results(doc: dict):
    """Raise jsonschema.ValidationError if `doc` breaks Gradescope's specification."""
    import jsonschema

    jsonschema.validate(doc, RESULTS_SCHEMA)


# -- the zip -------------------------------------------------------------------

def course_files(assignment: str, root: pathlib.Path = course.REPO_ROOT) -> list[tuple[pathlib.Path, str]]:
    """(file, name in the zip) for what grading `assignment` needs: the package with
    only this assignment's hidden folder (without its variants and experiment test), the
    source notebook folder of every edition (the grader's templates; symlinks followed), the
    helper modules with their catalogues, and the install files."""
    root = pathlib.Path(root)
    course.source_notebook(assignment, root)  # the course's own edition must be there
    suite = root / "autograder" / "hidden" / assignment / "suite.py"
    if not suite.is_file():
        raise course.CourseError(f"the hidden suite {suite} is missing")
    files = [root / name for name in ("pyproject.toml", "requirements.txt", "visual.py", "checks.py")]
    for path in files:
        if not path.is_file():
            raise course.CourseError(f"{path} is missing; the autograder cannot be installed without it")
    package = [p for p in sorted((root / "autograder").rglob("*")) if p.is_file() and _wanted(p, suite)]
    # every edition's notebook: a submission is compared with the edition it came from
    folders = [path.parent for path in course.edition_notebooks(assignment, root)]
    notebooks = [p for folder in folders for p in sorted(folder.rglob("*"))
                 if p.is_file() and _wanted(p, suite)]
    catalogues = sorted((root / "locale").rglob("*.mo"))  # what checks.py prints, in the sandbox too
    return [(p, p.relative_to(root).as_posix()) for p in files + package + notebooks + catalogues]


def _wanted(path: pathlib.Path, suite: pathlib.Path) -> bool:
    if {"__pycache__", ".ipynb_checkpoints"} & set(path.parts) or path.suffix == ".pyc":
        return False
    hidden, mine = suite.parent.parent, suite.parent
    if path.is_relative_to(hidden) and path.parent != hidden:  # inside one assignment's folder
        return path.is_relative_to(mine) and "variants" not in path.relative_to(mine).parts \
            and path.name != "test_experiment.py"
    return True


def _entry(name: str, mode: int) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, _FIXED_TIME)
    info.external_attr = (0o100000 | mode) << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def build_zip(assignment: str, out: pathlib.Path, root: pathlib.Path = course.REPO_ROOT,
              percent_per_day: float = 0.0, cap_percent: float = 100.0, grace_minutes: float = 0.0) -> pathlib.Path:
    """Write the autograder zip for `assignment`; the late penalty, if any, applies
    against each student's Gradescope due date."""
    check_percentages(percent_per_day, cap_percent)
    config = {"assignment": course.check_assignment(assignment),
              "late_penalty": {"percent_per_day": percent_per_day, "cap_percent": cap_percent,
                               "grace_minutes": grace_minutes}}
    files = course_files(assignment, root)
    out = pathlib.Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".tmp")
    os.close(fd)
    try:
        with zipfile.ZipFile(tmp, "w") as z:
            z.writestr(_entry("setup.sh", 0o755), SETUP_SH)
            z.writestr(_entry("run_autograder", 0o755), RUN_AUTOGRADER)
            z.writestr(_entry(CONFIG, 0o644), json.dumps(config, indent=1) + "\n")
            for path, name in files:
                z.writestr(_entry(name, 0o644), path.read_bytes())
        os.replace(tmp, out)
    except BaseException:
        pathlib.Path(tmp).unlink(missing_ok=True)
        raise
    return out


# -- inside Gradescope ------------------------------------------------------------

def _metadata(root: pathlib.Path) -> dict:
    path = root / "submission_metadata.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _submitter(meta: dict) -> tuple[str, dict]:
    """(student id, the user's record); a group submission is graded once, under its first member."""
    users = meta.get("users") or [{}]
    user = users[0]
    return str(user.get("email") or user.get("id") or "student"), user


def _due(meta: dict, user: dict) -> str:
    """The student's own due date (an extension) if Gradescope gives one, else the assignment's."""
    return ((user.get("assignment") or {}).get("due_date")
            or (meta.get("assignment") or {}).get("due_date") or "")


def results_json(result: SubmissionResult, policy: LatePolicy) -> dict:
    doc = result.to_gradescope()
    final = final_score(result, policy)
    if final.penalty_percent:
        doc["score"] = final.score
        day_word = "day" if final.days_late == 1 else "days"
        doc["output"] += (f"\nSubmitted {final.days_late} {day_word} late: -{final.penalty_percent:g}%, "
                          f"final score {final.score:g} / {final.max_score:g}")
    doc["extra_data"]["late_penalty_percent"] = final.penalty_percent
    if any(t.get("visibility", Visibility.VISIBLE) != Visibility.VISIBLE for t in doc["tests"]):
        doc["visibility"] = "after_published"
    return doc


def run(root: pathlib.Path = pathlib.Path(DEFAULT_ROOT), grade=None) -> dict:
    """Grade the submission in a Gradescope tree rooted at `root`; write and return results.json.

    grade(path, assignment, student_id, root=...) -> SubmissionResult defaults to
    autograder.grade.grade_notebook.  A failure of the grader itself raises, so
    Gradescope marks the run as failed and staff can rerun it, instead of a zero."""
    root = pathlib.Path(root)
    source = root / "source"
    try:
        config = json.loads((source / CONFIG).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise LmsError(f"{source / CONFIG} is missing or broken ({exc}); rebuild the zip with gradescope-zip") from None
    assignment = course.check_assignment(config["assignment"])
    if grade is None:  # the grading machinery loads only when there is something to grade
        from ..grade import grade_notebook as grade

    meta = _metadata(root)
    student_id, user = _submitter(meta)
    submitted = parse_time(meta.get("created_at", ""))
    due = parse_time(_due(meta, user))
    folder = root / "submission"
    path, notes = (find_notebook(folder, assignment, course.given_files(assignment, source)) if folder.is_dir()
                   else (None, []))
    result = grade(path, assignment, student_id, root=source)
    result.written = []  # Gradescope's own manual questions grade the written answers
    result.problems = notes + result.problems
    result.submitted_at = submitted.isoformat() if submitted else ""
    result.late = is_late(submitted, due)
    penalty = config.get("late_penalty") or {}
    policy = LatePolicy(due, penalty.get("percent_per_day", 0) if due else 0, penalty.get("cap_percent", 100),
                        dt.timedelta(minutes=penalty.get("grace_minutes", 0)))
    doc = results_json(result, policy)
    check_results(doc)
    atomic_write(root / "results" / "results.json", json.dumps(doc, indent=1))
    return doc
