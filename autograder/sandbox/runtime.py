"""The student's namespace and the request loop that serves it.

A Runtime executes a submission's cells (the instructor's setup cells and the
student's solution cells, in notebook order) and then answers requests from
the tests: call a student function, call a trusted probe on a returned object.
Every answer is plain data (see protocol).  The same class serves the
sandboxed child process and the in-process LocalStudent used by the nbgrader
bridge, so both see identical semantics.
"""
from __future__ import annotations

import errno
import sys
import traceback

from . import probes
from .protocol import Handle, decode, encode

MAX_MESSAGE_CHARS = 2000


def _safe_text(obj, limit=MAX_MESSAGE_CHARS) -> str:
    try:
        text = str(obj)
    except BaseException:  # noqa: BLE001 - a rigged __str__ must not break grading
        text = f"<{type(obj).__name__} that cannot be printed>"
    if type(text) is not str:
        text = "<unprintable>"
    return text if len(text) <= limit else text[:limit] + " ..."


def describe_error(exc: BaseException, filename_prefix="<cell ") -> dict:
    """Exception -> plain dict, with the student's own line where possible."""
    where = ""
    try:
        for frame in traceback.extract_tb(exc.__traceback__):
            if frame.filename.startswith(filename_prefix):
                line = (frame.line or "").strip()
                where = f"{frame.filename[1:-1]}, line {frame.lineno}" + (f": {line}" if line else "")
    except BaseException:  # noqa: BLE001
        pass
    message = _safe_text(exc)
    if isinstance(exc, SystemExit):
        kind = "SystemExit"
    elif isinstance(exc, MemoryError):
        kind, message = "MemoryError", "memory limit exceeded"
    elif isinstance(exc, BlockingIOError) and getattr(exc, "errno", None) == errno.EAGAIN:
        kind, message = "BlockingIOError", "process limit exceeded (too many processes or threads)"
    else:
        kind = type(exc).__name__ if type(type(exc).__name__) is str else "Exception"
    return {"type": kind[:100], "message": message, "where": where[:500]}


def seed_everything(seed: int) -> int:
    """The process's own random generators, so a student's randomness repeats on every regrade:
    NumPy's global one, `random`, and Keras's and TensorFlow's once they are imported."""
    import random
    import sys

    import numpy as np

    random.seed(seed)
    np.random.seed(seed % 2**32)
    if "keras" in sys.modules:
        sys.modules["keras"].utils.set_random_seed(seed % 2**32)
    return seed


class Runtime:
    def __init__(self):
        self.namespace: dict = {"__name__": "__student__", "__builtins__": __builtins__}
        self._objects: dict[int, object] = {}
        self._judge_seed = None
        probes.snapshot_integrity()

    # -- loading -------------------------------------------------------
    def load(self, cells: list[dict]) -> list[dict]:
        """Run each cell {'name', 'code', 'origin'}; return the problems met."""
        problems = []
        for cell in cells:
            try:
                code = compile(cell["code"], f"<cell {cell['name']}>", "exec")
                exec(code, self.namespace)  # noqa: S102 - this is the sandbox's job
            except BaseException as exc:  # noqa: BLE001 - SystemExit and friends included
                problems.append({"cell": cell["name"], "origin": cell.get("origin", "student"),
                                 **describe_error(exc)})
        return problems

    # -- handles ---------------------------------------------------------
    def _handle(self, obj) -> Handle:
        key = id(obj)
        self._objects[key] = obj
        try:
            name = type(obj).__name__
        except BaseException:  # noqa: BLE001
            name = "object"
        return Handle(key, name if type(name) is str else "object")

    def _resolve(self, h: Handle):
        if h.id not in self._objects:
            raise KeyError("unknown handle")
        return self._objects[h.id]

    def _reset(self):
        self._objects.clear()
        self._judge_seed = None
        probes.forget_models()
        if "keras" in sys.modules:
            # Keras's names and global state start again; its default gc.collect() would take
            # longer than the rebuild this saves, and Python's own collector gets there anyway.
            sys.modules["keras"].backend.clear_session(free_memory=False)
        return True

    # -- requests --------------------------------------------------------
    def serve(self, request: dict) -> dict:
        op = request.get("op")
        try:
            args = decode(request.get("args", []), self._resolve)
            kwargs = decode(request.get("kwargs", {"__dict__": {}}), self._resolve)
            if op == "call":
                fn = self.namespace.get(request["name"])
                if not callable(fn):
                    return {"missing": request["name"]}
                value = fn(*args, **kwargs)
            elif op == "probe":
                value = getattr(probes, "probe_" + request["name"])(*args, **kwargs)
            elif op == "judge":  # only ever sent to a judge process, which runs no student code
                if request.get("seed") is not None and request["seed"] != self._judge_seed:
                    self._judge_seed = seed_everything(int(request["seed"]))  # once per test, as the student's
                value = probes.judge(request["name"], decode(request["model"]), *args, **kwargs)
            elif op == "reset":  # a judge about to serve another submission starts as a fresh one would
                value = self._reset()
            elif op == "seed":
                value = seed_everything(int(request["seed"]))
            elif op == "ping":
                value = "pong"
            else:
                return {"error": {"type": "ProtocolError", "message": f"unknown op {op!r}", "where": ""}}
            return {"value": encode(value, self._handle)}
        except BaseException as exc:  # noqa: BLE001 - report, never die
            return {"error": describe_error(exc), "op": op}
