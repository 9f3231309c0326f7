"""One configuration: c.Autograder.* in the course's nbgrader_config.py, the command line on top,
the same Limits on both sides of the sandbox's pipe, and due dates read one way."""
import dataclasses
import datetime as dt
import shutil

import pytest
import traitlets

from autograder import cli, course, hidden, settings
from autograder.grade import grade_batch
from autograder.sandbox.limits import Limits
from autograder.times import TimeError, is_late, parse_due, parse_time
from tests.builders import grading


def _course(tmp_path, extra: str = ""):
    root = tmp_path / "course"
    (root / "source").mkdir(parents=True)
    shutil.copytree(course.REPO_ROOT / "source" / "weight_init", root / "source" / "weight_init", symlinks=True)
    config = (course.REPO_ROOT / "nbgrader_config.py").read_text() + extra
    (root / "nbgrader_config.py").write_text(config)
    return root


def test_the_defaults_are_the_sandboxs_own_limits():
    assert settings.Autograder().limits == Limits()
    assert {name for name, _ in settings.options()} >= {f.name for f in dataclasses.fields(Limits)} | {
        "isolation", "jobs", "secret"}
    assert all(text for _, text in settings.options()), "every setting says what it does"


def test_nbgrader_config_sets_them_and_the_command_line_wins(tmp_path):
    root = _course(tmp_path, "\nc.Autograder.memory_mb = 3000\nc.Autograder.jobs = 3\n"
                             "c.Autograder.isolation = 'none'\nc.Autograder.secret = 'from the config'\n")
    loaded = settings.load(root)
    assert (loaded.memory_mb, loaded.jobs, loaded.isolation, loaded.secret) == (3000, 3, "none", "from the config")
    assert loaded.limits.memory_mb == 3000 and loaded.limits.call_seconds == Limits.call_seconds
    args = cli.build_parser().parse_args(["grade", "weight_init", "--course", str(root), "--memory-mb", "1500"])
    given = cli.settings_of(args, root)
    assert (given.memory_mb, given.jobs) == (1500, 3)


def test_a_bad_setting_is_refused_with_its_name(tmp_path):
    with pytest.raises(traitlets.TraitError, match="memory_mb"):
        settings.Autograder(memory_mb=10)
    with pytest.raises(traitlets.TraitError, match="isolation"):
        settings.load(_course(tmp_path, "\nc.Autograder.isolation = 'docker'\n"))


def test_the_secret_comes_from_the_environment_unless_the_config_says(monkeypatch, tmp_path):
    monkeypatch.setenv("AUTOGRADER_SECRET", "from the environment")
    assert settings.load(_course(tmp_path)).secret == "from the environment"
    monkeypatch.delenv("AUTOGRADER_SECRET")
    assert settings.Autograder().secret == hidden.DEFAULT_SECRET


def test_the_batch_grades_with_the_configured_secret_and_warns_about_the_default(tmp_path, monkeypatch):
    from autograder.tools import sample
    from autograder.record import load_results
    from tests.builders import scratch_layout

    layout = scratch_layout(tmp_path)
    sample.build_class(layout.submitted, ["weight_init"], students=1, kinds=["solution"])
    monkeypatch.setattr(hidden, "SECRET", "before")
    grade_batch("weight_init", layout, settings=grading(1, secret="this term's"))
    assert hidden.SECRET == "this term's"
    with pytest.warns(course.SecretWarning, match="public default"):
        grade_batch("weight_init", layout, settings=grading(1, secret=hidden.DEFAULT_SECRET), regrade=True)
    [result] = load_results(layout.results)
    assert result.auto_score == sum(result.max_functions.values()), "the reference passes with either secret"


def test_due_dates_need_their_zone_everywhere():
    with pytest.raises(TimeError, match="no time zone"):
        parse_due("2026-11-20T23:59")
    args = cli.build_parser().parse_args(["grade", "weight_init", "--due", "2026-11-20T23:59"])
    assert cli.main(["grade", "weight_init", "--due", "2026-11-20T23:59", "--db", ""]) == 2 and args.due
    due = parse_due("2026-11-20T23:59+09:00")
    assert is_late(parse_time("2026-11-20 15:00:00.000000 UTC"), due)
    assert not is_late(parse_time("2026-11-20 14:59:00.000000 UTC"), due)
    assert not is_late(None, due) and not is_late(dt.datetime.now(dt.timezone.utc), None)
