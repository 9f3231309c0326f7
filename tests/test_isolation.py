"""Hostile student code: whatever it does, scores stay right and nothing leaks.

Each test plays one attack against a real bubblewrap sandbox and checks the
defence from outside.  The weight_init suite (NumPy only) keeps them fast.
"""
import json
import os
import pathlib
import socket
import threading
import time

import pytest

from autograder import course, read
from autograder.tools import sample
from autograder.grade import grade_in
from autograder.isolate import isolate
from autograder.read import Submission
from autograder.sandbox.host import IsolationWarning, Sandbox, bwrap_available
from autograder.sandbox.limits import Limits, SandboxDied

A = "weight_init"
LIMITS = Limits(call_seconds=4, wall_seconds=20, memory_mb=512, output_bytes=4096, processes=16)


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory):
    assert bwrap_available(), "bubblewrap must work here: `make setup` installs it"
    secret_dir = tmp_path_factory.mktemp("outside")
    with Sandbox(LIMITS, hide=(secret_dir,), import_tensorflow=False) as sb:
        sb.secret_dir = secret_dir
        yield sb


def cells(code, setup="import numpy as np\nimport os, sys, time\n"):
    return [{"name": "setup", "code": setup, "origin": "instructor"},
            {"name": "attack", "code": code, "origin": "student"}]


def graded(sandbox, overrides: dict, student_id="eve"):
    """Grade weight_init with some solution cells replaced."""
    code = dict(sample.reference_code(A), **overrides)
    sub = Submission(student_id, A, None, cells=read.build_cells(read.template(A), code), fingerprint="x")
    return grade_in(sandbox, sub)


WRONG_SIGMOID = "def sigmoid(x):\n    return np.zeros_like(np.asarray(x, dtype=float))\n"


def test_sandbox_is_bubblewrap(sandbox):
    assert sandbox.isolation == "bwrap"


# -- scores ----------------------------------------------------------------

def test_honest_wrong_sigmoid_baseline(sandbox):
    result = graded(sandbox, {"sigmoid": WRONG_SIGMOID})
    assert result.functions["sigmoid"] == 0
    assert result.score == result.max_score - result.max_functions["sigmoid"]


@pytest.mark.parametrize("patch", [
    "np.allclose = lambda *a, **k: True\nnp.isclose = lambda *a, **k: True\nnp.array_equal = lambda *a, **k: True\n",
    "import builtins\nbuiltins.isinstance = lambda *a: True\nbuiltins.abs = lambda x: 0\n",
    "import types\nsys.modules['pytest'] = types.SimpleNamespace(approx=lambda *a, **k: None)\n",
    "np.testing.assert_allclose = lambda *a, **k: None\nnp.ndarray = object\n",
])
def test_patching_libraries_earns_nothing(sandbox, patch):
    result = graded(sandbox, {"sigmoid": patch + WRONG_SIGMOID})
    assert result.functions["sigmoid"] == 0
    assert result.score == result.max_score - result.max_functions["sigmoid"]


def test_patching_is_reported_for_the_instructor(sandbox):
    result = graded(sandbox, {"sigmoid": "np.allclose = lambda *a, **k: True\n" + WRONG_SIGMOID})
    assert any("numpy.allclose" in t for t in result.tampering)


def test_rigged_equality_earns_nothing(sandbox):
    rigged = ("class Anything(np.ndarray):\n"
              "    def __eq__(self, other): return True\n"
              "    def __ne__(self, other): return False\n"
              "def sigmoid(x):\n"
              "    return np.zeros(np.shape(x)).view(Anything)\n"
              "class Yes(float):\n"
              "    def __eq__(self, o): return True\n"
              "    def __lt__(self, o): return True\n"
              "    def __gt__(self, o): return True\n"
              "def relu(x):\n"
              "    return Yes(0)\n")
    plain = ("def sigmoid(x):\n    return np.zeros(np.shape(x))\n"
             "def relu(x):\n    return 0.0\n")
    rigged_result = graded(sandbox, {"sigmoid": rigged, "relu": rigged})
    plain_result = graded(sandbox, {"sigmoid": plain, "relu": plain})
    # The rig earns exactly what the same values earn without it (relu keeps a
    # point for leaving its input alone, which both versions honestly do).
    assert rigged_result.functions == plain_result.functions
    assert rigged_result.functions["sigmoid"] == 0 and rigged_result.functions["relu"] < rigged_result.max_functions["relu"]


@pytest.mark.parametrize("exit_code", ["sys.exit(0)", "os._exit(0)", "raise SystemExit(0)",
                                       "os.kill(os.getppid(), 9)", "os.kill(-1, 9)"])
def test_exiting_or_killing_the_parent_earns_nothing(sandbox, exit_code):
    body = f"def sigmoid(x):\n    {exit_code}\n"
    result = graded(sandbox, {"sigmoid": body})
    assert result.functions["sigmoid"] == 0
    assert result.score == result.max_score - result.max_functions["sigmoid"]


