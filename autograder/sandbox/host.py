"""The warm worker process a grader talks to, and the sandbox it starts it in.

A Sandbox owns one worker (worker.py) started under bubblewrap: a read-only
view of the machine, a private /tmp, no network, its own PID namespace, and no
path to the hidden suites, the source notebooks, the submissions or the
results.  The worker imports its libraries once and forks a fresh child per
submission, so start-up is paid once per worker while no state passes between
students.

Where bubblewrap cannot run, the worker runs unsandboxed with the same
per-child limits, and a loud warning says that isolation is weaker.
"""
from __future__ import annotations

import contextlib
import dataclasses
import os
import pathlib
import select
import shutil
import subprocess
import sys
import tempfile
import warnings

from ..language import N_, _
from . import protocol
from .limits import Limits, SandboxDied

SANDBOX_PKG = pathlib.Path(__file__).resolve().parent
COURSE_ROOT = SANDBOX_PKG.parent.parent  # the checkout: visual.py, checks.py, the hidden suites
FRESH = tuple(pathlib.Path(p) for p in ("/tmp", "/var/tmp", "/run"))  # empty tmpfs inside the sandbox
STARTUP_SECONDS = 120


class IsolationWarning(UserWarning):
    pass


def bwrap_available() -> bool:
    exe = shutil.which("bwrap")
    if not exe:
        return False
    try:
        probe = subprocess.run([exe, "--ro-bind", "/", "/", "--unshare-pid", "--unshare-net", "--dev", "/dev",
                                "--proc", "/proc", "true"], capture_output=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return probe.returncode == 0


class Sandbox:
    """One warm worker.  Not thread-safe: give each grading thread its own."""

    def __init__(self, limits: Limits = Limits(), hide: tuple = (), isolation: str = "auto", slot: int = 0,
                 import_tensorflow: bool = True):
        if isolation not in ("auto", "bwrap", "none"):
            raise ValueError("isolation must be auto, bwrap or none")
        self.limits = limits
        self.hide = tuple(pathlib.Path(p).resolve() for p in hide)
        self.slot = slot
        self.import_tensorflow = import_tensorflow
        why = "isolation is off (isolation = none)"
        if isolation == "auto":
            isolation = "bwrap" if bwrap_available() else "none"
            why = ("isolation is weaker: bubblewrap is not available. Install the Debian package 'bubblewrap' for "
                   "real isolation")
        if isolation == "none":
            warnings.warn(f"{why}: student code runs without a filesystem, network or PID sandbox, only with "
                          "resource limits", IsolationWarning, stacklevel=2)
        self.isolation = isolation
        self._proc = None
        self._log = None
        self._tmp = None

    # -- the worker process ----------------------------------------------------
    def _command(self) -> tuple[list[str], dict]:
        env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "TF_CPP_MIN_LOG_LEVEL": "3",
               "OMP_NUM_THREADS": "1", "TF_NUM_INTRAOP_THREADS": "1", "TF_NUM_INTEROP_THREADS": "1",
               "OPENBLAS_NUM_THREADS": "1", "MPLBACKEND": "Agg", "PYTHONDONTWRITEBYTECODE": "1",
               "AG_IMPORT_TF": "1" if self.import_tensorflow else "0"}
        for key in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):  # this machine's OpenBLAS needs them
            if key in os.environ:
                env[key] = os.environ[key]
        python = [sys.executable, "-E", "-s", "-B"]
        if self.isolation == "none":
            self._tmp = tempfile.mkdtemp(prefix="ag-sandbox-")
            os.chmod(self._tmp, 0o711)
            env.update(AG_SCRATCH=os.path.join(self._tmp, "scratch"), AG_WIPE=os.path.join(self._tmp, "scratch"),
                       HOME=self._tmp)
            return python + [str(SANDBOX_PKG / "worker.py")], env
        mount = "/run/ag"
        env.update(AG_SCRATCH="/tmp/scratch", AG_WIPE="/tmp:/dev/shm:/var/tmp", HOME="/tmp", AG_NO_LOOPBACK="1")
        args = ["bwrap", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--perms", "1777", "--tmpfs", "/tmp",
                "--perms", "1777", "--tmpfs", "/var/tmp", "--tmpfs", "/run", "--unshare-net", "--unshare-pid", "--unshare-ipc",
                "--unshare-uts", "--hostname", "sandbox", "--die-with-parent", "--new-session"]
        for cap in ("CAP_SETUID", "CAP_SETGID", "CAP_KILL", "CAP_CHOWN", "CAP_NET_ADMIN"):
            if os.geteuid() == 0:
                args += ["--cap-add", cap]
        masked = self._masked()
        for path in masked:
            args += ["--perms", "0755", "--tmpfs", str(path)]
        binds = [(p, p) for p in self._needed_inside(masked)]
        binds += [(SANDBOX_PKG.parent / "__init__.py", pathlib.Path(mount, "autograder/__init__.py")),
                  (SANDBOX_PKG, pathlib.Path(mount, "autograder/sandbox"))]
        binds += [(COURSE_ROOT / h, pathlib.Path(mount, h)) for h in ("visual.py", "checks.py", "locale")
                  if (COURSE_ROOT / h).exists()]
        for src, dest in binds:
            # bwrap creates missing parents as 0700; the student's uid must be able to pass through.
            for parent in reversed(dest.parents):
                if any(parent == m or m in parent.parents for m in [*masked, *FRESH]):
                    args += ["--perms", "0755", "--dir", str(parent)]
            args += ["--ro-bind", str(src), str(dest)]
        args += ["--chdir", "/tmp", "--"]
        return args + python + [f"{mount}/autograder/sandbox/worker.py"], env

    def _masked(self) -> list[pathlib.Path]:
        """Folders the student must not see: the course, the grader, results, homes."""
        candidates = [COURSE_ROOT, pathlib.Path("/root"), pathlib.Path("/home"),
                      pathlib.Path(tempfile.gettempdir()), *self.hide]
        found = []
        for p in candidates:
            p = p if p.is_dir() else p.parent
            if p in FRESH:
                continue
            if p.exists() and p != pathlib.Path("/") and not any(p == q or q in p.parents for q in found):
                found = [q for q in found if p not in q.parents] + [p]
        return found

    @staticmethod
    def _needed_inside(masked: list[pathlib.Path]) -> list[pathlib.Path]:
        """The Python installation, re-exposed where a mask or a fresh tmpfs hid it
        (a virtualenv in a checkout, or in a clone under /tmp)."""
        hidden = [*masked, *FRESH]
        needed = []
        for p in {pathlib.Path(sys.prefix), pathlib.Path(sys.base_prefix),
                  pathlib.Path(os.path.realpath(sys.executable)).parent.parent}:
            if any(p == m or m in p.parents for m in hidden):
                needed.append(p)
        return sorted(needed, key=lambda p: len(p.parts))

    def start(self):
        if self._proc and self._proc.poll() is None:
            return
        cmd, env = self._command()
        self._log = tempfile.TemporaryFile()
        self._proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._log,
                                      env=env, start_new_session=True)
        hello = self._read(STARTUP_SECONDS)
        if not hello.get("ready"):
            raise RuntimeError(f"the sandbox worker did not start: {self._stderr_tail()}")

    def _stderr_tail(self) -> str:
        if not self._log:
            return ""
        self._log.seek(0)
        return self._log.read()[-2000:].decode(errors="replace")

    def close(self):
        if self._proc:
            with contextlib.suppress(OSError):
                self._proc.stdin.close()
            with contextlib.suppress(OSError):
                os.killpg(self._proc.pid, 9)
            self._proc.wait()
            self._proc = None
        if self._tmp:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.close()

    # -- talking to the worker ----------------------------------------------------
    def _send(self, message: dict):
        try:
            self._proc.stdin.write(protocol.pack(message))
            self._proc.stdin.flush()
        except (BrokenPipeError, OSError, AttributeError) as exc:
            raise SandboxDied(_("the grading worker stopped")) from exc

    def _read(self, timeout: float) -> dict:
        """One message from the worker, or SandboxDied if it hangs or dies."""
        fd = self._proc.stdout

        def read(n):
            ready, _, _ = select.select([fd], [], [], timeout)
            if not ready:
                raise TimeoutError
            return os.read(fd.fileno(), n)

        try:
            return protocol.unpack_from(read)
        except (TimeoutError, EOFError, protocol.ProtocolError, ValueError) as exc:
            self.close()
            raise SandboxDied(_("the grading worker stopped responding and was restarted")) from exc

    def _ask(self, message: dict) -> dict:
        if not self._proc or self._proc.poll() is not None:
            self.start()
        self._send(message)
        return self._read(self.limits.call_seconds + 30)

    def judge_status(self) -> dict:
        """The worker's judge: {"pid": its pid or None, "served": submissions it has served}."""
        return self._ask({"op": "status"})

    def _worker_limits(self) -> dict:
        d = dataclasses.asdict(self.limits)
        d["in_namespace"] = self.isolation == "bwrap"
        uid = 61000 + (os.getpid() * 8 + self.slot) % 3000 if self._can_drop_privileges() else None
        # The judge, which rebuilds the student's models, runs as another uid: the student's cannot signal or trace it.
        d["uid"], d["judge_uid"] = uid, (uid + 3000 if uid is not None else None)
        return d

    def _can_drop_privileges(self) -> bool:
        """Root can run the student as another uid, if that uid can still reach Python."""
        if os.geteuid() != 0:
            return False
        if self.isolation == "bwrap":
            return True  # the sandbox re-exposes the installation with open permissions
        for p in (pathlib.Path(sys.base_prefix), pathlib.Path(sys.prefix)):
            for d in [p, *p.parents]:
                if d.exists() and not d.stat().st_mode & 0o001:
                    return False
        return True


