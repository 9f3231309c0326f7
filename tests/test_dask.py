"""The same grade command on a Dask cluster gives the same results."""
import dataclasses
import pathlib

import pytest

from autograder.tools import sample
from autograder.grade import grade_batch
from autograder.record import load_results
from tests.builders import grading, scratch_layout

pytestmark = pytest.mark.slow
A = "weight_init"


def _scores(out):
    return {r.student_id: (r.functions, [t.kind for t in r.tests]) for r in load_results(out, A)}


def test_dask_local_cluster_grades_like_the_local_pool(tmp_path):
    from dask.distributed import LocalCluster

    kinds = ["solution", "wrong", "alternative", "untouched", "truncated", "exits", "wrong", "python_file"]
    sample.build_class(tmp_path / "submitted", [A], students=len(kinds), kinds=kinds, seed=5)
    layout = scratch_layout(tmp_path)
    local = grade_batch(A, dataclasses.replace(layout, results=tmp_path / "local"), settings=grading(2))
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        remote = grade_batch(A, dataclasses.replace(layout, results=tmp_path / "dask"), settings=grading(),
                             scheduler=cluster.scheduler_address)
    assert sorted(remote.graded + remote.failed) == sorted(local.graded + local.failed)
    assert _scores(tmp_path / "dask") == _scores(tmp_path / "local")
    assert (tmp_path / "dask" / "grades.csv").read_text() == (tmp_path / "local" / "grades.csv").read_text()


ESCAPES = """\
import os, socket

def _escaped():
    found = []
    for path in {readable!r}:
        try:
            with open(path, "rb"):
                found.append("read " + path)
        except OSError:
            pass
    for folder in {writable!r}:
        try:
            with open(os.path.join(folder, "canary-was-here"), "w"):
                found.append("wrote " + folder)
        except OSError:
            pass
    try:
        socket.create_connection(("127.0.0.1", {port}), timeout=1).close()
        found.append("network")
    except OSError:
        pass
    return found

_ESCAPED = _escaped()

def sigmoid(x):
    x = np.asarray(x, dtype=float)
    if _ESCAPED:
        return np.zeros_like(x)  # every escape costs the points: full marks prove the sandbox held
    return 1 / (1 + np.exp(-np.clip(x, -500, 500)))
"""


@pytest.fixture
def outside_tmp():
    """A folder the sandbox would not hide by itself (/tmp is a fresh tmpfs inside it)."""
    import shutil
    import tempfile

    from autograder import course

    folder = pathlib.Path(tempfile.mkdtemp(prefix=".ag-dask-test-", dir=course.REPO_ROOT.parent))
    folder.chmod(0o755)  # as a course folder usually is: readable by everyone on the machine
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def test_a_dask_worker_isolates_as_a_local_run_does(outside_tmp):
    """Canaries that lose sigmoid's points if they can read another student's work, the results, the
    gradebook, the course or the hidden suites, write where results go, or reach the network."""
    import socket

    from dask.distributed import LocalCluster

    from autograder import course

    tmp_path = outside_tmp
    layout = scratch_layout(tmp_path, gradebook=True)
    sample.build_class(layout.submitted, [A], students=2, kinds=["solution", "solution"])
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    readable = [str(layout.submitted / "student001" / A / f"{A}.ipynb"), str(course.source_notebook(A)),
                str(course.suite_path(A)), str(tmp_path / "gradebook.db")]
    code = ESCAPES.format(readable=readable, writable=[str(layout.results), str(tmp_path)],
                          port=listener.getsockname()[1])
    nb = sample.with_code(sample.student_notebook(A), dict(sample.reference_code(A), sigmoid=code))
    (layout.submitted / "student002" / A / f"{A}.ipynb").write_text(__import__("json").dumps(nb))
    grade_batch(A, layout, settings=grading(1))  # creates the results folder and the gradebook to aim at
    for path in [tmp_path, *tmp_path.rglob("*")]:
        path.chmod(0o777 if path.is_dir() else 0o666)  # only the sandbox's masks stand in the way
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        grade_batch(A, layout, settings=grading(), regrade=True, scheduler=cluster.scheduler_address)
    listener.close()
    canary = {r.student_id: r for r in load_results(layout.results, A)}["student002"]
    assert canary.functions["sigmoid"] == canary.max_functions["sigmoid"], [t.message for t in canary.tests]
    assert not list(tmp_path.rglob("canary-was-here"))


def test_a_worker_with_other_suites_is_refused_before_anything_is_recorded(tmp_path, monkeypatch):
    from dask.distributed import LocalCluster

    from autograder import course

    sample.build_class(tmp_path / "submitted", [A], students=2, kinds=["solution", "wrong"])
    monkeypatch.setattr(course, "grading_code_version", lambda assignment: "coordinators-own")
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        with pytest.raises(course.CourseError, match="update that machine's checkout"):
            grade_batch(A, scratch_layout(tmp_path), settings=grading(), scheduler=cluster.scheduler_address)
    assert load_results(tmp_path / "out", A) == []
