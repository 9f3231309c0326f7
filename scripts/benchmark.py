#!/usr/bin/env python
"""Speed and memory of the grader against stock `nbgrader autograde`, in one run.

    .venv/bin/python scripts/benchmark.py [--n 60] [--stock-n 4] [--scaling dropout]

1. generates N submissions per assignment (right, wrong, alternative, untouched, broken files);
2. grades them all with the project (one warm sandbox per core), sampling peak memory;
3. grades STOCK_N students per assignment, one of each kind, with stock `nbgrader autograde`
   (it reruns every training cell, so a full N would take hours) and checks the scores agree;
4. measures the floor: the hidden suites on the reference solutions in one warm process;
5. times each public check in a warm process, as a student's kernel would run it;
6. with --scaling A, grades N and 4N submissions of assignment A and compares peak memory.

    .venv/bin/python scripts/benchmark.py --sweep [--sizes 1 10 30 100 300] [--assignments weight_init dropout]

grades classes of each size end to end, as an instructor would run it: a fresh
`autograder grade` process on a released course (its gradebook made by
`nbgrader generate_assignment`), against a fresh `nbgrader autograde` process on
a copy of the same course.  Stock nbgrader grades 1 and STOCK_N students (its
cost per class is then fixed + N x per student, fitted on those two runs; the
N = 1 row is measured outright), and the totals are compared on those students.
The project's row splits its time into phases (start-up, reading, sandbox start,
grading, recording).

    .venv/bin/python scripts/benchmark.py --audit universal_approximation regularization

audits each assignment's hidden suite (every mutant, autograder.audit), and, in the same
session, grades 30 submissions of its sample class in bulk: the audit's cost per mutant is
printed against the batch grader's per submission.

Prints figures, asserts nothing: speed is measured, not tested.
"""
from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time

import psutil

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))

from autograder import course, read  # noqa: E402
from autograder.tools import sample, stock  # noqa: E402
from autograder.grade import PHASES, grade_batch  # noqa: E402
from autograder.record import load_results  # noqa: E402
from autograder.run_tests import run_suite  # noqa: E402
from autograder.student import local_student  # noqa: E402

KINDS = ["solution"] * 4 + ["wrong"] * 4 + ["alternative"] * 2 + ["untouched", "truncated", "python_file", "empty"]


class PeakMemory:
    """Peak resident memory of this process and all its descendants, sampled."""

    def __init__(self, every=0.1):
        self.every, self.peak, self._stop = every, 0, threading.Event()

    def _sample(self):
        me = psutil.Process()
        while not self._stop.is_set():
            total = 0
            for p in [me, *me.children(recursive=True)]:
                try:
                    total += p.memory_info().rss
                except psutil.Error:
                    pass
            self.peak = max(self.peak, total)
            time.sleep(self.every)

    def __enter__(self):
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def ours(submitted, out, assignments):
    with PeakMemory() as mem:
        t0 = time.monotonic()
        for a in assignments:
            grade_batch(a, course.layout(course.REPO_ROOT, submitted=submitted, results=out, db_url=""), regrade=True)
        seconds = time.monotonic() - t0
    results = {(r.assignment, r.student_id): r.auto_score for r in load_results(out)}
    return seconds, mem.peak, results


def floor(assignments, repeats=5):
    """Seconds per submission for the hidden suites on the reference, in one warm process."""
    per = {}
    for a in assignments:
        cells = read.build_cells(read.template(a), sample.reference_code(a))
        student, _ = local_student(cells)
        run_suite(a, student)  # warm-up: imports, first TensorFlow ops
        t0 = time.monotonic()
        for _ in range(repeats):
            run_suite(a, student)
        per[a] = (time.monotonic() - t0) / repeats
    return per


