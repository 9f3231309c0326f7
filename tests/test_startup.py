"""What a grade costs before and after the grading: imports, sandboxes, the gradebook.

The speed itself is measured by scripts/benchmark.py --sweep; these tests pin
the facts the speed rests on, each of which a change could quietly undo.
"""
import json
import os
import subprocess
import sys

import pytest
from sqlalchemy import event, text

from autograder import course, gradebook, read
from autograder.record import load_results
from autograder.grade import PHASES, _Clock, grade_batch
from autograder.isolate import isolate
from autograder.sandbox.host import Sandbox
from autograder.sandbox.limits import Limits
from autograder.tools import sample
from tests.builders import A, grading, scratch_layout

HEAVY = ("tensorflow", "keras", "nbgrader", "dask", "distributed", "matplotlib", "nbformat", "jsonschema")


def imported_after(code: str) -> list[str]:
    """The heavy packages a fresh interpreter has loaded after running `code`."""
    probe = f"import sys\n{code}\nprint(sorted({{m.split('.')[0] for m in sys.modules}} & {set(HEAVY)!r}))"
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=course.REPO_ROOT)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1].replace("'", '"'))


def test_the_command_line_starts_without_the_heavy_libraries():
    assert imported_after("from autograder import cli\ncli.build_parser()") == []


def test_reading_and_scoring_need_none_of_them_either():
    assert imported_after("from autograder import read, score, record\nimport autograder.lms.canvas") == []


def test_only_the_keras_assignments_ask_for_tensorflow():
    uses = {a: read.template(a).uses_tensorflow for a in course.ASSIGNMENTS}
    assert uses == {"weight_init": False, "overfitting": True, "regularization": True, "dropout": True,
                    "batchnorm": True, "universal_approximation": False}


def test_a_sandbox_without_tensorflow_does_not_load_it():
    cells = [{"name": "probe", "origin": "student",
              "code": "import sys\ndef loaded():\n    return sorted(m for m in ('tensorflow', 'keras') if m in sys.modules)\n"}]
    for tensorflow, expected in ((False, []), (True, ["keras", "tensorflow"])):
        with Sandbox(Limits(call_seconds=20, wall_seconds=60), isolation="none",
                     import_tensorflow=tensorflow) as sandbox, isolate(sandbox, cells) as session:
            assert session.student.loaded() == expected


def test_nested_phases_count_once():
    clock = _Clock()
    with clock("grading"):
        with clock("recording"):
            pass
    assert set(clock.seconds) == {"grading", "recording"}
    assert all(s >= 0 for s in clock.seconds.values())
    with clock("recording"):
        pass
    assert clock.seconds["recording"] > 0


# -- the gradebook -------------------------------------------------------------------------


def test_a_new_gradebook_is_made_without_asking_a_second_python(tmp_path, monkeypatch):
    import nbgrader.api
    from alembic.script import ScriptDirectory
    from nbgrader.dbutil import ALEMBIC_DIR

    def refuse():
        raise AssertionError("nbgrader started `alembic heads` for a gradebook the grader made")

    monkeypatch.setattr(nbgrader.api, "get_alembic_version", refuse)
    layout = scratch_layout(tmp_path, gradebook=True)
    with gradebook.open_gradebook(layout) as gb:
        version = gb.db.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
        assert gb.students == []
    assert version == ScriptDirectory(ALEMBIC_DIR).get_current_head()
    layout.db_path.unlink()  # a course that starts over, in the same process
    with gradebook.open_gradebook(layout) as gb:
        assert gb.db.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == version
    # nbgrader's own command accepts it as one of its own: `nbgrader db upgrade` finds nothing to do
    env = dict(os.environ, PATH=os.path.dirname(sys.executable) + os.pathsep + os.environ["PATH"])  # its alembic
    proc = subprocess.run([sys.executable, "-m", "nbgrader", "db", "upgrade", f"--db={layout.db_url}"],
                          capture_output=True, text=True, cwd=tmp_path, env=env)
    assert proc.returncode == 0, proc.stderr


@pytest.fixture(scope="module")
def graded_class(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("class")
    layout = scratch_layout(tmp, gradebook=True)
    sample.build_class(layout.submitted, [A], students=5, kinds=["solution", "wrong", "untouched"])
    summary = grade_batch(A, layout, settings=grading(2))
    return layout, summary


def test_a_batch_reports_its_phases(graded_class):
    _, summary = graded_class
    assert list(summary.phases) == list(PHASES)
    assert all(seconds >= 0 for seconds in summary.phases.values())
    assert summary.phases["grading"] > 0 and summary.phases["sandbox start"] > 0
    overlapped = summary.phases["sandbox start"]  # it runs while the submissions are read
    assert sum(summary.phases.values()) - overlapped <= summary.seconds + 0.01


def test_recording_a_class_is_one_transaction(graded_class):
    layout, _ = graded_class
    with gradebook.one_run(layout) as gb:
        commits = []
        event.listen(gb.engine, "commit", lambda connection: commits.append(1))
        graded = [(r, gradebook.read_graded(layout, r)) for r in load_results(layout.results)]
        assert len(graded) == 5 and all(auto is not None for _, auto in graded)
        gradebook.record_grades(layout, graded)
    assert len(commits) == 1


def test_a_failure_while_recording_leaves_the_gradebook_as_it_was(tmp_path, monkeypatch):
    layout = scratch_layout(tmp_path, gradebook=True)
    sample.build_class(layout.submitted, [A], students=3, kinds=["solution"])
    grade_batch(A, layout, settings=grading(1), regrade=True)
    graded = [(r, gradebook.read_graded(layout, r)) for r in load_results(layout.results)]
    for r, _ in graded:
        r.student_id += "-again"  # three students the gradebook has not seen
    from nbgrader.api import Gradebook

    real, calls = Gradebook.update_or_create_submission, []

    def fail_on_the_third(self, *args, **kwargs):
        calls.append(args)
        if len(calls) == 3:
            raise RuntimeError("the disk is full")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Gradebook, "update_or_create_submission", fail_on_the_third)
    with pytest.raises(RuntimeError, match="the disk is full"):
        gradebook.record_grades(layout, graded)
    with gradebook.open_gradebook(layout) as gb:
        assert sorted(s.id for s in gb.students) == ["student001", "student002", "student003"]
