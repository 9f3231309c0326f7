"""Feedback pages and class reports (autograder/reports/): content, visibility, escaping, CLI.

Most tests build results by hand, so each checks one rule on known data; the
slow test at the end grades the wrong variants of each assignment in-process
and checks that both pages name the mistakes those variants were built to make.
"""
import argparse
import base64
import csv
import html
import io
import json
import re

import pytest

from autograder import course, record, run_tests
from autograder.tools import sample
from autograder.reports import ReportError, class_report, commands, loading
from autograder.reports.bench import write_class
from autograder.reports.class_report import render_class_report, summarise, write_class_report
from autograder.reports.feedback import counted, render_feedback, revealed, write_feedback
from autograder.score import ManualGrade, SubmissionResult, WrittenAnswer
from tests.builders import INJECTIONS, A, Page, make_result, outcome, scratch_layout, text_of

ASSIGNMENT = A
VISIBILITIES = ("visible", "after_due_date", "after_published", "hidden")
FLAGS = [(p, d) for p in (False, True) for d in (False, True)]


def flat(s: str) -> str:
    return " ".join(s.split())


# -- feedback: content ---------------------------------------------------------------


def test_feedback_lists_functions_points_and_names_the_known_mistake():
    result = make_result("ana", [
        outcome("relu", "test_relu_values", description="relu keeps positive values"),
        outcome("he_init", "test_he_spread", "failed", points=2, mistake="he_uses_xavier_spread",
                message="the weights' spread is too small for ReLU layers"),
        outcome("he_init", "test_he_shape", description="he_init returns an n x m matrix"),
    ])
    text = text_of(render_feedback(result, published=True, after_due=True))
    he = course.mistake(ASSIGNMENT, "he_uses_xavier_spread")
    assert he.title in text and flat(he.explanation) in text
    assert "the weights' spread is too small for ReLU layers" in text
    assert "relu keeps positive values" in text and "he_init returns an n x m matrix" in text
    assert re.search(r"relu\s+1 / 1 points", text) and re.search(r"he_init\s+1 / 3 points", text)
    assert "2 / 4 points" in text and "so far" not in text
    # a passed test shows no mistake, and other mistakes are not mentioned
    assert course.mistake(ASSIGNMENT, "relu_modifies_input").title not in text


def test_feedback_falls_back_to_the_message_for_an_unknown_mistake():
    result = make_result("ben", [outcome("relu", "test_relu_copy", "failed", mistake="mistake_nobody_wrote_up",
                                         message="relu changed the array it was given")])
    page = render_feedback(result, published=True, after_due=True)
    assert "relu changed the array it was given" in text_of(page)
    assert "Common mistake" not in page


@pytest.mark.parametrize("kind, hint", [("not_implemented", "NotImplementedError"), ("limit", "too much time"),
                                        ("error", "raised an exception"), ("missing", "function's name")])
def test_feedback_explains_each_kind_of_failure(kind, hint):
    result = make_result("cy", [outcome("relu", "test_relu_values", kind, message="what the test said")])
    text = text_of(render_feedback(result, published=True, after_due=True))
    assert hint in text and "what the test said" in text


def test_feedback_shows_file_problems_and_status_but_never_tampering_or_printed_output():
    result = make_result("dee", [outcome("relu", "test_relu_values", "limit", message="stopped after 20 s")],
                         problems=["the notebook was in the old format version 3; it was converted to version 4"],
                         tampering=["read-only cell test_relu was edited (the instructor's version was used)"],
                         status="crashed", output="SECRET-PRINTED-INPUT [0.123, 4.56]")
    page = render_feedback(result, published=True, after_due=True)
    text = text_of(page)
    assert "converted to version 4" in text
    assert "stopped the grader's process" in text
    assert "read-only cell" not in page and "SECRET-PRINTED-INPUT" not in page


def test_feedback_for_an_unreadable_file_lists_every_function_at_zero():
    result = SubmissionResult("gus", ASSIGNMENT, [], {"relu": 0.0, "he_init": 0.0}, {"relu": 3.0, "he_init": 4.0},
                              problems=["the notebook file is empty"], status="unreadable")
    text = text_of(render_feedback(result))
    assert "could not be read as a notebook" in text and "the notebook file is empty" in text
    assert re.search(r"relu\s+0 / 3 points", text) and re.search(r"he_init\s+0 / 4 points", text)
    assert "0 / 7 points" in text and "so far" not in text


