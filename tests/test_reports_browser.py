"""Both report pages in headless Chromium: they load offline without errors and show their plots.

Chromium is driven over the DevTools protocol on a pipe (--remote-debugging-pipe:
JSON messages ending in a NUL byte, the browser reading fd 3 and writing fd 4),
so no port is opened.  A page counts as clean when it logs no error (CSP
violations included), throws no exception and requests nothing but itself and
data: URLs; its images count when they decode to a non-zero size.
"""
import base64
import json
import os
import pathlib
import re
import select
import subprocess
import time
from dataclasses import dataclass

import pytest

from autograder import course
from autograder.reports.bench import synthetic_class
from autograder.reports.class_report import render_class_report, summarise
from autograder.reports.feedback import render_feedback
from tests.builders import INJECTIONS, make_result, outcome

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
TIMEOUT = 30.0

pytestmark = pytest.mark.skipif(not os.access(CHROMIUM, os.X_OK), reason=f"{CHROMIUM} is not installed")


class Browser:
    def __init__(self, profile: pathlib.Path):
        to_chrome_r, self._to_chrome = os.pipe()
        self._from_chrome, from_chrome_w = os.pipe()
        # the shell puts the pipe ends on the fds Chromium expects, then becomes Chromium
        launch = f'exec "$0" "$@" 3<&{to_chrome_r} 4>&{from_chrome_w} {to_chrome_r}<&- {from_chrome_w}>&-'
        self.proc = subprocess.Popen(
            ["bash", "-c", launch, CHROMIUM, *FLAGS, f"--user-data-dir={profile}", "--remote-debugging-pipe",
             "about:blank"],
            pass_fds=(to_chrome_r, from_chrome_w), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self._buffer, self._next_id, self.events = b"", 0, []

    def _read(self, deadline: float) -> dict:
        while b"\0" not in self._buffer:
            ready, _, _ = select.select([self._from_chrome], [], [], max(deadline - time.monotonic(), 0))
            if not ready:
                raise TimeoutError("Chromium did not answer in time")
            chunk = os.read(self._from_chrome, 1 << 16)
            if not chunk:
                raise ConnectionError("Chromium closed the DevTools pipe")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def send(self, method: str, session: str | None = None, **params):
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        os.write(self._to_chrome, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + TIMEOUT
        while True:
            reply = self._read(deadline)
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply["result"]
            self.events.append(reply)

    def wait_for(self, method: str, session: str):
        deadline = time.monotonic() + TIMEOUT
        while not any(e.get("method") == method and e.get("sessionId") == session for e in self.events):
            self.events.append(self._read(deadline))

    def close(self):
        try:
            self.send("Browser.close")
        except (OSError, ConnectionError, TimeoutError, RuntimeError):
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self._to_chrome)
        os.close(self._from_chrome)


IMAGE_SIZES = """Promise.all([...document.images].map(img => img.decode().then(
    () => [img.naturalWidth, img.naturalHeight], () => [0, 0])))"""


@dataclass
class Visit:
    errors: list[str]
    requests: list[str]
    images: list[list[int]]
    text: str
    screenshot: bytes


def _errors(events: list[dict]) -> list[str]:
    found = []
    for e in events:
        method, params = e.get("method"), e.get("params", {})
        if method == "Runtime.exceptionThrown":
            found.append(params["exceptionDetails"].get("text", "exception"))
        elif method == "Runtime.consoleAPICalled" and params["type"] in ("error", "assert"):
            found.append(" ".join(str(a.get("value", a.get("description", ""))) for a in params["args"]))
        elif method == "Log.entryAdded" and params["entry"]["level"] == "error":
            found.append(params["entry"]["text"])
        elif method == "Network.loadingFailed":
            found.append(f"loading failed: {params.get('errorText')}")
        elif method == "Page.javascriptDialogOpening":
            found.append(f"dialog: {params.get('message')}")
    return found


def visit(browser: Browser, path: pathlib.Path) -> Visit:
    target = browser.send("Target.createTarget", url="about:blank")["targetId"]
    session = browser.send("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
    for domain in ("Page", "Runtime", "Log", "Network"):
        browser.send(f"{domain}.enable", session)
    browser.send("Page.navigate", session, url=path.as_uri())
    browser.wait_for("Page.loadEventFired", session)

    def evaluate(expression):
        return browser.send("Runtime.evaluate", session, expression=expression, awaitPromise=True,
                            returnByValue=True)["result"]["value"]

    images, text = evaluate(IMAGE_SIZES), evaluate("document.body.innerText")
    size = browser.send("Page.getLayoutMetrics", session)["cssContentSize"]
    shot = browser.send("Page.captureScreenshot", session, format="png", captureBeyondViewport=True,
                        clip={"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1})
    browser.send("Target.closeTarget", targetId=target)
    events = [e for e in browser.events if e.get("sessionId") == session]
    requests = [e["params"]["request"]["url"] for e in events if e.get("method") == "Network.requestWillBeSent"]
    return Visit(_errors(events), requests, images, text, base64.b64decode(shot["data"]))


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    b = Browser(tmp_path_factory.mktemp("chromium-profile"))
    yield b
    b.close()


def _write(tmp_path, name, page) -> pathlib.Path:
    path = tmp_path / name
    path.write_text(page, encoding="utf-8")
    return path


def _offline(v: Visit, path: pathlib.Path) -> list[str]:
    return [u for u in v.requests if u != path.as_uri() and not u.startswith("data:")]


def test_class_report_loads_offline_without_errors_and_shows_its_plots(browser, tmp_path):
    path = _write(tmp_path, "report.html", render_class_report(summarise(synthetic_class(60))))
    v = visit(browser, path)
    (tmp_path / "report.png").write_bytes(v.screenshot)
    assert v.errors == [] and _offline(v, path) == []
    assert len(v.images) == 4 and all(w >= 400 and h >= 100 for w, h in v.images), v.images
    assert "Most common mistakes" in v.text and "Submissions that need a look" in v.text


def test_feedback_page_loads_offline_without_errors_and_shows_text_not_markup(browser, tmp_path):
    result = make_result("ana", [
        outcome("he_init", "test_he_spread", "failed", mistake="he_uses_xavier_spread", message=INJECTIONS[0]),
        *[outcome("relu", f"test_{i}", "failed", message=bad) for i, bad in enumerate(INJECTIONS[1:])],
    ])
    path = _write(tmp_path, "feedback.html", render_feedback(result, published=True, after_due=True))
    v = visit(browser, path)
    (tmp_path / "feedback.png").write_bytes(v.screenshot)
    assert v.errors == [] and _offline(v, path) == [] and v.images == []
    assert course.mistake("weight_init", "he_uses_xavier_spread").title in v.text
    assert all(bad in v.text for bad in INJECTIONS)  # shown as text, never run or fetched


def test_the_browser_checks_catch_a_broken_page(browser, tmp_path):
    """A page with a failing script, an undecodable image and an outside fetch fails every check above."""
    path = _write(tmp_path, "broken.html", "<!DOCTYPE html><html><body><p>broken</p>"
                  '<img src="data:image/png;base64,AAAA"><img src="http://127.0.0.1:9/missing.png">'
                  "<script>undefined_function()</script></body></html>")
    v = visit(browser, path)
    assert any("ReferenceError" in e or "Uncaught" in e for e in v.errors), v.errors
    assert _offline(v, path) == ["http://127.0.0.1:9/missing.png"]
    assert v.images == [[0, 0], [0, 0]]


def test_audit_page_loads_offline_and_shows_each_survivor_as_text(browser, tmp_path):
    from autograder.audit import AuditReport, FunctionAudit, Survivor, write
    from autograder.audit.mutants import Operator

    diff = "--- reference\n+++ mutant\n@@ -1,2 +1,2 @@\n-    return np.maximum(x, 0)\n+    return '<script>alert(1)</script>'\n"
    report = AuditReport("weight_init", 0.95, {
        "relu": FunctionAudit("relu", mutants=6, killed=3, equivalent=1,
                              survived=[Survivor(Operator.RETURN, diff, "call 1: the result differs"),
                                        Survivor(Operator.CONSTANT, diff, "", grader_error=INJECTIONS[0])]),
        "sigmoid": FunctionAudit("sigmoid", mutants=35, killed=32, equivalent=3)}, seconds=12.0)
    _, path = write(report, tmp_path)
    v = visit(browser, path)
    (tmp_path / "audit.png").write_bytes(v.screenshot)
    assert v.errors == [] and _offline(v, path) == []
    assert "relu: 2 survived" in v.text and "<script>alert(1)</script>" in v.text and INJECTIONS[0] in v.text
    assert "60%" in v.text and "100%" in v.text  # relu 3 of 5 killed; sigmoid all of 32


# -- Korean: the pages and plots render Hangul, not boxes --------------------------------------------

HANGUL = re.compile(r"[\uac00-\ud7a3]")


def fonts_used(browser: Browser, path: pathlib.Path, selector: str) -> tuple[list[dict], str]:
    """The fonts Chromium drew the element's text with ({familyName, glyphCount}), and the text."""
    target = browser.send("Target.createTarget", url="about:blank")["targetId"]
    session = browser.send("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
    for domain in ("Page", "DOM", "CSS"):
        browser.send(f"{domain}.enable", session)
    browser.send("Page.navigate", session, url=path.as_uri())
    browser.wait_for("Page.loadEventFired", session)
    root = browser.send("DOM.getDocument", session)["root"]["nodeId"]
    node = browser.send("DOM.querySelector", session, nodeId=root, selector=selector)["nodeId"]
    fonts = browser.send("CSS.getPlatformFontsForNode", session, nodeId=node)["fonts"]
    text = browser.send("Runtime.evaluate", session, expression=f"document.querySelector({selector!r}).innerText",
                        returnByValue=True)["result"]["value"]
    browser.send("Target.closeTarget", targetId=target)
    return fonts, text


def test_a_korean_feedback_page_declares_its_language_and_draws_hangul_with_a_hangul_font(browser, tmp_path):
    from autograder import language

    result = make_result("min", [outcome("he_init", "test_he_spread", "failed", mistake="he_uses_xavier_spread",
                                         message="표준편차가 너무 작습니다")], language="ko")
    page = render_feedback(result, published=True, after_due=True)
    assert '<html lang="ko">' in page
    path = _write(tmp_path, "feedback-ko.html", page)
    v = visit(browser, path)
    (tmp_path / "feedback-ko.png").write_bytes(v.screenshot)
    with language.using("ko"):
        assert language.translate(course.mistake("weight_init", "he_uses_xavier_spread").title) in v.text
    fonts, text = fonts_used(browser, path, ".mistake")
    hangul = len(HANGUL.findall(text))
    drawn = sum(f["glyphCount"] for f in fonts if "CJK" in f["familyName"] or "KR" in f["familyName"])
    assert hangul > 10 and drawn >= hangul, f"{hangul} Hangul characters, drawn with {fonts}"


PLOT = """
import warnings, matplotlib
matplotlib.use("Agg")
from checks import speak
import visual
speak("ko")
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    if {latin_only}:
        matplotlib.rcParams["font.sans-serif"] = ["DejaVu Sans"]
    fig = visual.plot_history({{"기본 모델": {{"loss": [1.0, 0.5], "val_loss": [1.1, 0.9]}}}})
    fig.savefig({png!r})
print(fig.axes[0].get_xlabel())
print(sum("missing from" in str(w.message) for w in caught))
"""


def _korean_plot(png: pathlib.Path, latin_only: bool) -> tuple[str, int]:
    import sys

    folder = course.REPO_ROOT / course.edition_folder("source", "ko") / "weight_init"
    proc = subprocess.run([sys.executable, "-c", PLOT.format(png=str(png), latin_only=latin_only)], cwd=folder,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    label, missing = proc.stdout.split()
    return label, int(missing)


def test_a_korean_plot_draws_every_glyph_and_shows_in_chromium(browser, tmp_path):
    label, missing = _korean_plot(tmp_path / "plot.png", latin_only=False)
    assert HANGUL.search(label), f"the x label {label!r} is not Korean"
    assert missing == 0, "matplotlib drew boxes for some Hangul"
    _, boxes = _korean_plot(tmp_path / "boxes.png", latin_only=True)
    assert boxes > 0, "the check must see the boxes a font without Hangul draws"
    data = base64.b64encode((tmp_path / "plot.png").read_bytes()).decode()
    path = _write(tmp_path, "plot.html", f'<!DOCTYPE html><html lang="ko"><body><img src="data:image/png;base64,{data}">'
                  "</body></html>")
    v = visit(browser, path)
    (tmp_path / "plot-ko.png").write_bytes(v.screenshot)
    assert v.errors == [] and len(v.images) == 1 and v.images[0][0] >= 400
