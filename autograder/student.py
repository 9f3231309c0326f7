"""What a hidden test sees of a submission: the `student` object.

    out = student.relu(x)                      # call a graded function
    model = student.build_l1_model(20)         # objects that are not data come back as handles
    info = student.probe("describe_model", model, 20)

Arguments and results are copied as plain data both ways (see
sandbox.protocol), so a test judges fresh NumPy arrays and built-in values,
never a student's object.  The transport decides where the student code runs:
in the sandbox (the grader) or in this very process (the nbgrader bridge and
the speed floor in the benchmark).

A model probe does not believe the student's process: the model comes over as
data (its Keras config and weights) and the judge, a process that never ran
student code, rebuilds it and answers.  A model that needs the student's own
Python to run is probed where it lives, and `unverified` says so.
"""
from __future__ import annotations

import re

import numpy as np

from .language import _
from .sandbox import probes
from .sandbox.protocol import Handle, ProtocolError, decode, encode, through_the_wire
from .sandbox.runtime import Runtime


class StudentError(AssertionError):
    """The student's code raised.  Tests let it propagate: it fails the test
    with a message the student can act on."""

    def __init__(self, function: str, info: dict):
        self.function, self.type = function, info.get("type", "Exception")
        self.detail, self.where = in_words(info).get("message", ""), info.get("where", "")
        if self.type == "NotImplementedError":
            text = _("{function} is not implemented yet", function=function)
        elif self.type == "MemoryError":
            text = _("{function} ran out of memory: memory limit exceeded", function=function)
        elif self.type == "SystemExit":
            text = _("{function} tried to exit the program; graded code must return a value", function=function)
        elif self.where:
            text = _("{function} raised {error}: {detail} ({where})", function=function, error=self.type,
                     detail=self.detail, where=self.where)
        else:
            text = _("{function} raised {error}: {detail}", function=function, error=self.type, detail=self.detail)
        super().__init__(text)

    @property
    def not_implemented(self) -> bool:
        return self.type == "NotImplementedError"


class MissingFunction(StudentError):
    def __init__(self, function: str):
        AssertionError.__init__(self, _("your notebook does not define a function called {function}",
                                        function=function))
        self.function, self.type, self.detail, self.where = function, "Missing", "", ""


class Student:
    def __init__(self, transport, judge=None):
        self._request = transport
        self._judge = judge
        self._seed = None
        self.unverified: list[str] = []  # model verdicts that rest on the student's own process

    def _ask(self, label: str, message: dict):
        reply = self._request(message)
        if "missing" in reply:
            raise MissingFunction(label)
        if "error" in reply:
            raise StudentError(label, reply["error"])
        try:
            return decode(reply["value"])
        except ProtocolError as exc:  # the student's process wrote the reply, so its form is the student's doing
            raise StudentError(label, {"type": "ProtocolError", "message": _(
                "it sent back something that is not plain data ({error})", error=exc)}) from None

    def call(self, name: str, *args, **kwargs):
        return self._ask(name, {"op": "call", "name": name, "args": encode(list(args)), "kwargs": encode(kwargs)})

    def probe(self, name: str, *args, **kwargs):
        if name in probes.MODEL_PROBES and self._judge and args and isinstance(args[0], Handle):
            return self._judged(name, *args, **kwargs)
        return self._ask(_checking(args[0] if args else None), {"op": "probe", "name": name,
                                                              "args": encode(list(args)), "kwargs": encode(kwargs)})

    def _judged(self, name: str, model: Handle, *rest, **kwargs):
        label = _checking(model)
        input_dim = rest[0] if name in ("describe_model", "regularization_loss") else (
            int(np.shape(rest[0])[-1]) if name == "predict" else None)
        try:
            data = self._ask(label, {"op": "probe", "name": "export_model", "args": encode([model, input_dim]),
                                     "kwargs": encode({})})
            if not (isinstance(data, dict) and isinstance(data.get("config"), str)
                    and isinstance(data.get("weights"), list)):
                raise probes.NeedsStudentCode("it did not come over as a Keras config and weights")
            reply = self._judge({"op": "judge", "name": name, "model": encode(data), "args": encode(list(rest)),
                                 "kwargs": encode(kwargs), "seed": self._seed})
            if reply.get("error", {}).get("type") == "NeedsStudentCode":
                raise probes.NeedsStudentCode(reply["error"].get("message", ""))
        except (probes.NeedsStudentCode, StudentError) as exc:
            value = self._ask(label, {"op": "probe", "name": name, "args": encode([model, *rest]),
                                      "kwargs": encode(kwargs)})
            note = (f"a {model.type_name} was inspected in the student's own process, where its answers could be "
                    f"forged: it cannot be rebuilt from Keras's classes alone ({_reason(exc)})")
            if note not in self.unverified:
                self.unverified.append(note)
            return value
        if "error" in reply:
            raise StudentError(label, reply["error"])
        return decode(reply["value"])

    def seed(self, seed: int):
        """Seed the student's random generators (and, with the next model probe, the judge's)."""
        self._seed = int(seed)
        self._ask(_("seeding the random generators"), {"op": "seed", "seed": self._seed})

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        return lambda *args, **kwargs: self.call(name, *args, **kwargs)


