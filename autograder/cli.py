"""Command line: a thin layer over autograder.grade and friends.

    autograder grade ASSIGNMENT [--course .]   (submitted/ in; results/, autograded/, gradebook.db out)
    autograder demo [--students 16] [--dir course-demo/]

Every command works on a course root in nbgrader's layout (--course, by default
the current folder); each of its folders can be given elsewhere instead.
"""
from __future__ import annotations

import argparse
import importlib
import pathlib
import sys
import warnings

from . import course
from .language import LANGUAGES
from .sandbox.host import IsolationWarning


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


def settings_of(args, root) -> "settings.Autograder":
    """The course's settings (nbgrader_config.py) with what the command line gave on top."""
    from . import settings

    return settings.load(root, **{name: getattr(args, name) for name in GRADING_OPTIONS})


def add_course_options(p: argparse.ArgumentParser, *folders: str):
    """--course and the folders of it a command reads or writes (see course.layout)."""
    p.add_argument("--course", default=".", metavar="DIR",
                   help="the course root, in nbgrader's layout (default: the current folder)")
    helps = {"submissions": "the students' notebooks (default: COURSE/submitted)",
             "autograded": "nbgrader's graded notebooks, for the formgrader (default: COURSE/autograded)",
             "results": "the grader's result.json files and grades.csv (default: COURSE/results)"}
    for name in folders:
        p.add_argument(f"--{name}", default=None, metavar="DIR", help=helps[name])
    p.add_argument("--db", default=None, metavar="URL",
                   help="nbgrader's gradebook (default: sqlite:///COURSE/gradebook.db; '' for none)")


def layout_of(args, **more) -> course.Layout:
    return course.layout(args.course, submitted=getattr(args, "submissions", None),
                         autograded=getattr(args, "autograded", None), results=getattr(args, "results", None),
                         db_url=args.db, **more)


def cmd_grade(args) -> int:
    from .grade import grade_batch

    layout = layout_of(args)
    from .times import parse_due

    due = parse_due(args.due) if args.due else None
    summary = grade_batch(args.assignment, layout, settings=settings_of(args, layout.root), regrade=args.regrade,
                          scheduler=args.scheduler, due=due, progress=_progress_printer(args.assignment))
    print(f"{args.assignment}: graded {len(summary.graded) + len(summary.failed)} "
          f"({len(summary.failed)} stopped, crashed or without a readable notebook), "
          f"{len(summary.skipped)} unchanged and skipped, in {summary.seconds:.1f} s")
    print("  time spent:          " + ", ".join(f"{phase} {seconds:.1f} s" for phase, seconds in summary.phases.items()))
    print(f"  results per student: {layout.results}/<student_id>/{args.assignment}/result.json")
    print(f"  grades table:        {summary.csv_path}")
    if layout.db_url:
        print(f"  graded notebooks:    {layout.autograded}/<student_id>/{args.assignment}/{args.assignment}.ipynb")
        print(f"  nbgrader gradebook:  {layout.db_url}")
    if summary.grader_errors:
        print(f"error: a hidden test of {args.assignment} failed on its own, or failed the instructor's own "
              f"solution too, for {len(summary.grader_errors)} "
              f"submission(s) ({', '.join(summary.grader_errors[:5])}{' ...' if len(summary.grader_errors) > 5 else ''}): "
              "the grader's bug, not the students'. Fix the suite and grade again; the class report lists the "
              "tests", file=sys.stderr)
        return 1
    return 0


def cmd_demo(args) -> int:
    from .tools import demo
    from .grade import grade_batch
    from .record import load_results

    from . import hidden

    assignments = [course.check_assignment(a) for a in args.assignments or course.ASSIGNMENTS]
    layout = demo.lay_out(pathlib.Path(args.dir), assignments)
    settings = settings_of(args, layout.root)
    if settings.secret == hidden.DEFAULT_SECRET:
        settings.secret = "course-demo: a sample class with nothing to protect"
    print(f"a course in {layout.root}: {args.students} students fetch, answer and submit each assignment "
          "through nbgrader's exchange")
    demo.submit_class(layout, assignments, students=args.students, seed=args.seed)
    for a in assignments:
        grade_batch(a, layout, settings=settings, regrade=args.regrade, progress=_progress_printer(a))
    results = load_results(layout.results)
    print(f"\ngraded {len(results)} submissions of {len(assignments)} assignments:")
    for a in assignments:
        ours = [r for r in results if r.assignment == a]
        top = max((r.max_score for r in ours), default=0)
        waiting = sum(bool(r.pending_manual) for r in ours)
        print(f"  {a:24s} mean {sum(r.score for r in ours) / max(len(ours), 1):5.2f} / {top:g}"
              f"   ({waiting} written answers to grade by hand)")
    print("\nwhere the grades went:")
    print(f"  {layout.results}/<student>/<assignment>/result.json   (docs/results.md; results.json beside it for Gradescope)")
    print(f"  {layout.results / 'grades.csv'}")
    print(f"  {layout.autograded}/<student>/<assignment>/<assignment>.ipynb   (what the formgrader shows)")
    print(f"  {layout.db_url}   (nbgrader's gradebook)")
    for extra in _extras():
        hook = getattr(extra, "after_demo", None)
        if hook:
            hook(layout, assignments)
    print(f"\nthe formgrader:       cd {layout.root} && {sys.executable} -m jupyter lab   (Nbgrader > Formgrader)")
    print(f"a student's Jupyter:  cd {layout.root}/students/student001 && "
          f"JUPYTER_CONFIG_DIR=.jupyter {sys.executable} -m jupyter lab")
    return 0


