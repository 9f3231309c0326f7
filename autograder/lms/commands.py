"""The LMS subcommands of `autograder`; each is a thin wrapper over a library call.

autograder/cli.py calls register(subparsers); every subcommand sets `func`, which
takes the parsed arguments and returns the exit status.  `python -m autograder.lms`
offers the same subcommands on their own (Gradescope's run_autograder uses it).
A mistake the user can fix (a bad zip, a missing roster column, an unknown
assignment, an unreadable file) prints one line and exits with status 2.
"""
from __future__ import annotations

import argparse
import datetime as dt
import functools
import os
import pathlib
import sys

from . import LmsError, canvas, gradescope, intake, moodle, nbgrader_csv
from .roster import load_roster
from .safezip import MB, ZipLimits
from ..times import parse_due, zone
from .scores import LatePolicy
from .. import course
from ..record import atomic_write, load_results


def _friendly(handler):
    name = handler.__name__.replace("_", "-")

    @functools.wraps(handler)
    def run(args) -> int:
        try:
            return handler(args)
        except (LmsError, course.CourseError) as exc:
            print(f"autograder {name}: {exc}", file=sys.stderr)
        except OSError as exc:
            print(f"autograder {name}: {exc.strerror or exc}: {exc.filename or ''}", file=sys.stderr)
        return 2

    return run


def _policy(args) -> LatePolicy:
    due = parse_due(args.due) if args.due else None
    return LatePolicy(due, args.late_penalty, args.late_cap, dt.timedelta(minutes=args.grace_minutes))


def _limits(args) -> ZipLimits:
    return ZipLimits(max_entries=args.max_entries, max_total_bytes=int(args.max_total_mb * MB),
                     max_file_bytes=int(args.max_file_mb * MB), max_ratio=args.max_ratio, max_depth=args.max_depth)


def _late_options(p: argparse.ArgumentParser):
    g = p.add_argument_group("late penalty (the same rule in every export)")
    g.add_argument("--due", help="due date with its time zone, e.g. 2025-03-01T23:59+09:00")
    g.add_argument("--late-penalty", type=float, default=0.0, metavar="PCT",
                   help="percent of the score taken per started day late (default 0: none; 100: zero)")
    g.add_argument("--late-cap", type=float, default=100.0, metavar="PCT", help="most percent taken (default 100)")
    g.add_argument("--grace-minutes", type=float, default=0.0, help="minutes after the due date still on time")


def _import_options(p: argparse.ArgumentParser):
    p.add_argument("zip", type=pathlib.Path, help="the LMS's bulk download")
    p.add_argument("--assignment", required=True, help=f"one of: {', '.join(course.ASSIGNMENTS)}")
    p.add_argument("--roster", required=True, type=pathlib.Path, help="roster CSV (see docs/lms.md)")
    p.add_argument("--into", type=pathlib.Path, default=pathlib.Path("submitted"),
                   help="nbgrader's submitted/ folder (default: ./submitted)")
    d = ZipLimits()
    g = p.add_argument_group("limits on the zip")
    g.add_argument("--max-total-mb", type=float, default=d.max_total_bytes / MB)
    g.add_argument("--max-file-mb", type=float, default=d.max_file_bytes / MB)
    g.add_argument("--max-ratio", type=float, default=d.max_ratio, help="largest unpacked/packed size of a file")
    g.add_argument("--max-entries", type=int, default=d.max_entries)
    g.add_argument("--max-depth", type=int, default=d.max_depth, help="how deep zips may nest in the download")


def _export_options(p: argparse.ArgumentParser):
    from ..cli import add_course_options

    p.add_argument("assignment")
    add_course_options(p, "results")
    p.add_argument("--roster", required=True, type=pathlib.Path)
    p.add_argument("--allow-pending-manual", action="store_true",
                   help="publish even though some written answers are not graded yet (they count 0)")
    _late_options(p)


