"""The Gradescope autograder zip, and run_autograder inside a simulated /autograder tree."""
import json
import os
import pathlib
import shutil
import subprocess
import sys
import zipfile

import jsonschema
import pytest

from autograder import course
from autograder.lms import LmsError, gradescope
from tests.builders import result_of

A = "weight_init"


def fake_course(tmp_path: pathlib.Path) -> pathlib.Path:
    """A course root shaped like the repository: the real package, two suites, one notebook folder."""
    root = tmp_path / "course"
    shutil.copytree(course.REPO_ROOT / "autograder", root / "autograder", ignore=shutil.ignore_patterns("__pycache__"))
    (root / "autograder" / "__pycache__").mkdir()
    (root / "autograder" / "__pycache__" / "x.pyc").write_bytes(b"\0")
    for name in ("pyproject.toml", "requirements.txt", "visual.py", "checks.py"):
        (root / name).write_text(f"# {name}\n")
    folder = root / "source" / A
    folder.mkdir(parents=True)
    (folder / f"{A}.ipynb").write_text('{"cells": [], "nbformat": 4, "nbformat_minor": 5, "metadata": {}}')
    (folder / "visual.py").symlink_to("../../visual.py")
    (folder / ".ipynb_checkpoints").mkdir()
    (folder / ".ipynb_checkpoints" / "old.ipynb").write_text("{}")
    return root


def test_zip_holds_what_gradescope_and_the_grader_need(tmp_path):
    root = fake_course(tmp_path)
    out = gradescope.build_zip(A, tmp_path / "out" / "ag.zip", root, percent_per_day=10, cap_percent=50)
    with zipfile.ZipFile(out) as z:
        names = set(z.namelist())
        modes = {i.filename: i.external_attr >> 16 for i in z.infolist()}
        config = json.loads(z.read(gradescope.CONFIG))
        visual = z.read(f"source/{A}/visual.py")
        setup = z.read("setup.sh").decode()
    assert {"setup.sh", "run_autograder", "pyproject.toml", "requirements.txt", "visual.py", "checks.py",
            f"source/{A}/{A}.ipynb", f"autograder/hidden/{A}/suite.py", f"autograder/hidden/{A}/mistakes.py", "autograder/hidden/__init__.py",
            "autograder/lms/gradescope.py", "autograder/grade.py"} <= names
    assert not [n for n in names if n.startswith("autograder/hidden/dropout/")], "other assignments stay out"
    assert not [n for n in names if "/variants/" in n or n.endswith("test_experiment.py")], "solutions stay out"
    assert not [n for n in names if "__pycache__" in n or ".ipynb_checkpoints" in n]
    assert visual == b"# visual.py\n", "symlinked helpers travel as files"
    assert modes["run_autograder"] & 0o777 == 0o755 and modes["setup.sh"] & 0o777 == 0o755
    assert config == {"assignment": A, "late_penalty": {"percent_per_day": 10, "cap_percent": 50, "grace_minutes": 0}}
    assert 'pip" install -q -r requirements.txt' in setup and 'pip" install -q --no-deps -e .' in setup
    assert "bubblewrap" in setup
    again = gradescope.build_zip(A, tmp_path / "again.zip", root, percent_per_day=10, cap_percent=50)
    assert again.read_bytes() == out.read_bytes(), "the same course makes the same zip"


def test_scripts_are_valid_bash(tmp_path):
    for name, text in (("setup.sh", gradescope.SETUP_SH), ("run_autograder", gradescope.RUN_AUTOGRADER)):
        script = tmp_path / name
        script.write_text(text)
        assert subprocess.run(["bash", "-n", str(script)]).returncode == 0, name


def test_setup_installs_the_venv_module_when_creating_a_venv_fails(tmp_path):
    """Debian's python3.11 answers `-m venv --help` without python3.11-venv; only creating one tells."""
    bin_dir, log = tmp_path / "bin", tmp_path / "calls.log"
    bin_dir.mkdir()
    (bin_dir / "apt-get").write_text(f'#!/bin/bash\necho "apt-get $*" >> {log}\n'
                                     f'[[ "$*" == *python3.11-venv* ]] && touch {tmp_path}/has-venv-module\nexit 0\n')
    (bin_dir / "python3.11").write_text(
        "#!/bin/bash\n[ \"$1 $2\" = \"-m venv\" ] || exit 0\n"
        f"[ \"$3\" = --help ] && exit 0\n[ -e {tmp_path}/has-venv-module ] || exit 1\n"
        'mkdir -p "$3/bin" && printf \'#!/bin/bash\\nexit 0\\n\' > "$3/bin/pip" && chmod +x "$3/bin/pip"\n')
    for stub in bin_dir.iterdir():
        stub.chmod(0o755)
    script = tmp_path / "setup.sh"
    script.write_text(gradescope.SETUP_SH)
    proc = subprocess.run(["bash", str(script)], capture_output=True, text=True,
                          env={"PATH": f"{bin_dir}:/usr/bin:/bin", "AUTOGRADER_VENV": str(tmp_path / "venv")})
    assert proc.returncode == 0, proc.stderr
    assert "install -y -q --no-install-recommends python3.11 python3.11-venv" in log.read_text()
    assert (tmp_path / "venv" / "bin" / "pip").exists()


def test_zip_for_a_missing_suite_or_notebook_is_refused(tmp_path):
    root = fake_course(tmp_path)
    with pytest.raises(course.CourseError, match="instructor notebook"):
        gradescope.build_zip("overfitting", tmp_path / "x.zip", root)
    (root / "autograder" / "hidden" / A / "suite.py").unlink()
    with pytest.raises(course.CourseError, match="hidden suite"):
        gradescope.build_zip(A, tmp_path / "x.zip", root)
    assert not (tmp_path / "x.zip").exists()