def _reason(exc) -> str:
    return getattr(exc, "detail", "") or str(exc) or type(exc).__name__


def _checking(value) -> str:
    """What a probe is doing, as an error names it: checking your Sequential, or your result."""
    if isinstance(value, Handle):
        return _("checking your {type}", type=value.type_name)
    return _("checking your result")


# What the student's runtime and probes say of a limit or a wrong object, in English: they run next
# to the student's code (sandbox/runtime.py, sandbox/probes.py), where no catalogue is, so the
# grader says it again in the language in force.  Keep these in step with their words there.
_PROCESS_LIMIT = "process limit exceeded (too many processes or threads)"
_NOT_A_MODEL = re.compile(r"expected a Keras model, got (.*)", re.S)


def in_words(problem: dict) -> dict:
    """An error or load problem from the student's runtime, its own words in the language in force."""
    kind, text = problem.get("type"), problem.get("message")
    if kind == "MemoryError" and text == "memory limit exceeded":
        said = _("memory limit exceeded")
    elif kind == "BlockingIOError" and text == _PROCESS_LIMIT:
        said = _("process limit exceeded (too many processes or threads)")
    elif kind == "TypeError" and isinstance(text, str) and (found := _NOT_A_MODEL.fullmatch(text)):
        said = _("expected a Keras model, got {type}", type=found.group(1))
    else:
        return problem
    return {**problem, "message": said}


def local_transport(runtime: Runtime):
    """Serve requests in this process, through the same wire round trip as the sandbox."""

    def request(message: dict) -> dict:
        return through_the_wire(runtime.serve(through_the_wire(message)))

    return request


def local_judge(message: dict) -> dict:
    """The judge in this very process (no isolation here, but the same rebuilt-model answers)."""
    try:
        args, kwargs = decode(message["args"]), decode(message["kwargs"])
        value = probes.judge(message["name"], decode(message["model"]), *args, **kwargs)
        return through_the_wire({"value": encode(value)})
    except BaseException as exc:  # noqa: BLE001 - as the sandbox's runtime reports errors
        from .sandbox.runtime import describe_error

        return {"error": describe_error(exc)}


def local_student(cells: list[dict] | None = None, namespace: dict | None = None) -> tuple[Student, list[dict]]:
    """A Student whose code runs here: from cells to execute, or from an existing namespace."""
    runtime = Runtime()
    if namespace is not None:
        runtime.namespace = namespace
    problems = [in_words(p) for p in runtime.load(cells or [])]
    return Student(local_transport(runtime), local_judge), problems