# Why the worker says a process stopped (its replies' `why`), as the student reads it:
# (the sentence, the same sentence when it happened in a cell).
_DIED = {
    "gone": (N_("the student process stopped"), N_("the student process stopped while running cell {cell}")),
    "exit": (N_("the student process exited (exit code {code}): graded code must not call exit() or os._exit()"),
             N_("the student process exited (exit code {code}): graded code must not call exit() or os._exit() "
                "while running cell {cell}")),
    "not_running": (N_("the student process is not running"), None),
    "judge_gone": (N_("the judge process stopped"), None),
}
_TIME = {
    "call": (N_("time limit exceeded ({seconds:g} s per call)"),
             N_("time limit exceeded ({seconds:g} s per call) while running cell {cell}")),
    "submission": (N_("time limit exceeded ({seconds:g} s per submission)"),
                   N_("time limit exceeded ({seconds:g} s per submission) while running cell {cell}")),
}
_SIGNALS = {
    "SIGSEGV": (N_("the student process crashed with a segmentation fault (often infinite recursion or a bad native "
                   "call)"),
                N_("the student process crashed with a segmentation fault (often infinite recursion or a bad native "
                   "call) while running cell {cell}")),
    "SIGABRT": (N_("the student process aborted (often because memory ran out: the memory limit may have been "
                   "exceeded)"),
                N_("the student process aborted (often because memory ran out: the memory limit may have been "
                   "exceeded) while running cell {cell}")),
    "SIGXCPU": (N_("the student process used more than its CPU time limit ({seconds:g} s)"),
                N_("the student process used more than its CPU time limit ({seconds:g} s) while running cell {cell}")),
    "SIGKILL": (N_("the student process was killed (memory limit exceeded or killed from inside)"),
                N_("the student process was killed (memory limit exceeded or killed from inside) while running cell "
                   "{cell}")),
    "SIGBUS": (N_("the student process crashed with a bus error"),
               N_("the student process crashed with a bus error while running cell {cell}")),
    "SIGFPE": (N_("the student process crashed with a floating-point exception"),
               N_("the student process crashed with a floating-point exception while running cell {cell}")),
}
_OTHER_SIGNAL = (N_("the student process was stopped by signal {signal}"),
                 N_("the student process was stopped by signal {signal} while running cell {cell}"))


def died_reason(reply: dict) -> str:
    """Why a process stopped, from a worker's reply that says so (or its JudgeStopped error), in the
    language in force.  The worker runs next to the student's code, where no catalogue is: it sends
    the reason as data (`why`) beside its English words, which stand when the data is not known."""
    english = str(reply.get("died", ""))
    why = reply.get("why")
    if not isinstance(why, dict):
        return english
    what, cell = why.get("what"), why.get("cell")
    if what == "time":
        sentences = _TIME.get(why.get("per"))
    elif what == "signal":
        sentences = _SIGNALS.get(why.get("signal"), _OTHER_SIGNAL)
    else:
        sentences = _DIED.get(what)
    if not sentences or (cell and not sentences[1]):
        return english
    try:
        return _(sentences[1] if cell else sentences[0], cell=cell, seconds=why.get("seconds"), code=why.get("code"),
                 signal=why.get("signal"))
    except (TypeError, ValueError, KeyError):  # numbers that are not numbers: the worker's words stand
        return english