def public_check_seconds(assignments):
    """Slowest public check per assignment, run in a warm process like a student's kernel."""
    worst = {}
    for a in assignments:
        nb = json.loads(course.source_notebook(a).read_text())
        ns = {"__name__": "__main__"}
        cwd = os.getcwd()
        os.chdir(course.REPO_ROOT / "source" / a)
        try:
            for cell in nb["cells"]:
                meta = cell.get("metadata", {})
                if cell["cell_type"] != "code" or "experiment" in meta.get("tags", []):
                    continue
                src = "".join(cell["source"])
                if meta.get("nbgrader", {}).get("grade"):
                    public = compile(src.split("### BEGIN HIDDEN TESTS")[0], "<check>", "exec")
                    with contextlib.redirect_stdout(io.StringIO()):
                        exec(public, ns)  # warm-up run
                        t0 = time.monotonic()
                        exec(public, ns)
                    worst[a] = max(worst.get(a, 0.0), time.monotonic() - t0)
                else:
                    exec(compile(re.sub(r"### (BEGIN|END) SOLUTION", "", src), "<cell>", "exec"), ns)
        finally:
            os.chdir(cwd)
    return worst


# -- class sizes, end to end ------------------------------------------------------------

# What `autograder grade` does, in a fresh process, with its phases as data; "start-up" is
# everything before grading starts (the interpreter and the imports).
_OURS = """
import json, pathlib, sys, time
began = time.monotonic()
from autograder import cli, course
from autograder.grade import grade_batch
layout = course.layout(pathlib.Path(sys.argv[1]))
summary = grade_batch(sys.argv[2], layout, regrade=True)
print(json.dumps({"phases": summary.phases, "grading_call": summary.seconds, "began": began}))
"""


def _released_course(root: pathlib.Path, assignment: str, submitted: pathlib.Path, students) -> pathlib.Path:
    """A course after `nbgrader generate_assignment`, with these students' submissions."""
    stock.prepare_course(root, [assignment])
    for sid in students:
        shutil.copytree(submitted / sid / assignment, root / "submitted" / sid / assignment)
    return root


def _env() -> dict:
    return dict(os.environ, PATH=os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""),
                PYTHONPATH=str(course.REPO_ROOT))


def ours_end_to_end(root: pathlib.Path, assignment: str) -> tuple[float, dict]:
    t0 = time.monotonic()
    proc = subprocess.run([sys.executable, "-c", _OURS, str(root), assignment], capture_output=True, text=True,
                          env=_env())
    wall = time.monotonic() - t0
    if proc.returncode:
        raise SystemExit(f"the project failed on {root}:\n{proc.stderr[-3000:]}")
    data = json.loads(proc.stdout.strip().splitlines()[-1])
    return wall, {"start-up": wall - data["grading_call"], **data["phases"]}


def stock_end_to_end(root: pathlib.Path, assignment: str) -> float:
    t0 = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "nbgrader", "autograde", assignment, "--force"], cwd=root,
                          capture_output=True, text=True, env=_env())
    wall = time.monotonic() - t0
    if proc.returncode and "failed" not in proc.stderr:
        raise SystemExit(f"stock nbgrader failed on {root}:\n{proc.stderr[-3000:]}")
    return wall


def our_totals(root: pathlib.Path, assignment: str) -> dict[str, float]:
    return {r.student_id: r.auto_score for r in load_results(root / "results") if r.assignment == assignment}


def gradebook_seconds(root: pathlib.Path, assignment: str) -> tuple[float, float]:
    """Seconds to record a graded class in its gradebook from scratch (its students and
    submissions removed first), and to read the manual grades back: the gradebook's own share
    of the recording phase."""
    from autograder import gradebook

    layout = course.layout(root)
    results = load_results(layout.results, assignment)
    with gradebook.one_run(layout) as gb:
        for r in results:
            gb.remove_submission(assignment, r.student_id)
            gb.remove_student(r.student_id)
        graded = [(r, gradebook.read_graded(layout, r)) for r in results]
        t0 = time.monotonic()
        gradebook.record_grades(layout, graded)
        t1 = time.monotonic()
        gradebook.pull_manual_grades(layout, results)
    return t1 - t0, time.monotonic() - t1


