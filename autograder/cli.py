"""Command line: a thin layer over autograder.grade and friends.

    autograder grade ASSIGNMENT [--submissions submitted/] [--out autograded/] [--db sqlite:///gradebook.db]
    autograder demo [--students 16] [--dir course-demo/]
"""
from __future__ import annotations

import argparse
import importlib
import pathlib
import sys
import warnings

from . import course
from .isolate import IsolationWarning, Limits


def _progress_printer(assignment: str):
    """A rich progress bar on a terminal, one line per submission elsewhere (CI logs)."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    console = Console(stderr=True)
    state = {}

    def update(done, total, result, student_id):
        if "bar" not in state:
            bar = Progress(TextColumn(f"grading {assignment}"), BarColumn(), MofNCompleteColumn(),
                           TimeElapsedColumn(), TextColumn("{task.description}"), console=console,
                           disable=not console.is_terminal)
            bar.start()
            state.update(bar=bar, task=bar.add_task("", total=total))
        bar = state["bar"]
        if result is not None:
            note = f"{student_id}: {result.score:g}/{result.max_score:g}"
            if result.status != "graded":
                note += f" ({result.status}: {(result.problems or [''])[-1][:80]})"
            bar.update(state["task"], advance=1, description=note)
            if not console.is_terminal:
                console.print(f"[{done}/{total}] {note}", highlight=False)
        if done == total:
            bar.stop()

    return update


def _limits(args) -> Limits:
    return Limits(call_seconds=args.call_timeout, wall_seconds=args.timeout, memory_mb=args.memory_mb)


def cmd_grade(args) -> int:
    from .grade import grade_batch

    summary = grade_batch(args.assignment, pathlib.Path(args.submissions), pathlib.Path(args.out), args.db,
                          jobs=args.jobs, regrade=args.regrade, limits=_limits(args), isolation=args.isolation,
                          scheduler=args.scheduler, due=args.due, progress=_progress_printer(args.assignment))
    print(f"{args.assignment}: graded {len(summary.graded) + len(summary.failed)} "
          f"({len(summary.failed)} stopped or crashed), {len(summary.skipped)} unchanged and skipped, "
          f"in {summary.seconds:.1f} s")
    print(f"  results per student: {args.out}/<student_id>/{args.assignment}/results.json")
    print(f"  grades table:        {summary.csv_path}")
    if args.db:
        print(f"  nbgrader gradebook:  {args.db}")
    return 0


def cmd_demo(args) -> int:
    from .grade import grade_batch
    from .sample import build_class

    root = pathlib.Path(args.dir).resolve()
    submitted, out = root / "submitted", root / "autograded"
    db = f"sqlite:///{root / 'gradebook.db'}"
    assignments = [course.check_assignment(a) for a in args.assignments or course.ASSIGNMENTS]
    print(f"building a sample class of {args.students} students in {submitted}")
    build_class(submitted, assignments, students=args.students, seed=args.seed)
    for a in assignments:
        grade_batch(a, submitted, out, db, jobs=args.jobs, limits=_limits(args), isolation=args.isolation,
                    regrade=args.regrade, progress=_progress_printer(a))
    from .record import load_results

    results = load_results(out)
    print(f"\ngraded {len(results)} submissions of {len(assignments)} assignments:")
    for a in assignments:
        scores = [r.score for r in results if r.assignment == a]
        top = max((r.max_score for r in results if r.assignment == a), default=0)
        print(f"  {a:24s} mean {sum(scores) / max(len(scores), 1):5.2f} / {top:g}")
    print("\nwhere the grades went:")
    print(f"  {out}/<student>/<assignment>/results.json   (Gradescope's results schema)")
    print(f"  {out / 'grades.csv'}")
    print(f"  {db}   (nbgrader's gradebook: `nbgrader export` or the formgrader show it)")
    for extra in _extras():
        hook = getattr(extra, "after_demo", None)
        if hook:
            hook(root, out, assignments)
    return 0


def cmd_release(args) -> int:
    from .release import generate

    folder = generate([course.check_assignment(a) for a in args.assignments] or course.ASSIGNMENTS)
    print(f"released {', '.join(args.assignments or course.ASSIGNMENTS)} into {folder}")
    return 0


def _extras():
    """Optional command groups that live in their own packages."""
    found = []
    for name in ("autograder.lms.commands", "autograder.reports.commands"):
        try:
            found.append(importlib.import_module(name))
        except ModuleNotFoundError:
            continue
    return found


def _add_grading_options(p):
    p.add_argument("--jobs", type=int, default=None, help="parallel sandboxes (default: one per core)")
    p.add_argument("--isolation", choices=["auto", "bwrap", "none"], default="auto",
                   help="bwrap: bubblewrap sandbox; none: resource limits only (weaker); auto: bwrap if it works")
    p.add_argument("--timeout", type=float, default=Limits.wall_seconds, help="seconds per submission")
    p.add_argument("--call-timeout", type=float, default=Limits.call_seconds,
                   help="seconds per call into student code")
    p.add_argument("--memory-mb", type=int, default=Limits.memory_mb, help="memory per submission, in MB")
    p.add_argument("--regrade", action="store_true", help="grade again even if results are up to date")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="autograder", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)

    g = sub.add_parser("grade", help="grade every submission of an assignment")
    g.add_argument("assignment", help=", ".join(course.ASSIGNMENTS))
    g.add_argument("--submissions", default="submitted", help="nbgrader's submitted/ folder")
    g.add_argument("--out", default="autograded", help="where results.json files and grades.csv go")
    g.add_argument("--db", default="sqlite:///gradebook.db", help="nbgrader gradebook URL ('' to skip)")
    g.add_argument("--scheduler", default=None, help="a Dask scheduler address, e.g. tcp://host:8786")
    g.add_argument("--due", default=None, help="due date (ISO 8601, UTC) to flag late submissions")
    _add_grading_options(g)
    g.set_defaults(func=cmd_grade)

    d = sub.add_parser("demo", help="build a sample class and grade it end to end")
    d.add_argument("--students", type=int, default=16, help="per assignment; the first 12 cover every kind "
                   "of submission: right, wrong, alternative, untouched, broken files and hostile code")
    d.add_argument("--dir", default="course-demo", help="where the sample course goes")
    d.add_argument("--seed", type=int, default=0)
    d.add_argument("--assignments", nargs="*", help="default: all of them")
    _add_grading_options(d)
    d.set_defaults(func=cmd_demo)

    r = sub.add_parser("release", help="regenerate release/ from source/ with nbgrader generate_assignment")
    r.add_argument("assignments", nargs="*", help="default: all of them")
    r.set_defaults(func=cmd_release)

    for extra in _extras():
        extra.register(sub)
    return parser


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    with warnings.catch_warnings():
        warnings.simplefilter("always", IsolationWarning)
        # nbgrader's add_submission trips this SQLAlchemy notice on every new student.
        warnings.filterwarnings("ignore", message=".*not in session.*")
        warnings.showwarning = lambda message, *a, **k: print(f"WARNING: {message}", file=sys.stderr)
        try:
            return args.func(args) or 0
        except course.CourseError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2


if __name__ == "__main__":
    sys.exit(main())
