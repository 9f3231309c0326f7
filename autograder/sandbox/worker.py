"""The warm worker: runs inside the sandbox, forks one child per submission.

Started by autograder.sandbox.host as `python -E -s .../worker.py`, it imports
NumPy, TensorFlow and Keras once (import only: forking after TensorFlow has
run an op hangs the child), then serves the grader over stdin/stdout:

    {"op": "start", "cells": [...], "limits": {...}}  fork a child, run the cells
    {"op": "request", "message": {...}}               relay one test request
    {"op": "judge", "message": {...}}                 relay one model probe to the judge
    {"op": "end"}                                     kill the child, report
    {"op": "status"}                                  the judge's pid and how many submissions it served

The judge is a second child that runs no student code and, as another uid,
cannot be signalled or traced by the student's: it rebuilds models the
student's child exported as data and answers the model probes
(sandbox/probes.py).  Rebuilding a model costs half as much in a judge that
has rebuilt one before, so a judge of its own uid serves the sandbox's next
submissions too, reset between them (Keras's session, its caches and seeds)
and replaced after JUDGE_SUBMISSIONS of them, or sooner when anything of the
student's outlives its child.  A reused judge that fails is replaced and the
probe asked again, so no verdict depends on an earlier student.  Without a
uid of its own the student could reach it, so it lives for one submission.

A reply that says a process stopped ({"died": ...}) says why twice: in English words for the
log, and as data ("why": {"what": ..., and the numbers}) from which the grader, which has the
catalogues, writes the student's sentence (host.died_reason).

The child drops to an unprivileged uid with resource limits and talks to the
worker over a socketpair.  The worker, not the child, keeps time, so a child
that loops, sleeps, ignores signals or patches the clock is still stopped.
After each child the worker kills every other process in its PID namespace
and empties /tmp, so nothing survives into the next submission.
"""
import os
import signal
import socket
import sys
import time

if __name__ == "__main__":  # the grader's editable install points at paths the sandbox hides
    sys.meta_path[:] = [f for f in sys.meta_path if "editable" not in type(f).__name__.lower()
                        and "editable" not in getattr(f, "__name__", "").lower()]
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))

import resource  # noqa: E402

from autograder.sandbox import protocol  # noqa: E402
from autograder.sandbox.limits import Limits as SharedLimits, Stop  # noqa: E402

TRUNCATED = "\n[... output truncated ...]\n"


class Limits:
    """The submission's limits (sandbox/limits.py, the grader's own) and where its processes run."""

    def __init__(self, d):
        self.__dict__.update(SharedLimits.from_dict(d).to_dict())
        self.uid = d.get("uid")
        self.judge_uid = d.get("judge_uid")
        self.in_namespace = bool(d.get("in_namespace"))

    def cpu_seconds(self) -> int:
        return int(self.wall_seconds) + 5

    def for_judge(self):
        """A judge may serve several submissions: twice the CPU time, and it is replaced before
        less than one submission's worth is left (Worker._may_reuse)."""
        judge = Limits({})
        judge.__dict__.update(self.__dict__, uid=self.judge_uid)
        judge.cpu_seconds = lambda: 2 * self.cpu_seconds()
        return judge


def _vm_size() -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


class _BoundedText:
    """sys.stdout for the student: keeps the first `limit` characters, drops the rest."""

    def __init__(self, fd, limit):
        self._file = os.fdopen(fd, "w", buffering=1, errors="replace", closefd=False)
        self._left = limit
        self.truncated = False

    def write(self, s):
        s = str(s)
        if self._left > 0:
            part = s[: self._left]
            self._file.write(part)
            self._left -= len(part)
        if len(s) and self._left <= 0 and not self.truncated:
            self.truncated = True
            self._file.write(TRUNCATED)
        return len(s)

    def flush(self):
        self._file.flush()

    def isatty(self):
        return False


_LOG_FD = os.dup(2)  # the worker's own stderr, which the grader keeps as a log