@_friendly
def import_canvas(args) -> int:
    senders = intake.RosterSenders(load_roster(args.roster), "canvas_id")
    report = intake.import_archive(args.zip, canvas.CANVAS, args.assignment, senders, args.into,
                                   limits=_limits(args), keep_anonymous=args.keep_anonymous)
    print(report.summary())
    return 0


@_friendly
def import_moodle(args) -> int:
    sheet = moodle.read_worksheet(args.worksheet) if args.worksheet else None
    senders = moodle.MoodleSenders(load_roster(args.roster), sheet, zone(args.timezone) if args.timezone else None)
    report = intake.import_archive(args.zip, moodle.MOODLE, args.assignment, senders, args.into,
                                   limits=_limits(args), due=parse_due(args.due) if args.due else None)
    print(report.summary())
    return 0


def _write(export, out: pathlib.Path, what: str) -> int:
    atomic_write(out, export.text)
    print(export.summary(f"{what} written to {out}"))
    return 0


def _results(args):
    """The assignment's results, with the formgrader's manual grades in them."""
    from ..cli import layout_of
    from ..gradebook import with_manual_grades

    assignment = course.check_assignment(args.assignment)
    layout = layout_of(args)
    results = load_results(layout.results, assignment) if layout.results.is_dir() else []
    if not results:
        raise LmsError(f"no {assignment} results (<student>/{assignment}/result.json) under {layout.results}")
    note = with_manual_grades(layout, results, publishing=True, allow_pending=args.allow_pending_manual)
    if note:
        print(f"note: {note}", file=sys.stderr)
    return results


@_friendly
def export_canvas(args) -> int:
    export = canvas.gradebook_csv(args.assignment, _results(args), load_roster(args.roster), args.assignment_id,
                                  args.title or args.assignment, _policy(args), args.points_possible)
    return _write(export, args.out, "Canvas gradebook CSV")


@_friendly
def export_moodle(args) -> int:
    export = moodle.worksheet_csv(args.assignment, _results(args), load_roster(args.roster), _policy(args),
                                  args.max_grade, args.worksheet)
    return _write(export, args.out, "Moodle grading worksheet")


@_friendly
def export_nbgrader(args) -> int:
    export = nbgrader_csv.export_csv(args.assignment, _results(args), load_roster(args.roster), _policy(args))
    return _write(export, args.out, "nbgrader-style grades CSV")


@_friendly
def gradescope_zip(args) -> int:
    out = gradescope.build_zip(args.assignment, args.out, args.course_root, args.late_penalty, args.late_cap,
                               args.grace_minutes)
    print(f"Gradescope autograder for {args.assignment} written to {out}")
    return 0


@_friendly
def gradescope_run(args) -> int:
    doc = gradescope.run(args.root)
    print(f"results.json written: {doc['score']:g} points")
    return 0


@_friendly
def lti_publish(args) -> int:
    from ..cli import layout_of

    try:  # its packages (pylti1p3, cryptography, requests) load only for this command
        from . import lti
    except ModuleNotFoundError as exc:
        raise LmsError(f"lti-publish needs the Python package {exc.name.split('.')[0]!r}: install the requirements "
                       "(pip install -r requirements.txt)") from None
    record = layout_of(args).results / f"lti-{args.assignment}.json"
    given = {"timeout": args.timeout, "attempts": args.attempts}
    patience = lti.Patience(**{k: v for k, v in given.items() if v is not None})
    report = lti.publish(args.assignment, _results(args), load_roster(args.roster), lti.load_config(args.config),
                         _policy(args), args.lineitem, patience=patience, record=record, resend=args.resend)
    print(report.summary())
    print(f"record of what landed: {record}")
    return 1 if report.failed else 0


