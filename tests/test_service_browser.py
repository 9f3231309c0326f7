"""The submission service in a real browser: launched from the development LMS (lti1p3platform),
a student uploads and reads the feedback, the instructor reads the dashboard and publishes,
and the scores arrive at the platform.  Set AG_SCREENSHOTS to a folder to keep the pictures."""
import pytest

from tests.service_world import A, JANE, notebook, world
from tests.test_formgrader_browser import Shots, browser  # noqa: F401 - the fixture

pytestmark = [pytest.mark.slow]


@pytest.fixture(scope="module")
def w(tmp_path_factory):
    with world(tmp_path_factory.mktemp("service")) as made:
        yield made


def _launch(page, w, name: str, assignment: str = A):
    page.goto(w.lms + "/")
    page.locator("tr", has_text=name).get_by_role("link", name=assignment).click()
    page.wait_for_url(f"{w.tool}/links/**")


def test_a_student_and_the_instructor_walk_through_the_service(browser, w, tmp_path):  # noqa: F811
    for who in ("student", "instructor", "lms"):
        (tmp_path / who).mkdir()
    student = browser.new_context().new_page()
    shots = Shots(student, tmp_path / "student")
    _launch(student, w, "Jane Doe")
    assert student.locator("h1").inner_text() == "Weight init"
    shots("student-assignment")
    upload = tmp_path / f"{A}.ipynb"
    upload.write_bytes(notebook("solution"))
    student.set_input_files("input[type=file]", str(upload))
    student.get_by_role("button", name="Upload and grade").click()
    student.wait_for_url(f"{w.tool}/attempts/**")
    student.wait_for_selector("h1:has-text(\"Weight init: your feedback\")", timeout=60_000)  # the waiting page refreshes itself
    shots("student-feedback")
    assert "jdoe" in student.locator("main").inner_text()
    student.get_by_role("link", name="← back").click()
    assert student.locator("table tr").count() == 2, "the attempt is listed"
    w.wait_for(lambda: w.scores_for(JANE), what="the AGS score")

    teacher = browser.new_context().new_page()
    teacher_shots = Shots(teacher, tmp_path / "instructor")
    _launch(teacher, w, "Prof. Lee")
    teacher.wait_for_url("**/instructor")
    text = teacher.locator("main").inner_text()
    assert "Jane Doe" in text and "jdoe" in text and "sent" in text, "the score reached the LMS"
    teacher_shots("instructor-dashboard")
    teacher.get_by_role("link", name="Class report").click()
    assert teacher.locator("h1").count() == 1 and "1" in teacher.locator(".cards").first.inner_text()
    teacher_shots("class-report")
    teacher.go_back()
    before = len(w.scores_for(JANE))
    teacher.get_by_role("button", name="Publish the hidden tests' results").click()
    teacher.wait_for_url("**/instructor")
    assert teacher.get_by_role("button", name="Published").is_disabled()
    w.wait_for(lambda: len(w.scores_for(JANE)) > before, what="the published score")
    assert w.scores_for(JANE)[-1]["scoreGiven"] > w.scores_for(JANE)[0]["scoreGiven"]

    student.goto(student.url)  # after the publish the student sees every test
    student.get_by_role("link", name="Feedback").first.click()
    student.wait_for_url(f"{w.tool}/attempts/**")
    assert student.locator(".test").count() > 0 and "withheld" not in student.locator("main").inner_text()
    shots("student-feedback-published")
    lms = browser.new_context().new_page()
    lms.goto(w.lms + "/")
    assert "u-1001" in lms.locator("table").nth(1).inner_text(), "the LMS's gradebook has the score"
    Shots(lms, tmp_path / "lms")("lms-gradebook")
