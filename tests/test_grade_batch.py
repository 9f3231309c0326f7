"""The bulk grader end to end: bad files, resuming after a kill, the gradebook."""
import copy
import csv
import json
import os
import signal
import subprocess
import sys
import time

import pytest

from autograder import course, read, record
from autograder.tools import sample
from autograder.grade import grade_batch
from autograder.sandbox.limits import Limits
from tests.builders import grading, scratch_layout

A = "weight_init"
LIMITS = Limits(call_seconds=5, wall_seconds=30, memory_mb=512)
FULL = sum(course.functions(A).values())


def solved_notebook():
    return sample.with_code(sample.student_notebook(A), sample.reference_code(A))


def _cell(nb, grade_id):
    return next(c for c in nb["cells"] if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") == grade_id)


def _bad_files():
    """student id -> (files {name: bytes}, expected words in the problems, expected score or None)."""
    good = solved_notebook()
    dumped = json.dumps(good).encode()
    cases = {}
    cases["invalid_json"] = ({f"{A}.ipynb": b"{not json"}, "cannot be read as a notebook", 0)
    cases["truncated"] = ({f"{A}.ipynb": dumped[: len(dumped) // 3]}, "cannot be read as a notebook", 0)
    cases["empty"] = ({f"{A}.ipynb": b""}, "empty", 0)
    cases["binary"] = ({f"{A}.ipynb": bytes(range(256)) * 40}, "cannot be read", 0)
    py = "import numpy as np\n" + "\n".join(sample.reference_code(A).values())
    cases["python_file"] = ({f"{A}.ipynb": py.encode()}, "Python code, not a notebook", FULL)
    v3 = {"nbformat": 3, "nbformat_minor": 0, "metadata": {}, "worksheets": [{"cells": [
        {"cell_type": "code", "input": py, "language": "python", "outputs": [], "metadata": {}}]}]}
    cases["nbformat3"] = ({f"{A}.ipynb": json.dumps(v3).encode()}, "old format version 3", FULL)
    latin = json.dumps(good, ensure_ascii=False).replace("relu", "relu", 1).encode("utf-8") + b""
    latin = latin.replace(b"# ", b"# \xe9\xff ", 1)
    cases["not_utf8"] = ({f"{A}.ipynb": latin}, "not valid UTF-8", FULL)
    nb = copy.deepcopy(good)
    nb["cells"].remove(_cell(nb, "relu"))
    cases["deleted_cell"] = ({f"{A}.ipynb": json.dumps(nb).encode()}, "no solution cell for relu",
                             FULL - course.functions(A)["relu"])
    nb = copy.deepcopy(good)
    dup = copy.deepcopy(_cell(nb, "sigmoid"))
    dup["source"] = "def sigmoid(x):\n    return 0\n"
    nb["cells"].append(dup)
    cases["duplicated_cell"] = ({f"{A}.ipynb": json.dumps(nb).encode()}, "appears more than once", FULL)
    nb = copy.deepcopy(good)
    _cell(nb, "he_init")["source"] = "".join(_cell(nb, "he_init")["source"]).replace("def he_init", "def he_initialise")
    cases["renamed_function"] = ({f"{A}.ipynb": json.dumps(nb).encode()}, None, FULL - course.functions(A)["he_init"])
    nb = copy.deepcopy(good)
    _cell(nb, "xavier_init")["source"] = "import numpy as np\ndef xavier_init(n):\n    return np.zeros(n)\n"
    cases["changed_signature"] = ({f"{A}.ipynb": json.dumps(nb).encode()}, None,
                                  FULL - course.functions(A)["xavier_init"])
    nb = copy.deepcopy(good)
    _cell(nb, "relu")["cell_type"] = "markdown"
    _cell(nb, "relu").pop("outputs", None)
    _cell(nb, "relu").pop("execution_count", None)
    cases["markdown_cell"] = ({f"{A}.ipynb": json.dumps(nb).encode()}, "turned into a markdown cell",
                              FULL - course.functions(A)["relu"])
    nb = copy.deepcopy(good)
    _cell(nb, "sigmoid")["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "x" * 5_000_000}]
    cases["huge_outputs"] = ({f"{A}.ipynb": json.dumps(nb).encode()}, None, FULL)
    nb = copy.deepcopy(good)
    test_cell = _cell(nb, course.test_cell_id("relu"))
    test_cell["source"] = "assert True\n"
    test_cell["metadata"]["nbgrader"]["points"] = 1000
    cases["edited_tests"] = ({f"{A}.ipynb": json.dumps(nb).encode()}, None, FULL)
    cases["missing_notebook"] = ({"notes.txt": b"I forgot"}, f"no notebook {A}.ipynb", 0)
    cases["extra_files"] = ({f"{A}.ipynb": dumped, "data.csv": b"1,2", "helper.py": b"x = 1"},
                            "extra files were ignored", FULL)
    return cases


@pytest.fixture(scope="module")
def bad_batch(tmp_path_factory):
    root = tmp_path_factory.mktemp("bad")
    cases = _bad_files()
    for sid, (files, _, _) in cases.items():
        folder = root / "submitted" / sid / A
        folder.mkdir(parents=True)
        for name, data in files.items():
            (folder / name).write_bytes(data)
    summary = grade_batch(A, scratch_layout(root, gradebook=True), settings=grading(2, LIMITS))
    return root, cases, summary


def test_batch_finishes_with_one_row_per_student(bad_batch):
    root, cases, _ = bad_batch
    rows = (root / "out" / "grades.csv").read_text().splitlines()
    written = list(read.template(A).written)
    assert rows[0].split(",") == ["student_id", "assignment", *course.functions(A), *written, "score", "max_score"]
    assert sorted(r.split(",")[0] for r in rows[1:]) == sorted(cases)


@pytest.mark.parametrize("sid", list(_bad_files()))
def test_bad_file_gets_a_clear_message_and_is_graded_as_far_as_it_can_be(bad_batch, sid):
    root, cases, _ = bad_batch
    _, words, expected = cases[sid]
    result = record.read_result(record.results_path(root / "out", sid, A))
    assert result is not None
    if words:
        assert any(words in p for p in result.problems), result.problems
    if expected is not None:
        assert result.score == expected, (result.problems, [(t.name, t.message) for t in result.tests if not t.passed])


def test_edited_test_cells_are_flagged_for_the_instructor(bad_batch):
    root, _, _ = bad_batch
    result = record.read_result(record.results_path(root / "out", "edited_tests", A))
    assert any("test_relu" in t and "edited" in t for t in result.tampering)
    assert any("points" in t for t in result.tampering)


def test_scores_reach_nbgraders_gradebook(bad_batch):
    root, _, _ = bad_batch
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        sub = gb.find_submission(A, "extra_files")
        assert sub.code_score == FULL
        assert gb.find_submission(A, "empty").code_score == 0


def test_nbgrader_export_shows_the_scores(bad_batch):
    root, _, _ = bad_batch
    env = dict(os.environ, PATH=os.path.dirname(sys.executable) + os.pathsep + os.environ["PATH"])
    out = root / "export.csv"
    subprocess.run([sys.executable, "-m", "nbgrader", "export", f"--CourseDirectory.root={root}",
                    f"--CourseDirectory.db_url=sqlite:///{root / 'gradebook.db'}", f"--to={out}"],
                   cwd=root, env=env, check=True, capture_output=True)
    rows = {r["student_id"]: r for r in csv.DictReader(out.open())}
    assert float(rows["python_file"]["raw_score"]) == FULL
    assert float(rows["empty"]["raw_score"]) == 0


@pytest.mark.slow
def test_killed_batch_resumes_without_regrading_or_duplicates(tmp_path):
    sample.build_class(tmp_path / "submitted", [A], students=10, kinds=["solution", "wrong"])
    cmd = [sys.executable, "-m", "autograder", "grade", A, "--course", str(course.REPO_ROOT),
           "--submissions", str(tmp_path / "submitted"), "--results", str(tmp_path / "out"), "--db", "", "--jobs", "1"]
    proc = subprocess.Popen(cmd, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    deadline = time.time() + 120
    while time.time() < deadline and len(list((tmp_path / "out").glob(f"*/{A}/result.json"))) < 3:
        time.sleep(0.1)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    done_before = {p: p.stat().st_mtime_ns for p in (tmp_path / "out").glob(f"*/{A}/result.json")}
    assert 3 <= len(done_before) < 10, "the kill should land mid-batch"
    rerun = subprocess.run(cmd, cwd=tmp_path, capture_output=True, text=True, check=True)
    assert f"{len(done_before)} unchanged and skipped" in rerun.stdout
    for p, mtime in done_before.items():
        assert p.stat().st_mtime_ns == mtime, f"{p} was graded again"
    rows = (tmp_path / "out" / "grades.csv").read_text().splitlines()[1:]
    assert sorted(r.split(",")[0] for r in rows) == [f"student{i:03d}" for i in range(1, 11)]
    for p in (tmp_path / "out").glob(f"*/{A}/result.json"):
        json.loads(p.read_text())  # every file is whole


def test_grade_command_reports_bad_input_clearly(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "autograder", "grade", "no_such", "--submissions", str(tmp_path)],
                          capture_output=True, text=True)
    assert proc.returncode != 0 and "unknown assignment" in proc.stderr
    proc = subprocess.run([sys.executable, "-m", "autograder", "grade", A, "--submissions", str(tmp_path / "none")],
                          capture_output=True, text=True)
    assert proc.returncode == 2 and "does not exist" in proc.stderr