def test_exit_at_load_time_costs_only_that_cell(sandbox):
    result = graded(sandbox, {"relu": "import sys\nsys.exit(0)\n"})
    assert result.functions["relu"] == 0
    assert result.score == result.max_score - result.max_functions["relu"]


def test_results_files_cannot_be_overwritten(tmp_path):
    submitted, out = tmp_path / "submitted", tmp_path / "out"
    sample.build_class(submitted, [A], students=2, kinds=["solution", "solution"])
    attack = (f"for p in [{str(out / 'grades.csv')!r}, {str(out / 'student001' / A / 'result.json')!r},"
              f" {str(tmp_path / 'gradebook.db')!r}]:\n"
              "    try:\n        os.makedirs(os.path.dirname(p), exist_ok=True)\n"
              "        open(p, 'w').write('{\"score\": 1000}')\n    except OSError:\n        pass\n")
    nb = json.loads((submitted / "student002" / A / f"{A}.ipynb").read_text())
    for c in nb["cells"]:
        if c["metadata"].get("nbgrader", {}).get("grade_id") == "sigmoid":
            c["source"] = "import os\n" + attack + "".join(c["source"])
    (submitted / "student002" / A / f"{A}.ipynb").write_text(json.dumps(nb))
    from autograder.grade import grade_batch

    from tests.builders import grading, scratch_layout

    grade_batch(A, scratch_layout(tmp_path, gradebook=True), settings=grading(1, LIMITS))
    rows = (out / "grades.csv").read_text().splitlines()
    assert len(rows) == 3 and "1000" not in "".join(rows)
    full = sum(course.functions(A).values())
    written = sum(read.template(A).written.values())
    assert all(r.endswith(f",{full:g},{full + written:g}") for r in rows[1:]), rows


# -- secrets and traces ----------------------------------------------------

PEEK = ("def peek(p):\n    try:\n        with open(p, 'rb') as f:\n            return len(f.read())\n"
        "    except Exception as e:\n        return type(e).__name__\n"
        "def listing(p):\n    try:\n        return sorted(os.listdir(p))\n    except Exception as e:\n"
        "        return type(e).__name__\n"
        "def write(p):\n    try:\n        with open(p, 'w') as f:\n            f.write('x')\n        return 'written'\n"
        "    except Exception as e:\n        return type(e).__name__\n")


def test_hidden_suites_sources_and_other_submissions_are_out_of_reach(sandbox):
    secret = sandbox.secret_dir / "other_student.ipynb"
    secret.write_text("{}")
    secrets = [course.suite_path(A), course.source_notebook(A), secret]
    assert all(p.is_file() for p in secrets), "the test must aim at files that exist outside"
    with isolate(sandbox, cells(PEEK)) as s:
        for path in [*secrets, pathlib.Path("/root/.bash_history")]:
            assert s.student.peek(str(path)) in ("FileNotFoundError", "PermissionError"), path
        assert s.student.listing(str(course.REPO_ROOT)) in ([".venv"], []), "the checkout must be hidden"


def test_no_writes_outside_scratch(sandbox):
    import numpy

    targets = [pathlib.Path(numpy.__file__).parent / "evil.py", course.REPO_ROOT / "evil.txt",
               pathlib.Path("/tmp/ag-shared-evil"), pathlib.Path("/var/tmp/evil"), pathlib.Path("/etc/evil")]
    with isolate(sandbox, cells(PEEK)) as s:
        assert s.student.write("mine.txt") == "written"  # its own scratch space works
        for t in targets:
            s.student.write(str(t))
    for t in targets:
        assert not t.exists(), f"{t} was written from the sandbox"


def test_no_process_outlives_its_grading(sandbox):
    daemon = ("def spawn():\n    if os.fork() == 0:\n        os.setsid()\n        if os.fork() == 0:\n"
              "            while True:\n                time.sleep(0.1)\n        os._exit(0)\n    return os.getuid()\n")
    with isolate(sandbox, cells(daemon)) as s:
        uid = s.student.spawn()
        time.sleep(0.3)
        assert _processes_of(uid), "the daemon should be running during the session"
    time.sleep(0.2)
    assert _processes_of(uid) == []


def _processes_of(uid):
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if os.stat(f"/proc/{entry}").st_uid == uid:
                    found.append(int(entry))
            except FileNotFoundError:
                pass
    return found


def test_no_state_carries_to_the_next_student(sandbox):
    first = ("def leave():\n    open('/tmp/note', 'w').write('hi')\n    try:\n"
             "        open('/dev/shm/note', 'w').write('hi')\n    except OSError:\n        pass\n"
             "    np.pi = 3\n    os.environ['LEFT'] = '1'\n    return True\n")
    second = ("def look():\n    return [os.path.exists('/tmp/note'), os.path.exists('/dev/shm/note'),\n"
              "            float(np.pi), os.environ.get('LEFT')]\n")
    with isolate(sandbox, cells(first)) as s:
        assert s.student.leave() is True
    with isolate(sandbox, cells(second)) as s:
        assert s.student.look() == [False, False, pytest.approx(3.141592653589793), None]


