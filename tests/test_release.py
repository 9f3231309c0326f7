"""release/ is what students get: fresh, complete, and free of solutions and hidden tests."""
import filecmp
import subprocess
import sys

import pytest

from autograder import course
from autograder.tools.release import generate
from tests.builders import leaks

ROOT = course.REPO_ROOT
LEAKCHECK = ROOT.parent / "shared" / "hooks" / "leakcheck.py"


def released(assignment):
    return ROOT / "release" / assignment / f"{assignment}.ipynb"


@pytest.mark.parametrize("assignment", course.ASSIGNMENTS)
def test_every_assignment_is_released_with_its_helpers(assignment):
    assert released(assignment).is_file()
    for helper in ("visual.py", "checks.py"):
        copy = ROOT / "release" / assignment / helper
        assert copy.is_file() and not copy.is_symlink(), f"{copy} must be a real file students can download"
        assert filecmp.cmp(copy, ROOT / helper, shallow=False), f"{copy} is stale: run `make release`"


def test_release_holds_no_solution_and_no_hidden_test():
    assert leaks(ROOT) == []


@pytest.mark.skipif(not LEAKCHECK.exists(), reason="the course's shared leakcheck hook is not beside this checkout")
def test_shared_leakcheck_passes():
    proc = subprocess.run([sys.executable, str(LEAKCHECK)], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout


@pytest.mark.slow
def test_committed_release_equals_a_fresh_generation(tmp_path):
    fresh = generate(course.ASSIGNMENTS, ROOT, dest=tmp_path / "release")
    for assignment in course.ASSIGNMENTS:
        names = sorted(p.name for p in (fresh / assignment).iterdir())
        assert names == sorted(p.name for p in (ROOT / "release" / assignment).iterdir())
        for name in names:
            assert filecmp.cmp(fresh / assignment / name, ROOT / "release" / assignment / name, shallow=False), \
                f"release/{assignment}/{name} differs from a fresh nbgrader generate_assignment: run `make release`"
