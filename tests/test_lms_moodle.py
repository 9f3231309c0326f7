"""Moodle downloads and grading worksheets, built the way Moodle's own code builds them.

* "Download all submissions" goes through ZipStream without a time: every entry carries the
  moment of the download (DOWNLOADED below), never the submission's.
* Folders are `<Full Name>_<participant id>_assignsubmission_file/`, or
  `<group name>_<group id>_assignsubmission_file/` in a team assignment, or
  `Participant_<id>_...` under blind marking.
* The grading worksheet is in the downloading teacher's language (English "Identifier",
  "Participant 5001"; Korean "식별자", "참가자5001"), and its times are userdate() strings in that
  teacher's time zone, without the zone.
"""
import csv
import datetime as dt
import io

import pytest

from autograder.lms import LmsError, intake
from autograder.lms.moodle import MOODLE, MoodleSenders, parse_moodle_time, read_worksheet, worksheet_csv
from autograder.lms.roster import RosterError, load_roster
from autograder.times import parse_time, zone
from tests.builders import A, landed, make_zip, notebook, result_of, rows_by, write_roster

SEOUL = zone("Asia/Seoul")
DOWNLOADED = (2025, 3, 9, 18, 30, 0)  # what ZipStream stamps on every entry
DUE = dt.datetime(2025, 3, 1, 23, 59, tzinfo=SEOUL)

ENGLISH = ["Identifier", "Full name", "Email address", "Status", "Grade", "Maximum Grade", "Grade can be changed",
           "Last modified (submission)", "Last modified (grade)", "Feedback comments"]
KOREAN = ["식별자", "이름", "이메일 주소", "상태", "성적", "최대 성적", "성적 변경 가능", "마지막 수정됨(제출)",
          "마지막 수정됨(성적)", "피드백 코멘트"]


def worksheet(path, header, rows):
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def english_sheet(tmp_path, rows=None):
    return worksheet(tmp_path / "worksheet.csv", ENGLISH, rows or [
        ["Participant 5001", "Jane Doe", "jane@uni.edu", "Submitted for grading", "", "100.00", "Yes",
         "Saturday, 1 March 2025, 9:15 PM", "-", ""],
        ["Participant 5002", "Bob Smith", "bob@uni.edu", "Submitted for grading", "", "100.00", "Yes",
         "Monday, 3 March 2025, 10:00 AM", "-", ""],
        ["Participant 5003", "Ann Lee", "ann@uni.edu", "No submission", "", "100.00", "Yes", "-", "-", ""],
    ])


@pytest.fixture
def roster(tmp_path):
    return load_roster(write_roster(tmp_path / "roster.csv", [
        {"student_id": "jdoe", "name": "Doe, Jane", "email": "jane@uni.edu"},
        {"student_id": "bsmith", "name": "Smith, Bob", "email": "bob@uni.edu"},
        {"student_id": "alee", "name": "Lee, Ann", "email": "ann@uni.edu"},
    ]))


def download(tmp_path, folders):
    return make_zip(tmp_path / "moodle.zip", [(f"{f}_assignsubmission_file/{name}", notebook(marker), DOWNLOADED)
                                              for f, name, marker in folders])


def test_submission_times_come_from_the_worksheet_not_the_zip(tmp_path, roster):
    """A student who submitted on time is not late because the teacher downloaded later."""
    from nbgrader.utils import parse_utc

    archive = download(tmp_path, [("Jane Doe_5001", "weight_init.ipynb", "jane"),
                                  ("Bob Smith_5002", "weight_init.ipynb", "bob")])
    senders = MoodleSenders(roster, read_worksheet(english_sheet(tmp_path)), SEOUL)
    into = tmp_path / "submitted"
    report = intake.import_archive(archive, MOODLE, A, senders, into, due=DUE)
    taken = {r.student_id: r for r in report.taken}
    assert not taken["jdoe"].late and taken["bsmith"].late
    assert parse_utc((into / "jdoe" / A / "timestamp.txt").read_text()) == dt.datetime(2025, 3, 1, 12, 15)
    assert parse_time((into / "bsmith" / A / "timestamp.txt").read_text()) == dt.datetime(2025, 3, 3, 10, 0,
                                                                                           tzinfo=SEOUL)


