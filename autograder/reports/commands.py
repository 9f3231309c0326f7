"""The `feedback` and `report` sub-commands, and the pages of `autograder demo`.

cli.py calls register(subparsers); each sub-command sets `func`, a callable
taking the parsed arguments and returning the exit status.  After a demo,
cli.py calls after_demo(), which writes both pages for every assignment.  Mistakes a user
can make (an unknown assignment, a folder without results, a folder that
cannot be written) print one line on stderr and exit with status 2.
"""
from __future__ import annotations

import argparse
import pathlib
import sys
from collections.abc import Callable

from ..course import CourseError
from . import ReportError
from .class_report import write_class_report
from .feedback import write_feedback


def _run(action: Callable[[], str]) -> int:
    try:
        print(action())
    except (ReportError, CourseError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


def run_feedback(args: argparse.Namespace) -> int:
    def action():
        paths = write_feedback(args.results, args.assignment, args.to, published=args.published,
                               after_due=args.after_due)
        return f"wrote {len(paths)} feedback page{'s' if len(paths) != 1 else ''} under {args.to}"
    return _run(action)


def run_report(args: argparse.Namespace) -> int:
    return _run(lambda: f"wrote {write_class_report(args.results, args.assignment, args.to)}")


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("assignment", help="the assignment's name, e.g. weight_init")
    parser.add_argument("--results", required=True, type=pathlib.Path, metavar="OUT",
                        help="the grader's output folder (OUT/<student>/<assignment>/results.json)")
    parser.add_argument("--to", required=True, type=pathlib.Path, metavar="DIR", help="folder to write into")


def register(subparsers) -> None:
    feedback = subparsers.add_parser(
        "feedback", help="write every student's feedback page for an assignment",
        description="Write DIR/<student>/<assignment>/feedback.html for every graded student. Tests marked "
                    "after_due_date or after_published stay withheld unless the matching flag is given; "
                    "hidden tests never show details.")
    _common(feedback)
    feedback.add_argument("--published", action="store_true",
                          help="grades are published: show after_published tests and count hidden ones")
    feedback.add_argument("--after-due", action="store_true", help="the due date has passed: show after_due_date tests")
    feedback.set_defaults(func=run_feedback)

    report = subparsers.add_parser(
        "report", help="write the instructor's class report for an assignment",
        description="Write DIR/<assignment>-report.html: scores, pass rates, common mistakes, errors "
                    "and the submissions that need a look.")
    _common(report)
    report.set_defaults(func=run_report)


def after_demo(root: pathlib.Path, out: pathlib.Path, assignments) -> None:
    """The demo's pages: a class report per assignment, and feedback with every test released."""
    print("\nreports:")
    for assignment in assignments:
        try:
            report = write_class_report(out, assignment, root / "reports")
            pages = write_feedback(out, assignment, root / "feedback", published=True, after_due=True)
        except ReportError as exc:
            print(f"  {assignment}: no pages ({exc})")
            continue
        print(f"  {report}   (+ {len(pages)} feedback pages in {root / 'feedback'}/<student>/{assignment}/)")
