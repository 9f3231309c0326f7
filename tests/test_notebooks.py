"""The notebooks themselves, in both editions, run as students and instructors run them (slow: real kernels)."""
import gettext
import os
import pathlib
import shutil
import subprocess
import sys

import nbformat
import pytest
from nbclient import NotebookClient

from autograder import course

ROOT = course.REPO_ROOT
EDITIONS = course.editions(ROOT)
pytestmark = pytest.mark.slow
NOT_IMPLEMENTED = "{name}: not implemented yet. Replace `raise NotImplementedError()` with your code."


def _env():
    return dict(os.environ, PATH=os.path.dirname(sys.executable) + os.pathsep + os.environ["PATH"])


@pytest.mark.parametrize("lang", EDITIONS)
@pytest.mark.parametrize("assignment", course.ASSIGNMENTS)
def test_source_notebook_passes_nbgrader_validate(assignment, lang):
    """Runs top to bottom; every test cell (public checks and the hidden bridge) passes."""
    path = course.source_notebook(assignment, ROOT, lang)
    proc = subprocess.run([sys.executable, "-m", "nbgrader", "validate", str(path)],
                          cwd=path.parent, env=_env(), capture_output=True, text=True, timeout=600)
    assert "Success! Your notebook passes all the tests." in proc.stdout, proc.stdout[-3000:] + proc.stderr[-3000:]


def _run_release(assignment, lang):
    path = ROOT / course.edition_folder("release", lang) / assignment / f"{assignment}.ipynb"
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=300, kernel_name="python3", allow_errors=True,
                            resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    return nb


@pytest.mark.parametrize("lang", EDITIONS)
@pytest.mark.parametrize("assignment", course.ASSIGNMENTS)
def test_untouched_release_says_not_implemented_without_a_traceback(assignment, lang):
    nb = _run_release(assignment, lang)
    words = gettext.translation("course", ROOT / "locale", [lang], fallback=True).gettext(NOT_IMPLEMENTED)
    assert lang == "en" or words != NOT_IMPLEMENTED, f"no {lang} catalogue for checks.py"
    first_solution = next(i for i, c in enumerate(nb.cells) if c.metadata.get("nbgrader", {}).get("solution")
                          and c.cell_type == "code")
    for cell in nb.cells[:first_solution]:
        errors = [o for o in cell.get("outputs", []) if o.output_type == "error"]
        assert errors == [], f"a given cell before the first task failed: {errors[0].get('evalue')}"
    for fn in course.functions(assignment):
        test_cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id")
                         == course.test_cell_id(fn))
        text = "".join(o.get("text", "") for o in test_cell.outputs if o.output_type == "stream")
        errors = [o for o in test_cell.outputs if o.output_type == "error"]
        assert words.format(name=fn) in text, f"public check of {fn} printed: {text!r}"
        assert errors and errors[0].ename == "CheckFailed", f"the public check of {fn} should fail the cell"
        assert len(errors[0].traceback) <= 2, f"{fn}: a wall of traceback instead of one line"


@pytest.mark.parametrize("lang", EDITIONS)
@pytest.mark.parametrize("assignment", course.ASSIGNMENTS)
def test_released_notebook_imports_visual_from_its_folder(assignment, lang):
    folder = ROOT / course.edition_folder("release", lang) / assignment
    nb = nbformat.read(folder / f"{assignment}.ipynb", as_version=4)
    assert any("from visual import *" in c.source for c in nb.cells if c.cell_type == "code")
    proc = subprocess.run([sys.executable, "-c", "from visual import *; import visual, checks; "
                           "print(visual.__file__); print(checks.__file__)"],
                          cwd=folder, capture_output=True, text=True, env=_env())
    assert proc.returncode == 0, proc.stderr
    assert [pathlib.Path(p).parent for p in proc.stdout.split()] == [folder, folder]


def _rounds():
    """(assignment, i): the i-th correct alternative of every function at once, for every i."""
    from autograder.tools import sample

    for a in course.ASSIGNMENTS:
        right = _alternatives(a)
        for i in range(max(map(len, right.values()), default=0)):
            yield a, i


def _alternatives(assignment):
    """function -> the code of its correct alternatives."""
    from autograder.tools import sample

    found = {}
    for v in sample.variants(assignment):
        if v.right:
            found.setdefault(v.function, []).append(v.code)
    return found


@pytest.mark.parametrize("assignment, i", list(_rounds()))
def test_validate_agrees_with_the_public_checks_on_correct_alternatives(assignment, i, tmp_path):
    """nbgrader's Validate button (NBGRADER_EXECUTION=validate) fails a cell that writes to stderr;
    correct code that warns (a sigmoid as 1 / (1 + np.exp(-x)) overflows for large inputs) must pass."""
    from autograder.tools import sample

    code = dict(sample.reference_code(assignment))
    code.update({fn: variants[i % len(variants)] for fn, variants in _alternatives(assignment).items()})
    code.update({gid: texts["sound"] for gid, texts in sample.written_answers(assignment).items()})
    folder = tmp_path / assignment
    shutil.copytree(ROOT / "release" / assignment, folder)
    nbformat.write(nbformat.from_dict(sample.with_code(sample.student_notebook(assignment), code)),
                   folder / f"{assignment}.ipynb")
    proc = subprocess.run([sys.executable, "-m", "nbgrader", "validate", f"{assignment}.ipynb"], cwd=folder,
                          env=_env(), capture_output=True, text=True, timeout=600)
    assert "Success! Your notebook passes all the tests." in proc.stdout, proc.stdout[-3000:] + proc.stderr[-3000:]
