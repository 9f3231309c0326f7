"""The release folders are what students get (release/, and release_ko/ for the Korean edition):
fresh, complete, and free of solutions and hidden tests."""
import filecmp
import subprocess
import sys

import pytest

from autograder import course
from autograder.tools.release import generate
from tests.builders import leaks

ROOT = course.REPO_ROOT
LEAKCHECK = ROOT.parent / "shared" / "hooks" / "leakcheck.py"


EDITIONS = course.editions(ROOT)


def released(assignment, lang="en"):
    return ROOT / course.edition_folder("release", lang) / assignment / f"{assignment}.ipynb"


def test_the_course_has_an_english_and_a_korean_edition():
    assert EDITIONS == ("en", "ko")


@pytest.mark.parametrize("lang", EDITIONS)
@pytest.mark.parametrize("assignment", course.ASSIGNMENTS)
def test_every_assignment_is_released_with_its_helpers(assignment, lang):
    assert released(assignment, lang).is_file()
    for helper in ("visual.py", "checks.py"):
        copy = released(assignment, lang).parent / helper
        assert copy.is_file() and not copy.is_symlink(), f"{copy} must be a real file students can download"
        assert filecmp.cmp(copy, ROOT / helper, shallow=False), f"{copy} is stale: run `make release`"


def test_release_holds_no_solution_and_no_hidden_test():
    assert leaks(ROOT) == []


@pytest.mark.skipif(not LEAKCHECK.exists(), reason="the course's shared leakcheck hook is not beside this checkout")
def test_shared_leakcheck_passes():
    proc = subprocess.run([sys.executable, str(LEAKCHECK)], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout


@pytest.mark.slow
@pytest.mark.parametrize("lang", EDITIONS)
def test_committed_release_equals_a_fresh_generation(tmp_path, lang):
    folder = course.edition_folder("release", lang)
    fresh = generate(course.ASSIGNMENTS, ROOT, dest=tmp_path / folder, lang=lang)
    for assignment in course.ASSIGNMENTS:
        names = sorted(p.relative_to(fresh) for p in (fresh / assignment).rglob("*") if p.is_file())
        assert names == sorted(p.relative_to(ROOT / folder) for p in (ROOT / folder / assignment).rglob("*")
                               if p.is_file())
        for name in names:
            assert filecmp.cmp(fresh / name, ROOT / folder / name, shallow=False), \
                f"{folder}/{name} differs from a fresh nbgrader generate_assignment: run " \
                f"`autograder release --language {lang}`"
