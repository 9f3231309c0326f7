"""The submission service, driven over HTTP as the LMS and a browser drive it.

One service and its development LMS (built on lti1p3platform) serve the whole module,
on loopback; the restart test runs `autograder serve` as a process of its own.
"""
import json
import os
import signal
import subprocess
import sys
import time

import httpx
import itsdangerous
import pytest
from sqlalchemy import select

from autograder import course
from autograder.service import devplatform, server
from autograder.service.store import Attempt, Delivery, Person, State, Store
from tests.service_world import A, BOB, CSRF, JANE, LEE, MINJUN, notebook, world


@pytest.fixture(scope="module")
def w(tmp_path_factory):
    with world(tmp_path_factory.mktemp("service"), uploads_per_minute=8) as made:
        yield made


@pytest.fixture(autouse=True)
def platform_as_it_was(w):
    yield
    w.platform.down, w.platform.signing_key, w.platform.deployment_id = False, None, devplatform.DEPLOYMENT_ID


def _attempt(response) -> str:
    assert response.status_code == 200 and "/attempts/" in str(response.url), (response.status_code, response.text[:300])
    return response.url.path


def test_a_student_uploads_reads_feedback_and_the_score_reaches_the_lms(w):
    client, page = w.launch(JANE)
    assert page.status_code == 200 and "Upload your notebook" in page.text
    assert page.url.path.startswith("/links/")
    attempt = _attempt(w.upload(client, page, notebook("solution")))
    state = w.graded(client, attempt)
    feedback = client.get(w.tool + attempt)
    assert "<h1>" in feedback.text and "Weight init" in feedback.text and 'lang="en"' in feedback.text
    w.wait_for(lambda: w.scores_for(JANE), what="the AGS score's arrival")
    [score] = w.scores_for(JANE)
    full = w.store.get(Attempt, int(attempt.rsplit("/", 1)[1])).score
    assert full > state["score"] and not state["complete"], "hidden tests' points wait for the publish"
    assert score["scoreGiven"] == state["score"] and score["scoreMaximum"] == state["max_score"], \
        "the LMS hears what the student may see"
    assert score["gradingProgress"] == "PendingManual"
    assert score["lineitem"] == w.platform.lineitem(A)


def test_a_korean_student_is_answered_in_korean(w):
    client, page = w.launch(MINJUN)
    assert 'lang="ko"' in page.text and "노트북" in page.text
    korean = (course.REPO_ROOT / "release_ko" / A / f"{A}.ipynb").read_bytes()
    attempt = _attempt(w.upload(client, page, korean))
    w.graded(client, attempt)
    feedback = client.get(w.tool + attempt).text
    assert 'lang="ko"' in feedback and "피드백" in feedback, "the edition's language"


def test_a_launch_signed_with_another_key_is_refused(w):
    w.platform.signing_key = devplatform.key_pair()[0]
    client, page = w.launch(JANE)
    assert page.status_code == 403 and "refused" in page.text
    assert "autograder_session" not in client.cookies


def test_a_replayed_launch_is_refused(w):
    client = w.client()
    url, fields = devplatform.launch_form(client, w.lms, JANE, A)
    assert client.post(url, data=fields, follow_redirects=False).status_code == 303
    again = client.post(url, data=fields)
    assert again.status_code == 403 and "Nonce" in again.text


def test_a_launch_from_an_unknown_deployment_is_refused(w):
    w.platform.deployment_id = "someone-elses-deployment"
    _, page = w.launch(JANE)
    assert page.status_code == 403 and "someone-elses-deployment" in page.text


def test_a_student_sees_only_their_own_attempts_and_no_instructor_page(w):
    jane, page = w.launch(JANE)
    attempt = _attempt(w.upload(jane, page, notebook("wrong")))
    bob, bob_page = w.launch(BOB)
    assert bob.get(w.tool + attempt).status_code == 404
    assert bob.get(w.tool + attempt + "/download").status_code == 404
    assert bob.get(w.tool + bob_page.url.path + "/instructor").status_code == 403
    nobody = w.client()
    assert nobody.get(w.tool + attempt).status_code == 404
    assert nobody.get(w.tool + bob_page.url.path).status_code == 403


