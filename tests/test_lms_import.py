"""Canvas and Moodle downloads into nbgrader's submitted/ layout, and the zip defences."""
import csv
import io
import json
import pathlib
import zipfile

import nbformat
import pytest

from autograder import course
from autograder.lms import LmsError, intake
from autograder.lms.canvas import CANVAS
from autograder.lms.roster import RosterError, load_roster
from autograder.lms.safezip import ZipLimitError, ZipLimits
from autograder.times import TimeError, zone
from tests.builders import A, WHEN, landed, make_zip, notebook, rows_by, write_roster


def zip_bytes(entries) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in entries:
            z.writestr(zipfile.ZipInfo(name, WHEN), data)
    return buf.getvalue()


@pytest.fixture
def roster(tmp_path):
    return load_roster(write_roster(tmp_path / "roster.csv", [
        {"student_id": "jdoe", "name": "Doe, Jane", "email": "jane@uni.edu", "canvas_id": "123",
         "moodle_participant_id": "5001"},
        {"student_id": "bsmith", "name": "Smith, Bob", "email": "bob@uni.edu", "canvas_id": "124",
         "moodle_participant_id": "5002"},
        {"student_id": "alee", "name": "Lee, Ann", "email": "ann@uni.edu", "canvas_id": "125",
         "moodle_participant_id": "5003"},
        {"student_id": "mkim", "name": "Kim, Min", "email": "min@uni.edu", "canvas_id": "126",
         "moodle_participant_id": "5004"},
    ]))


def canvas(roster):
    return intake.RosterSenders(roster, "canvas_id")


def test_canvas_download_lands_in_nbgrader_layout(tmp_path, roster):
    archive = make_zip(tmp_path / "canvas.zip", [
        ("doejane_123_456_weight_init.ipynb", notebook("jane")),
        ("doejane_123_459_notes.txt", b"my notes"),
        ("smithbob_LATE_124_457_weight_init.ipynb", notebook("bob"), (2025, 3, 3, 9, 30, 0)),
        ("leeann_125_458_weight_init.ipynb", notebook("ann first")),
        ("leeann_125_470_weight_init-1.ipynb", notebook("ann second")),
        ("kimmin_126_461_work.zip", zip_bytes([("__MACOSX/work/._weight_init.ipynb", b"\0\5\26"),
                                               ("work/.ipynb_checkpoints/weight_init-checkpoint.ipynb", b"{}"),
                                               ("work/weight_init.ipynb", notebook("min")),
                                               ("work/data.csv", b"1,2")])),
        ("ghost_999_460_weight_init.ipynb", notebook("ghost")),
        ("anon_Ab3Xy_462_weight_init.ipynb", notebook("anonymous")),
    ])
    into = tmp_path / "course" / "submitted"
    report = intake.import_archive(archive, CANVAS, A, canvas(roster), into)

    assert "jane" in landed(into, "jdoe") and "bob" in landed(into, "bsmith")
    assert "ann second" in landed(into, "alee"), "the resubmission (-1) is the later attempt"
    assert "min" in landed(into, "mkim"), "a notebook inside the student's zip is found"
    assert sorted(p.name for p in into.iterdir()) == ["alee", "bsmith", "jdoe", "mkim"]

    taken = {r.student_id: r for r in report.taken}
    assert taken["bsmith"].late and not taken["jdoe"].late
    skipped = rows_by(report, "skipped")
    assert "not in the roster" in skipped["ghost_999_460_weight_init.ipynb"].reason
    assert "does not say who sent it" in skipped["anon_Ab3Xy_462_weight_init.ipynb"].reason
    assert skipped["doejane_123_459_notes.txt"].reason == "not a notebook"
    assert "earlier attempt" in skipped["leeann_125_458_weight_init.ipynb"].reason
    assert skipped["kimmin_126_461_work.zip!/work/data.csv"].reason == "not a notebook"
    assert skipped["kimmin_126_461_work.zip!/__MACOSX/work/._weight_init.ipynb"].reason == "macOS metadata"
    assert "checkpoint" in skipped["kimmin_126_461_work.zip!/work/.ipynb_checkpoints/weight_init-checkpoint.ipynb"].reason

    assert not list(into.rglob("timestamp.txt")), "Canvas's entry times are when it built the zip"
    assert {r.submitted_at for r in report.rows} == {""}
    written = list(csv.DictReader(open(report.report_path, encoding="utf-8")))
    assert len(written) == len(report.rows) == 11
    assert pathlib.Path(report.report_path).parent == into.parent
    assert "4 taken, 7 skipped, 0 refused" in report.summary()


