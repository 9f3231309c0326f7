"""A student who rewrites the model probes in their own process earns nothing by it.

The attacker returns a plain network (no batch normalisation, dropout or
penalty) and, in the same process, rewrites everything that inspects models:
every probe function and the probe table, the activation classifier, the
integrity check, and Keras's own Model.count_params and Layer.get_weights
reporting.  The probes it rewrote answer as if the model were the right one
(a shadow model the attacker builds to that end).  The model is judged from
the data it exports, in a process that never ran the attacker's code.
"""
import time

import pytest

from autograder import course, read
from autograder.tools import sample
from autograder.grade import grade_in
from autograder.sandbox.host import Sandbox
from autograder.sandbox.limits import Limits
from autograder.read import Submission
from autograder.reports.class_report import summarise

pytestmark = pytest.mark.slow
LIMITS = Limits(call_seconds=20, wall_seconds=120, memory_mb=2048)

PLAIN = {  # the attacked function, and the plain 128-128 network it returns
    "batchnorm": ("build_bn_model", """\
def _plain(input_dim, num_classes):
    return keras.Sequential([keras.Input(shape=(input_dim,)), keras.layers.Dense(128, activation="relu"),
                             keras.layers.Dense(128, activation="relu"),
                             keras.layers.Dense(num_classes, activation="softmax")])
"""),
    "dropout": ("build_dropout_model", """\
def _plain(input_dim, rate=0.3):
    return keras.Sequential([keras.Input(shape=(input_dim,)), keras.layers.Dense(128, activation="relu"),
                             keras.layers.Dense(128, activation="relu"), keras.layers.Dense(1, activation="sigmoid")])
"""),
    "regularization": ("build_l1_model", """\
def _plain(input_dim, ratio=0.001):
    return keras.Sequential([keras.Input(shape=(input_dim,)), keras.layers.Dense(128, activation="relu"),
                             keras.layers.Dense(128, activation="relu"), keras.layers.Dense(1, activation="sigmoid")])
"""),
}

# Every probe it can find answers for the right model (the shadow) instead of the one it returned.
FORGER = """\
import sys
import keras

_probes = sys.modules["autograder.sandbox.probes"]
_honest = dict(_probes.MODEL_PROBES)
_CALLS, _SHADOWS = {}, {}


def _shadow():
    args, kwargs = _CALLS["last"]
    key = repr((args, kwargs))
    if key not in _SHADOWS:
        _SHADOWS[key] = _right(*args, **kwargs)
    return _SHADOWS[key]


def _forged(name):
    return lambda model, *args, **kwargs: _honest[name](_shadow(), *args, **kwargs)


for _name in list(_honest):
    setattr(_probes, "probe_" + _name, _forged(_name))
    _probes.MODEL_PROBES[_name] = _forged(_name)
_probes.judge = lambda probe, data, *args, **kwargs: _forged(probe)(None, *args, **kwargs)
_probes.probe_integrity = lambda: []
_probes.classify_activation = lambda fn: "relu"
_count_params = keras.Model.count_params
keras.Model.count_params = lambda self: _count_params(_shadow())
keras.Model.summary = lambda self, *args, **kwargs: _shadow().summary(*args, **kwargs)
"""


def _submission(assignment, forge: bool):
    function, plain = PLAIN[assignment]
    right = sample.reference_code(assignment)[function].replace(f"def {function}(", "def _right(", 1)
    code = plain + f"\n\ndef {function}(*args, **kwargs):\n    _CALLS['last'] = (args, kwargs)\n" \
                   "    return _plain(*args, **kwargs)\n"
    code = (FORGER + "\n\n" + right + "\n\n" if forge else "_CALLS = {}\n") + code
    cells = read.build_cells(read.template(assignment), dict(sample.reference_code(assignment), **{function: code}))
    return Submission("mallory", assignment, None, cells=cells, fingerprint="x"), function


@pytest.fixture(scope="module")
def sandbox():
    with Sandbox(LIMITS) as sb:
        yield sb


@pytest.mark.parametrize("assignment", list(PLAIN))
def test_rewriting_the_probes_earns_nothing(sandbox, assignment):
    honest_sub, function = _submission(assignment, forge=False)
    forged_sub, _ = _submission(assignment, forge=True)
    honest, forged = grade_in(sandbox, honest_sub), grade_in(sandbox, forged_sub)
    full = course.functions(assignment)[function]
    assert honest.functions[function] < full, "the plain network must not deserve full marks"
    assert forged.functions[function] == honest.functions[function], (
        [(t.name, t.kind, t.message) for t in forged.tests if t.function == function])
    assert forged.unverified == [] and honest.unverified == []