def test_without_a_worksheet_nobody_is_late_and_the_report_says_why(tmp_path):
    roster = load_roster(write_roster(tmp_path / "r.csv", [
        {"student_id": "jdoe", "name": "Doe, Jane", "moodle_participant_id": "5001"}]))
    archive = download(tmp_path, [("Jane Doe_5001", "weight_init.ipynb", "jane")])
    report = intake.import_archive(archive, MOODLE, A, MoodleSenders(roster), tmp_path / "submitted", due=DUE)
    assert [(r.student_id, r.late, r.submitted_at) for r in report.taken] == [("jdoe", False, "")]
    assert not (tmp_path / "submitted" / "jdoe" / A / "timestamp.txt").exists()
    assert "the time of the download" in report.summary() and "--worksheet" in report.summary()


def test_a_worksheet_with_times_needs_the_teachers_time_zone(tmp_path, roster):
    with pytest.raises(LmsError, match="--timezone"):
        MoodleSenders(roster, read_worksheet(english_sheet(tmp_path)))


def test_a_korean_worksheet_is_read_and_filled_in_in_korean(tmp_path, roster):
    sheet = worksheet(tmp_path / "ko.csv", KOREAN, [
        ["참가자5001", "Jane Doe", "jane@uni.edu", "채점을 위해 제출됨", "", "100.00", "예",
         "2025년 3월 1일 토요일 오후 9:15", "-", ""],
        ["참가자5002", "Bob Smith", "bob@uni.edu", "채점을 위해 제출됨", "", "100.00", "예",
         "2025년 3월 3일 월요일 오전 10:00", "-", ""],
    ])
    archive = download(tmp_path, [("Jane Doe_5001", "weight_init.ipynb", "jane"),
                                  ("Bob Smith_5002", "weight_init.ipynb", "bob")])
    parsed = read_worksheet(sheet)
    assert (parsed.words.language, parsed.submitted_column) == ("Korean", "마지막 수정됨(제출)")
    report = intake.import_archive(archive, MOODLE, A, MoodleSenders(roster, parsed, SEOUL), tmp_path / "s", due=DUE)
    assert {r.student_id: r.late for r in report.taken} == {"jdoe": False, "bsmith": True}

    results = [result_of("jdoe", {"relu": 4.0, "he_init": 6.0}), result_of("bsmith", {"relu": 4.0, "he_init": 1.0})]
    now = dt.datetime(2025, 3, 10, 3, 0, tzinfo=dt.timezone.utc)
    export = worksheet_csv(A, results, roster, worksheet=sheet, now=now)
    table = list(csv.DictReader(io.StringIO(export.text)))
    assert list(table[0]) == KOREAN, "Moodle finds its columns by their names in the uploader's language"
    assert [(r["식별자"], r["성적"], r["마지막 수정됨(성적)"]) for r in table] == [
        ("참가자5001", "100", "2025-03-10T03:00:00+00:00"), ("참가자5002", "50", "2025-03-10T03:00:00+00:00")]


def test_a_worksheet_in_another_language_is_refused_with_the_columns_expected(tmp_path, roster):
    sheet = worksheet(tmp_path / "de.csv", ["Kennung", "Vollständiger Name", "Bewertung",
                                            "Zuletzt geändert (Bewertung)"], [["Teilnehmer/in 5001", "Jane Doe", "", "-"]])
    with pytest.raises(LmsError) as refused:
        read_worksheet(sheet)
    assert "'Identifier', 'Grade' and 'Last modified (grade)'" in str(refused.value)
    assert "'식별자', '성적' and '마지막 수정됨(성적)'" in str(refused.value)


