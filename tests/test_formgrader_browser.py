"""The whole nbgrader journey in a real browser: JupyterLab, the formgrader, a student's Assignment List.

An instructor opens the formgrader on a graded class, grades a written answer
with a comment, sees the total, generates and releases the feedback; the
student, in a Jupyter without the instructor's tools, fetches it and reads it.
Playwright drives Debian's Chromium (no browser download).  Set AG_SCREENSHOTS
to a folder to keep a screenshot of every step.
"""
import contextlib
import os
import pathlib
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from tests.builders import A, graded_course

ANSWER = "answer_he_factor"  # weight_init's written answer

CHROMIUM = "/usr/bin/chromium"
pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not os.access(CHROMIUM, os.X_OK), reason=f"{CHROMIUM} is not installed")]
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def jupyter_lab(root: pathlib.Path, config_dir: pathlib.Path | None = None, log: pathlib.Path | None = None):
    """`jupyter lab` started in `root` (with the given JUPYTER_CONFIG_DIR); yields its base URL."""
    port, token = _free_port(), secrets.token_hex(16)
    env = dict(os.environ, PATH=os.path.dirname(sys.executable) + os.pathsep + os.environ["PATH"])
    if config_dir:
        env["JUPYTER_CONFIG_DIR"] = str(config_dir)
    out = open(log or os.devnull, "w")
    proc = subprocess.Popen([sys.executable, "-m", "jupyter", "lab", "--no-browser", "--allow-root",
                             f"--port={port}", "--ip=127.0.0.1", f"--IdentityProvider.token={token}",
                             "--LabApp.news_url=None", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"],
                            cwd=root, env=env, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"jupyter lab did not start in {root}")
                time.sleep(0.5)
        yield base, token
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        out.close()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield chromium
        chromium.close()


class Shots:
    def __init__(self, page, folder: pathlib.Path):
        self.page, self.folder, self.n = page, folder, 0
        self.keep = pathlib.Path(os.environ["AG_SCREENSHOTS"]) if os.environ.get("AG_SCREENSHOTS") else None

    def __call__(self, name: str):
        self.n += 1
        path = self.folder / f"{self.n:02d}-{name}.png"
        self.page.screenshot(path=path, full_page=True)
        if self.keep:
            self.keep.mkdir(parents=True, exist_ok=True)
            shutil.copy(path, self.keep / path.name)


def _menu_items(page, menu: str) -> list[str]:
    page.click(f".lm-MenuBar-itemLabel:text-is('{menu}')")
    items = [t for t in page.locator(".lm-Menu-itemLabel").all_inner_texts() if t.strip()]
    page.keyboard.press("Escape")
    return items


def test_instructor_grades_by_hand_releases_feedback_and_the_student_fetches_it(browser, tmp_path):
    layout = graded_course(tmp_path / "course", kinds=["solution", "wrong", "untouched", "html_answer"])
    page = browser.new_page(viewport={"width": 1300, "height": 900})
    shot = Shots(page, tmp_path)

    with jupyter_lab(layout.root, log=tmp_path / "instructor.log") as (base, token):
        page.goto(f"{base}/lab?token={token}")
        page.wait_for_selector(".lm-MenuBar-itemLabel:text-is('Nbgrader')", timeout=60_000)
        assert {"Formgrader", "Assignment List"} <= set(_menu_items(page, "Nbgrader"))

        # Manual Grading lists every graded submission, written answers to grade included.
        page.goto(f"{base}/formgrader/gradebook/{A}/{A}")
        page.wait_for_selector("tbody tr td.name")
        assert page.locator("tbody tr").count() == 4
        page.click("text=Show All Names")

        # A written answer full of HTML shows as text and runs nothing in the instructor's browser.
        page.locator("a.name-shown", has_text="student004").click()
        page.wait_for_selector(f"#{ANSWER}")
        page.wait_for_timeout(500)
        assert page.evaluate("window.agPwned") is None
        assert page.locator('a[href^="javascript:" i]').count() == 0
        assert page.get_by_text('<script>window.agPwned = "script"</script>', exact=False).count() == 1
        shot("hostile-answer-is-text")
        page.go_back()
        page.wait_for_selector("tbody tr td.name")
        page.click("text=Show All Names")
        row = page.locator("tbody tr", has=page.locator("a.name-shown", has_text="student001"))
        assert row.locator("td.score").inner_text() == "17 / 19"
        shot("manual-grading-list")
        row.locator("a.name-shown").click()

        # The submission: the hidden results sit in the test cells; grade the written answer.
        page.wait_for_selector(f"#{ANSWER}")
        assert page.get_by_text("sigmoid: 3 / 3 points from the hidden tests").count() == 1
        assert page.get_by_text("Doubling the weight variance").count() >= 1
        page.fill(f"#{ANSWER}", "1.5")
        page.fill(f"#{ANSWER}-comment", "Right idea; say *why* the variance halves.")
        page.locator(f"#{ANSWER}-comment").blur()
        page.wait_for_timeout(1000)  # the formgrader saves on change, over its REST API
        shot("written-answer-graded")

        page.goto(f"{base}/formgrader/gradebook/{A}/{A}")
        page.click("text=Show All Names")
        row = page.locator("tbody tr", has=page.locator("a.name-shown", has_text="student001"))
        assert row.locator("td.score").inner_text() == "18.5 / 19"
        assert row.locator("td.written-score").inner_text() == "1.5 / 2"

        # Generate and release the feedback from Manage Assignments.
        page.goto(f"{base}/formgrader/manage_assignments")
        for button, done in ((".generate-feedback a", "Successfully generated feedback"),
                             (".release-feedback a", "Successfully released feedback")):
            page.wait_for_selector(button)
            page.click(button)
            page.wait_for_selector("#success-modal, #error-modal", timeout=120_000)
            assert done in page.locator(".modal-body").inner_text(), page.locator(".modal-body").inner_text()[-2000:]
            shot(button.split()[0].strip(".") + "-done")
            page.click(".modal-footer button")
            page.wait_for_selector("#success-modal", state="detached")

    # The student's Jupyter: no instructor tools; the Assignment List fetches the feedback.
    home = layout.root / "students" / "student001"
    with jupyter_lab(home, config_dir=home / ".jupyter", log=tmp_path / "student.log") as (base, token):
        page.goto(f"{base}/lab?token={token}")
        page.wait_for_selector(".lm-MenuBar-itemLabel:text-is('Nbgrader')", timeout=60_000)
        items = _menu_items(page, "Nbgrader")
        assert "Assignment List" in items and "Formgrader" not in items and "Create Assignment" not in items
        with urllib.request.urlopen(f"{base}/api/status?token={token}") as status:
            assert status.status == 200
        with pytest.raises(urllib.error.HTTPError):
            urllib.request.urlopen(f"{base}/formgrader?token={token}")
        page.click(".lm-MenuBar-itemLabel:text-is('Nbgrader')")
        page.click(".lm-Menu-itemLabel:text-is('Assignment List')")
        page.wait_for_selector("button:text-is('Fetch Feedback')", timeout=60_000)
        shot("student-assignment-list")
        page.click("button:text-is('Fetch Feedback')")
        page.click("a:text-is('(view feedback)')", timeout=60_000)  # the file browser goes to the feedback
        page.dblclick(f".jp-DirListing-item:has-text('{A}.html')")
        viewer = page.frame_locator(".jp-HTMLViewer iframe")
        text = " ".join(viewer.locator("body").inner_text(timeout=30_000).split())
        assert "18.5 / 19 points" in text and "Right idea; say why the variance halves." in text
        shot("student-reads-the-feedback")


def test_a_student_works_through_the_korean_notebook_in_jupyterlab(browser, tmp_path):
    """The Korean edition as a student opens it: the prose and the public checks in Korean, drawn
    with a Hangul font (Chromium says which fonts it drew the text with), not as boxes."""
    import re

    from autograder import course

    shutil.copytree(course.REPO_ROOT / course.edition_folder("release", "ko") / A, tmp_path / "work" / A)
    page = browser.new_page(viewport={"width": 1300, "height": 900})
    shot = Shots(page, tmp_path)
    with jupyter_lab(tmp_path / "work", log=tmp_path / "lab.log") as (base, token):
        page.goto(f"{base}/lab/tree/{A}/{A}.ipynb?token={token}")
        heading = page.locator(".jp-RenderedMarkdown h1").first
        heading.wait_for(timeout=60_000)
        assert "가중치 초기화" in heading.inner_text()
        page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=60_000)
        page.click(".lm-MenuBar-itemLabel:text-is('Run')")
        page.click(".lm-Menu-itemLabel:text-is('Run All Cells')")
        # The first task's public check says, in Korean, that the task is still to do.
        failed = page.locator(".jp-OutputArea-output", has_text="sigmoid: 아직 구현하지 않았습니다")
        failed.first.wait_for(timeout=120_000)
        assert "Traceback" not in failed.first.inner_text()
        shot("korean-notebook-first-check")

        cdp = page.context.new_cdp_session(page)
        cdp.send("DOM.enable")
        cdp.send("CSS.enable")
        text = page.evaluate("""() => {  // a paragraph on screen with Korean in it (cells off screen are not drawn)
            const p = [...document.querySelectorAll('.jp-RenderedMarkdown p')]
                .filter(e => /[\uac00-\ud7a3]/.test(e.innerText) && e.getBoundingClientRect().top > 0).pop();
            p.id = 'ag-korean'; return p.innerText; }""")
        root = cdp.send("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
        node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": "#ag-korean"})["nodeId"]
        fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
        hangul = len(re.findall(r"[\uac00-\ud7a3]", text))
        drawn = sum(f["glyphCount"] for f in fonts if "CJK" in f["familyName"] or "KR" in f["familyName"])
        assert hangul > 20 and drawn >= hangul, f"{hangul} Hangul characters, drawn with {fonts}"