def test_a_forged_session_cookie_is_no_session(w):
    _, page = w.launch(JANE)
    link = page.url.path
    forged = itsdangerous.TimestampSigner("not the service's key").sign(
        json.dumps({"person": 1, "links": {link.rsplit("/", 1)[1]: "instructor"}}).encode()).decode()
    client = w.client()
    client.cookies.set("autograder_session", forged)
    assert client.get(w.tool + link + "/instructor").status_code == 403


def test_every_form_needs_the_sessions_csrf_token(w):
    client, page = w.launch(BOB)
    before = len(w.store.attempts())
    assert w.upload(client, page, notebook(), csrf="").status_code == 403
    assert w.upload(client, page, notebook(), csrf="a" * 43).status_code == 403
    instructor, dash = w.launch(LEE)
    assert instructor.post(w.tool + dash.url.path.replace("/instructor", "/publish"), data={}).status_code == 403
    assert len(w.store.attempts()) == before, "nothing was accepted"


def test_uploads_that_are_too_big_or_not_notebooks_are_refused_with_a_reason(w):
    client, page = w.launch(BOB)
    before = len(w.store.attempts())
    big = w.upload(client, page, b"{" + b" " * (6 * 2**20) + b"}")
    assert big.status_code == 413 and "5 MB" in big.text
    text = w.upload(client, page, b"print('hi')", filename="answer.py")
    assert text.status_code == 415 and "answer.py" in text.text
    assert len(w.store.attempts()) == before


def test_a_broken_notebook_is_graded_with_the_batch_graders_words(w):
    client, page = w.launch(BOB)
    attempt = _attempt(w.upload(client, page, b'{"cells": [', filename="weight_init.ipynb"))
    state = w.graded(client, attempt)
    assert state["status"] == "unreadable" and state["score"] == 0
    assert "could not be read as a notebook" in client.get(w.tool + attempt).text


def test_a_student_who_uploads_too_often_is_asked_to_wait(w):
    client, page = w.launch(MINJUN)
    with w.store.session() as s:
        me = s.scalar(select(Person.id).where(Person.sub == MINJUN))
    already = w.store.uploads_since(me, time.time() - 50)
    limit = w.service.uploads_per_minute
    answers = [w.upload(client, page, notebook("untouched")).status_code for _ in range(limit - already + 1)]
    assert answers == [200] * (limit - already) + [429]
    assert "분에" in w.upload(client, page, notebook("untouched")).text, "said in the student's language"


def test_the_instructor_sees_every_attempt_and_the_class_report(w):
    client, page = w.launch(JANE)
    attempt = _attempt(w.upload(client, page, notebook("alternative")))
    w.graded(client, attempt)
    instructor, dash = w.launch(LEE)
    assert dash.url.path.endswith("/instructor") and dash.status_code == 200
    assert "jdoe" in dash.text and "Regrade all" in dash.text
    report = instructor.get(w.tool + dash.url.path.replace("/instructor", "/report"))
    assert report.status_code == 200 and "Score distribution" in report.text or "score" in report.text.lower()
    download = instructor.get(w.tool + attempt + "/download")
    assert download.status_code == 200 and download.content == notebook("alternative")
    assert instructor.get(w.tool + attempt).status_code == 200, "the instructor reads any student's feedback"


def test_publishing_sends_every_counted_score_again(w):
    client, page = w.launch(JANE)
    w.graded(client, _attempt(w.upload(client, page, notebook("solution"))))
    w.wait_for(lambda: not w.store.due_scores(time.time() + 3600), what="the outbox emptying")
    before = len(w.scores_for(JANE))
    instructor, dash = w.launch(LEE)
    token = CSRF.search(dash.text).group(1)
    assert instructor.post(w.tool + dash.url.path.replace("/instructor", "/publish"), data={"csrf": token},
                           follow_redirects=False).status_code == 303
    w.wait_for(lambda: len(w.scores_for(JANE)) == before + 1, what="the published score")
    latest, earlier = w.scores_for(JANE)[-1], w.scores_for(JANE)[-2]
    assert latest["timestamp"] > earlier["timestamp"], "a newer score"
    counted = [a for a in w.store.attempts() if a.person_id == w.store.attempts()[-1].person_id][-1]
    assert latest["scoreGiven"] == counted.score > earlier["scoreGiven"], "now with the hidden tests' points"
    assert latest["gradingProgress"] == "PendingManual", "the written answer still waits for a grader"