def test_a_blind_marking_worksheet_works_through_the_roster(tmp_path):
    roster = load_roster(write_roster(tmp_path / "r.csv", [
        {"student_id": "jdoe", "moodle_participant_id": "5001"}, {"student_id": "bsmith", "moodle_participant_id": "5002"}]))
    sheet = worksheet(tmp_path / "blind.csv", ["Identifier", "Status", "Grade", "Maximum Grade",
                                               "Last modified (submission)", "Last modified (grade)"], [
        ["Participant 5001", "Submitted for grading", "", "10.00", "Friday, 28 February 2025, 8:00 AM", "-"],
        ["Participant 5002", "Submitted for grading", "", "10.00", "Friday, 28 February 2025, 9:00 AM", "-"]])
    archive = download(tmp_path, [("Participant_5001", "weight_init.ipynb", "anonymous one")])
    report = intake.import_archive(archive, MOODLE, A, MoodleSenders(roster, read_worksheet(sheet), SEOUL),
                                   tmp_path / "s")
    assert [r.student_id for r in report.taken] == ["jdoe"]
    export = worksheet_csv(A, [result_of("jdoe", {"relu": 4.0, "he_init": 6.0})], roster, worksheet=sheet)
    assert list(csv.DictReader(io.StringIO(export.text)))[0]["Grade"] == "10"
    without_ids = load_roster(write_roster(tmp_path / "r2.csv", [{"student_id": "jdoe", "email": "j@uni.edu"}]))
    with pytest.raises(RosterError, match="moodle_participant_id"):
        MoodleSenders(without_ids, read_worksheet(sheet), SEOUL)


def test_a_team_folder_is_filed_for_every_member_and_never_for_a_namesake(tmp_path, roster):
    """In a team assignment the number is the group's id: here 5002, which is also Bob's participant id."""
    archive = download(tmp_path, [("Team Alpha_5002", "weight_init.ipynb", "team alpha's")])
    refused = intake.import_archive(archive, MOODLE, A, MoodleSenders(roster, read_worksheet(english_sheet(tmp_path)),
                                                                       SEOUL), tmp_path / "s")
    assert refused.taken == [] and not (tmp_path / "s" / "bsmith").exists()
    assert "a team submission" in rows_by(refused, "skipped")["Team Alpha_5002_assignsubmission_file/weight_init.ipynb"].reason

    teams = load_roster(write_roster(tmp_path / "teams.csv", [
        {"student_id": "jdoe", "email": "jane@uni.edu", "moodle_group": "Team Alpha"},
        {"student_id": "bsmith", "email": "bob@uni.edu", "moodle_group": "Team Beta"},
        {"student_id": "alee", "email": "ann@uni.edu", "moodle_group": "Team Alpha"}]))
    report = intake.import_archive(archive, MOODLE, A, MoodleSenders(teams, read_worksheet(english_sheet(tmp_path)),
                                                                     SEOUL), tmp_path / "t")
    assert sorted(r.student_id for r in report.taken) == ["alee", "jdoe"]
    assert "team alpha's" in landed(tmp_path / "t", "jdoe") and "team alpha's" in landed(tmp_path / "t", "alee")
    assert not (tmp_path / "t" / "bsmith").exists()


def test_a_worksheet_group_column_files_a_team_folder(tmp_path, roster):
    sheet = worksheet(tmp_path / "team.csv", ["Identifier", "Full name", "Email address", "Group", "Grade",
                                              "Last modified (submission)", "Last modified (grade)"], [
        ["Participant 5001", "Jane Doe", "jane@uni.edu", "Team_Alpha", "", "Friday, 28 February 2025, 8:00 AM", "-"],
        ["Participant 5002", "Bob Smith", "bob@uni.edu", "Team Beta", "", "-", "-"],
        ["Participant 5003", "Ann Lee", "ann@uni.edu", "Team_Alpha", "", "Friday, 28 February 2025, 8:00 AM", "-"]])
    archive = download(tmp_path, [("Team Alpha_88", "weight_init.ipynb", "alpha")])
    report = intake.import_archive(archive, MOODLE, A, MoodleSenders(roster, read_worksheet(sheet), SEOUL),
                                   tmp_path / "s", due=DUE)
    assert sorted((r.student_id, r.late) for r in report.taken) == [("alee", False), ("jdoe", False)]


