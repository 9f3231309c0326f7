"""Builders the project's tests share: results, pages, archives, rosters and course folders.

Test modules import these rather than each other; tests/conftest.py holds the
session-wide setup (pytest advises against importing a conftest).
"""
from __future__ import annotations

import csv
import dataclasses
import json
import pathlib
import re
import zipfile
from html.parser import HTMLParser

from autograder import course
from autograder.score import SubmissionResult, TestOutcome

A = "weight_init"  # NumPy only, so tests that grade it stay fast
WHEN = (2025, 3, 1, 10, 0, 0)  # the time stamp of entries in the archives made here

# Strings a hostile submission might plant in anything a page shows.
INJECTIONS = ['<script>alert("x")</script>', '<img src=x onerror="alert(1)">', '"><iframe src="//evil.example">',
              "</pre></div><a href='javascript:alert(1)'>click</a>"]


# -- the course and its settings ------------------------------------------------------

def scratch_layout(tmp: pathlib.Path, gradebook: bool = False) -> course.Layout:
    """The repository's course (its source/) with every folder the grader writes under tmp."""
    tmp = pathlib.Path(tmp)
    return course.layout(course.REPO_ROOT, submitted=tmp / "submitted", autograded=tmp / "autograded",
                         results=tmp / "out", feedback=tmp / "feedback", reports=tmp / "reports",
                         db_url=f"sqlite:///{tmp / 'gradebook.db'}" if gradebook else "")


def grading(jobs: int = 0, limits=None, **more):
    """Grading settings for a test: these limits and jobs, the defaults for the rest."""
    from autograder.settings import Autograder

    return Autograder(jobs=jobs, **(dataclasses.asdict(limits) if limits else {}), **more)


def graded_course(root: pathlib.Path, kinds, limits=None) -> course.Layout:
    """A course submitted through nbgrader's exchange by one student per kind, then graded."""
    from autograder.grade import grade_batch
    from autograder.tools import demo

    layout = demo.lay_out(root, [A])
    demo.submit_class(layout, [A], students=len(kinds), kinds=kinds)
    grade_batch(A, layout, settings=grading(2, limits))
    return layout


# -- results built by hand --------------------------------------------------------------

def outcome(function, name, kind="passed", visibility="visible", points=1.0, message="", mistake=None,
            description=None) -> TestOutcome:
    return TestOutcome(name, function, points, points if kind == "passed" else 0.0,
                                 message if kind != "passed" else "", visibility, kind, mistake,
                                 description or name.replace("_", " "))


def make_result(student_id, tests, assignment: str = A, **details) -> SubmissionResult:
    """A result whose points per function add up from its tests."""
    earned, maximum = {}, {}
    for t in tests:
        earned[t.function] = earned.get(t.function, 0.0) + t.score
        maximum[t.function] = maximum.get(t.function, 0.0) + t.max_score
    return SubmissionResult(student_id, assignment, tests, earned, maximum, **details)


def result_of(student: str, earned: dict, top: dict | None = None, submitted_at: str = "",
              late: bool = False, assignment: str = A) -> SubmissionResult:
    """A graded result with one test per function, as the grader records it."""
    top = top or {"relu": 4.0, "he_init": 6.0}
    tests = [TestOutcome(f"test_{fn}", fn, top[fn], earned[fn], "" if earned[fn] == top[fn] else "wrong",
                                   "after_published", "passed" if earned[fn] == top[fn] else "failed")
             for fn in top]
    return SubmissionResult(student, assignment, tests, dict(earned), dict(top), submitted_at=submitted_at, late=late)


# -- pages --------------------------------------------------------------------------------

class Page(HTMLParser):
    """Visible text and element names of a page, as a browser would parse it."""

    def __init__(self, page: str):
        super().__init__(convert_charrefs=True)
        self.tags, self.attrs, self._text, self._skip = [], [], [], 0
        self.feed(page)
        self.text = " ".join(" ".join(self._text).split())

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs += [(tag, k, v) for k, v in attrs]
        self._skip += tag in ("style", "title")

    def handle_endtag(self, tag):
        self._skip -= tag in ("style", "title")

    def handle_data(self, data):
        if not self._skip:
            self._text.append(data)


def text_of(page: str) -> str:
    return Page(page).text


# -- what an LMS hands over ----------------------------------------------------------

def notebook(marker: str) -> bytes:
    """The instructor's notebook, told apart by `marker`."""
    import nbformat

    nb = nbformat.read(course.source_notebook(A), as_version=4)
    nb.cells.append(nbformat.v4.new_markdown_cell(f"submitted by {marker}"))
    return nbformat.writes(nb).encode()


def make_zip(path: pathlib.Path, entries) -> pathlib.Path:
    """entries: (name, bytes) or (name, bytes, date_time) or (name, bytes, date_time, unix mode)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data, *rest in entries:
            info = zipfile.ZipInfo(name, rest[0] if rest else WHEN)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = (rest[1] if len(rest) > 1 else 0o100644) << 16
            z.writestr(info, data)
    return path


def write_roster(path: pathlib.Path, rows: list[dict]) -> pathlib.Path:
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def landed(into: pathlib.Path, student: str) -> str:
    """The notebook an import filed for this student."""
    return (into / student / A / f"{A}.ipynb").read_text(encoding="utf-8")


def rows_by(report, action):
    return {r.entry: r for r in report.rows if r.action == action}


# -- what students must never get --------------------------------------------------------

MARKERS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS")


def secret_lines(root: pathlib.Path) -> set[str]:
    """Lines of the course's solutions and hidden tests that must never reach students: the
    solution and hidden-test blocks of its source notebooks, and the asserts of its hidden suites."""
    secrets = set()
    block = re.compile(r"### BEGIN (SOLUTION|HIDDEN TESTS)\n(.*?)### END \1", re.S)
    for nb in (nb for lang in course.editions(root) for nb in (root / course.edition_folder("source", lang)).glob("*/*.ipynb")):
        for cell in json.loads(nb.read_text())["cells"]:
            for _, body in block.findall("".join(cell["source"])):
                secrets |= {s.strip() for s in body.splitlines() if len(s.strip()) > 24}
    for suite in (root / "autograder" / "hidden").rglob("*.py"):
        secrets |= {s.strip() for s in suite.read_text().splitlines() if s.strip().startswith("assert ")
                    and len(s.strip()) > 30}
    return secrets


def leaks(root: pathlib.Path) -> list[str]:
    """Every file under every edition's release folder that holds a solution marker or a secret line."""
    secrets = secret_lines(root)
    assert secrets, "the secret lines should not be empty"
    found = []
    released = [f for lang in course.editions(root) for f in (root / course.edition_folder("release", lang)).rglob("*")]
    assert released, "there should be released files to check"
    for f in released:
        if f.is_file():
            text = f.read_text(errors="replace")
            found += [f"{f}: marker {m}" for m in MARKERS if m in text]
            found += [f"{f}: {s[:60]}" for s in secrets if s in text]
    return found