# -- feedback: visibility ---------------------------------------------------------------


MISTAKE_BY_VISIBILITY = {"visible": "relu_modifies_input", "after_due_date": "he_uses_xavier_spread",
                         "after_published": "sigmoid_overflows", "hidden": "uses_uniform_rand"}


def _one_test_per_visibility(kind="failed"):
    return make_result("eve", [
        outcome("relu", f"test_{v}", kind, visibility=v, points=i + 1, message=f"MESSAGE-{v}",
                mistake=MISTAKE_BY_VISIBILITY[v], description=f"DESCRIPTION-{v}")
        for i, v in enumerate(VISIBILITIES)])


def test_visibility_rules():
    assert [v for v in VISIBILITIES if revealed(v, published=False, after_due=False)] == ["visible"]
    assert [v for v in VISIBILITIES if revealed(v, published=False, after_due=True)] == ["visible", "after_due_date"]
    assert [v for v in VISIBILITIES if revealed(v, published=True, after_due=False)] == ["visible", "after_published"]
    assert [v for v in VISIBILITIES if counted(v, published=True, after_due=True)] == list(VISIBILITIES)
    assert not revealed("hidden", True, True) and not counted("hidden", False, True)
    assert not revealed("some_new_level", True, True)  # unknown levels are withheld, not shown


@pytest.mark.parametrize("published, after_due", FLAGS)
def test_feedback_shows_each_test_only_as_its_visibility_allows(published, after_due):
    page = render_feedback(_one_test_per_visibility(), published=published, after_due=after_due)
    for v in VISIBILITIES:
        shown = revealed(v, published, after_due)
        for secret in (f"MESSAGE-{v}", f"DESCRIPTION-{v}", class_report._title(ASSIGNMENT, MISTAKE_BY_VISIBILITY[v])):
            assert (secret in text_of(page)) == shown, (v, secret)
        assert (MISTAKE_BY_VISIBILITY[v] in page) is False  # short names are for instructors
    assert "hidden test" in text_of(page)  # a hidden test's existence is told, nothing more


@pytest.mark.parametrize("visibility, published, after_due",
                         [(v, p, d) for v in VISIBILITIES for p, d in FLAGS if not counted(v, p, d)])
def test_a_withheld_outcome_cannot_be_read_off_the_page(visibility, published, after_due):
    """Pass or fail of a test whose points are not counted yet leaves the page unchanged."""

    def page(kind):
        return render_feedback(make_result("fay", [
            outcome("relu", "test_values"),
            outcome("relu", "test_withheld", kind, visibility=visibility, points=2, message="a failure",
                    mistake="relu_modifies_input")]), published=published, after_due=after_due)

    assert page("passed") == page("failed")
    assert "1 / 3 points so far" in text_of(page("passed"))


def test_published_points_include_hidden_tests_without_their_details():
    result = _one_test_per_visibility("passed")
    text = text_of(render_feedback(result, published=True, after_due=True))
    assert f"{result.score:g} / {result.max_score:g} points" in text and "so far" not in text
    assert "Includes 1 hidden test worth 4 points" in text
    before = text_of(render_feedback(result, published=False, after_due=True))
    assert "3 / 10 points so far" in before  # visible 1 + after_due_date 2


def test_unpublished_feedback_withholds_results_instead_of_showing_zeros():
    result = make_result("gil", [outcome("relu", "test_a", visibility="after_published", points=2),
                                 outcome("he_init", "test_b", "failed", visibility="after_published", points=3)])
    text = text_of(render_feedback(result))
    assert "withheld until grades are published" in text
    assert not re.search(r"\b0 / \d+ points", text), "nothing withheld may read as earned zero"
    assert re.search(r"relu\s+withheld \(2 points\)", text)
    assert "2 / 5 points" in text_of(render_feedback(result, published=True))