def gradescope_tree(tmp_path: pathlib.Path, zip_path: pathlib.Path, created_at: str, due: str,
                    files: dict) -> pathlib.Path:
    root = tmp_path / "autograder"
    with zipfile.ZipFile(zip_path) as z:
        z.extractall(root / "source")
    (root / "submission").mkdir()
    for name, text in files.items():
        (root / "submission" / name).write_text(text)
    (root / "submission_metadata.json").write_text(json.dumps({
        "id": 123456, "created_at": created_at, "previous_submissions": [],
        "assignment": {"due_date": due, "late_due_date": None, "title": "Weight init", "total_points": "17.0"},
        "users": [{"email": "jane@uni.edu", "id": 4242, "name": "Jane Doe"}]}))
    return root


def test_run_writes_results_json_to_the_specification(tmp_path):
    zip_path = gradescope.build_zip(A, tmp_path / "ag.zip", fake_course(tmp_path), percent_per_day=10)
    root = gradescope_tree(tmp_path, zip_path, "2025-03-03T10:00:00.123456+09:00", "2025-03-01T23:59:00.000000+09:00",
                           {f"{A}.ipynb": "{}", "notes.txt": "hi"})
    calls = []

    def grade(path, assignment, student_id, root):
        calls.append((path, assignment, student_id, root))
        return result_of(student_id, {"relu": 4.0, "he_init": 2.0})

    doc = gradescope.run(root, grade=grade)
    assert calls == [(root / "submission" / f"{A}.ipynb", A, "jane@uni.edu", root / "source")]
    written = json.loads((root / "results" / "results.json").read_text())
    assert written == doc
    gradescope.check_results(written)
    assert written["score"] == 4.8, "6 points less 20% for two started days late"
    assert "2 days late: -20%" in written["output"]
    assert "extra files were ignored: notes.txt" in written["output"]
    assert written["visibility"] == "after_published", "the total would give hidden tests away"
    assert {t["visibility"] for t in written["tests"]} == {"after_published"}
    assert written["extra_data"]["status"] == "graded"


def test_visible_only_results_stay_visible_and_a_missing_notebook_is_graded_as_such(tmp_path):
    zip_path = gradescope.build_zip(A, tmp_path / "ag.zip", fake_course(tmp_path))
    root = gradescope_tree(tmp_path, zip_path, "2025-03-01T10:00:00Z", "", {})

    def grade(path, assignment, student_id, root):
        assert path is None
        r = result_of(student_id, {"relu": 0.0, "he_init": 0.0})
        for t in r.tests:
            t.visibility = "visible"
        return r

    doc = gradescope.run(root, grade=grade)
    gradescope.check_results(doc)
    assert doc["visibility"] == "visible" and doc["score"] == 0


@pytest.mark.parametrize("breakage", [
    lambda d: d.update(visibility="students"),
    lambda d: d["tests"][0].update(status="ok"),
    lambda d: d["tests"][0].update(points=3),
    lambda d: (d.pop("score"), d["tests"][0].pop("score")),
    lambda d: d.update(output_format="pdf"),
])
def test_the_schema_catches_what_gradescope_would_reject(breakage):
    from autograder.lms.scores import LatePolicy

    doc = gradescope.results_json(result_of("s", {"relu": 4.0, "he_init": 2.0}), LatePolicy())
    gradescope.check_results(doc)
    breakage(doc)
    with pytest.raises(jsonschema.ValidationError):
        gradescope.check_results(doc)


def test_a_tree_without_the_zip_config_is_a_clear_error(tmp_path):
    (tmp_path / "source").mkdir()
    with pytest.raises(LmsError, match="rebuild the zip"):
        gradescope.run(tmp_path, grade=lambda *a, **k: None)


def _gradeable_assignment() -> str | None:
    for a in course.ASSIGNMENTS:
        if (course.REPO_ROOT / "source" / a / f"{a}.ipynb").is_file():
            return a
    return None


@pytest.mark.slow
def test_run_autograder_end_to_end(tmp_path):
    """The built zip, unpacked as Gradescope would, grades the instructor's own notebook with full marks."""
    assignment = _gradeable_assignment()
    if assignment is None:
        pytest.skip("no assignment has both a source notebook and a hidden suite yet")
    zip_path = gradescope.build_zip(assignment, tmp_path / "ag.zip")
    root = tmp_path / "autograder"
    with zipfile.ZipFile(zip_path) as z:
        z.extractall(root / "source")
    (root / "submission").mkdir()
    shutil.copy(course.source_notebook(assignment), root / "submission" / f"{assignment}.ipynb")
    (root / "submission_metadata.json").write_text(json.dumps({
        "created_at": "2025-03-01T10:00:00+00:00", "assignment": {"due_date": "2025-03-02T10:00:00+00:00"},
        "users": [{"email": "jane@uni.edu", "id": 1, "name": "Jane"}]}))
    env = {**os.environ, "AUTOGRADER_ROOT": str(root), "AUTOGRADER_PYTHON": sys.executable}
    run = subprocess.run(["bash", str(root / "source" / "run_autograder")], env=env, capture_output=True,
                         text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]
    doc = json.loads((root / "results" / "results.json").read_text())
    gradescope.check_results(doc)
    top = sum(course.functions(assignment).values())
    assert sum(t["max_score"] for t in doc["tests"]) == top
    assert doc["score"] == top, [t["output"] for t in doc["tests"] if t["status"] == "failed"]