def test_written_answers_graded_in_the_gradebook_reach_the_lms_on_the_next_publish(w):
    from nbgrader.api import Gradebook

    client, page = w.launch(JANE)
    attempt = _attempt(w.upload(client, page, notebook("solution")))
    w.graded(client, attempt)
    attempt_id = int(attempt.rsplit("/", 1)[1])
    w.wait_for(lambda: w.store.get(Attempt, attempt_id).in_gradebook == 1, timeout=60,
               what="the attempt's recording in the gradebook")
    assert (w.layout.autograded / "jdoe" / A / f"{A}.ipynb").is_file(), "the graded notebook for the formgrader"
    assert (w.layout.submitted / "jdoe" / A / "timestamp.txt").is_file()
    with Gradebook(w.layout.db_url, course.course_id(w.layout.root)) as gb:  # as the formgrader saves a grade
        grade = next(g for g in gb.find_submission_notebook(A, A, "jdoe").grades if g.name == "answer_he_factor")
        grade.manual_score = 1.5
        gb.db.commit()
    w.wait_for(lambda: not w.store.due_scores(time.time() + 3600), what="the outbox emptying")
    before = len(w.scores_for(JANE))
    instructor, dash = w.launch(LEE)
    instructor.post(w.tool + dash.url.path.replace("/instructor", "/publish"),
                    data={"csrf": CSRF.search(dash.text).group(1)})
    w.wait_for(lambda: len(w.scores_for(JANE)) == before + 1, what="the published score")
    latest = w.scores_for(JANE)[-1]
    auto = w.store.get(Attempt, int(attempt.rsplit("/", 1)[1]))
    assert latest["scoreGiven"] == auto.score and latest["gradingProgress"] == "FullyGraded"
    assert latest["scoreGiven"] == 17 + 1.5, "the hidden tests' points and the grader's"


def test_scores_wait_in_the_outbox_while_the_lms_is_down(w):
    w.platform.down = True
    client, page = w.launch(BOB)
    attempt_path = _attempt(w.upload(client, page, notebook("solution")))
    w.graded(client, attempt_path)
    attempt_id = int(attempt_path.rsplit("/", 1)[1])
    entry = lambda: next(e for e in w.store.outbox() if e.attempt_id == attempt_id)  # noqa: E731
    w.wait_for(lambda: entry().tries >= 2, what="two failed tries")
    assert entry().state == Delivery.PENDING and "503" in entry().last_error
    assert not [s for s in w.scores_for(BOB) if s["timestamp"] == entry().timestamp]
    w.platform.down = False
    w.wait_for(lambda: entry().state == Delivery.SENT, timeout=30, what="the score's delivery")
    assert len([s for s in w.scores_for(BOB) if s["timestamp"] == entry().timestamp]) == 1


@pytest.mark.slow
def test_an_attempt_the_service_itself_cannot_grade_is_its_error_not_the_students(w, monkeypatch):
    def broken(lease, grade_one):
        raise OSError("the disk is full")

    monkeypatch.setattr(w.running.ctx.grader, "_grade", broken)
    client, page = w.launch(BOB)
    attempt = _attempt(w.upload(client, page, notebook("solution")))
    state = w.graded(client, attempt, timeout=60)
    assert state["status"] == "grader_error"
    assert "problem in the grader" in client.get(w.tool + attempt).text
    attempt_id = int(attempt.rsplit("/", 1)[1])
    assert w.store.get(Attempt, attempt_id).leases == 3
    assert not [e for e in w.store.outbox() if e.attempt_id == attempt_id], "no score blames the student"


def test_the_registration_values_and_the_tools_keys_are_served(w):
    values = httpx.get(w.tool + "/lti/registration").json()
    assert values["oidc_initiation_url"] == w.tool + "/lti/login"
    assert values["target_link_uri"] == w.tool + "/lti/launch"
    keys = httpx.get(w.tool + "/lti/jwks").json()["keys"]
    assert keys and keys[0]["kty"] == "RSA" and "d" not in keys[0], "the public key only"
    page = httpx.get(w.tool + "/")
    assert "/lti/login" in page.text and w.lms in page.text