def test_anonymous_canvas_files_can_be_kept_under_their_anonymous_id(tmp_path, roster):
    # Canvas's ContentZipper puts LATE before anon_<id> (REFERENCE.md, content_zipper.rb#get_filename)
    archive = make_zip(tmp_path / "c.zip", [("LATE_anon_Ab3Xy_462_weight_init.ipynb", notebook("anon late")),
                                            ("anon_Zz9_463_weight_init.ipynb", notebook("anon on time"))])
    report = intake.import_archive(archive, CANVAS, A, canvas(roster), tmp_path / "submitted", keep_anonymous=True)
    assert sorted((r.student_id, r.late) for r in report.taken) == [("anon_Ab3Xy", True), ("anon_Zz9", False)]
    assert "anon late" in landed(tmp_path / "submitted", "anon_Ab3Xy")


def test_canvas_names_after_many_uploads_end_in_a_uuid(tmp_path, roster):
    """After eight files of one name Canvas names the next <name>-<uuid>.<ext>; it is still the
    assignment's notebook, and the latest of them."""
    names = [f"doejane_123_456_weight_init{'' if i == 0 else f'-{i}'}.ipynb" for i in range(9)]
    names.append("doejane_123_456_weight_init-0f8fad5b-d9cb-469f-a165-70867728950e.ipynb")
    archive = make_zip(tmp_path / "c.zip", [(n, notebook(f"copy {i}")) for i, n in enumerate(names)])
    report = intake.import_archive(archive, CANVAS, A, canvas(roster), tmp_path / "submitted")
    assert "copy 9" in landed(tmp_path / "submitted", "jdoe")
    assert [r.entry for r in report.taken] == [names[-1]] and not report.taken[0].reason


def test_unsafe_entries_are_refused_and_the_rest_imported(tmp_path, roster):
    archive = make_zip(tmp_path / "evil.zip", [
        ("../../doejane_123_1_weight_init.ipynb", notebook("climb")),
        ("/etc/doejane_123_2_weight_init.ipynb", notebook("absolute")),
        ("C:\\doejane_123_3_weight_init.ipynb", notebook("drive")),
        ("doejane_123_4_weight_init.ipynb", b"/etc/passwd", WHEN, 0o120777),
        ("smithbob_124_5_weight_init.ipynb", notebook("bob")),
        ("smithbob_124_6_bomb.ipynb", b"\0" * (3 * 2**20)),
    ])
    into = tmp_path / "course" / "submitted"
    report = intake.import_archive(archive, CANVAS, A, canvas(roster), into)
    refused = rows_by(report, "refused")
    assert len(refused) == 5
    assert all("unsafe path" in refused[n].reason for n in refused if "weight_init" in n and "_4_" not in n)
    assert refused["doejane_123_4_weight_init.ipynb"].reason == "symbolic link"
    assert "zip bomb" in refused["smithbob_124_6_bomb.ipynb"].reason
    assert [r.student_id for r in report.taken] == ["bsmith"]
    assert not (into / "jdoe").exists()
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file() and p.suffix == ".ipynb") == [f"{A}.ipynb"]


def test_nesting_depth_and_file_size_are_capped(tmp_path, roster):
    deep = zip_bytes([("inner.zip", zip_bytes([("weight_init.ipynb", notebook("deep"))]))])
    bob = notebook("bob")
    archive = make_zip(tmp_path / "nest.zip", [
        ("doejane_123_7_outer.zip", deep),
        ("smithbob_124_8_weight_init.ipynb", bob + b" " * 5000),
    ])
    report = intake.import_archive(archive, CANVAS, A, canvas(roster), tmp_path / "submitted",
                                   limits=ZipLimits(max_depth=1, max_file_bytes=len(bob) + 1000))
    refused = rows_by(report, "refused")
    assert "nested more than 1 deep" in refused["doejane_123_7_outer.zip!/inner.zip"].reason
    assert "limit per file" in refused["smithbob_124_8_weight_init.ipynb"].reason
    assert report.taken == []


