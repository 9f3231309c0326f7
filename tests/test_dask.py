"""The same grade command on a Dask cluster gives the same results."""
import dataclasses

import pytest

from autograder import sample
from autograder.grade import grade_batch
from autograder.isolate import Limits
from autograder.record import load_results
from tests import scratch_layout

pytestmark = pytest.mark.slow
A = "weight_init"


def _scores(out):
    return {r.student_id: (r.functions, [t.kind for t in r.tests]) for r in load_results(out, A)}


def test_dask_local_cluster_grades_like_the_local_pool(tmp_path):
    from dask.distributed import LocalCluster

    kinds = ["solution", "wrong", "alternative", "untouched", "truncated", "exits", "wrong", "python_file"]
    sample.build_class(tmp_path / "submitted", [A], students=len(kinds), kinds=kinds, seed=5)
    layout = scratch_layout(tmp_path)
    local = grade_batch(A, dataclasses.replace(layout, results=tmp_path / "local"), jobs=2, limits=Limits())
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        remote = grade_batch(A, dataclasses.replace(layout, results=tmp_path / "dask"), limits=Limits(),
                             scheduler=cluster.scheduler_address)
    assert sorted(remote.graded + remote.failed) == sorted(local.graded + local.failed)
    assert _scores(tmp_path / "dask") == _scores(tmp_path / "local")
    assert (tmp_path / "dask" / "grades.csv").read_text() == (tmp_path / "local" / "grades.csv").read_text()
