"""What a student process may use, and why one was stopped: shared by the grader and the worker.

The sandbox imports this module too (it binds only autograder/sandbox/), so both sides of the
pipe read the very same defaults.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from enum import StrEnum


@dataclass(frozen=True)
class Limits:
    """Per-submission limits.  Every one is enforced outside the student's reach."""

    call_seconds: float = 10.0  # one call into student code (loading the notebook counts as one)
    wall_seconds: float = 60.0  # the whole submission
    memory_mb: int = 2048  # address space beyond the warm worker's
    output_bytes: int = 16 * 1024  # what the student's prints may fill
    file_bytes: int = 16 * 2**20  # largest file the student may write in its scratch space
    processes: int = 32  # processes and threads of the student's uid

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "Limits":
        known = {f.name: f.type for f in fields(cls)}
        return cls(**{k: (float if known[k] == "float" else int)(v) for k, v in data.items() if k in known})


class Stop(StrEnum):
    """Why a student process was stopped."""

    TIME = "time"  # a call or the whole submission ran out of time
    MEMORY = "memory"  # killed or aborted, most likely by the memory limit
    CPU = "cpu"  # used more than its CPU time
    SIGNAL = "signal"  # crashed (segmentation fault, bus error, ...)
    EXIT = "exit"  # called exit()
    GONE = "gone"  # stopped answering, or the worker went away

    @property
    def is_limit(self) -> bool:
        return self in (Stop.TIME, Stop.MEMORY, Stop.CPU)


class SandboxDied(Exception):
    """The student process stopped: `reason` says it in words, `stop` (a Stop) as data."""

    def __init__(self, reason: str, stop: Stop = Stop.GONE):
        super().__init__(reason)
        self.reason, self.stop = reason, Stop(stop)