@pytest.mark.slow
def test_the_service_grades_on_a_dask_cluster_as_it_does_at_home(w, tmp_path):
    from dask.distributed import LocalCluster

    client, page = w.launch(BOB)
    at_home = w.graded(client, _attempt(w.upload(client, page, notebook("alternative"))))
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            world(tmp_path / "dask", scheduler=cluster.scheduler_address) as far:
        client, page = far.launch(BOB)
        attempt = _attempt(far.upload(client, page, notebook("alternative")))
        on_dask = far.graded(client, attempt, timeout=180)
        far.wait_for(lambda: far.scores_for(BOB), what="the AGS score")
    assert on_dask["status"] == at_home["status"] == "graded"
    assert far.store.get(Attempt, on_dask["id"]).score == w.store.get(Attempt, at_home["id"]).score > 0


# -- a crash ---------------------------------------------------------------------

SLOW = "import time\ntime.sleep(4)\n"


def _slow_notebook() -> bytes:
    """A right answer whose first solution cell takes 4 s to load: the kill lands while it is graded."""
    nb = json.loads(notebook("solution"))
    cell = next(c for c in nb["cells"] if c.get("metadata", {}).get("nbgrader", {}).get("solution")
                and c["cell_type"] == "code")
    cell["source"] = SLOW + "".join(cell["source"])
    return json.dumps(nb).encode()


def _serve(data, port, log):
    return subprocess.Popen([sys.executable, "-m", "autograder", "serve", "--course", str(course.REPO_ROOT),
                             "--port", str(port), "--data", str(data), "--workers", "1", "--lease-seconds", "2",
                             "--gradebook-dir", str(data.parent / "course")],
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)


def _up(url: str, proc, timeout: float = 120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, "the service exited"
        try:
            if httpx.get(url + "/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise AssertionError("the service did not start")


@pytest.mark.slow
def test_after_a_sigkill_every_upload_is_graded_once_and_scored_once(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    public = server.ensure_keys(data)
    sock, tool = devplatform.bind()
    port = sock.getsockname()[1]
    sock.close()  # the service binds it itself
    lms_sock, lms = devplatform.bind()
    platform = devplatform.DevPlatform(lms, tool, public, course.ASSIGNMENTS)
    (data / "lti_tool.json").write_text(json.dumps(platform.tool_registration(server.PRIVATE_KEY, server.PUBLIC_KEY)))
    devplatform.serve_in_thread(platform.app, lms_sock)
    log = open(tmp_path / "service.log", "w")
    proc = _serve(data, port, log)
    try:
        _up(tool, proc)
        clients = {}
        for user in (JANE, MINJUN, BOB):
            client = httpx.Client(timeout=30)
            page = devplatform.browserless_launch(client, lms, user, A)
            token = CSRF.search(page.text).group(1)
            answer = client.post(str(page.url) + "/upload", data={"csrf": token},
                                 files={"notebook": (f"{A}.ipynb", _slow_notebook())})
            assert answer.status_code == 303, answer.text[:300]
            clients[user] = (client, answer.headers["location"])
        first = clients[JANE][1]
        deadline = time.monotonic() + 60
        while clients[JANE][0].get(tool + first + "/state").json()["state"] != State.GRADING:
            assert time.monotonic() < deadline, "the first upload was never taken"
            time.sleep(0.05)
        os.killpg(proc.pid, signal.SIGKILL)  # mid-grading: the sandbox's processes die with it
        proc.wait()
        proc = _serve(data, port, log)
        _up(tool, proc)
        for client, path in clients.values():
            deadline = time.monotonic() + 120
            while client.get(tool + path + "/state").json()["state"] != State.GRADED:
                assert time.monotonic() < deadline, f"{path} was not graded after the restart"
                time.sleep(0.2)
        deadline = time.monotonic() + 30
        while len(platform.scores) < 3 and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(1.0)  # anything sent twice would have arrived by now
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
        log.close()
    store = Store(f"sqlite:///{data / 'service.db'}")
    attempts = store.attempts()
    assert [a.state for a in attempts] == [State.GRADED] * 3
    assert attempts[0].leases == 2, "the attempt being graded at the kill was graded again after the restart"
    assert all(a.status == "graded" and a.score > 0 for a in attempts)
    assert sorted(s["userId"] for s in platform.scores) == sorted([JANE, MINJUN, BOB]), "one score per attempt"
    assert [e.state for e in store.outbox()] == [Delivery.SENT] * 3
    store.close()
    assert not [sid for sid in ("jdoe", "minjun", "bsmith") if (course.REPO_ROOT / "submitted" / sid).exists()], \
        "the checkout itself was left alone"
