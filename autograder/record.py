"""Step 5, record: result.json per submission and grades.csv (gradebook.py does nbgrader's side).

result.json (the project's schema, docs/results.md) is the record of truth;
results.json beside it is the same result exported in Gradescope's schema, for
tools that read that.  grades.csv is rebuilt from all records, so a batch killed
half-way never leaves a duplicated or half-written row.  Every file is written
to a temporary name and renamed into place, which is atomic on POSIX.
"""
from __future__ import annotations

import csv
import io
import json
import os
import pathlib
import tempfile

from . import course
from .score import SubmissionResult

RESULT = "result.json"
GRADESCOPE = "results.json"


def atomic_write(path: pathlib.Path, text: str):
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        pathlib.Path(tmp).unlink(missing_ok=True)
        raise


def results_path(out_dir: pathlib.Path, student_id: str, assignment: str) -> pathlib.Path:
    return pathlib.Path(out_dir) / student_id / assignment / RESULT


def write_result(out_dir: pathlib.Path, result: SubmissionResult) -> pathlib.Path:
    path = results_path(out_dir, result.student_id, result.assignment)
    atomic_write(path.with_name(GRADESCOPE), json.dumps(result.to_gradescope(), indent=1))
    atomic_write(path, json.dumps(result.to_record(), indent=1))  # last: the record says the export is done
    return path


def read_result(path: pathlib.Path) -> SubmissionResult | None:
    """None for a file that is missing or not ours (never half-written: see atomic_write)."""
    try:
        return SubmissionResult.from_record(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        return None


def load_results(out_dir: pathlib.Path, assignment: str | None = None) -> list[SubmissionResult]:
    """Every recorded result under out_dir (of one assignment, or all), by student."""
    pattern = f"*/{assignment}/{RESULT}" if assignment else f"*/*/{RESULT}"
    found = (read_result(p) for p in sorted(pathlib.Path(out_dir).glob(pattern)))
    return [r for r in found if r is not None]


def grades_csv(results: list[SubmissionResult]) -> str:
    """One row per student and assignment: student_id, assignment, a column per graded
    function and per written answer (by grade_id; empty while no one has graded it),
    score, max_score.  The points include what graders entered in the formgrader."""
    assignments = [a for a in course.ASSIGNMENTS if any(r.assignment == a for r in results)]
    function_columns = [fn for a in assignments for fn in course.functions(a)]
    written_columns = list(dict.fromkeys(w.grade_id for r in results for w in r.written))
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["student_id", "assignment", *function_columns, *written_columns, "score", "max_score"])
    for r in sorted(results, key=lambda r: (r.student_id, course.ASSIGNMENTS.index(r.assignment))):
        cells = [f"{r.function_points(fn):g}" if fn in r.max_functions else "" for fn in function_columns]
        answers = {w.grade_id: r.written_points(w) for w in r.written}
        cells += ["" if answers.get(gid) is None else f"{answers[gid]:g}" for gid in written_columns]
        writer.writerow([r.student_id, r.assignment, *cells, f"{r.score:g}", f"{r.max_score:g}"])
    return buf.getvalue()


def write_grades_csv(out_dir: pathlib.Path) -> pathlib.Path:
    path = pathlib.Path(out_dir) / "grades.csv"
    atomic_write(path, grades_csv(load_results(out_dir)))
    return path
