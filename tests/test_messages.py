"""What a student and an instructor read when a submission goes wrong: said once, and said right."""
import pathlib
import re

import pytest

from autograder import read
from autograder.tools import sample
from autograder.grade import grade_in, grade_notebook
from autograder.sandbox.limits import Limits
from autograder.reports.class_report import summarise
from autograder.reports.feedback import render_feedback
from autograder.run_tests import run_suite
from autograder.score import score
from autograder.student import local_student
from tests.builders import grading, text_of

A = "weight_init"


def _result_with_relu(code: str):
    cells = read.build_cells(read.template(A), dict(sample.reference_code(A), relu=code))
    student, problems = local_student(cells)
    return score("ann", A, run_suite(A, student, load_problems=problems))


def test_a_cell_that_stopped_while_loading_is_named_on_each_of_its_tests():
    result = _result_with_relu("raise MemoryError()\ndef relu(x):\n    return x\n")
    relu = [t for t in result.tests if t.function == "relu"]
    assert relu and all(t.kind == "error" for t in relu)
    assert all(t.message.startswith("your relu cell stopped with MemoryError: memory limit exceeded") for t in relu)
    assert not any("does not define" in t.message for t in result.tests)
    assert all(t.passed for t in result.tests if t.function != "relu")


def test_the_class_report_lists_a_cell_that_crashed():
    crashed = _result_with_relu("raise ValueError('broken on purpose')\n")
    [trouble] = summarise([crashed]).trouble
    assert trouble.student_id == "ann" and trouble.kinds["error"] == 3
    assert "your relu cell stopped with ValueError: broken on purpose" in trouble.message


def test_a_cell_that_exits_while_loading_says_so():
    result = _result_with_relu("import sys\nsys.exit(0)\n")
    assert {t.message for t in result.tests if t.function == "relu"} == {
        "your relu cell tried to exit the program while it ran; graded code must not exit"}


def test_a_function_that_was_never_written_is_still_called_missing():
    result = _result_with_relu("x = 1\n")
    assert {t.kind for t in result.tests if t.function == "relu"} == {"missing"}


@pytest.mark.parametrize("content, status, words", [
    (b"{not json", "unreadable", "cannot be read as a notebook"),
    (None, "missing", "no notebook weight_init.ipynb was submitted"),
])
def test_a_file_with_nothing_to_grade_is_explained_once(tmp_path, content, status, words):
    path = tmp_path / f"{A}.ipynb"
    if content is not None:
        path.write_bytes(content)
    sub = read.read_submission(path if content is not None else None, A, "bob")
    result = grade_in(None, sub)  # no sandbox needed: nothing runs
    assert result.status == status and result.score == 0
    assert all(t.kind == "not_run" and t.message == "" for t in result.tests)
    text = text_of(render_feedback(result, published=True))
    assert text.count(words) == 1 and "does not define" not in text
    assert "0 / 19 points" in text_of(render_feedback(result)), "nothing is withheld: nothing was graded"
    assert [f.student_id for f in summarise([result]).flags] == ["bob"]


@pytest.mark.slow
def test_the_sandbox_names_a_cell_stopped_by_the_memory_limit(tmp_path):
    nb = sample.with_code(sample.student_notebook(A), dict(
        sample.reference_code(A), relu="import numpy as np\n_hog = [np.ones(2**27) for _ in range(64)]\n"
                                       "def relu(x):\n    return np.maximum(x, 0)\n"))
    path = tmp_path / f"{A}.ipynb"
    path.write_text(__import__("json").dumps(nb))
    result = grade_notebook(pathlib.Path(path), A, "cat", settings=grading(limits=Limits(memory_mb=512)))
    relu = [t for t in result.tests if t.function == "relu"]
    assert all(t.kind == "error" and t.message.startswith("your relu cell stopped with MemoryError") for t in relu)
    assert result.function_points("sigmoid") == 3


@pytest.mark.parametrize("markdown", [
    '<img src="x" onerror="alert(1)">', "<script>alert(1)</script>", "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))", "[click](&#106;avascript:alert(1))", "![x](javascript:alert(1))",
    "[a]: javascript:alert(1)\n\n[see][a]", "\\`<img src=x onerror=alert(1)>\\`",
    "```\n</pre><img src=x onerror=alert(1)>\n\n\n```", "<javascript:alert(1)>",
    "text\n\n\n<div onclick='alert(1)'>hi</div>", "[x](data:text/html;base64,PHNjcmlwdD4=)",
])
def test_student_markdown_cannot_run_script_in_the_formgrader(markdown):
    from nbconvert.filters import markdown2html  # what the formgrader renders markdown cells with

    from autograder.gradebook import _inert

    html = markdown2html(_inert(markdown)).lower()
    assert "<script" not in html and "<img" not in html
    assert not re.search(r"<[a-z][^>]*\son\w+\s*=", html), html
    assert 'href="javascript:' not in html and 'src="javascript:' not in html and 'href="data:' not in html


def test_student_markdown_keeps_its_text_and_tables():
    from nbconvert.filters import markdown2html

    from autograder.gradebook import _inert

    html = markdown2html(_inert("Var(w) = **2/n** when x < 0\n\n| a | b |\n|---|---|\n| 1 | 2 |"))
    assert "<strong>2/n</strong>" in html and "x &lt; 0" in html and "<td>2</td>" in html


def test_only_the_instructors_own_markdown_is_left_as_written():
    import json

    import nbformat

    from autograder import course
    from autograder.gradebook import SourceBook, _defuse_markdown
    source = json.loads(course.source_notebook("weight_init").read_text())
    prose = next("".join(c["source"]) for c in source["cells"] if c["cell_type"] == "markdown")
    evil = '<img src="x" onerror="alert(1)">'
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(text)
                                         for text in (prose, evil, prose + "\n\n" + evil)])
    _defuse_markdown(nb, SourceBook("weight_init", None, (), (), (), ()), course.layout(course.REPO_ROOT))
    assert nb.cells[0].source == prose
    assert all(c.source.startswith('<div class="student-markdown">') and "<img" not in c.source for c in nb.cells[1:])
