"""The audit: mutants of the reference solutions, graded in bulk, told apart from equivalent ones."""
import ast
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys

import numpy as np
import pytest

from autograder import course
from autograder.audit import audit
from autograder.audit import mutants as mutation
from autograder.audit.equivalence import _compare, reference_cell
from autograder.hidden import Accepted
from autograder.read import reference_code

ROOT = pathlib.Path(__file__).resolve().parent.parent

NUMPY_CODE = '''\
def f(x, y, flag=True):
    """Docstrings are left alone."""
    z = np.mean(x * y, axis=0, keepdims=True)
    if flag and z.sum() > 0:
        z = z - 1
    z = np.maximum(z, 0.5)
    return z
'''
KERAS_CODE = '''\
def g(input_dim, rate=0.3):
    return keras.Sequential([keras.Input(shape=(input_dim,)), keras.layers.Dense(8, activation="relu"),
                             keras.layers.Dropout(rate), keras.layers.BatchNormalization(),
                             keras.layers.Dense(1, kernel_regularizer=keras.regularizers.l2(0.01))])
'''


def _changes(function, code):
    """(operator, the mutant's changed lines) for every mutant."""
    out = []
    for m in mutation.mutants_of(function, code):
        added = [line[1:].strip() for line in m.diff.splitlines() if line.startswith("+") and not line.startswith("+++")]
        out.append((m.operator, " | ".join(added)))
    return out


@pytest.mark.parametrize("operator, change", [
    ("ARITHMETIC", "np.mean(x / y"), ("ARITHMETIC", "np.mean(x, axis"), ("ARITHMETIC", "z = z + 1"),
    ("COMPARISON", "z.sum() >= 0"), ("BOOLEAN", "flag or z.sum()"), ("BOOLEAN", "flag=False"),
    ("CONSTANT", "z = z - 2"), ("CONSTANT", "z.sum() > 1"), ("KEYWORD", "axis=1"), ("KEYWORD", "axis=None"),
    ("KEYWORD", "np.mean(x * y, keepdims=True)"), ("KEYWORD", "np.mean(x * y, axis=0)"),
    ("ARGUMENTS", "np.maximum(0.5, z)"), ("STATEMENT", "pass"), ("RETURN", "return None"), ("RETURN", "return x"),
    ("FUNCTION", "np.sum(x * y"), ("VARIABLE", "np.mean(y * y"),
])
def test_each_operator_makes_its_kind_of_mutant(operator, change):
    found = [c for op, c in _changes("f", NUMPY_CODE) if op is mutation.Operator[operator]]
    assert any(change in c for c in found), found


@pytest.mark.parametrize("change", [
    "Dense(8, activation='sigmoid')", "Dense(8)", "Dense(16, activation='relu')", "GaussianDropout(rate)",
    "LayerNormalization()", "Dropout(0.5)", "regularizers.l1(0.01)", "Dense(1)])",
    "keras.layers.Dense(8, activation='relu'), keras.layers.BatchNormalization(), keras.layers.Dense(1",  # dropped
    "keras.layers.BatchNormalization(), keras.layers.Dropout(rate)",  # swapped
])
def test_keras_layers_are_mutated_as_a_student_would_get_them_wrong(change):
    assert any(change in c for _, c in _changes("g", KERAS_CODE)), change


def test_mutants_compile_differ_and_leave_the_docstring():
    found = mutation.mutants_of("f", NUMPY_CODE)
    assert len({m.code for m in found}) == len(found) > 30
    for m in found:
        compile(m.code, "<mutant>", "exec")
        assert '"""Docstrings are left alone."""' in m.code or "'Docstrings are left alone.'" in m.code
        assert m.code != ast.unparse(ast.parse(NUMPY_CODE)) + "\n"


def test_every_graded_function_has_mutants_and_an_assignment_has_a_hundred():
    counts = {a: {f: len(mutation.mutants_of(f, reference_code(a)[f])) for f in course.functions(a)}
              for a in course.ASSIGNMENTS}
    assert all(n >= 5 for per in counts.values() for n in per.values()), counts
    assert max(sum(per.values()) for per in counts.values()) >= 100, counts


def test_the_reference_sits_beside_the_mutant_under_another_name():
    cell = reference_cell("relu", "def relu(x):\n    return np.maximum(x, 0)\n")
    assert "def _audit_reference_relu(x):" in cell["code"] and cell["origin"] == "instructor"