def register(subparsers) -> None:
    """Add the LMS subcommands to the `autograder` command's subparsers."""
    p = subparsers.add_parser("import-canvas", help="unpack a Canvas 'Download Submissions' zip into submitted/")
    _import_options(p)
    p.add_argument("--keep-anonymous", action="store_true",
                   help="import anonymous-grading files under their anon_<id> as the student id")
    p.set_defaults(func=import_canvas)

    p = subparsers.add_parser("import-moodle", help="unpack a Moodle 'Download all submissions' zip into submitted/")
    _import_options(p)
    p.add_argument("--worksheet", type=pathlib.Path,
                   help="the assignment's grading worksheet (English or Korean): who each participant is, and "
                        "when they submitted (without it, no time is known and nobody is late)")
    p.add_argument("--timezone", help="the time zone of the worksheet's times: your Moodle profile's, e.g. Asia/Seoul")
    p.add_argument("--due", help="due date with its time zone, to flag late submissions")
    p.set_defaults(func=import_moodle)

    p = subparsers.add_parser("export-canvas", help="write a Canvas gradebook CSV for one assignment")
    _export_options(p)
    p.add_argument("--assignment-id", required=True, help="the Canvas assignment's id (in its URL)")
    p.add_argument("--title", help="the Canvas assignment's title (default: the assignment name)")
    p.add_argument("--points-possible", type=float, help="rescale to the Canvas assignment's points")
    p.add_argument("--out", required=True, type=pathlib.Path)
    p.set_defaults(func=export_canvas)

    p = subparsers.add_parser("export-moodle", help="write a Moodle offline grading worksheet")
    _export_options(p)
    p.add_argument("--worksheet", type=pathlib.Path, help="Moodle's downloaded worksheet, to fill in")
    p.add_argument("--max-grade", type=float, help="rescale to the Moodle assignment's maximum grade")
    p.add_argument("--out", required=True, type=pathlib.Path)
    p.set_defaults(func=export_moodle)

    p = subparsers.add_parser("export-nbgrader", help="nbgrader's export columns, with this late penalty")
    _export_options(p)
    p.add_argument("--out", required=True, type=pathlib.Path)
    p.set_defaults(func=export_nbgrader)

    p = subparsers.add_parser("gradescope-zip", help="build the Gradescope autograder zip for one assignment")
    p.add_argument("assignment")
    p.add_argument("--out", required=True, type=pathlib.Path)
    p.add_argument("--course-root", type=pathlib.Path, default=course.REPO_ROOT, help=argparse.SUPPRESS)
    p.add_argument("--late-penalty", type=float, default=0.0, metavar="PCT",
                   help="percent per started day past each student's Gradescope due date (default 0)")
    p.add_argument("--late-cap", type=float, default=100.0, metavar="PCT")
    p.add_argument("--grace-minutes", type=float, default=0.0)
    p.set_defaults(func=gradescope_zip)

    p = subparsers.add_parser("gradescope-run", help="grade inside Gradescope (what run_autograder calls)")
    p.add_argument("--root", type=pathlib.Path,
                   default=pathlib.Path(os.environ.get("AUTOGRADER_ROOT", gradescope.DEFAULT_ROOT)),
                   help="the /autograder tree (default: $AUTOGRADER_ROOT or /autograder)")
    p.set_defaults(func=gradescope_run)

    p = subparsers.add_parser("lti-publish", help="send scores to an LMS line item by LTI 1.3 AGS")
    _export_options(p)
    p.add_argument("--config", required=True, type=pathlib.Path, help="the tool's LTI configuration JSON")
    p.add_argument("--lineitem", help="line item URL (default: from the configuration)")
    p.add_argument("--timeout", type=float, help="seconds to wait for each answer (default 30)")
    p.add_argument("--attempts", type=int,
                   help="tries per score when the platform is busy, fails or does not answer (default 5)")
    p.add_argument("--resend", action="store_true",
                   help="send every score again, even those the record says landed (RESULTS/lti-<assignment>.json)")
    p.set_defaults(func=lti_publish)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m autograder.lms", description=__doc__.splitlines()[0])
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return args.func(args)