def _with_written(answer="My *answer* <b>bold</b>", score=None, comment="", auto=None, **manual):
    result = make_result("hal", [outcome("relu", "test_a", points=3), outcome("he_init", "test_b", "failed", points=4)])
    result.written = [WrittenAnswer("answer_he_factor", 2.0, answer, auto)]
    if score is not None or comment:
        result.manual["answer_he_factor"] = ManualGrade(score, comment=comment)
    for grade_id, points in manual.items():
        result.manual[grade_id] = ManualGrade(points, comment="set by hand")
    return result


def test_written_answers_and_graders_comments_appear_once_published():
    result = _with_written(score=1.5, comment="Say *why*. <script>alert(1)</script>")
    assert (result.score, result.max_score) == (4.5, 9.0)
    published = render_feedback(result, published=True)
    text = text_of(published)
    assert "4.5 / 9 points" in text and "1.5 / 2 points" in text
    assert "My *answer* <b>bold</b>" in text, "the student's answer is shown as the text it is"
    assert "<em>why</em>" in published and "<script>" not in published and "<b>" not in published
    before = text_of(render_feedback(result))
    assert "1.5" not in before and "Say" not in before and "shown when grades are published" in before


def test_a_written_answer_waiting_for_a_grader_says_so():
    result = _with_written()
    assert result.pending_manual == ["answer_he_factor"] and result.score == 3
    text = text_of(render_feedback(result, published=True))
    assert "not graded yet (2 points)" in text and "not all graded yet" in text
    blank = _with_written(answer="YOUR ANSWER HERE", auto=0.0)
    assert blank.pending_manual == [] and blank.comment("answer_he_factor") == "No response."
    assert "You did not answer" in text_of(render_feedback(blank, published=True))


def test_a_graders_override_of_a_function_counts_everywhere():
    result = _with_written(score=2.0, test_he_init=3.5)
    assert result.function_points("he_init") == 3.5 and result.score == 8.5
    text = text_of(render_feedback(result, published=True))
    assert re.search(r"he_init\s+3.5 / 4 points", text) and "set by hand" in text
    again = SubmissionResult.from_record(json.loads(json.dumps(result.to_record())))
    assert (again.score, again.written, again.manual) == (8.5, result.written, result.manual)
    [row] = csv.DictReader(io.StringIO(record.grades_csv([again])))
    assert [row[k] for k in ("relu", "he_init", "answer_he_factor", "score", "max_score")] == ["3", "3.5", "2", "8.5", "9"]


# -- feedback: escaping --------------------------------------------------------------------

def test_feedback_escapes_everything_from_the_submission():
    result = make_result('stu"><script>alert(1)</script>', [
        outcome("relu", "test_" + str(i), "failed", message=bad, description=bad, mistake=bad)
        for i, bad in enumerate(INJECTIONS)], problems=INJECTIONS, submitted_at=INJECTIONS[1])
    page = render_feedback(result, published=True, after_due=True)
    parsed = Page(page)
    assert set(parsed.tags) <= {"html", "head", "meta", "title", "style", "body", "main", "h1", "h2", "p", "code",
                                "span", "div", "pre", "strong", "ul", "li", "table", "tr", "th", "td", "a",
                                "section", "footer"}
    assert not [a for a in parsed.attrs if a[1].startswith("on") or "javascript:" in (a[2] or "")]
    for bad in INJECTIONS:
        assert bad in parsed.text  # shown, as text


