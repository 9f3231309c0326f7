"""A running submission service and its development LMS (lti1p3platform), on loopback, for tests."""
from __future__ import annotations

import contextlib
import pathlib
import random
import re
import time

import httpx

from autograder import course
from autograder.service import devplatform, server
from autograder.service.settings import Service
from autograder.tools.sample import make_submission

JANE, MINJUN, BOB, LEE = "u-1001", "u-1002", "u-1003", "u-9001"
A = "weight_init"
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


class World:
    def __init__(self, data: pathlib.Path, scheduler: str | None = None, **settings):
        self.service = Service(data_dir=str(data), gradebook_dir=str(data / "course"),
                               **{"workers": 1, "lease_seconds": 3.0, "outbox_seconds": 0.1, "retry_seconds": 0.2,
                                  **settings})
        self.layout = self.service.course_layout(course.REPO_ROOT)
        tool_sock, self.tool = devplatform.bind()
        dev_sock, self.lms = devplatform.bind()
        self.running = server.start(course.REPO_ROOT, self.tool, service=self.service, dev_url=self.lms,
                                    scheduler=scheduler)
        self.platform = self.running.platform
        self.store = self.running.ctx.store
        self.servers = [devplatform.serve_in_thread(self.running.app, tool_sock),
                        devplatform.serve_in_thread(self.platform.app, dev_sock)]

    def close(self):
        for s in self.servers:
            s.should_exit = True
        self.running.close()

    def client(self) -> httpx.Client:
        return httpx.Client(timeout=30, follow_redirects=True)

    def launch(self, user: str, assignment: str = A, client: httpx.Client | None = None):
        """(client, the page the launch ended on)."""
        client = client or self.client()
        return client, devplatform.browserless_launch(client, self.lms, user, assignment)

    def upload(self, client: httpx.Client, page: httpx.Response, content: bytes, filename: str = f"{A}.ipynb",
               csrf: str | None = None) -> httpx.Response:
        token = CSRF.search(page.text).group(1) if csrf is None else csrf
        return client.post(str(page.url) + "/upload", data={"csrf": token},
                           files={"notebook": (filename, content, "application/x-ipynb+json")})

    def graded(self, client: httpx.Client, attempt_path: str, timeout: float = 120) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            state = client.get(self.tool + attempt_path + "/state").json()
            if state["state"] == "graded":
                return state
            time.sleep(0.1)
        raise AssertionError(f"{attempt_path} was not graded in {timeout} s")

    def scores_for(self, user: str) -> list[dict]:
        return [s for s in self.platform.scores if s["userId"] == user]

    def wait_for(self, condition, timeout: float = 20, what: str = "the condition"):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if condition():
                return
            time.sleep(0.05)
        raise AssertionError(f"{what} did not happen in {timeout} s")


def notebook(kind: str = "solution", assignment: str = A) -> bytes:
    return make_submission(assignment, kind, random.Random(0))[0]


@contextlib.contextmanager
def world(data: pathlib.Path, scheduler: str | None = None, **settings):
    w = World(data, scheduler, **settings)
    try:
        yield w
    finally:
        w.close()
