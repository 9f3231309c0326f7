"""An instructor adds a seventh assignment: a source notebook and its folder, nothing else.

In a scratch copy of the course, a toy assignment goes through the whole round trip with
the real command line: release, grade (first with a broken hidden test, which must be the
grader's error and stop with a non-zero exit, then fixed), feedback and the class report.
Its suite uses what any pytest suite may: parametrize, a fixture from its own conftest.py,
and a mistake from its own table.
"""
import json
import os
import pathlib
import shutil
import subprocess
import sys

import nbformat
import pytest

from tests.builders import leaks, text_of

pytestmark = pytest.mark.slow

ROOT = pathlib.Path(__file__).resolve().parent.parent
A = "scaling"

SUITE = '''\
"""Hidden tests for scaling."""
import numpy as np
import pytest

from autograder.hidden import as_array, graded, rng

from .mistakes import Mistakes


@pytest.mark.parametrize("factor", [2.0, -3.0, 0.5])
@graded("scale", points=1)
def test_scale_multiplies_every_element(student, factor, sample):
    """scale(x, factor) multiplies every element of x by factor"""
    out = as_array(student.scale(sample, factor), "scale")
    if np.allclose(out, sample + factor):
        raise Mistakes.adds_instead("scale added the factor to every element instead of multiplying by it")
    assert np.allclose(out, sample * factor), "scale(x, factor) should be x * factor"


@graded("scale", points=1)
def test_scale_keeps_the_shape(student, sample):
    """scale keeps the shape of its input"""
    out = as_array(student.scale(sample, 2.0), "scale")
    assert out.shape == sample.shape, f"scale should keep the shape {sample.shape}, not {out.shape}"
'''

BROKEN = '''

@graded("scale", points=1)
def test_scale_of_zero(student):
    """the grader's own bug: a name that does not exist"""
    assert np.allclose(student.scale(np.zeros(3), 2.0), undefined_helper(3))
'''

CONFTEST = '''\
import pytest

from autograder.hidden import rng


@pytest.fixture
def sample():
    return rng.normal(size=(int(rng.integers(2, 5)), 3))
'''

MISTAKES = '''\
from autograder.hidden import Mistake, MistakeTable


class Mistakes(MistakeTable):
    adds_instead = Mistake(
        "Your scale adds the factor instead of multiplying by it",
        "Scaling stretches every value by the same factor: x * factor. Adding moves every value by the same "
        "amount instead, which keeps the spread as it was.")
'''

SOLUTION = "def scale(x, factor):\n    ### BEGIN SOLUTION\n    return np.asarray(x) * factor\n    ### END SOLUTION\n"
ANSWERS = {"right": "def scale(x, factor):\n    return np.asarray(x) * factor\n",
           "adds": "def scale(x, factor):\n    return np.asarray(x) + factor\n",
           "untouched": None}


def _notebook(points: int) -> nbformat.NotebookNode:
    def meta(grade_id, **kw):
        return {"nbgrader": {"grade_id": grade_id, "schema_version": 3, "grade": False, "solution": False,
                             "locked": True, **kw}}

    cells = [
        nbformat.v4.new_markdown_cell("# Scaling\n\nMultiply every element of an array by a factor."),
        nbformat.v4.new_code_cell("import numpy as np", metadata=meta("setup")),
        nbformat.v4.new_code_cell(SOLUTION, metadata=meta("scale", solution=True, locked=False)),
        nbformat.v4.new_code_cell(
            'assert np.allclose(scale(np.array([1.0, 2.0]), 3.0), [3.0, 6.0]), "scale([1, 2], 3) should be [3, 6]"\n'
            "### BEGIN HIDDEN TESTS\nfrom autograder.tools.bridge import hidden_points\n"
            f'hidden_points("{A}", "scale", globals())\n### END HIDDEN TESTS\n',
            metadata=meta("test_scale", grade=True, points=points)),
        nbformat.v4.new_markdown_cell("Why does scaling change the spread of the values?\n"),
        nbformat.v4.new_markdown_cell("### BEGIN SOLUTION\nEvery distance from the mean is multiplied by the factor."
                                      "\n### END SOLUTION\n",
                                      metadata=meta("answer_spread", grade=True, solution=True, locked=False,
                                                    points=1)),
    ]
    return nbformat.v4.new_notebook(cells=cells, metadata={"kernelspec": {"name": "python3", "language": "python",
                                                                         "display_name": "Python 3"}})


