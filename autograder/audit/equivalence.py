"""Is a mutant the suite did not catch simply the same function written another way?

The mutant and the reference are loaded side by side into one sandboxed child
(the reference under another name).  The mutated function's hidden tests then
run again and again, each time drawing another set of inputs from the same
distributions (run_suite's `draw`).  Every call a test makes to the function
goes to both, with the student's generators seeded alike before each, and the
two answers are compared; the test carries on with the reference's, so it keeps
drawing inputs as it would for a right answer.

How many calls: if the two disagreed on a share p of the inputs the tests draw,
n agreeing calls in a row would happen with probability (1 - p)^n.  After
SAMPLES = 300 agreements, any p above 1% is ruled out at the 95% level (the
"rule of three": 3 / n), so a mutant called equivalent differs, if at all, on
fewer than one in a hundred of the inputs the hidden tests could draw, which no
test run once per student would reliably see.  The runs stop at MAX_RUNS
repetitions of the tests; a function called so rarely that it falls short of
SAMPLES is called equivalent only if every one of the (at least MIN_SAMPLES)
calls agreed, and the report says how many there were.
"""
from __future__ import annotations

import ast
import json
from dataclasses import dataclass

import numpy as np

from ..isolate import isolate
from ..run_tests import run_suite
from ..sandbox.host import Sandbox
from ..sandbox.limits import SandboxDied
from ..sandbox.protocol import Handle
from ..student import Student, StudentError

SAMPLES = 300
MIN_SAMPLES = 30
MAX_RUNS = 60
REFERENCE = "_audit_reference_"


@dataclass
class Verdict:
    equivalent: bool
    samples: int  # calls compared
    difference: str = ""  # the first disagreement, in words


def reference_cell(function: str, code: str) -> dict:
    """The reference function, renamed so that it sits beside the mutant."""
    tree = ast.parse(code)
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == function:
            node.name = REFERENCE + function
    return {"name": "audit reference", "code": ast.unparse(tree), "origin": "instructor"}


def check(sandbox: Sandbox, assignment: str, cells: list[dict], function: str, reference: str) -> Verdict:
    """Compare the mutant in `cells` with `reference` (the function's reference source)."""
    compared, runs = 0, 0
    with isolate(sandbox, [*cells, reference_cell(function, reference)]) as session:
        twin = _Twin(session.student, function)
        while runs < MAX_RUNS and compared < SAMPLES and not twin.difference:
            run_suite(assignment, twin, only_function=function, student_id="audit", draw=runs)
            runs += 1
            if twin.compared == compared:  # the tests no longer reach the function
                break
            compared = twin.compared
    if twin.difference:
        return Verdict(False, twin.compared, twin.difference)
    return Verdict(twin.compared >= MIN_SAMPLES, twin.compared,
                   "" if twin.compared >= MIN_SAMPLES else f"only {twin.compared} calls could be compared")


class _Twin(Student):
    """The `student` the tests see: each call of the function goes to the mutant and to the reference."""

    def __init__(self, student: Student, function: str):
        super().__init__(student._request, student._judge)
        self.function, self.compared, self.difference = function, 0, ""

    def call(self, name: str, *args, **kwargs):
        if name != self.function or self.difference:
            return super().call(name, *args, **kwargs)
        seed = 1_000_003 * (self.compared + 1)
        mine = self._answer(name, seed, args, kwargs)
        theirs = self._answer(REFERENCE + name, seed, args, kwargs)
        self.compared += 1
        why = self._differ(mine, theirs, args)
        if why:
            self.difference = f"call {self.compared}: {why}"
        if theirs[0] != "value":
            raise theirs[1]
        return theirs[1]

    def _answer(self, name, seed, args, kwargs):
        try:
            self.seed(seed)
            return "value", super().call(name, *args, **kwargs)
        except StudentError as exc:
            return "error", exc
        except SandboxDied as exc:  # a crash on some inputs is a difference too, however rare
            return "stopped", exc

    def _differ(self, mine, theirs, args) -> str:
        if mine[0] == "stopped" or theirs[0] == "stopped":
            return f"the process stopped: {(mine if mine[0] == 'stopped' else theirs)[1].reason}"
        if mine[0] != theirs[0]:
            return "the mutant raised " + mine[1].type if mine[0] == "error" else "the mutant returned a value"
        if mine[0] == "error":
            return "" if mine[1].type == theirs[1].type else f"it raised {mine[1].type}, not {theirs[1].type}"
        return _compare(self._comparable(mine[1], args), self._comparable(theirs[1], args))

    def _comparable(self, value, args):
        """Plain data as it is; a Keras model as its config without names or seeds, and its weights' shapes."""
        if not isinstance(value, Handle):
            return value
        input_dim = next((a for a in args if isinstance(a, int) and not isinstance(a, bool)), None)
        try:
            data = self.probe("export_model", value, input_dim)
        except (StudentError, AssertionError) as exc:
            return ("handle", value.type_name, str(exc)[:200])
        return ("model", _without_names(json.loads(data["config"])), [np.shape(w) for w in data["weights"]])


def _without_names(config):
    if isinstance(config, dict):
        return {k: _without_names(v) for k, v in config.items() if k not in ("name", "seed")}
    if isinstance(config, list):
        return [_without_names(v) for v in config]
    return config


def _compare(a, b, where="the result") -> str:
    """'' when a and b agree (arrays to 1e-9 relative), else what differs."""
    if isinstance(a, (np.ndarray, np.generic)) or isinstance(b, (np.ndarray, np.generic)):
        a_arr, b_arr = np.asarray(a), np.asarray(b)
        if a_arr.shape != b_arr.shape:
            return f"{where} has shape {a_arr.shape}, not {b_arr.shape}"
        if a_arr.dtype.kind in "biufc" and b_arr.dtype.kind in "biufc":
            ok = np.allclose(a_arr, b_arr, rtol=1e-9, atol=1e-12, equal_nan=True)
        else:
            ok = np.array_equal(a_arr, b_arr)
        return "" if ok else f"{where} differs"
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        if len(a) != len(b):
            return f"{where} has {len(a)} items, not {len(b)}"
        return next((w for w in (_compare(x, y, f"{where}[{i}]") for i, (x, y) in enumerate(zip(a, b))) if w), "")
    if isinstance(a, dict) and isinstance(b, dict):
        if a.keys() != b.keys():
            return f"{where} has other keys"
        return next((w for w in (_compare(a[k], b[k], f"{where}[{k!r}]") for k in a) if w), "")
    if isinstance(a, float) or isinstance(b, float):
        try:
            return "" if np.isclose(float(a), float(b), rtol=1e-9, atol=1e-12, equal_nan=True) else f"{where} differs"
        except (TypeError, ValueError):
            return f"{where} differs"
    return "" if (type(a), a) == (type(b), b) else f"{where} differs"
