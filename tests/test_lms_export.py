"""Grades out: the late penalty, Canvas's gradebook CSV, Moodle's worksheet, nbgrader's columns."""
import csv
import datetime as dt
import io

import pytest

from autograder.lms import LmsError
from autograder.lms.canvas import gradebook_csv
from autograder.lms.moodle import worksheet_csv
from autograder.lms.nbgrader_csv import COLUMNS as NBGRADER_COLUMNS, export_csv
from autograder.lms.roster import Person, Roster
from autograder.lms.scores import LatePolicy, final_score
from autograder.times import TimeError, parse_due

from tests.builders import A, result_of
DUE = dt.datetime(2025, 3, 1, 23, 59, tzinfo=dt.timezone.utc)


def people(*rows: dict) -> Roster:
    found = tuple(Person(**r) for r in rows)
    return Roster(found, frozenset(k for r in rows for k in r), "test roster")


ROSTER = people(
    {"student_id": "jdoe", "name": "Doe, Jane", "email": "jane@uni.edu", "canvas_id": "123", "sis_id": "S1",
     "sis_login_id": "jdoe", "section": "A", "moodle_participant_id": "5001"},
    {"student_id": "bsmith", "name": "Smith, Bob", "email": "bob@uni.edu", "canvas_id": "124", "sis_id": "S2",
     "sis_login_id": "bsmith", "section": "B", "moodle_participant_id": "5002"},
    {"student_id": "alee", "name": "Lee, Ann", "email": "ann@uni.edu", "canvas_id": "", "section": "A"},
    {"student_id": "mkim", "name": "Kim, Min", "canvas_id": "126", "moodle_participant_id": "5004"},
)

RESULTS = [
    result_of("jdoe", {"relu": 4.0, "he_init": 6.0}, submitted_at="2025-03-01 20:00:00.000000 UTC"),
    # 2 days and a bit late
    result_of("bsmith", {"relu": 4.0, "he_init": 3.0}, submitted_at="2025-03-03 23:59:30.000000 UTC", late=True),
    result_of("alee", {"relu": 0.0, "he_init": 6.0}),
    result_of("ghost", {"relu": 1.0, "he_init": 1.0}),
]


def test_late_penalty_counts_started_days_and_respects_the_cap():
    bob = RESULTS[1]
    assert final_score(bob, LatePolicy(DUE, 10)).days_late == 3
    assert final_score(bob, LatePolicy(DUE, 10)).score == 4.9  # 7 points less 30%
    assert final_score(bob, LatePolicy(DUE, 10, cap_percent=20)).score == 5.6
    assert final_score(bob, LatePolicy(DUE, 10, grace=dt.timedelta(minutes=1))).days_late == 2
    assert final_score(bob, LatePolicy(DUE, 0)).score == 7.0
    assert final_score(bob, LatePolicy(DUE, 100)).score == 0.0
    assert final_score(RESULTS[0], LatePolicy(DUE, 10)).penalty_percent == 0


def test_late_flag_counts_only_when_there_is_no_time():
    flagged = result_of("x", {"relu": 4.0, "he_init": 6.0}, late=True)
    assert final_score(flagged, LatePolicy(DUE, 25)).score == 7.5
    extension = result_of("y", {"relu": 4.0, "he_init": 6.0}, submitted_at="2025-03-01T23:00:00+00:00", late=True)
    assert final_score(extension, LatePolicy(DUE, 25)).penalty_percent == 0


@pytest.mark.parametrize("kwargs, message", [
    ({"percent_per_day": 120}, "between 0 and 100"),
    ({"percent_per_day": 10, "due": None}, "needs the due date"),
    ({"grace": dt.timedelta(minutes=-5)}, "cannot be negative"),
])
def test_bad_policies_are_refused(kwargs, message):
    with pytest.raises(LmsError, match=message):
        LatePolicy(**{"due": DUE, **kwargs})


def test_due_dates_must_carry_a_zone():
    assert parse_due("2025-03-01T23:59+09:00") == dt.datetime(2025, 3, 1, 14, 59, tzinfo=dt.timezone.utc)
    with pytest.raises(TimeError, match="no time zone"):
        parse_due("2025-03-01T23:59")
    with pytest.raises(TimeError, match="not an ISO 8601"):
        parse_due("next friday")


def rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_canvas_gradebook_csv_is_what_the_importer_expects():
    export = gradebook_csv(A, RESULTS, ROSTER, "4021", "Weight init, part 1", LatePolicy(DUE, 10))
    table = rows(export.text)
    assert table[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "Weight init, part 1 (4021)"]
    assert table[1] == ["    Points Possible", "", "", "", "", "10"]
    assert table[2:] == [["Smith, Bob", "124", "S2", "bsmith", "B", "4.9"],
                         ["Doe, Jane", "123", "S1", "jdoe", "A", "10"]]
    assert dict(export.left_out) == {"alee": "no canvas_id in the roster", "ghost": "not in the roster",
                                     "mkim": "no graded submission"}
    assert export.note == "", "everyone exported has a submission time"


