#!/usr/bin/env python
"""Load on the submission service: N students upload at once, on loopback.

    .venv/bin/python scripts/bench_service.py [--students 50] [--assignment weight_init] [--spread 0]

1. grades the same N notebooks with the batch grader (`grade_batch`, one warm sandbox per
   core), for the baseline: its grading phase per submission;
2. starts the service and its development LMS in this process (one sandbox per core,
   the nbgrader gradebook on), and launches N students through LTI;
3. has them all upload at once (or spread evenly over --spread seconds), each looking at its
   attempt every --poll seconds until graded (the waiting page refreshes every second) and then
   reading its feedback page, with a bounded asyncio load;
4. prints the time from upload to feedback page (median, 95th percentile, worst), what was
   lost (uploads not graded, scores that never reached the LMS), and the cost per submission
   against the batch grader's.

Prints figures, asserts nothing.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import pathlib
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))
os.environ.setdefault("AUTOGRADER_SECRET", "the service benchmark")

import httpx  # noqa: E402

from autograder import course  # noqa: E402
from autograder.grade import grade_batch  # noqa: E402
from autograder.service import devplatform, server  # noqa: E402
from autograder.service.store import Store  # noqa: E402
from autograder.settings import load as load_settings  # noqa: E402
from autograder.tools.sample import make_submission  # noqa: E402

KINDS = ("solution", "wrong", "alternative", "untouched")
POLL = 1.0  # seconds between a student's looks at their attempt, as the waiting page refreshes


def notebooks(assignment: str, n: int) -> list[bytes]:
    rng = random.Random(0)
    return [make_submission(assignment, KINDS[i % len(KINDS)], rng)[0] for i in range(n)]


def batch_baseline(assignment: str, books: list[bytes], where: pathlib.Path) -> dict:
    for i, nb in enumerate(books):
        folder = where / "submitted" / f"s{i:03d}" / assignment
        folder.mkdir(parents=True)
        (folder / f"{assignment}.ipynb").write_bytes(nb)
    layout = course.layout(course.REPO_ROOT, submitted=where / "submitted", results=where / "results",
                           autograded=where / "autograded", db_url=f"sqlite:///{where / 'gradebook.db'}")
    t = time.monotonic()
    summary = grade_batch(assignment, layout, settings=load_settings(course.REPO_ROOT), regrade=True)
    return {"total": time.monotonic() - t, "grading": summary.phases["grading"], "n": len(books)}


async def one_student(client: httpx.AsyncClient, link_url: str, csrf: str, nb: bytes, start: float,
                      limit: asyncio.Semaphore) -> dict:
    await asyncio.sleep(start)
    async with limit:
        t = time.monotonic()
        answer = await client.post(link_url + "/upload", data={"csrf": csrf},
                                   files={"notebook": ("weight_init.ipynb", nb)})
        if answer.status_code != 303:
            return {"ok": False, "why": f"upload answered {answer.status_code}"}
        attempt = answer.headers["location"]
    while True:  # polling costs no slot: only requests in flight are bounded
        state = (await client.get(attempt + "/state")).json()
        if state["state"] == "graded":
            break
        await asyncio.sleep(POLL)
    page = await client.get(attempt)
    return {"ok": page.status_code == 200 and "<h1>" in page.text, "seconds": time.monotonic() - t,
            "attempt": int(attempt.rsplit("/", 1)[1])}


async def load(tool: str, sessions: list[tuple[dict, str, str]], books: list[bytes], spread: float,
               in_flight: int) -> list[dict]:
    limit = asyncio.Semaphore(in_flight)
    clients = [httpx.AsyncClient(base_url=tool, cookies=cookies, timeout=120) for cookies, _, _ in sessions]
    try:
        starts = [spread * i / max(1, len(sessions) - 1) for i in range(len(sessions))] if spread else [0.0] * len(
            sessions)
        return await asyncio.gather(*(one_student(c, link, csrf, nb, s, limit)
                                      for c, (_, link, csrf), nb, s in zip(clients, sessions, books, starts)))
    finally:
        for c in clients:
            await c.aclose()


def service_run(assignment: str, books: list[bytes], where: pathlib.Path, spread: float, in_flight: int,
                gradebook: bool) -> dict:
    """`autograder serve` in a process of its own, as it runs for real; the LMS (the development
    platform) and the students in this one."""
    data = where / "data"
    data.mkdir(parents=True)
    public = server.ensure_keys(data)
    sock, tool = devplatform.bind()
    port = sock.getsockname()[1]
    sock.close()
    lms_sock, lms = devplatform.bind()
    platform = devplatform.DevPlatform(lms, tool, public, course.ASSIGNMENTS)
    platform.members += [devplatform.Member(f"load-{i:03d}", f"Student {i}", f"s{i:03d}@example.edu",
                                            devplatform.LEARNER) for i in range(len(books))]
    (data / "lti_tool.json").write_text(json.dumps(platform.tool_registration(server.PRIVATE_KEY, server.PUBLIC_KEY)))
    lms_server = devplatform.serve_in_thread(platform.app, lms_sock)
    log = open(where / "service.log", "w")
    command = [sys.executable, "-m", "autograder", "serve", "--course", str(course.REPO_ROOT), "--port", str(port),
               "--data", str(data), "--gradebook-dir", str(where / "course"), "--uploads-per-minute", "1000"]
    command += [] if gradebook else ["--no-gradebook"]
    proc = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 300
        while True:  # a running service is warm before the class arrives
            assert proc.poll() is None and time.monotonic() < deadline, f"the service did not start: see {log.name}"
            try:
                if httpx.get(tool + "/health", timeout=2).json().get("ready"):
                    break
            except (httpx.HTTPError, ValueError):
                pass
            time.sleep(0.2)
        sessions = []
        for i in range(len(books)):
            with httpx.Client(timeout=30) as client:
                page = devplatform.browserless_launch(client, lms, f"load-{i:03d}", assignment)
                csrf = page.text.split('name="csrf" value="', 1)[1].split('"', 1)[0]
                sessions.append((dict(client.cookies), page.url.path, csrf))
        t = time.monotonic()
        answers = asyncio.run(load(tool, sessions, books, spread, in_flight))
        wall = time.monotonic() - t
        store = Store(f"sqlite:///{data / 'service.db'}")
        deadline = time.monotonic() + 120
        while gradebook and time.monotonic() < deadline:  # the service records while nobody waits
            if sum(a.in_gradebook == 1 for a in store.attempts()) == len(books):
                break
            time.sleep(0.1)
        recorded = time.monotonic() - t
        store.close()
        deadline = time.monotonic() + 60
        while len(platform.scores) < len(books) and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(1.0)
        graded = sum(a.get("ok", False) for a in answers)
        return {"answers": answers, "wall": wall, "recorded": recorded if gradebook else wall, "graded": graded,
                "scores": len({s["userId"] for s in platform.scores}), "score_posts": len(platform.scores)}
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=60)
        log.close()
        lms_server.should_exit = True


def main() -> int:
    global POLL
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=50)
    parser.add_argument("--assignment", default="weight_init", choices=course.ASSIGNMENTS)
    parser.add_argument("--spread", type=float, default=0.0, help="seconds over which the uploads arrive")
    parser.add_argument("--no-gradebook", action="store_true", help="the service does not write the nbgrader "
                        "gradebook (c.Service.gradebook = False)")
    parser.add_argument("--poll", type=float, default=POLL, help="seconds between a student's looks at the "
                        "attempt (default 1, as the waiting page refreshes)")
    parser.add_argument("--in-flight", type=int, default=50, help="requests in flight at most")
    args = parser.parse_args()
    POLL = args.poll
    books = notebooks(args.assignment, args.students)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        print(f"{args.students} submissions of {args.assignment}, {os.cpu_count()} cores", flush=True)
        batch = batch_baseline(args.assignment, books, tmp / "batch")
        print(f"batch grader (with the nbgrader gradebook): {batch['total']:.1f} s in all = "
              f"{batch['total'] / batch['n']:.3f} s per submission; its grading phase "
              f"{batch['grading'] / batch['n']:.3f} s per submission", flush=True)
        run = service_run(args.assignment, books, tmp / "service", args.spread, args.in_flight,
                          not args.no_gradebook)
    ok = [a for a in run["answers"] if a.get("ok")]
    times = sorted(a["seconds"] for a in ok)
    p95 = times[min(len(times) - 1, int(round(0.95 * len(times))) - 1)] if times else float("nan")
    per = run["recorded"] / len(books)
    print(f"service: {len(ok)}/{len(books)} feedback pages, {run['graded']} attempts graded, "
          f"scores at the LMS for {run['scores']} students ({run['score_posts']} score requests)")
    print(f"upload -> feedback page: median {statistics.median(times):.2f} s, p95 {p95:.2f} s, "
          f"worst {times[-1]:.2f} s (uploads spread over {args.spread:g} s)")
    print(f"service: {run['wall']:.1f} s from the first upload to the last feedback page, {run['recorded']:.1f} s "
          f"to the last attempt in the gradebook = {per:.3f} s per submission: {per / (batch['total'] / batch['n']):.2f}x the batch grader's whole run, "
          f"{per / (batch['grading'] / batch['n']):.2f}x its grading phase")
    if args.spread:
        print("  (with --spread the time includes the pauses between arrivals: compare costs without it)")
    lost = len(books) - len(ok) + (len(books) - run["scores"])
    print(f"lost: {lost}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