def _child(sock: socket.socket, cells, limits: Limits, scratch: str, output_path: str):
    """Runs in the forked child: lock down, load the cells, answer requests."""
    os.setsid()
    out_fd = os.open(output_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.dup2(out_fd, 1)
    os.dup2(out_fd, 2)
    keep = {0, 1, 2, sock.fileno(), _LOG_FD}
    for fd in map(int, os.listdir("/proc/self/fd")):
        if fd not in keep:
            try:
                os.close(fd)
            except OSError:
                pass
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a full output file fails writes, not the process
    if limits.uid is not None:
        os.chown(scratch, limits.uid, limits.uid)
        os.chown(output_path, limits.uid, limits.uid)
    os.chdir(scratch)
    os.environ.update(HOME=scratch, TMPDIR=scratch, MPLCONFIGDIR=scratch)
    mem = _vm_size() + limits.memory_mb * 2**20
    resource.setrlimit(resource.RLIMIT_AS, (mem, mem))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_FSIZE, (limits.file_bytes, limits.file_bytes))
    cpu = limits.cpu_seconds()
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))
    resource.setrlimit(resource.RLIMIT_NOFILE, (256, 256))
    if limits.uid is not None:
        os.setgroups([])
        os.setgid(limits.uid)
        os.setuid(limits.uid)
        # RLIMIT_NPROC only binds an unprivileged uid; as root it would be ignored.
        resource.setrlimit(resource.RLIMIT_NPROC, (limits.processes, limits.processes))
    sys.stdout = sys.stderr = _BoundedText(1, limits.output_bytes)

    from autograder.sandbox.runtime import Runtime

    runtime = Runtime()
    send = sock.sendall
    recv = sock.recv

    def cell_started(name):
        send(protocol.pack({"progress": name}))

    problems = []
    for cell in cells:
        cell_started(cell["name"])
        problems += runtime.load([cell])
    send(protocol.pack({"loaded": problems}))
    while True:
        try:
            request = protocol.unpack_from(recv)
        except EOFError:
            os._exit(0)
        reply = runtime.serve(request)
        try:
            data = protocol.pack(reply)
        except (TypeError, ValueError) as exc:
            data = protocol.pack({"error": {"type": "ProtocolError", "message": str(exc), "where": ""}})
        send(data)


_JUDGE_GONE = {"died": "the judge process stopped", "stop": Stop.GONE, "why": {"what": "judge_gone"}}
JUDGE_SUBMISSIONS = 64  # a judge's memory and CPU time grow a little with every submission it serves
_RETRY_ON_A_FRESH_JUDGE = {"MemoryError", "ResourceExhaustedError"}


class _Judge:
    """The judge child, and the submission it is serving now."""

    def __init__(self, pid, sock, deadline, scratch, job):
        self.pid, self.sock, self.deadline, self.scratch = pid, sock, deadline, scratch
        self.job, self.served = job, 1
        self.broken = ""  # why it could not start, if it could not
        self.broken_why = None  # the same, as data


def _judge_failed(reply) -> bool:
    """An answer that could depend on what the judge did before: it stopped, or ran out of memory."""
    return "died" in reply or reply.get("error", {}).get("type") in _RETRY_ON_A_FRESH_JUDGE