def _cli(root: pathlib.Path, *args: str) -> subprocess.CompletedProcess:
    # The copy's own package: an added assignment lives in the course, not in this checkout.
    env = dict(os.environ, PYTHONPATH=str(root), AUTOGRADER_SECRET="toy course")
    return subprocess.run([sys.executable, "-m", "autograder", *args, "--course", str(root)], cwd=root, env=env,
                          capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def scratch(tmp_path_factory):
    root = tmp_path_factory.mktemp("course") / "course"
    shutil.copytree(ROOT, root, symlinks=True, ignore=shutil.ignore_patterns(
        ".git", ".venv", "__pycache__", "results", "autograded", "feedback", "reports", "submitted", "gradebook.db",
        "course-demo", ".pytest_cache", ".ipynb_checkpoints"))
    (root / "source" / A).mkdir()
    nbformat.write(_notebook(points=4), root / "source" / A / f"{A}.ipynb")
    folder = root / "autograder" / "hidden" / A
    (folder / "variants").mkdir(parents=True)
    (folder / "__init__.py").write_text('"""Scaling: a toy assignment."""\n')
    (folder / "suite.py").write_text(SUITE + BROKEN)
    (folder / "conftest.py").write_text(CONFTEST)
    (folder / "mistakes.py").write_text(MISTAKES)
    return root


def _submit(root: pathlib.Path):
    released = json.loads((root / "release" / A / f"{A}.ipynb").read_text())
    for student, code in ANSWERS.items():
        nb = json.loads(json.dumps(released))
        for cell in nb["cells"]:
            if code and cell["metadata"].get("nbgrader", {}).get("grade_id") == "scale":
                cell["source"] = code
        folder = root / "submitted" / student / A
        folder.mkdir(parents=True)
        (folder / f"{A}.ipynb").write_text(json.dumps(nb))
        (folder / "timestamp.txt").write_text("2026-11-20 12:00:00.000000 UTC\n")


def test_a_toy_assignment_goes_through_release_grade_feedback_and_report(scratch):
    root = scratch
    proc = _cli(root, "release", A)
    assert proc.returncode == 0, proc.stderr
    released = (root / "release" / A / f"{A}.ipynb").read_text()
    assert "return np.asarray(x) * factor" not in released and "hidden_points" not in released
    assert leaks(root) == []
    hook = ROOT.parent / "shared" / "hooks" / "leakcheck.py"  # the course's own hook, where it is beside us
    if hook.exists():
        leak = subprocess.run([sys.executable, str(hook)], cwd=root, capture_output=True, text=True)
        assert leak.returncode == 0, leak.stdout
    _submit(root)

    # The broken test is the grader's bug: nobody is charged, the batch says so and exits non-zero.
    proc = _cli(root, "grade", A, "--isolation", "none", "--jobs", "1")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "failed on its own" in proc.stderr and "right" in proc.stderr
    result = json.loads((root / "results" / "right" / A / "result.json").read_text())
    assert result["status"] == "grader_error"
    broken = [t for t in result["tests"] if t["name"] == "test_scale_of_zero"]
    assert [t["kind"] for t in broken] == ["grader_error"]
    assert "NameError" in broken[0]["message"] and "your" not in broken[0]["message"]
    proc = _cli(root, "report", A, "--results", str(root / "results"))
    assert proc.returncode == 0, proc.stderr
    report = text_of((root / "reports" / f"{A}-report.html").read_text())
    assert "test_scale_of_zero" in report and "NameError" in report

    # Fixed, the suite grades again (its version changed) and the toy's 4 points come out right.
    (root / "autograder" / "hidden" / A / "suite.py").write_text(SUITE)
    proc = _cli(root, "grade", A, "--isolation", "none", "--jobs", "1")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    results = {s: json.loads((root / "results" / s / A / "result.json").read_text()) for s in ANSWERS}
    assert {s: r["totals"]["auto_score"] for s, r in results.items()} == {"right": 4.0, "adds": 1.0, "untouched": 0.0}
    assert {r["status"] for r in results.values()} == {"graded"}
    cases = [t["name"] for t in results["right"]["tests"]]
    assert cases == ["test_scale_multiplies_every_element[2.0]", "test_scale_multiplies_every_element[-3.0]",
                     "test_scale_multiplies_every_element[0.5]", "test_scale_keeps_the_shape"]

    proc = _cli(root, "feedback", A, "--published", "--allow-pending-manual", "--results", str(root / "results"))
    assert proc.returncode == 0, proc.stderr
    page = root / "feedback" / "adds" / A / f"{A}.html"
    assert "Your scale adds the factor instead of multiplying by it" in text_of(page.read_text())
    proc = _cli(root, "report", A, "--results", str(root / "results"))
    assert proc.returncode == 0, proc.stderr
    report = text_of((root / "reports" / f"{A}-report.html").read_text())
    assert "Your scale adds the factor instead of multiplying by it" in report and "NameError" not in report


def test_the_toy_assignment_is_listed_from_its_folder(scratch):
    env = dict(os.environ, PYTHONPATH=str(scratch))
    out = subprocess.run([sys.executable, "-c", "from autograder import course; print(course.ASSIGNMENTS)"],
                         cwd=scratch, env=env, capture_output=True, text=True, check=True).stdout
    assert out.strip().endswith(f"'{A}')"), out


def test_the_authoring_guide_shows_the_same_steps():
    guide = (ROOT / "docs" / "authoring.md").read_text(encoding="utf-8")
    for step in ("autograder/hidden/<assignment>/", "suite.py", "mistakes.py", "variants/", "test_experiment.py",
                 "UNIT", "autograder release", "autograder grade", "autograder feedback", "autograder report",
                 "@pytest.mark.parametrize", "conftest.py"):
        assert step in guide, step
