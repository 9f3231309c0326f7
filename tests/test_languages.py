"""The course in two languages: catalogues complete, editions in step, answers in the student's language."""
import ast
import gettext
import json
import pathlib

import nbformat
import pytest
from markupsafe import escape

from autograder import course, language
from autograder.tools import messages

ROOT = course.REPO_ROOT
KOREAN = "ko"


def test_every_message_has_a_korean_translation_and_compiled_catalogues():
    assert messages.problems([KOREAN]) == []


def _catalogue(tmp_path, monkeypatch, code: str, translations: dict[str, str]):
    """A catalogue of one source file, `code`, with a Korean .po holding `translations`."""
    po = tmp_path / KOREAN / "LC_MESSAGES" / "x.po"
    po.parent.mkdir(parents=True)
    entries = "".join(f'msgid "{k}"\nmsgstr "{v}"\n\n' for k, v in translations.items())
    po.write_text('msgid ""\nmsgstr "Content-Type: text/plain; charset=utf-8\\n"\n\n' + entries, encoding="utf-8")
    source = tmp_path / "x.py"
    source.write_text(code)
    monkeypatch.setattr(messages, "catalogues", lambda: [messages.Catalogue("x", tmp_path, "x", (source,))])
    monkeypatch.setattr(messages, "REPO_ROOT", pathlib.Path("/"))


def test_the_completeness_check_fails_on_a_new_untranslated_message(tmp_path, monkeypatch):
    _catalogue(tmp_path, monkeypatch, '_("{n} tests", n=2)\nN_("a sentence nobody has translated yet")\n',
               {"{n} tests": "테스트 {n}개"})
    found = messages.problems([KOREAN])
    assert any("untranslated: 'a sentence nobody has translated yet'" in p for p in found), found
    assert not any("{n} tests" in p for p in found)


def test_the_completeness_check_fails_on_a_translation_that_drops_a_field(tmp_path, monkeypatch):
    _catalogue(tmp_path, monkeypatch, '_("{n} tests", n=2)\n', {"{n} tests": "테스트"})
    assert any("fills in []" in p for p in messages.problems([KOREAN]))


def test_translation_fills_fields_in_the_language_in_force():
    english = "your code was stopped: {reason}"
    with language.using(KOREAN):
        korean = language._(english, reason="X")
    assert "X" in korean and korean != english.format(reason="X")
    assert language._(english, reason="X") == "your code was stopped: X", "English outside the block"


def test_the_language_of_a_notebook_is_its_editions_and_anything_else_is_the_default():
    assert language.of_notebook({"metadata": {"autograder": {"language": "ko"}}}) == "ko"
    assert language.of_notebook({"metadata": {"autograder": {"language": "xx"}}}, default="en") == "en"
    assert language.of_notebook({"metadata": {"autograder": "ko"}}, default="ko") == "ko"
    assert language.of_notebook(None, default="ko") == "ko"
    with pytest.raises(language.LanguageError, match="unknown language"):
        language.check("fr")


# -- the editions --------------------------------------------------------------------------------

def _program(source: str) -> str:
    """The code with its comments and the text of its strings left out: what must be the same."""
    tree = ast.parse("\n".join(line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))))
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            node.value = ""
        if isinstance(node, ast.JoinedStr):
            node.values = []
    return ast.dump(tree)


@pytest.mark.parametrize("assignment", course.ASSIGNMENTS)
def test_the_korean_notebook_is_the_english_one_in_other_words(assignment):
    en = nbformat.read(course.source_notebook(assignment, ROOT, "en"), as_version=4)
    ko = nbformat.read(course.source_notebook(assignment, ROOT, KOREAN), as_version=4)
    assert en.metadata["autograder"] == {"language": "en"} and ko.metadata["autograder"] == {"language": "ko"}
    assert len(en.cells) == len(ko.cells)
    for a, b in zip(en.cells, ko.cells):
        assert (a.cell_type, a.metadata, a.get("id")) == (b.cell_type, b.metadata, b.get("id"))
        if a.cell_type != "code":
            assert a.source == "" or a.source != b.source, f"{assignment}: a markdown cell left untranslated"
            continue
        if "speak(" in b.source:  # the setup cell: the one cell whose code differs
            assert 'speak("ko")' in b.source and "speak" not in a.source
            continue
        assert _program(a.source) == _program(b.source), f"{assignment}: {a.metadata} is a different program"
        hidden = a.source.partition("### BEGIN HIDDEN TESTS")[2]
        assert hidden == b.source.partition("### BEGIN HIDDEN TESTS")[2], "hidden tests must be identical"


@pytest.mark.parametrize("assignment", course.ASSIGNMENTS)
def test_the_korean_release_carries_the_catalogue_its_checks_read(assignment):
    folder = ROOT / course.edition_folder("release", KOREAN) / assignment
    mo = folder / "locale" / KOREAN / "LC_MESSAGES" / "course.mo"
    assert mo.is_file() and not mo.is_symlink()
    assert mo.read_bytes() == (ROOT / "locale" / KOREAN / "LC_MESSAGES" / "course.mo").read_bytes()
    found = gettext.translation("course", folder / "locale", [KOREAN])
    assert found.gettext("{name} passes the public checks.") != "{name} passes the public checks."
    assert json.loads((folder / f"{assignment}.ipynb").read_text())["metadata"]["autograder"] == {"language": "ko"}