def test_folder_and_flat_modes_both_land(tmp_path, roster):
    archive = make_zip(tmp_path / "m.zip", [
        ("Jane Doe_5001_assignsubmission_file/weight_init.ipynb", notebook("jane"), DOWNLOADED),
        ("Bob Smith_5002_assignsubmission_file_weight_init.ipynb", notebook("bob"), DOWNLOADED),
        ("Ann Lee_5003_assignsubmission_file/scratch/Untitled.ipynb", notebook("ann"), DOWNLOADED),
        ("Jane Doe_5001_assignsubmission_onlinetext_onlinetext.html", b"<p>hi</p>", DOWNLOADED),
        ("Nobody_7777_assignsubmission_file/weight_init.ipynb", notebook("nobody"), DOWNLOADED),
    ])
    report = intake.import_archive(archive, MOODLE, A, MoodleSenders(roster, read_worksheet(english_sheet(tmp_path)),
                                                                     SEOUL), tmp_path / "s")
    assert {r.student_id for r in report.taken} == {"jdoe", "bsmith", "alee"}
    assert "Untitled.ipynb saved as weight_init.ipynb" in {r.student_id: r for r in report.taken}["alee"].reason
    skipped = rows_by(report, "skipped")
    assert "not in the grading worksheet" in skipped["Nobody_7777_assignsubmission_file/weight_init.ipynb"].reason
    assert skipped["Jane Doe_5001_assignsubmission_onlinetext_onlinetext.html"].reason == "not a notebook"


def test_a_later_submission_already_in_place_is_kept(tmp_path, roster):
    into = tmp_path / "submitted"
    folder = into / "jdoe" / A
    folder.mkdir(parents=True)
    (folder / f"{A}.ipynb").write_bytes(b"newer")
    (folder / "timestamp.txt").write_text("2025-03-05 08:00:00.000000 UTC")
    archive = download(tmp_path, [("Jane Doe_5001", "weight_init.ipynb", "older")])
    senders = MoodleSenders(roster, read_worksheet(english_sheet(tmp_path)), SEOUL)
    report = intake.import_archive(archive, MOODLE, A, senders, into)
    assert (folder / f"{A}.ipynb").read_bytes() == b"newer"
    assert "already holds a later submission" in report.rows[0].reason


@pytest.mark.parametrize("text, expected", [
    ("Saturday, 1 March 2025, 9:15 PM", dt.datetime(2025, 3, 1, 21, 15)),
    ("2025년 3월 1일 토요일 오후 9:15", dt.datetime(2025, 3, 1, 21, 15)),
    ("2025년 3월 1일 토요일 오전 12:05", dt.datetime(2025, 3, 1, 0, 5)),
    ("2025년 3월 1일 토요일 오후 12:05", dt.datetime(2025, 3, 1, 12, 5)),
    ("-", None), ("", None), ("not a time", None),
])
def test_moodle_times_are_read_in_the_teachers_zone(text, expected):
    got = parse_moodle_time(text, SEOUL)
    assert got == (expected.replace(tzinfo=SEOUL) if expected else None)


def test_an_uneven_worksheet_is_refused_as_moodle_would(tmp_path):
    sheet = tmp_path / "bad.csv"
    sheet.write_text("Identifier,Grade,Last modified (grade)\nParticipant 1,5,-\nParticipant 2,5\n", encoding="utf-8")
    with pytest.raises(LmsError, match="row 3 has 2 fields"):
        read_worksheet(sheet)