def sweep(args, work: pathlib.Path):
    sizes, stock_n = sorted(args.sizes), max(2, args.stock_n)
    submitted = work / "class"
    sample.build_class(submitted, args.assignments, students=max(sizes), kinds=KINDS, seed=3)
    ids = sorted(p.name for p in submitted.iterdir())
    print(f"class sizes {sizes} per assignment, {os.cpu_count()} cores; stock grades 1 and {stock_n} students")
    for a in args.assignments:
        stock_seconds = {}
        for k in (1, stock_n):
            root = _released_course(work / f"stock-{a}-{k}", a, submitted, ids[:k])
            stock_seconds[k] = stock_end_to_end(root, a)
            stock_totals = stock.code_scores(root, a)
        per_student = (stock_seconds[stock_n] - stock_seconds[1]) / (stock_n - 1)
        fixed = stock_seconds[1] - per_student
        print(f"\n{a}: stock nbgrader {stock_seconds[1]:.1f} s for 1 student, {stock_seconds[stock_n]:.1f} s for "
              f"{stock_n}: fixed {fixed:.1f} s + {per_student:.2f} s per student")
        print(f"  {'N':>4} {'project':>9} {'stock':>9} {'ratio':>7}   phases (s): " + ", ".join(
            ["start-up", *PHASES]))
        for n in sizes:
            root = _released_course(work / f"ours-{a}-{n}", a, submitted, ids[:n])
            wall, phases = ours_end_to_end(root, a)
            stock_wall = stock_seconds[1] if n == 1 else fixed + n * per_student
            mark = "" if n == 1 else "~"
            print(f"  {n:>4} {wall:>8.1f}s {mark}{stock_wall:>7.1f}s {stock_wall / wall:>6.1f}x   "
                  + ", ".join(f"{phases.get(k, 0.0):.2f}" for k in ["start-up", *PHASES]))
            mine = our_totals(root, a)
            shared = [sid for sid in ids[:min(n, stock_n)] if sid in stock_totals]
            differ = {sid: (mine.get(sid), stock_totals[sid]) for sid in shared if mine.get(sid) != stock_totals[sid]}
            if differ:
                print(f"       totals differ from stock nbgrader's: {differ}")
            if n == max(sizes):
                grades, manual = gradebook_seconds(root, a)
                print(f"       of the recording, the gradebook's grades for {n} results took {grades:.2f} s and "
                      f"reading their manual grades back {manual:.2f} s")
        print(f"  (~ stock fitted; totals compared with stock on {min(max(sizes), stock_n)} students)")