def test_nbgrader_config_chooses_the_edition_with_one_setting(tmp_path):
    config = (ROOT / "nbgrader_config.py").read_text()
    assert 'LANGUAGE = "en"' in config
    (tmp_path / "nbgrader_config.py").write_text(config.replace('LANGUAGE = "en"', 'LANGUAGE = "ko"'))
    loaded = course.nbgrader_config(tmp_path)
    assert loaded.CourseDirectory.source_directory == "source_ko"
    assert loaded.CourseDirectory.release_directory == "release_ko"
    assert course.course_language(tmp_path) == "ko"
    (tmp_path / "nbgrader_config.py").write_text(config.replace('LANGUAGE = "en"', 'LANGUAGE = "fr"'))
    with pytest.raises(course.CourseError, match="c.Autograder.language"):
        course.course_language(tmp_path)


# -- a mixed class: each student answered in the language of their edition --------------------------

A = "weight_init"


@pytest.fixture(scope="module")
def mixed_class(tmp_path_factory):
    """An English and a Korean student, both with Xavier's spread in their He initialisation."""
    from autograder import record
    from autograder.grade import grade_batch
    from autograder.reports.feedback import write_feedback
    from autograder.sandbox.limits import Limits
    from autograder.tools import sample
    from tests.builders import grading, scratch_layout

    wrong = next(v for v in sample.variants(A) if v.function == "he_init" and v.mistake == "he_uses_xavier_spread")
    root = tmp_path_factory.mktemp("mixed")
    for sid, lang in (("eun", "en"), ("min", "ko")):
        nb = sample.with_code(sample.student_notebook(A, lang=lang), {**sample.reference_code(A), "he_init": wrong.code})
        folder = root / "submitted" / sid / A
        folder.mkdir(parents=True)
        (folder / f"{A}.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    layout = scratch_layout(root)
    grade_batch(A, layout, settings=grading(1, Limits(call_seconds=5, wall_seconds=60, memory_mb=1024)))
    results = {sid: json.loads(record.results_path(layout.results, sid, A).read_text(encoding="utf-8"))
               for sid in ("eun", "min")}
    pages = {p.parent.parent.name: p for p in write_feedback(
        [record.read_result(record.results_path(layout.results, sid, A)) for sid in ("eun", "min")], layout.feedback,
        published=True, after_due=True)}
    return results, pages


def _failed(result):
    return [t for t in result["tests"] if t["function"] == "he_init" and t["kind"] == "failed"]


def test_a_korean_submission_gets_korean_messages_in_its_results(mixed_class):
    results, _ = mixed_class
    eun, min_ = results["eun"], results["min"]
    assert (eun["language"], min_["language"]) == ("en", "ko")
    assert eun["totals"]["score"] == min_["totals"]["score"] < eun["totals"]["max_score"], "the same code earns the same points in either edition"
    english, korean = _failed(eun), _failed(min_)
    assert english and [t["name"] for t in english] == [t["name"] for t in korean]
    assert [t["mistake"] for t in english] == [t["mistake"] for t in korean] == ["he_uses_xavier_spread"] * len(english)
    for e, k in zip(english, korean):
        assert e["message"] and k["message"] != e["message"]
        assert any("\uac00" <= ch <= "\ud7a3" for ch in k["message"]), f"not Korean: {k['message']!r}"
        assert not any("\uac00" <= ch <= "\ud7a3" for ch in e["message"])


def test_a_korean_submission_gets_a_korean_feedback_page(mixed_class):
    results, pages = mixed_class
    mistake = course.mistake(A, "he_uses_xavier_spread")
    korean, english = pages["min"].read_text(encoding="utf-8"), pages["eun"].read_text(encoding="utf-8")
    assert '<html lang="ko">' in korean and '<html lang="en">' in english
    with language.using(KOREAN):
        title = language.translate(mistake.title)
        description = language.translate(_failed(results["min"])[0]["description"])
    assert title != mistake.title and escape(title) in korean and escape(mistake.title) in english
    assert description != _failed(results["min"])[0]["description"] and escape(description) in korean


def test_the_class_report_is_in_the_language_in_force():
    from autograder.reports.bench import synthetic_class
    from autograder.reports.class_report import render_class_report, summarise

    summary = summarise(synthetic_class(20))
    english = render_class_report(summary)
    with language.using(KOREAN):
        korean = render_class_report(summary)
        heading = language.translate("Most common mistakes")
    assert '<html lang="en">' in english and "Most common mistakes" in english
    assert '<html lang="ko">' in korean and heading != "Most common mistakes" and heading in korean


def test_autograder_release_generates_the_edition_nbgrader_config_chooses(tmp_path):
    import shutil
    import subprocess
    import sys

    scratch = tmp_path / "course"
    shutil.copytree(ROOT / "source_ko", scratch / "source_ko", symlinks=True)
    shutil.copytree(ROOT / "locale", scratch / "locale")
    for name in ("checks.py", "visual.py"):
        shutil.copy(ROOT / name, scratch / name)
    config = (ROOT / "nbgrader_config.py").read_text().replace('LANGUAGE = "en"', 'LANGUAGE = "ko"')
    (scratch / "nbgrader_config.py").write_text(config)
    proc = subprocess.run([sys.executable, "-m", "autograder", "release", "weight_init", "--course", str(scratch)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    released = scratch / "release_ko" / "weight_init"
    nb = json.loads((released / "weight_init.ipynb").read_text(encoding="utf-8"))
    assert nb["metadata"]["autograder"] == {"language": "ko"}
    assert (released / "locale" / "ko" / "LC_MESSAGES" / "course.mo").is_file()
    assert not (scratch / "release").exists()