def test_a_model_that_refuses_to_be_exported_is_flagged(sandbox):
    """Claiming a model needs custom Python (so that the lying probes answer) is said to the instructor."""
    sub, function = _submission("regularization", forge=True)
    refuse = ("\n_probes.probe_export_model = lambda model, input_dim=None: "
              "(_ for _ in ()).throw(TypeError('cannot serialise'))\n")
    for cell in sub.cells:
        if cell["name"] == function:
            cell["code"] += refuse
    result = grade_in(sandbox, sub)
    assert result.unverified and "student's own process" in result.unverified[0]
    [flag] = [f for f in summarise([result]).flags if f.student_id == "mallory"]
    assert any(reason.startswith("unverified:") for reason in flag.reasons)


def test_a_model_of_keras_layers_is_judged_like_before(sandbox):
    """The reference models, and a model with a hand-written regulariser (probed where it lives)."""
    right = {v.label: v.code for v in sample.variants("regularization") if v.right and v.function == "build_l1_model"}
    cells = read.build_cells(read.template("regularization"), sample.reference_code("regularization"))
    reference = grade_in(sandbox, Submission("ref", "regularization", None, cells=cells, fingerprint="x"))
    assert reference.score == reference.max_score and reference.unverified == []
    for label, code in right.items():
        code_cells = read.build_cells(read.template("regularization"),
                                      dict(sample.reference_code("regularization"), build_l1_model=code))
        result = grade_in(sandbox, Submission(label, "regularization", None, cells=code_cells, fingerprint="x"))
        assert result.functions["build_l1_model"] == reference.functions["build_l1_model"], label
        custom = code.count("def ") > 1 or "lambda" in code  # a Python function of its own
        assert bool(result.unverified) == custom, (label, result.unverified)


# -- one judge for many submissions ----------------------------------------------------------------

def _variant_submissions(assignment, function):
    subs = []
    for v in sample.variants(assignment):
        if v.function == function:
            cells = read.build_cells(read.template(assignment),
                                     dict(sample.reference_code(assignment), **{function: v.code}))
            subs.append(Submission(v.label, assignment, None, cells=cells, fingerprint=v.label))
    return subs


def _outcomes(result):
    return [(t.name, t.kind, t.score, t.message) for t in result.tests]


@pytest.mark.parametrize("assignment, function", [("dropout", "build_dropout_model"),
                                                  ("batchnorm", "build_bn_model")])
def test_a_judge_that_served_others_judges_as_a_fresh_one(assignment, function):
    """The same models graded in one order and in the reverse order, by one judge for them all."""
    subs = _variant_submissions(assignment, function)
    assert len(subs) >= 5
    with Sandbox(LIMITS) as sb:
        forward = {s.student_id: _outcomes(grade_in(sb, s)) for s in subs}
        status = sb.judge_status()
        backward = {s.student_id: _outcomes(grade_in(sb, s)) for s in reversed(subs)}
    assert status["served"] == len(subs), "every submission was judged by the same judge"
    assert forward == backward


def test_the_judge_does_not_outlive_a_student_process_left_behind(sandbox):
    """Anything of the student's still running when its child is stopped could wait for the
    judge's next submission, so the judge goes too (and a fresh one judges the next)."""
    honest, _ = _submission("dropout", forge=False)
    grade_in(sandbox, honest)
    before = sandbox.judge_status()
    assert before["pid"] is not None
    sleeper, _ = _submission("dropout", forge=False)
    sleeper.cells[-1]["code"] += "\nimport os, time\nif os.fork() == 0:\n    os.setsid()\n    time.sleep(600)\n"
    result = grade_in(sandbox, sleeper)
    assert result.tests, "it was graded"
    after = sandbox.judge_status()
    assert after["pid"] != before["pid"], "a process of the student's survived its child, and so did the judge"
    grade_in(sandbox, honest)
    assert sandbox.judge_status()["served"] == 1, "the next submission has a judge of its own"


def test_a_judge_is_kept_across_a_pause_longer_than_a_submission():
    """Its clock restarts with each submission, so a batch that waits between students keeps it."""
    honest, _ = _submission("dropout", forge=False)
    with Sandbox(Limits(call_seconds=8, wall_seconds=8, memory_mb=2048)) as sb:
        first = grade_in(sb, honest)
        time.sleep(9)
        second = grade_in(sb, honest)
        status = sb.judge_status()
    assert [t.kind for t in first.tests] == [t.kind for t in second.tests]
    assert status["served"] == 2
