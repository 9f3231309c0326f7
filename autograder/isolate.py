"""Step 2, isolate: one submission in a warm sandbox (sandbox/host.py).

`isolate(sandbox, cells)` loads the submission's cells into a fresh child of
the sandbox's worker and yields a Session whose `.student` the hidden tests
call.  A cell that loops or crashes costs that cell, not the notebook; a
child stopped by a limit is restarted with the same cells.
"""
from __future__ import annotations

import contextlib

from .language import _
from .sandbox.host import Sandbox, died_reason
from .sandbox.limits import SandboxDied, Stop
from .student import Student, in_words


@contextlib.contextmanager
def isolate(sandbox: Sandbox, cells: list[dict]):
    """Run one submission: yields a Session whose .student the tests use."""
    s = Session(sandbox, list(cells))
    try:
        s.begin()
        yield s
    finally:
        s.finish()


class Session:
    """One submission in the sandbox; restarts its child after a crash."""

    MAX_RESTARTS = 4

    def __init__(self, sandbox: Sandbox, cells: list[dict]):
        self.sandbox = sandbox
        self.cells = cells
        self.load_problems: list[dict] = []
        self.stops: list[SandboxDied] = []  # each time the student process had to be stopped, and why
        self.output = ""
        self.truncated = False
        self.student = Student(self._request, self._judge)
        self._restarts = 0

    def _start_child(self, restart=False):
        reply = self.sandbox._ask({"op": "start", "cells": self.cells, "limits": self.sandbox._worker_limits(),
                                   "restart": restart})
        if "died" in reply:
            self._note_stop(reply)
            culprit = reply.get("cell")
            if culprit and any(c["name"] == culprit and c["origin"] == "student" for c in self.cells):
                # An endless or crashing cell costs that cell, not the whole notebook.
                self.cells = [c for c in self.cells if c["name"] != culprit]
                self.load_problems.append({"cell": culprit, "origin": "student", "type": "Stopped",
                                           "message": self.stops[-1].reason, "where": ""})
                return self._retry()
            raise self.stops[-1]
        self.load_problems += [in_words(p) for p in reply.get("loaded", [])]

    def _retry(self):
        self._restarts += 1
        if self._restarts > self.MAX_RESTARTS:
            raise SandboxDied(_("the student process was stopped too many times: {reasons}",
                                reasons="; ".join(s.reason for s in self.stops[-2:])), self.stops[-1].stop)
        return self._start_child(restart=True)

    def _note_stop(self, reply):
        self.stops.append(SandboxDied(died_reason(reply), reply.get("stop", Stop.GONE)))

    def begin(self):
        self._dead = None
        try:
            self._start_child()
        except SandboxDied as exc:
            if all(exc.reason != s.reason for s in self.stops):
                self.stops.append(exc)
            self._dead = exc

    def _request(self, message: dict) -> dict:
        if self._dead:
            raise SandboxDied(self._dead.reason, self._dead.stop)
        reply = self.sandbox._ask({"op": "request", "message": message})
        if "died" in reply:
            self._note_stop(reply)
            raise self.stops[-1]
        return reply

    def _judge(self, message: dict) -> dict:
        reply = self.sandbox._ask({"op": "judge", "message": message})
        error = reply.get("error")
        if isinstance(error, dict) and error.get("type") == "JudgeStopped" and "died" in error:
            # The worker's words are English: say it again in the student's language.
            reply = {**reply, "error": {**error, "message": _("checking the model stopped: {reason}",
                                                              reason=died_reason(error))}}
        return reply

    def restart(self):
        """After a stop: a fresh child with the same cells, or None to give up."""
        try:
            self._retry()
        except SandboxDied as exc:
            self._dead = exc
            return None
        return self.student

    def finish(self):
        with contextlib.suppress(SandboxDied):
            reply = self.sandbox._ask({"op": "end"})
            self.output, self.truncated = reply.get("output", ""), reply.get("truncated", False)