def audit_speed(assignments, work: pathlib.Path):
    from autograder.audit import audit
    from autograder.grade import grade_batch

    print(f"{os.cpu_count()} cores")
    for a in assignments:
        report = audit(a)
        n = sum(f.mutants for f in report.functions.values())
        survived = sum(len(f.survived) for f in report.functions.values())
        print(f"\n{a}: {n} mutants audited in {report.seconds:.1f} s ({report.seconds / n:.2f} s a mutant; "
              + ", ".join(f"{k} {v:.1f} s" for k, v in report.phases.items()) + f"); {survived} survived")
        print("  " + "; ".join(f"{name} {f.score:.0%}" for name, f in report.functions.items()))
        submitted = work / f"class-{a}"
        sample.build_class(submitted, [a], students=30, kinds=KINDS, seed=5)
        summary = grade_batch(a, course.layout(course.REPO_ROOT, submitted=submitted, results=work / f"out-{a}",
                                               db_url=""), regrade=True)
        per = summary.seconds / 30
        print(f"  the batch grader, same session: 30 submissions in {summary.seconds:.1f} s ({per:.2f} s each); "
              f"a mutant costs {report.seconds / n / per:.1f}x a submission")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=60, help="submissions per assignment")
    parser.add_argument("--stock-n", type=int, default=4,
                        help="how many students per assignment stock nbgrader grades, one of each kind")
    parser.add_argument("--assignments", nargs="*", default=list(course.ASSIGNMENTS))
    parser.add_argument("--scaling", default=None, metavar="ASSIGNMENT",
                        help="also compare peak memory at N and 4N on this assignment")
    parser.add_argument("--sweep", action="store_true", help="class sizes end to end instead (see above)")
    parser.add_argument("--sizes", nargs="*", type=int, default=[1, 10, 30, 100, 300])
    parser.add_argument("--audit", nargs="+", default=None, metavar="ASSIGNMENT",
                        help="time the mutation audit of these assignments instead (see above)")
    args = parser.parse_args()
    work = pathlib.Path(tempfile.mkdtemp(prefix="ag-bench-"))
    if args.audit:
        audit_speed(args.audit, work)
        return
    if args.sweep:
        if args.assignments == list(course.ASSIGNMENTS):
            args.assignments = ["weight_init", "dropout"]
        sweep(args, work)
        print(f"(work files in {work})")
        return
    submitted = work / "submitted"
    sample.build_class(submitted, args.assignments, students=args.n, kinds=KINDS, seed=1)
    total = args.n * len(args.assignments)
    print(f"{total} submissions ({args.n} per assignment) in {submitted}; {os.cpu_count()} cores")

    seconds, peak, our_scores = ours(submitted, work / "ours", args.assignments)
    our_rate = total / seconds
    print(f"project:  {seconds:7.1f} s  {our_rate:6.2f} submissions/s  peak memory {peak / 2**20:,.0f} MB")

    # Stock grades one student of each kind (right, wrong, alternative, untouched, broken...), so
    # the agreement check covers partial scores too, not only full marks.
    firsts = {}
    for i, kind in enumerate(KINDS, start=1):
        firsts.setdefault(kind, f"student{i:03d}")
    stock_students = list(firsts.values())[: args.stock_n]
    stock_sub = work / "stock-submitted"
    for a in args.assignments:
        for sid in stock_students:
            src = submitted / sid / a
            dst = stock_sub / sid / a
            dst.mkdir(parents=True)
            for f in src.iterdir():
                (dst / f.name).write_bytes(f.read_bytes())
    course_dir = stock.prepare_course(work / "stock", args.assignments)
    with PeakMemory() as mem:
        t0 = time.monotonic()
        stock_scores = {}
        for a in args.assignments:
            stock_scores.update({(a, s): v for s, v in stock.autograde(course_dir, a, stock_sub).items()})
        stock_seconds = time.monotonic() - t0
    stock_total = args.stock_n * len(args.assignments)
    stock_rate = stock_total / stock_seconds
    print(f"stock:    {stock_seconds:7.1f} s  {stock_rate:6.2f} submissions/s  peak memory "
          f"{mem.peak / 2**20:,.0f} MB  ({stock_total} submissions: `nbgrader autograde`)")
    print(f"ratio:    {our_rate / stock_rate:6.1f}x the throughput of stock nbgrader autograde")
    agree = [k for k in stock_scores if our_scores.get(k) == stock_scores[k]]
    differ = {k: (our_scores.get(k), v) for k, v in stock_scores.items() if our_scores.get(k) != v}
    missing = sorted({(a, sid) for a in args.assignments for sid in stock_students} - set(stock_scores))
    print(f"scores:   {len(agree)} agree, {len(differ)} differ {differ or ''}; "
          f"stock could not grade {len(missing)} (unreadable files): {missing}")

    per = floor(args.assignments)
    floor_seconds = sum(per.values()) / len(per)
    our_seconds = seconds / total
    print(f"floor:    {floor_seconds:.3f} s per submission (hidden suites on the reference, one warm process); "
          f"project {our_seconds:.3f} s per submission = {our_seconds / floor_seconds:.2f}x the floor")
    print("          " + ", ".join(f"{a} {s:.3f}" for a, s in per.items()))
    checks = public_check_seconds(args.assignments)
    print("public checks, slowest per notebook in a warm kernel: "
          + ", ".join(f"{a} {s * 1000:.0f} ms" for a, s in checks.items()))

    if args.scaling:
        a = course.check_assignment(args.scaling)
        peaks = []
        for n in (args.n, 4 * args.n):
            sub = work / f"scale{n}"
            sample.build_class(sub, [a], students=n, kinds=KINDS, seed=2)
            _, p, _ = ours(sub, work / f"scale-out{n}", [a])
            peaks.append(p)
            print(f"scaling:  {a} N={n}: peak memory {p / 2**20:,.0f} MB")
        print(f"scaling:  peak at 4N / peak at N = {peaks[1] / peaks[0]:.2f}")
    print(f"(work files in {work})")


if __name__ == "__main__":
    main()
