"""The LMS subcommands: thin wrappers that succeed quietly or fail in one clear line."""
import argparse
import csv
import os
import subprocess
import sys

import pytest

from autograder import course, record
from autograder.lms import commands
from tests.builders import make_zip, notebook, result_of, write_roster

A = "weight_init"


@pytest.fixture
def course_dir(tmp_path):
    write_roster(tmp_path / "roster.csv", [
        {"student_id": "jdoe", "name": "Doe, Jane", "canvas_id": "123", "section": "A"},
        {"student_id": "bsmith", "name": "Smith, Bob", "canvas_id": "124", "section": "B"}])
    make_zip(tmp_path / "canvas.zip", [("doejane_123_456_weight_init.ipynb", notebook("jane")),
                                       ("smithbob_LATE_124_457_weight_init.ipynb", notebook("bob")),
                                       ("ghost_999_458_weight_init.ipynb", notebook("ghost"))])
    (tmp_path / "worksheet.csv").write_text(
        "Identifier,Full name,Email address,Grade,Last modified (submission),Last modified (grade)\n"
        "Participant 5001,Jane Doe,jane@uni.edu,,\"Saturday, 1 March 2025, 9:15 PM\",-\n", encoding="utf-8")
    for r in (result_of("jdoe", {"relu": 4.0, "he_init": 6.0}, submitted_at="2025-03-01 10:00:00.000000 UTC"),
              result_of("bsmith", {"relu": 4.0, "he_init": 4.0}, submitted_at="2025-03-03 10:00:00.000000 UTC")):
        record.write_result(tmp_path / "autograded", r)
    return tmp_path


def run(*argv) -> int:
    return commands.main([str(a) for a in argv])


def test_import_canvas_prints_its_report(course_dir, capsys):
    status = run("import-canvas", course_dir / "canvas.zip", "--assignment", A, "--roster", course_dir / "roster.csv",
                 "--into", course_dir / "submitted")
    out = capsys.readouterr().out
    assert status == 0
    assert "2 taken, 1 skipped, 0 refused" in out and "1 of the submissions taken are late" in out
    assert "Canvas user 999 is not in the roster" in out
    assert (course_dir / "submitted" / "bsmith" / A / f"{A}.ipynb").is_file()


@pytest.mark.parametrize("argv, message", [
    (["import-canvas", "{dir}/roster.csv", "--assignment", A, "--roster", "{dir}/roster.csv"], "not a readable zip"),
    (["import-canvas", "{dir}/canvas.zip", "--assignment", "dropuot", "--roster", "{dir}/roster.csv"],
     "unknown assignment 'dropuot'"),
    (["import-moodle", "{dir}/canvas.zip", "--assignment", A, "--roster", "{dir}/roster.csv"],
     "no moodle_participant_id column"),
    (["import-moodle", "{dir}/canvas.zip", "--assignment", A, "--roster", "{dir}/roster.csv", "--worksheet",
      "{dir}/worksheet.csv"], "give --timezone"),
    (["import-moodle", "{dir}/canvas.zip", "--assignment", A, "--roster", "{dir}/roster.csv", "--worksheet",
      "{dir}/roster.csv", "--timezone", "UTC"], "in no language this tool reads"),
    (["import-canvas", "{dir}/canvas.zip", "--assignment", A, "--roster", "{dir}/nope.csv"],
     "No such file or directory"),
    (["export-canvas", A, "--results", "{dir}/autograded", "--roster", "{dir}/roster.csv", "--assignment-id", "9",
      "--out", "{dir}/c.csv", "--due", "2025-03-01 23:59", "--late-penalty", "10"], "has no time zone"),
    (["export-canvas", A, "--results", "{dir}/missing", "--roster", "{dir}/roster.csv", "--assignment-id", "9",
      "--out", "{dir}/c.csv"], "no weight_init results"),
    (["lti-publish", A, "--results", "{dir}/autograded", "--roster", "{dir}/roster.csv", "--config",
      "{dir}/roster.csv"], "not valid JSON"),
    (["gradescope-run", "--root", "{dir}"], "rebuild the zip"),
])
def test_user_mistakes_fail_in_one_line_and_lose_nothing(course_dir, capsys, argv, message):
    earlier = course_dir / "submitted" / "jdoe" / A
    earlier.mkdir(parents=True)
    (earlier / f"{A}.ipynb").write_text("earlier")
    status = run(*[a.format(dir=course_dir) for a in argv])
    err = capsys.readouterr().err
    assert status == 2
    assert message in err and err.count("\n") == 1, err
    assert (earlier / f"{A}.ipynb").read_text() == "earlier"
    assert not (course_dir / "c.csv").exists()


def test_export_canvas_writes_the_library_csv(course_dir, capsys):
    out = course_dir / "canvas.csv"
    status = run("export-canvas", A, "--results", course_dir / "autograded", "--roster", course_dir / "roster.csv",
                 "--assignment-id", "4021", "--title", "Weight init", "--out", out,
                 "--due", "2025-03-01T23:59:00+00:00", "--late-penalty", "25")
    assert status == 0 and "2 students" in capsys.readouterr().out
    table = list(csv.reader(out.open()))
    assert table[0][-1] == "Weight init (4021)" and table[1][-1] == "10"
    assert {r[1]: r[-1] for r in table[2:]} == {"123": "10", "124": "4"}, "8 points less 2 days at 25%"


def test_register_adds_the_subcommands_to_another_parser(course_dir):
    parser = argparse.ArgumentParser(prog="autograder")
    sub = parser.add_subparsers(dest="cmd", required=True)
    sub.add_parser("grade")
    commands.register(sub)
    args = parser.parse_args(["export-nbgrader", A, "--results", str(course_dir / "autograded"),
                              "--roster", str(course_dir / "roster.csv"), "--out", str(course_dir / "nb.csv")])
    assert args.func(args) == 0
    assert (course_dir / "nb.csv").read_text().startswith("assignment,duedate,timestamp,student_id")


def test_a_missing_optional_package_costs_only_the_command_that_needs_it(tmp_path):
    """Without pylti1p3 every other command is still there, and lti-publish says what is missing."""
    block = ("import sys; sys.modules['pylti1p3'] = None; from autograder import cli; "
             "sys.exit(cli.main(sys.argv[1:]))")
    helped = subprocess.run([sys.executable, "-c", block, "--help"], capture_output=True, text=True, cwd=tmp_path,
                            env={**os.environ, "PYTHONPATH": str(course.REPO_ROOT)})
    assert helped.returncode == 0, helped.stderr
    for command in ("import-canvas", "import-moodle", "export-canvas", "export-moodle", "gradescope-zip",
                    "lti-publish", "feedback", "report"):
        assert command in helped.stdout
    config = tmp_path / "lti.json"
    config.write_text("{}")
    published = subprocess.run([sys.executable, "-c", block, "lti-publish", "weight_init",
                                "--roster", str(tmp_path / "roster.csv"), "--config", str(config)],
                               capture_output=True, text=True, cwd=tmp_path,
                               env={**os.environ, "PYTHONPATH": str(course.REPO_ROOT)})
    assert published.returncode == 2 and "needs the Python package 'pylti1p3'" in published.stderr