def test_no_network_not_even_loopback(sandbox):
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    port = server.getsockname()[1]
    code = ("import socket\n"
            "def dial(port):\n    try:\n        socket.create_connection(('127.0.0.1', port), timeout=1)\n"
            "        return 'connected'\n    except OSError as e:\n        return type(e).__name__\n"
            "def self_loop():\n    try:\n        s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen(1)\n"
            "        socket.create_connection(s.getsockname(), timeout=1)\n        return 'connected'\n"
            "    except OSError as e:\n        return type(e).__name__\n")
    with isolate(sandbox, cells(code)) as s:
        assert s.student.dial(port) != "connected"
        assert s.student.self_loop() != "connected"
    server.close()


# -- limits ----------------------------------------------------------------

@pytest.mark.parametrize("body", [
    "while True:\n        pass",
    "time.sleep(3600)",
    "import signal\n    signal.signal(signal.SIGTERM, signal.SIG_IGN)\n    while True:\n        pass",
    "time.time = lambda: 0.0\n    time.monotonic = lambda: 0.0\n    time.perf_counter = lambda: 0.0\n    while True:\n        pass",
])
def test_wall_clock_limit_holds(sandbox, body):
    with isolate(sandbox, cells(f"def stuck():\n    {body}\n")) as s:
        t0 = time.monotonic()
        with pytest.raises(SandboxDied, match="time limit exceeded"):
            s.student.stuck()
        assert time.monotonic() - t0 < LIMITS.call_seconds + 5


def test_memory_limit_fails_alone(sandbox):
    with isolate(sandbox, cells("def hog():\n    return np.ones(2**33).sum()\n"
                               "def fine():\n    return 7\n")) as s:
        with pytest.raises(AssertionError, match="memory limit exceeded"):
            s.student.hog()
        assert s.student.fine() == 7


def test_output_flood_is_truncated(sandbox):
    with isolate(sandbox, cells("def flood():\n    for i in range(200000):\n        print('spam' * 10)\n"
                               "    os.write(1, b'x' * 10**6)\n    return 1\n")) as s:
        assert s.student.flood() == 1
    assert s.truncated and len(s.output) <= LIMITS.output_bytes


def test_process_limit(sandbox):
    bomb = ("def bomb():\n    pids = []\n    try:\n        for _ in range(200):\n            pid = os.fork()\n"
            "            if pid == 0:\n                time.sleep(30)\n                os._exit(0)\n            pids.append(pid)\n"
            "    except OSError:\n        pass\n    return len(pids)\n")
    with isolate(sandbox, cells(bomb)) as s:
        assert s.student.bomb() < LIMITS.processes


@pytest.mark.parametrize("crash,cause", [
    ("import ctypes\n    ctypes.string_at(0)", "segmentation fault"),
    # sorted() is C code calling back into Python: the C stack overflows for real.
    ("sys.setrecursionlimit(10**8)\n    def f(n):\n        return sorted([n], key=f)\n    f(0)", "segmentation fault"),
])
def test_crash_fails_only_that_submission(sandbox, crash, cause):
    with isolate(sandbox, cells(f"def boom():\n    {crash}\n")) as s:
        with pytest.raises(SandboxDied, match=cause):
            s.student.boom()
    with isolate(sandbox, cells("def fine():\n    return 3\n")) as s:
        assert s.student.fine() == 3


def test_limit_message_reaches_results(sandbox):
    result = graded(sandbox, {"relu": "def relu(x):\n    while True:\n        pass\n"})
    assert result.functions["relu"] == 0 and result.status == "limit"
    assert any("time limit exceeded" in t.message for t in result.tests if t.function == "relu")
    assert result.score == result.max_score - result.max_functions["relu"]


def test_fallback_without_bubblewrap_warns_and_still_limits():
    with pytest.warns(IsolationWarning, match="isolation is weaker|without a filesystem"):
        sb = Sandbox(LIMITS, isolation="none", import_tensorflow=False)
    with sb:
        with isolate(sb, cells("def stuck():\n    while True:\n        pass\n")) as s:
            with pytest.raises(SandboxDied, match="time limit"):
                s.student.stuck()


def test_worker_survives_many_students(sandbox):
    """A reused worker keeps working after every kind of stop above."""
    done = []

    def run():
        with isolate(sandbox, cells("def ok():\n    return 1\n")) as s:
            done.append(s.student.ok())

    t = threading.Thread(target=run)
    t.start()
    t.join(30)
    assert done == [1]


def test_output_survives_a_restart_within_the_submission(sandbox):
    code = "def say():\n    print('said before the stop')\n    return 1\ndef stuck():\n    while True:\n        pass\n"
    with isolate(sandbox, cells(code)) as s:
        assert s.student.say() == 1
        with pytest.raises(SandboxDied):
            s.student.stuck()
        assert s.restart() is not None and s.student.say() == 1
    assert s.output.count("said before the stop") == 2
