"""The `feedback` and `report` sub-commands, and the pages of `autograder demo`.

cli.py calls register(subparsers); each sub-command sets `func`, a callable
taking the parsed arguments and returning the exit status.  After a demo,
cli.py calls after_demo(), which writes the class reports.  Mistakes a user
can make (an unknown assignment, a folder without results, a folder that
cannot be written, grades published before the written answers are graded)
print one line on stderr and exit with status 2.
"""
from __future__ import annotations

import argparse
import pathlib
import sys
from collections.abc import Callable

from .. import course, language
from ..course import CourseError
from . import ReportError, loading


def _run(action: Callable[[], str]) -> int:
    try:
        print(action())
    except (ReportError, CourseError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


def _class(args, publishing: bool) -> tuple[course.Layout, list, str]:
    from ..cli import layout_of
    from ..gradebook import with_manual_grades

    layout = layout_of(args)
    results = loading.load(layout.results, args.assignment)
    note = with_manual_grades(layout, results, publishing=publishing,
                              allow_pending=getattr(args, "allow_pending_manual", False))
    return layout, results, note


def run_feedback(args: argparse.Namespace) -> int:
    def action():  # each page is in its submission's language
        layout, results, note = _class(args, publishing=args.published)
        dest = args.to or layout.feedback
        from .feedback import write_feedback

        paths = write_feedback(results, dest, published=args.published, after_due=args.after_due,
                               beside=(layout.autograded, layout.submitted))
        lines = [f"wrote {len(paths)} feedback page{'s' if len(paths) != 1 else ''} under {dest}"
                 f"/<student>/{args.assignment}/{args.assignment}.html"]
        return "\n".join(lines + ([f"note: {note}"] if note else []))
    return _run(action)


def run_report(args: argparse.Namespace) -> int:
    def action():
        layout, results, note = _class(args, publishing=False)
        from .class_report import write_class_report

        with language.using(course.course_language(layout.root)):
            path = write_class_report(results, args.to or layout.reports)
        return f"wrote {path}" + (f"\nnote: {note}" if note else "")
    return _run(action)


def _common(parser: argparse.ArgumentParser, default_to: str) -> None:
    from ..cli import add_course_options

    parser.add_argument("assignment", help="the assignment's name, e.g. weight_init")
    add_course_options(parser, "results")
    parser.add_argument("--to", type=pathlib.Path, metavar="DIR", help=f"folder to write into (default: {default_to})")


def register(subparsers) -> None:
    feedback = subparsers.add_parser(
        "feedback", help="write every student's feedback page for an assignment",
        description="Write DIR/<student>/<assignment>/<assignment>.html, nbgrader's feedback layout (with "
                    "timestamp.txt and submission_secret.txt, so `nbgrader release_feedback` can hand the pages "
                    "out), for every graded student. Tests marked after_due_date or after_published stay "
                    "withheld unless the matching flag is given; hidden tests never show details.")
    _common(feedback, "COURSE/feedback")
    feedback.add_argument("--published", action="store_true",
                          help="grades are published: show after_published tests, written answers' points and "
                               "graders' comments, and count hidden tests")
    feedback.add_argument("--after-due", action="store_true", help="the due date has passed: show after_due_date tests")
    feedback.add_argument("--allow-pending-manual", action="store_true",
                          help="publish even though some written answers are not graded yet (they count 0)")
    feedback.set_defaults(func=run_feedback)

    report = subparsers.add_parser(
        "report", help="write the instructor's class report for an assignment",
        description="Write DIR/<assignment>-report.html: scores, pass rates, common mistakes, errors "
                    "and the submissions that need a look.")
    _common(report, "COURSE/reports")
    report.set_defaults(func=run_report)


def after_demo(layout: course.Layout, assignments) -> None:
    """The demo's class report per assignment."""
    from .class_report import write_class_report

    print("\nclass reports:")
    for assignment in assignments:
        try:
            with language.using(course.course_language(layout.root)):
                report = write_class_report(loading.load(layout.results, assignment), layout.reports)
        except ReportError as exc:
            print(f"  {assignment}: no report ({exc})")
            continue
        print(f"  {report}")
