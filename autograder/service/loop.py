"""A daemon thread that works until it is stopped, and can be woken early."""
from __future__ import annotations

import threading


class Loop:
    """Subclasses give `name` and `_run`, which checks `_stop` and waits on `_wake`."""

    name = "loop"
    stop_seconds = 60.0  # how long stop() waits for the thread to finish its turn

    def __init__(self):
        self._stop, self._wake = threading.Event(), threading.Event()
        self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)

    def _run(self):
        raise NotImplementedError

    def start(self):
        self._thread.start()
        return self

    def stop(self):
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout=self.stop_seconds)

    def notify(self):
        """There is work: look now rather than at the next turn."""
        self._wake.set()