def cmd_audit(args) -> int:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from . import audit

    root = pathlib.Path(args.course).resolve()
    console = Console(stderr=True)
    with Progress(TextColumn(f"auditing {args.assignment}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console, disable=not console.is_terminal) as bar:
        task = bar.add_task("", total=None)
        report = audit.audit(course.check_assignment(args.assignment), root=root, settings=settings_of(args, root),
                             functions=args.functions, max_mutants=args.max_mutants, threshold=args.threshold,
                             progress=lambda done, total: bar.update(task, completed=done, total=total))
    json_path, html_path = audit.write(report, pathlib.Path(args.out or root / "audit" / args.assignment))
    print(report.summary())
    print(f"  {json_path}\n  {html_path}")
    if report.weak:
        print(f"error: {', '.join(report.weak)} let(s) through more than {1 - args.threshold:.0%} of the mutants "
              "that are not equivalent: the survivors are in audit.html", file=sys.stderr)
        return 1
    return 0


def cmd_release(args) -> int:
    from .tools.release import generate

    folder = generate([course.check_assignment(a) for a in args.assignments] or course.ASSIGNMENTS,
                      pathlib.Path(args.course).resolve(), lang=args.language)
    print(f"released {', '.join(args.assignments or course.ASSIGNMENTS)} into {folder}")
    return 0


def _extras():
    """The command groups that live in their own packages."""
    return [importlib.import_module(name) for name in ("autograder.lms.commands", "autograder.reports.commands",
                                                       "autograder.service.commands")]


GRADING_OPTIONS = ("jobs", "isolation", "wall_seconds", "call_seconds", "memory_mb")


def _add_grading_options(p):
    """The command-line side of settings.Autograder; each wins over c.Autograder.* in nbgrader_config.py."""
    from .settings import Autograder

    def option(flag, trait, kind, **kw):
        help_ = f"{Autograder.class_traits()[trait].help} (c.Autograder.{trait}; default {Autograder().trait_defaults(trait)!r})"
        p.add_argument(flag, type=kind, default=None, dest=trait, help=help_, **kw)

    option("--jobs", "jobs", int)
    option("--isolation", "isolation", str, choices=["auto", "bwrap", "none"])
    option("--timeout", "wall_seconds", float)
    option("--call-timeout", "call_seconds", float)
    option("--memory-mb", "memory_mb", int)
    p.add_argument("--regrade", action="store_true", help="grade again even if results are up to date")


def cmd_messages(args) -> int:
    from .tools import messages

    if args.check:
        found = messages.problems()
        print("\n".join(found) or "every message is translated")
        return 1 if found else 0
    for path in messages.update(args.only):
        print(f"wrote {path.relative_to(course.REPO_ROOT)}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="autograder", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)

    g = sub.add_parser("grade", help="grade every submission of an assignment")
    g.add_argument("assignment", help=", ".join(course.ASSIGNMENTS))
    add_course_options(g, "submissions", "autograded", "results")
    g.add_argument("--scheduler", default=None, help="a Dask scheduler address, e.g. tcp://host:8786")
    g.add_argument("--due", default=None, help="due date with its time zone, e.g. 2025-03-01T23:59+09:00, "
                   "to flag late submissions")
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

    r = sub.add_parser("release", help="regenerate an edition's release folder from its source folder with nbgrader "
                       "generate_assignment")
    r.add_argument("assignments", nargs="*", help="default: all of them")
    r.add_argument("--language", default=None, choices=sorted(LANGUAGES),
                   help="the edition (default: the course's, c.Autograder.language): release/ from source/ for "
                   "English, release_<language>/ from source_<language>/ otherwise")
    r.add_argument("--course", default=".", metavar="DIR", help="the course root (default: the current folder)")
    r.set_defaults(func=cmd_release)

    a = sub.add_parser("audit", help="mutation-test an assignment's hidden suite: would it catch wrong answers?")
    a.add_argument("assignment", help=", ".join(course.ASSIGNMENTS))
    a.add_argument("--out", default=None, metavar="DIR", help="where audit.json and audit.html go "
                   "(default: COURSE/audit/ASSIGNMENT)")
    a.add_argument("--course", default=".", metavar="DIR", help="the course root (default: the current folder)")
    a.add_argument("--functions", nargs="*", default=None, help="audit only these graded functions")
    a.add_argument("--max-mutants", type=int, default=None, metavar="N",
                   help="at most N mutants per function, sampled evenly (a quick run, in CI say)")
    a.add_argument("--threshold", type=float, default=0.95,
                   help="the share of mutants that are not equivalent each function must kill (default 0.95); "
                   "below it, the command exits 1")
    _add_grading_options(a)
    a.set_defaults(func=cmd_audit)

    m = sub.add_parser("messages", help="update the translation catalogues from the code and compile them")
    m.add_argument("--only", default=None, metavar="NAME", help="one catalogue: autograder, course or an assignment")
    m.add_argument("--check", action="store_true", help="change nothing; exit 1 if a message is untranslated")
    m.set_defaults(func=cmd_messages)

    for extra in _extras():
        extra.register(sub)
    return parser


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    with warnings.catch_warnings():
        warnings.simplefilter("always", IsolationWarning)
        warnings.simplefilter("always", course.SecretWarning)
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