def test_canvas_scores_rescale_to_the_points_possible():
    table = rows(gradebook_csv(A, RESULTS, ROSTER, "4021", "W", LatePolicy(DUE, 10), points_possible=20).text)
    assert table[1][-1] == "20" and [r[-1] for r in table[2:]] == ["9.8", "20"]
    with pytest.raises(LmsError, match="number in the assignment's URL"):
        gradebook_csv(A, RESULTS, ROSTER, "weight_init", "W")


def test_results_that_disagree_on_the_maximum_are_not_exported():
    mixed = RESULTS + [result_of("mkim", {"relu": 1.0}, top={"relu": 4.0})]
    with pytest.raises(LmsError, match="disagree on the maximum"):
        gradebook_csv(A, mixed, ROSTER, "1", "W")
    with pytest.raises(LmsError, match="no graded results"):
        gradebook_csv("dropout", RESULTS, ROSTER, "1", "W")


def test_moodle_worksheet_built_from_the_roster():
    now = dt.datetime(2025, 3, 10, 12, 0, tzinfo=dt.timezone.utc)
    export = worksheet_csv(A, RESULTS, ROSTER, LatePolicy(DUE, 10), now=now)
    table = list(csv.DictReader(io.StringIO(export.text)))
    assert [(r["Identifier"], r["Grade"], r["Last modified (grade)"]) for r in table] == [
        ("Participant 5002", "4.9", "2025-03-10T12:00:00+00:00"),
        ("Participant 5001", "10", "2025-03-10T12:00:00+00:00")]
    assert "3 days late: -30%, final 4.9" in table[0]["Feedback comments"]
    assert "relu 4/4, he_init 3/6" in table[0]["Feedback comments"]


def test_moodle_worksheet_downloaded_from_moodle_is_filled_in(tmp_path):
    sheet = tmp_path / "worksheet.csv"
    sheet.write_text(
        "Identifier,Full name,Email address,Status,Grade,Maximum Grade,Grade can be changed,Last modified (grade)\n"
        "Participant 5001,Jane Doe,jane@uni.edu,Submitted,,20.00,Yes,-\n"
        "Participant 5004,Min Kim,min@uni.edu,No submission,,20.00,Yes,-\n", encoding="utf-8")
    export = worksheet_csv(A, RESULTS, ROSTER, LatePolicy(DUE, 10), worksheet=sheet)
    table = list(csv.DictReader(io.StringIO(export.text)))
    assert list(table[0]) == ["Identifier", "Full name", "Email address", "Status", "Grade", "Maximum Grade",
                              "Grade can be changed", "Last modified (grade)"]
    assert (table[0]["Grade"], table[0]["Maximum Grade"]) == ("20", "20"), "rescaled to Moodle's maximum"
    assert table[1]["Grade"] == "" and table[1]["Last modified (grade)"] == "-", "no result: row untouched"
    assert ("bsmith", "not in the worksheet (matched by e-mail)") in export.left_out, "the worksheet's ids count"
    bad = tmp_path / "bad.csv"
    bad.write_text("Identifier,Grade\n", encoding="utf-8")
    with pytest.raises(LmsError, match="Last modified"):
        worksheet_csv(A, RESULTS, ROSTER, worksheet=bad)


def test_nbgrader_columns_with_the_same_penalty():
    export = export_csv(A, RESULTS, ROSTER, LatePolicy(DUE, 10))
    table = list(csv.DictReader(io.StringIO(export.text)))
    assert list(table[0]) == NBGRADER_COLUMNS
    bob = next(r for r in table if r["student_id"] == "bsmith")
    assert (bob["last_name"], bob["first_name"], bob["raw_score"], bob["late_submission_penalty"], bob["score"]) == (
        "Smith", "Bob", "7", "2.1", "4.9")
    assert bob["duedate"] == "2025-03-01 23:59:00.000000 UTC"
    assert {r["student_id"] for r in table} == {"jdoe", "bsmith", "alee"}, "only the roster's students"
    assert ("ghost", "not in the roster") in export.left_out
    assert export.note.startswith("1 results have no submission time") and export.note.endswith("alee")
    assert export_csv(A, RESULTS, ROSTER).note == "", "no penalty, nothing to warn about"


def test_every_export_reports_the_same_final_score():
    policy = LatePolicy(DUE, 15, cap_percent=40)
    canvas = {r[1]: r[-1] for r in rows(gradebook_csv(A, RESULTS, ROSTER, "1", "W", policy).text)[2:]}
    moodle = {r["Identifier"]: r["Grade"] for r in csv.DictReader(io.StringIO(worksheet_csv(A, RESULTS, ROSTER, policy).text))}
    nbg = {r["student_id"]: r["score"] for r in csv.DictReader(io.StringIO(export_csv(A, RESULTS, ROSTER, policy).text))}
    assert canvas["124"] == moodle["Participant 5002"] == nbg["bsmith"] == "4.2"


@pytest.mark.parametrize("title", ["Final Score check", "Unposted Current Points", "Week 3 Override Status",
                                   "My Current Grade"])
def test_a_canvas_title_its_importer_would_drop_is_refused(title):
    """gradebook_importer.rb's strip_non_assignment_columns drops these columns without a word."""
    with pytest.raises(LmsError, match="silently drops"):
        gradebook_csv(A, RESULTS, ROSTER, "1", title)
    assert gradebook_csv(A, RESULTS, ROSTER, "1", "Final project: scores").text  # other words are fine