def test_feedback_page_forbids_scripts_and_external_content():
    page = render_feedback(_one_test_per_visibility(), published=True, after_due=True)
    csp = html.unescape(re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', page).group(1))
    assert "default-src 'none'" in csp and "script-src" not in csp
    assert not re.search(r'(?:src|href)="(?!#|data:)', page)  # nothing to fetch


# -- feedback: writing ----------------------------------------------------------------------


def test_write_feedback_writes_one_page_per_student_with_the_flags(tmp_path):
    results = [make_result(sid, [outcome("relu", "test_relu_copy", "failed", "after_published",
                                         message=f"message for {sid}")]) for sid in ("ana", "ben")]
    paths = write_feedback(results, tmp_path / "fb")
    assert sorted(p.relative_to(tmp_path / "fb").as_posix() for p in paths) == [
        f"ana/{ASSIGNMENT}/{ASSIGNMENT}.html", f"ben/{ASSIGNMENT}/{ASSIGNMENT}.html"]
    assert "message for ana" not in paths[0].read_text()
    paths = write_feedback(results, tmp_path / "fb", published=True)
    assert "message for ana" in paths[0].read_text() and "message for ben" in paths[1].read_text()


def test_write_feedback_keeps_odd_student_ids_inside_the_folder(tmp_path):
    write_class(tmp_path / "out", [make_result("ok", [outcome("relu", "t")])])
    raw = tmp_path / "out" / "ok" / ASSIGNMENT / "result.json"
    data = json.loads(raw.read_text())
    data["student_id"] = "../../etc"
    raw.write_text(json.dumps(data))
    [path] = write_feedback(loading.load(tmp_path / "out", ASSIGNMENT), tmp_path / "fb")
    assert path.resolve().is_relative_to((tmp_path / "fb").resolve())


# -- class report -------------------------------------------------------------------------------


def _class():
    """Six students, each with one thing the report must put in the right place."""
    def tests(spread="passed", values="passed", **kw):
        return [outcome("relu", "test_relu_values", values, **kw.get("relu", {})),
                outcome("he_init", "test_he_spread", spread, points=2, **kw.get("he", {}))]
    return [
        make_result("clean", tests()),
        make_result("xavier1", tests("failed", he={"mistake": "he_uses_xavier_spread", "message": "too small"})),
        make_result("xavier2", tests("failed", he={"mistake": "he_uses_xavier_spread", "message": "too small"})),
        make_result("timeout", tests("limit", he={"message": "stopped after 20 s (time limit)"}), status="limit"),
        make_result("raiser", tests(values="error", relu={"message": "relu raised ValueError: bad 3"})),
        make_result("shape1", tests(values="failed", relu={"message": "relu returned shape (3, 7)"})),
        make_result("shape2", tests(values="failed", relu={"message": "relu returned shape (12, 4)"})),
        make_result("tamperer", tests(), tampering=["read-only cell test_relu was edited"]),
        make_result("patcher", tests("failed"), tampering=["patched numpy.random while running"]),
        make_result("crasher", tests("limit", he={"message": "the student process died (signal 9)"}),
                    status="crashed"),
    ]


def test_summary_counts_mistakes_messages_and_pass_rates():
    s = summarise(_class())
    assert [(m.name, sorted(m.students)) for m in s.mistakes] == [("he_uses_xavier_spread", ["xavier1", "xavier2"])]
    top = s.messages[0]
    assert (top.function, top.pattern, sorted(top.students)) == ("relu", "relu returned shape (#, #)",
                                                                 ["shape1", "shape2"])
    assert "too small" not in [m.pattern for m in s.messages]  # explained by a known mistake already
    rows = {t.name: t for t in s.tests}
    assert rows["test_relu_values"].kinds == {"passed": 7, "failed": 2, "error": 1}
    assert rows["test_he_spread"].kinds["limit"] == 2
    fns = {f.name: f for f in s.functions}
    assert (fns["relu"].full_marks, fns["he_init"].full_marks) == (7, 5)
    assert s.scores["clean"] == 3 and s.max_score == 3


def test_summary_lists_errors_and_the_submissions_that_need_a_look():
    s = summarise(_class())
    assert [t.student_id for t in s.trouble] == ["crasher", "timeout", "raiser"]
    flags = {f.student_id: " ".join(f.reasons) for f in s.flags}
    assert sorted(flags) == ["crasher", "patcher", "tamperer"]
    assert "signal 9" in flags["crasher"] and "was edited" in flags["tamperer"] and "patched" in flags["patcher"]


def test_an_unreadable_file_is_listed_with_its_problem():
    s = summarise([*_class(), SubmissionResult("blank", ASSIGNMENT, [], {"relu": 0.0}, {"relu": 1.0},
                                               problems=["the notebook file is empty"], status="unreadable")])
    [trouble] = [t for t in s.trouble if t.student_id == "blank"]
    assert (trouble.status, trouble.message) == ("unreadable", "the notebook file is empty")
    assert [f.reasons for f in s.flags if f.student_id == "blank"] == [["unreadable file: the notebook file is empty"]]


def _section(text, title, next_title):
    return text.split(title, 1)[1].split(next_title, 1)[0]


def test_class_report_page_shows_every_section_with_plots():
    page = render_class_report(summarise(_class()))
    text = text_of(page)
    assert course.mistake(ASSIGNMENT, "he_uses_xavier_spread").title in text
    assert "relu returned shape (#, #)" in text
    trouble = _section(text, "Time-outs and errors", "Submissions that need a look")
    assert all(s in trouble for s in ("crasher", "timeout", "raiser")) and "patcher" not in trouble
    look = text.split("Submissions that need a look", 1)[1]
    assert all(s in look for s in ("crasher", "tamperer", "patcher")) and "xavier1" not in look
    images = re.findall(r'<img [^>]*src="data:image/png;base64,([^"]+)"', page)
    assert len(images) == 4
    assert all(base64.b64decode(i).startswith(b"\x89PNG\r\n\x1a\n") for i in images)


def test_class_report_escapes_messages_and_tampering_notes():
    results = [make_result(bad[:20], [outcome("relu", "t", "failed", message=bad)], tampering=[bad])
               for bad in INJECTIONS]
    page = render_class_report(summarise(results))
    parsed = Page(page)
    assert not {"script", "iframe"} & set(parsed.tags) and "img" in parsed.tags
    assert all(a[2].startswith("data:image/png") for a in parsed.attrs if a[1] == "src")
    assert not [a for a in parsed.attrs if a[1].startswith("on") or a[1] == "href"]
    assert all(bad in parsed.text for bad in INJECTIONS)


def test_write_class_report_reads_the_results_folder(tmp_path):
    write_class(tmp_path / "out", _class())
    path = write_class_report(loading.load(tmp_path / "out", ASSIGNMENT), tmp_path / "reports")
    assert path == tmp_path / "reports" / f"{ASSIGNMENT}-report.html"
    assert "tamperer" in text_of(path.read_text())


# -- command line -----------------------------------------------------------------------------


def _cli(argv):
    parser = argparse.ArgumentParser()
    commands.register(parser.add_subparsers(required=True))
    args = parser.parse_args(argv)
    return args.func(args)


def test_cli_writes_feedback_and_report(tmp_path, capsys):
    write_class(tmp_path / "out", _class())
    assert _cli(["feedback", ASSIGNMENT, "--results", str(tmp_path / "out"), "--to", str(tmp_path / "fb"),
                 "--published", "--after-due"]) == 0
    assert "wrote 10 feedback pages" in capsys.readouterr().out
    assert "too small" in (tmp_path / "fb" / "xavier1" / ASSIGNMENT / f"{ASSIGNMENT}.html").read_text()
    assert _cli(["report", ASSIGNMENT, "--results", str(tmp_path / "out"), "--to", str(tmp_path / "r")]) == 0
    assert (tmp_path / "r" / f"{ASSIGNMENT}-report.html").is_file()


@pytest.mark.parametrize("case, expected", [
    ("no_folder", "does not exist"), ("empty", "no results for weight_init"), ("unknown", "unknown assignment"),
    ("corrupt", "is not a results file"), ("unwritable", "cannot write"),
])
def test_cli_user_errors_print_one_line(case, expected, tmp_path, capsys):
    out, dest, assignment = tmp_path / "out", tmp_path / "dest", ASSIGNMENT
    if case != "no_folder":
        out.mkdir()
    if case == "unknown":
        assignment = "weight_inti"
    if case in ("corrupt", "unwritable"):
        write_class(out, [make_result("ana", [outcome("relu", "t")])])
    if case == "corrupt":
        (out / "ana" / ASSIGNMENT / "result.json").write_text("{not json")
    if case == "unwritable":
        dest.write_text("a file where the folder should be")
    for command in ("feedback", "report"):
        assert _cli([command, assignment, "--results", str(out), "--to", str(dest)]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and err.startswith("error: ") and expected in err, err


def test_after_demo_writes_the_class_report_of_each_assignment(tmp_path, capsys):
    write_class(tmp_path / "out", _class())
    commands.after_demo(scratch_layout(tmp_path), [ASSIGNMENT, "dropout"])
    assert (tmp_path / "reports" / f"{ASSIGNMENT}-report.html").is_file()
    assert "dropout: no report (no results for dropout" in capsys.readouterr().out


def test_library_errors_are_report_errors(tmp_path):
    with pytest.raises(ReportError, match="does not exist"):
        loading.load(tmp_path / "nowhere", ASSIGNMENT)


# -- the mistakes tables against the suites and the variants ------------------------------------


@pytest.mark.parametrize("assignment", course.ASSIGNMENTS)
def test_every_mistake_a_variant_expects_is_in_its_assignments_table(assignment):
    expected = {v.mistake for v in sample.variants(assignment) if v.mistake}
    assert expected, f"no wrong variant of {assignment} expects a known mistake"
    missing = sorted(expected - set(course.mistakes(assignment)))
    assert not missing, f"add these to autograder/hidden/{assignment}/mistakes.py: {missing}"


@pytest.mark.parametrize("assignment", course.ASSIGNMENTS)
def test_mistake_tables_are_written_out(assignment):
    for name, m in course.mistakes(assignment).items():
        assert m.name == name and re.fullmatch(r"[a-z][a-z0-9_]*", name), name
        assert m.title and m.title[0].isupper() and not m.title.endswith("."), name
        assert m.explanation.endswith(".") and len(m.explanation) > 40, name


def test_a_mistake_missing_from_the_table_shows_its_name_made_readable():
    assert class_report._title(ASSIGNMENT, "not_in_the_table") == "not in the table"
    assert course.mistake(ASSIGNMENT, "not_in_the_table") is None and course.mistake("no_such", "x") is None


# -- graded variants: the pages name what they were built to get wrong ----------------------------


def _replace_solution(notebook: dict, function: str, code: str) -> dict:
    cells = [c for c in notebook["cells"] if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") == function]
    assert len(cells) == 1, f"the source notebook has {len(cells)} solution cells for {function}"
    cells[0]["source"] = code
    return notebook


@pytest.mark.slow
@pytest.mark.parametrize("assignment", course.ASSIGNMENTS)
def test_pages_name_the_mistakes_of_graded_variants(assignment, tmp_path):
    from autograder.read import read_submission
    from autograder.run_tests import run_suite
    from autograder.score import score
    from autograder.student import local_student

    wrong = [v for v in sample.variants(assignment) if v.mistake]
    assert wrong, f"no variant of {assignment} names a mistake"
    source = course.source_notebook(assignment).read_text(encoding="utf-8")
    graded = []
    for v in wrong:
        path = tmp_path / f"{v.function}-{v.label}.ipynb"
        path.write_text(json.dumps(_replace_solution(json.loads(source), v.function, v.code)), encoding="utf-8")
        sub = read_submission(path, assignment)
        student, _ = local_student(sub.cells)
        outcomes = run_suite(assignment, student, only_function=v.function)
        graded.append((v.mistake, score(f"{v.function}-{v.label}", assignment, outcomes, problems=sub.problems)))

    for mistake, result in graded:
        named = [t for t in result.tests if t.mistake == mistake]
        assert named, f"{result.student_id}: no test named {mistake}; got {[t.mistake for t in result.tests]}"
        page = text_of(render_feedback(result, published=True, after_due=True))
        if any(t.visibility != "hidden" for t in named):  # hidden tests never say why they failed
            known = course.mistake(assignment, mistake)
            assert (known.title if known else flat(named[0].message)) in page, result.student_id
    report = summarise([r for _, r in graded])
    assert {m for m, _ in graded} <= {m.name for m in report.mistakes}
    page = text_of(render_class_report(report))
    assert all(class_report._title(assignment, m) in page for m, _ in graded)


def test_the_record_is_documented_field_by_field(tmp_path):
    """docs/results.md lists every field result.json holds, and the record reads back whole."""
    doc = (course.REPO_ROOT / "docs" / "results.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `(\w+)`(?:, `(\w+)`)? \|", doc, re.M))
    documented = {name for pair in documented for name in pair if name}
    result = _with_written(score=2.0)
    written = record.write_result(tmp_path, result)
    data = json.loads(written.read_text())
    assert set(data) | {k for t in data["tests"] for k in t} == documented
    assert data["schema"] == "dl-overfitting/result/4" and data["totals"]["score"] == result.score
    assert record.read_result(written) == result
    assert json.loads(written.with_name("results.json").read_text())["score"] == result.score