@pytest.mark.parametrize("limits, message", [
    (ZipLimits(max_total_bytes=20_000), "MB unpacked in all"),
    (ZipLimits(max_entries=2), "entries in all"),
])
def test_a_zip_too_big_as_a_whole_changes_nothing(tmp_path, roster, limits, message):
    into = tmp_path / "submitted"
    earlier = into / "jdoe" / A
    earlier.mkdir(parents=True)
    (earlier / f"{A}.ipynb").write_bytes(b"earlier import")
    archive = make_zip(tmp_path / "big.zip", [
        ("doejane_123_1_weight_init.ipynb", notebook("j") + b" " * 30_000),
        ("smithbob_124_2_weight_init.ipynb", notebook("b")),
        ("leeann_125_3_weight_init.ipynb", notebook("a")),
    ])
    with pytest.raises(ZipLimitError, match=message):
        intake.import_archive(archive, CANVAS, A, canvas(roster), into, limits=limits)
    assert (earlier / f"{A}.ipynb").read_bytes() == b"earlier import"
    assert sorted(p.name for p in into.iterdir()) == ["jdoe"]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith((".import-", "import-"))]


def test_a_canvas_reimport_replaces_and_drops_a_stale_time(tmp_path, roster):
    folder = tmp_path / "submitted" / "jdoe" / A
    folder.mkdir(parents=True)
    (folder / f"{A}.ipynb").write_bytes(b"from an earlier import")
    (folder / "timestamp.txt").write_text("2030-01-01 00:00:00.000000 UTC")
    archive = make_zip(tmp_path / "c.zip", [("doejane_123_456_weight_init.ipynb", notebook("canvas"))])
    intake.import_archive(archive, CANVAS, A, canvas(roster), tmp_path / "submitted")
    assert "canvas" in landed(tmp_path / "submitted", "jdoe")
    assert not (folder / "timestamp.txt").exists(), "that time belonged to the replaced file"


def test_bad_inputs_raise_clear_errors(tmp_path, roster):
    not_zip = tmp_path / "x.zip"
    not_zip.write_text("hello")
    with pytest.raises(LmsError, match="not a readable zip"):
        intake.import_archive(not_zip, CANVAS, A, canvas(roster), tmp_path / "s")
    archive = make_zip(tmp_path / "c.zip", [("doejane_123_456_weight_init.ipynb", notebook("x"))])
    with pytest.raises(ValueError, match="unknown assignment"):
        intake.import_archive(archive, CANVAS, "nope", canvas(roster), tmp_path / "s")
    with pytest.raises(TimeError, match="unknown time zone"):
        zone("Mars/Olympus")
    no_canvas = load_roster(write_roster(tmp_path / "r.csv", [{"student_id": "jdoe"}]))
    with pytest.raises(RosterError, match="no canvas_id column"):
        intake.import_archive(archive, CANVAS, A, canvas(no_canvas), tmp_path / "s")


@pytest.mark.parametrize("rows, message", [
    ([{"id": "x"}], "no student_id column"),
    ([{"student_id": "../etc"}], "not a usable folder name"),
    ([{"student_id": "a", "canvas_id": "1"}, {"student_id": "b", "canvas_id": "1"}], "belongs to both a and b"),
])
def test_roster_mistakes_are_named(tmp_path, rows, message):
    with pytest.raises(RosterError, match=message):
        load_roster(write_roster(tmp_path / "r.csv", rows))


def test_roster_headers_are_forgiving_and_blank_ids_match_nothing(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("\ufeffStudent ID,Canvas ID,Notes\njdoe,123,keen\nbsmith,,\n", encoding="utf-8")
    roster = load_roster(path)
    assert roster.find("canvas_id", "123").student_id == "jdoe"
    assert roster.find("canvas_id", "") is None
    assert "canvas_id" in roster.columns and "lti_user_id" not in roster.columns


def test_names_for_the_assignment_beat_other_notebooks():
    assert intake.named_for("weight_init-2.ipynb", A)
    assert intake.named_for("folder/Weight_Init (3).ipynb", A)
    assert not intake.named_for("weight_init_v2.ipynb", A)
    assert json.loads(notebook("x"))["nbformat"] == 4