@pytest.mark.parametrize("a, b, same", [
    (np.array([1.0, 2.0]), np.array([1.0, 2.0 + 1e-12]), True), (np.array([1.0, 2.0]), np.array([1.0, 2.1]), False),
    (np.zeros((2, 3)), np.zeros((3, 2)), False), ([np.ones(2), 1.5], (np.ones(2), 1.5), True),
    ({"a": 1}, {"a": 2}, False), (np.array([np.nan]), np.array([np.nan]), True), (3, 3.0, True), ("a", "b", False),
])
def test_answers_are_compared_as_plain_data(a, b, same):
    assert (_compare(a, b) == "") is same


def test_accepted_mutants_match_the_line_they_change():
    accepted = Accepted("f", "z = z - 1", "any shift is fine")
    diffs = {c: m.diff for m, (_, c) in zip(mutation.mutants_of("f", NUMPY_CODE), _changes("f", NUMPY_CODE))}
    assert accepted.covers("f", diffs["z = z - 2"]) and not accepted.covers("g", diffs["z = z - 2"])
    assert not accepted.covers("f", diffs["return None"])
    narrow = Accepted("f", "z = z - 1", "only this one", becomes="z - 2")
    assert narrow.covers("f", diffs["z = z - 2"]) and not narrow.covers("f", diffs["z = z + 1"])


# -- whole audits -------------------------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("assignment", course.ASSIGNMENTS)
def test_a_sample_of_each_suites_mutants_is_caught(assignment):
    """What CI can afford: a few mutants of every function, each assignment's suite at 95% or more."""
    report = audit(assignment, max_mutants=3)
    assert all(f.mutants == min(3, len(mutation.mutants_of(f.function, reference_code(assignment)[f.function])))
               for f in report.functions.values())
    assert not report.weak, report.summary()


WEAK_RELU = '''
@graded("relu", points=3)
def test_relu_keeps_the_shape(student):
    """relu returns an array of its input's shape"""
    x = rng.normal(size=(4, 5))
    assert as_array(student.relu(x), "relu").shape == x.shape


'''


@pytest.mark.slow
def test_the_audit_fails_on_a_deliberately_weakened_suite(tmp_path):
    root = tmp_path / "course"
    shutil.copytree(ROOT, root, symlinks=True, ignore=shutil.ignore_patterns(
        ".git", ".venv", "__pycache__", "results", "autograded", "feedback", "reports", "submitted", "gradebook.db",
        "course-demo", ".pytest_cache", ".ipynb_checkpoints", "audit"))
    suite = root / "autograder" / "hidden" / "weight_init" / "suite.py"
    text = suite.read_text()
    relu = re.search(r'@graded\("relu".*?(?=# -- forward_activations)', text, re.S)
    suite.write_text(text[:relu.start()] + WEAK_RELU + text[relu.end():])
    env = dict(os.environ, PYTHONPATH=str(root), AUTOGRADER_SECRET="audit test")

    def run(*functions):
        out = tmp_path / "-".join(functions)
        proc = subprocess.run([sys.executable, "-m", "autograder", "audit", "weight_init", "--course", str(root),
                               "--out", str(out), "--functions", *functions], cwd=root, env=env,
                              capture_output=True, text=True, timeout=600)
        return proc, json.loads((out / "audit.json").read_text())

    weak, found = run("relu")
    assert weak.returncode == 1, weak.stdout + weak.stderr
    relu = found["functions"]["relu"]
    assert relu["score"] < 0.95 and relu["survived"] and "relu let(s) through" in weak.stderr
    assert all({"diff", "operator"} <= set(s) for s in relu["survived"])
    assert (tmp_path / "relu" / "audit.html").read_text().count('class="test"') == len(relu["survived"])
    fine, found = run("sigmoid")
    assert fine.returncode == 0, fine.stdout + fine.stderr
    assert found["functions"]["sigmoid"]["score"] >= 0.95


@pytest.mark.slow
def test_a_mutant_that_crashes_on_some_inputs_is_not_equivalent():
    from autograder.audit import equivalence
    from autograder.read import build_cells, template
    from autograder.sandbox.host import Sandbox
    from autograder.sandbox.limits import Limits

    code = reference_code("weight_init")
    crashing = ("def relu(x):\n    import os\n    if np.size(x) == 1:\n        os._exit(3)\n"
                "    return np.maximum(x, 0)\n")
    cells = build_cells(template("weight_init"), dict(code, relu=crashing))
    with Sandbox(Limits(call_seconds=10, wall_seconds=60), import_tensorflow=False) as sandbox:
        verdict = equivalence.check(sandbox, "weight_init", cells, "relu", code["relu"])
        same = equivalence.check(sandbox, "weight_init", build_cells(template("weight_init"), code), "relu",
                                 code["relu"])
    assert not verdict.equivalent and "stopped" in verdict.difference, verdict
    assert same.equivalent and same.samples >= equivalence.MIN_SAMPLES, same