def _cpu_seconds(pid) -> float:
    """CPU time a child has used so far (its RLIMIT_CPU counts all of it)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return float("inf")


class Worker:
    def __init__(self, rfile, wfile):
        self.rfile, self.wfile = rfile, wfile
        self.child = None  # (pid, socket, deadline of the whole submission)
        self.judge_child = None  # the same, for the judge
        self.limits = None
        self.job = 0
        self.current_cell = None

    # -- talking to the grader -------------------------------------------
    def reply(self, message):
        self.wfile.write(protocol.pack(message))
        self.wfile.flush()

    def serve_forever(self):
        while True:
            try:
                msg = protocol.unpack_from(self.rfile.read)
            except EOFError:
                self.cleanup()
                self._end_judge()
                return
            op = msg.get("op")
            if op == "start":
                self.reply(self.start(msg["cells"], Limits(msg.get("limits", {})), bool(msg.get("restart"))))
            elif op == "request":
                self.reply(self.relay(msg["message"]))
            elif op == "judge":
                self.reply(self.judge(msg["message"]))
            elif op == "end":
                self.reply(self.end())
            elif op == "ping":
                self.reply({"pong": True})
            elif op == "status":
                judge = self.judge_child
                self.reply({"pid": judge.pid if judge else None, "served": judge.served if judge else 0})

    # -- the child ----------------------------------------------------------
    def _paths(self):
        scratch = os.path.join(SCRATCH_ROOT, f"job{self.job}")
        return scratch, scratch + ".out"

    def start(self, cells, limits: Limits, restart: bool = False):
        """A fresh child; a restart within the same submission keeps its scratch space and output."""
        if restart:
            if self.child:
                self._kill_everything()
                self.child = None
        else:
            self.cleanup()  # a new submission starts with no process and an empty /tmp
            self.job += 1
        self.limits = limits
        scratch, output = self._paths()
        os.makedirs(scratch, mode=0o700, exist_ok=True)
        parent_sock, child_sock = socket.socketpair()
        pid = os.fork()
        if pid == 0:
            try:
                parent_sock.close()
                _child(child_sock, cells, limits, scratch, output)
            except BaseException:  # noqa: BLE001 - set-up failed before the student ran: log it for the grader
                import traceback

                os.write(_LOG_FD, traceback.format_exc().encode())
            finally:
                os._exit(70)
        child_sock.close()
        self.child = (pid, parent_sock, time.monotonic() + limits.wall_seconds)
        self.current_cell = None
        return self._await("loaded")

    def relay(self, message):
        if not self.child:
            return {"died": "the student process is not running", "stop": Stop.GONE, "why": {"what": "not_running"}}
        try:
            self.child[1].sendall(protocol.pack(message))
        except OSError:
            return self._died()
        return self._await("reply")

    def judge(self, message):
        """One model probe, answered by the judge child.  An answer from a judge that served
        earlier submissions counts only if a fresh judge could have given it."""
        if self.limits is None:
            return {"error": {"type": "JudgeStopped", "message": "no submission is being graded", "where": ""}}
        reused = self._judge_for_this_submission()
        reply = self._ask_judge(message)
        if reused and _judge_failed(reply):
            self._end_judge()
            self._judge_for_this_submission()
            reply = self._ask_judge(message)
        return self._judge_stopped(reply) if "died" in reply else reply

    def _judge_for_this_submission(self) -> bool:
        """Make sure a judge is ready for this submission; True if it served an earlier one."""
        judge = self.judge_child
        if judge is not None and judge.job != self.job:
            judge.deadline = time.monotonic() + self.limits.wall_seconds  # this submission's time, reset included
            if self._may_reuse(judge) and "value" in self._send_judge({"op": "reset"}):
                judge.job, judge.served = self.job, judge.served + 1
            else:
                self._end_judge()
        if self.judge_child is None:
            self.judge_child = self._fork_judge()
            return False
        return self.judge_child.served > 1

    def _may_reuse(self, judge) -> bool:
        return (self.limits.judge_uid is not None and judge.served < JUDGE_SUBMISSIONS
                and _cpu_seconds(judge.pid) < self.limits.cpu_seconds())

    def _fork_judge(self):
        scratch = os.path.join(SCRATCH_ROOT, f"judge{self.job}")
        _remove(scratch)  # whatever the student may have put there first
        os.makedirs(scratch, mode=0o700)
        parent_sock, child_sock = socket.socketpair()
        pid = os.fork()
        if pid == 0:
            try:
                parent_sock.close()
                _child(child_sock, [], self.limits.for_judge(), scratch, scratch + ".out")
            except BaseException:  # noqa: BLE001
                import traceback

                os.write(_LOG_FD, traceback.format_exc().encode())
            finally:
                os._exit(70)
        child_sock.close()
        judge = _Judge(pid, parent_sock, time.monotonic() + self.limits.wall_seconds, scratch, self.job)
        loaded = self._await("loaded", judge)
        if "died" in loaded:
            judge.broken, judge.broken_why = loaded["died"], loaded.get("why")
        return judge

    def _ask_judge(self, message):
        if self.judge_child.broken:
            return {"died": self.judge_child.broken, "why": self.judge_child.broken_why}
        return self._send_judge(message)

    def _send_judge(self, message):
        try:
            self.judge_child.sock.sendall(protocol.pack(message))
        except OSError:
            return dict(_JUDGE_GONE)
        return self._await("reply", self.judge_child)

    def _judge_stopped(self, died):
        self._end_judge()
        return {"error": {"type": "JudgeStopped", "message": f"checking the model stopped: {died['died']}", "where": "",
                          "died": died["died"], "why": died.get("why")}}

    def _end_judge(self):
        judge, self.judge_child = self.judge_child, None
        if judge:
            try:
                os.kill(judge.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            judge.sock.close()
            _reap(judge.pid, timeout=2.0)

    def _await(self, what, child=None):
        """Wait for a child's next answer (the student's by default), within the call and submission limits."""
        judging = child is not None
        pid, sock, deadline = (child.pid, child.sock, child.deadline) if judging else self.child
        call_deadline = min(deadline, time.monotonic() + self.limits.call_seconds)
        while True:
            remaining = call_deadline - time.monotonic()
            if remaining <= 0:
                which = "submission" if call_deadline >= deadline else "call"
                seconds = self.limits.wall_seconds if which == "submission" else self.limits.call_seconds
                why = {"what": "time", "seconds": seconds, "per": which}
                if judging:
                    return {"died": f"time limit exceeded ({seconds:g} s per {which})", "stop": Stop.TIME, "why": why}
                cell = self.current_cell if what == "loaded" else None
                where = f" while running cell {cell}" if cell else ""
                return self._kill(f"time limit exceeded ({seconds:g} s per {which}){where}", Stop.TIME,
                                  dict(why, cell=cell))
            sock.settimeout(min(remaining, 1.0))
            try:
                msg = protocol.unpack_from(sock.recv)
            except socket.timeout:
                continue
            except (EOFError, OSError, protocol.ProtocolError, ValueError):
                return dict(_JUDGE_GONE) if judging else self._died()
            if "progress" in msg:
                self.current_cell = str(msg["progress"])[:200]
                continue
            if what == "loaded":
                return {"loaded": msg.get("loaded", [])}
            return msg

    def _died(self):
        pid = self.child[0]
        status = _reap(pid, timeout=2.0)
        where = f" while running cell {self.current_cell}" if self.current_cell else ""
        self._kill_everything()
        self.child = None
        text, stop, why = _describe_exit(status, self.limits)
        return {"died": text + where, "stop": stop, "cell": self.current_cell, "why": dict(why, cell=self.current_cell)}

    def _kill(self, reason, stop, why):
        where_cell = self.current_cell
        self._kill_everything()
        self.child = None
        return {"died": reason, "stop": stop, "cell": where_cell, "why": why}

    def _kill_everything(self):
        """Stop the student's processes; the judge survives only if nothing else of theirs is left."""
        if self.judge_child and self.limits.judge_uid is None:
            self._end_judge()
        if self.child:
            try:
                os.kill(self.child[0], signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.child[1].close()
            _reap(self.child[0], timeout=2.0)
        if self.limits and self.limits.in_namespace:
            keep = {1, os.getpid()} | ({self.judge_child.pid} if self.judge_child else set())
            if set(_namespace_pids()) - keep:
                self._end_judge()
                _kill_namespace()
        elif self.limits and self.limits.uid is not None:
            _kill_uid(self.limits.uid)
        elif self.child:
            try:
                os.killpg(self.child[0], signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        _reap_all()

    def end(self):
        printed, truncated = "", False
        if self.child:
            self._kill_everything()
            self.child = None
        scratch, output = self._paths()
        if os.path.exists(output):
            with open(output, "rb") as f:
                raw = f.read(self.limits.output_bytes + 1)
            truncated = len(raw) > self.limits.output_bytes or TRUNCATED.encode() in raw
            printed = raw[: self.limits.output_bytes].decode("utf-8", errors="replace")
        self.cleanup()
        return {"ended": True, "output": printed, "truncated": truncated}

    def cleanup(self):
        if self.child:
            self._kill_everything()
            self.child = None
        keep = self.judge_child.scratch if self.judge_child else None
        for root in WIPE:
            _empty(root, keep)
        os.makedirs(SCRATCH_ROOT, exist_ok=True)


def _reap(pid, timeout):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            done, status = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            return None
        if done:
            return status
        time.sleep(0.01)
    try:
        os.kill(pid, signal.SIGKILL)
        return os.waitpid(pid, 0)[1]
    except (ProcessLookupError, ChildProcessError):
        return None


def _reap_all():
    """Collect children that have exited; a killed one not yet gone is collected next time."""
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def _namespace_pids() -> list[int]:
    return [int(p) for p in os.listdir("/proc") if p.isdigit()]


def _kill_namespace():
    """Alone in a PID namespace, every process but us and init (bubblewrap) is the
    student's or the judge's: kill them all, and wait until they are gone, zombies included."""
    deadline = time.monotonic() + 3.0
    while time.monotonic() < deadline:
        try:
            os.kill(-1, signal.SIGKILL)
        except ProcessLookupError:
            pass
        _reap_all()
        if not set(_namespace_pids()) - {1, os.getpid()}:
            return
        time.sleep(0.01)


def _kill_uid(uid):
    """Without a PID namespace: kill every process owned by the student's uid."""
    for _ in range(5):
        found = False
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                if os.stat(f"/proc/{entry}").st_uid == uid:
                    os.kill(int(entry), signal.SIGKILL)
                    found = True
            except (FileNotFoundError, ProcessLookupError, PermissionError):
                pass
        if not found:
            return
        time.sleep(0.02)


def _describe_exit(status, limits) -> tuple[str, Stop, dict]:
    """How a child ended: in English words, as a Stop, and as data (its `why`)."""
    if status is None:
        return "the student process stopped", Stop.GONE, {"what": "gone"}
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        why = {"what": "signal", "signal": signal.Signals(sig).name, "seconds": limits.wall_seconds}
        names = {
            signal.SIGSEGV: ("crashed with a segmentation fault (often infinite recursion or a bad native call)",
                             Stop.SIGNAL),
            signal.SIGABRT: ("aborted (often because memory ran out: the memory limit may have been exceeded)",
                             Stop.MEMORY),
            signal.SIGXCPU: (f"used more than its CPU time limit ({limits.wall_seconds:g} s)", Stop.CPU),
            signal.SIGKILL: ("was killed (memory limit exceeded or killed from inside)", Stop.MEMORY),
            signal.SIGBUS: ("crashed with a bus error", Stop.SIGNAL),
            signal.SIGFPE: ("crashed with a floating-point exception", Stop.SIGNAL),
        }
        text, stop = names.get(sig, (f"was stopped by signal {signal.Signals(sig).name}", Stop.SIGNAL))
        return "the student process " + text, stop, why
    code = os.WEXITSTATUS(status)
    return (f"the student process exited (exit code {code}): graded code must not call exit() or os._exit()",
            Stop.EXIT, {"what": "exit", "code": code})


def _empty(root, keep=None):
    """Remove everything under root but the folder `keep` (a live judge's scratch)."""
    if not os.path.isdir(root) or os.path.islink(root):
        return
    for name in os.listdir(root):
        path = os.path.join(root, name)
        if keep and path == keep:
            continue
        if keep and keep.startswith(path + os.sep) and os.path.isdir(path) and not os.path.islink(path):
            _empty(path, keep)
        else:
            _remove(path)


def _remove(path):
    try:
        if os.path.isdir(path) and not os.path.islink(path):
            for dirpath, dirnames, filenames in os.walk(path, topdown=False):
                for f in filenames:
                    os.unlink(os.path.join(dirpath, f))
                for d in dirnames:
                    p = os.path.join(dirpath, d)
                    os.unlink(p) if os.path.islink(p) else os.rmdir(p)
            os.rmdir(path)
        elif os.path.lexists(path):
            os.unlink(path)
    except OSError:
        pass


SCRATCH_ROOT = os.environ.get("AG_SCRATCH", "/tmp/ag-scratch")
WIPE = [p for p in os.environ.get("AG_WIPE", SCRATCH_ROOT).split(os.pathsep) if p]


def _loopback_down():
    """bubblewrap brings `lo` up in the new network namespace; students get no network at all."""
    import fcntl
    import struct

    siocgifflags, siocsifflags, iff_up = 0x8913, 0x8914, 0x1
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        flags = struct.unpack("16sH", fcntl.ioctl(s, siocgifflags, struct.pack("16sH", b"lo", 0)))[1]
        fcntl.ioctl(s, siocsifflags, struct.pack("16sH", b"lo", flags & ~iff_up))


def main():
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    if os.environ.pop("AG_NO_LOOPBACK", "") == "1":
        _loopback_down()
    proto_out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # stray prints from libraries must not corrupt the protocol
    proto_in = os.fdopen(0, "rb", buffering=0)
    import numpy  # noqa: F401 - warm imports shared by every child
    import numpy.testing  # noqa: F401 - lazy in numpy; the integrity probe touches it
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot  # noqa: F401

    if os.environ.get("AG_IMPORT_TF", "1") == "1":
        import keras  # noqa: F401
        import tensorflow  # noqa: F401
    from autograder.sandbox import probes, runtime  # noqa: F401

    worker = Worker(proto_in, proto_out)
    worker.cleanup()
    worker.reply({"ready": True, "pid": os.getpid()})
    worker.serve_forever()


if __name__ == "__main__":
    main()
