"""What a hidden test sees of a submission: the `student` object.

    out = student.relu(x)                      # call a graded function
    model = student.build_l1_model(20)         # objects that are not data come back as handles
    info = student.probe("describe_model", model, 20)

Arguments and results are copied as plain data both ways (see
sandbox.protocol), so a test judges fresh NumPy arrays and built-in values,
never a student's object.  The transport decides where the student code runs:
in the sandbox (the grader) or in this very process (the nbgrader bridge and
the speed floor in the benchmark).
"""
from __future__ import annotations

import json

from .sandbox.protocol import Handle, decode, encode
from .sandbox.runtime import Runtime


class StudentError(AssertionError):
    """The student's code raised.  Tests let it propagate: it fails the test
    with a message the student can act on."""

    def __init__(self, function: str, info: dict):
        self.function, self.type = function, info.get("type", "Exception")
        self.detail, self.where = info.get("message", ""), info.get("where", "")
        if self.type == "NotImplementedError":
            text = f"{function} is not implemented yet"
        elif self.type == "MemoryError":
            text = f"{function} ran out of memory: memory limit exceeded"
        elif self.type == "SystemExit":
            text = f"{function} tried to exit the program; graded code must return a value"
        else:
            text = f"{function} raised {self.type}: {self.detail}"
            if self.where:
                text += f" ({self.where})"
        super().__init__(text)

    @property
    def not_implemented(self) -> bool:
        return self.type == "NotImplementedError"


class MissingFunction(StudentError):
    def __init__(self, function: str):
        AssertionError.__init__(self, f"your notebook does not define a function called {function}")
        self.function, self.type, self.detail, self.where = function, "Missing", "", ""


class SandboxDied(Exception):
    """The student process stopped (time, memory, crash).  `reason` says which."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class Student:
    def __init__(self, transport):
        self._request = transport

    def _ask(self, label: str, message: dict):
        reply = self._request(message)
        if "missing" in reply:
            raise MissingFunction(label)
        if "error" in reply:
            raise StudentError(label, reply["error"])
        return decode(reply["value"])

    def call(self, name: str, *args, **kwargs):
        return self._ask(name, {"op": "call", "name": name, "args": encode(list(args)), "kwargs": encode(kwargs)})

    def call_handle(self, handle: Handle, *args, **kwargs):
        return self._ask(handle.type_name, {"op": "call_handle", "target": encode(handle),
                                            "args": encode(list(args)), "kwargs": encode(kwargs)})

    def probe(self, name: str, *args, **kwargs):
        return self._ask(f"checking your {_label(args)}", {"op": "probe", "name": name,
                                                         "args": encode(list(args)), "kwargs": encode(kwargs)})

    def has(self, name: str) -> bool:
        return bool(self._ask(name, {"op": "has", "name": name}))

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        return lambda *args, **kwargs: self.call(name, *args, **kwargs)


def _label(args):
    return args[0].type_name if args and isinstance(args[0], Handle) else "result"


def local_transport(runtime: Runtime):
    """Serve requests in this process, through the same JSON round trip as the sandbox."""

    def request(message: dict) -> dict:
        reply = runtime.serve(json.loads(json.dumps(message)))
        return json.loads(json.dumps(reply))

    return request


def local_student(cells: list[dict] | None = None, namespace: dict | None = None) -> tuple[Student, list[dict]]:
    """A Student whose code runs here: from cells to execute, or from an existing namespace."""
    runtime = Runtime()
    if namespace is not None:
        runtime.namespace = namespace
    problems = runtime.load(cells or [])
    return Student(local_transport(runtime)), problems
