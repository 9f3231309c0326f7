"""How long the class report takes for a generated class.

    .venv/bin/python -m autograder.reports.bench [--students 300]

Writes a generated class's result.json files to a temporary folder, then times
write_class_report on it (reading the files included) and prints the seconds.
The class is random but shaped like a real one: most students pass most
tests, some make known mistakes, a few time out, crash or edit locked cells.
"""
from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

from .. import record
from ..kinds import Kind, Status
from ..score import SubmissionResult, TestOutcome
from . import loading
from .class_report import write_class_report

# function -> [(test, points, visibility, mistake it can detect or None)], after the weight_init suite
SUITE = {
    "sigmoid": [("test_sigmoid_values", 1, "visible", "sigmoid_sign_flipped"),
                ("test_sigmoid_large_inputs", 1, "after_published", "sigmoid_overflows")],
    "relu": [("test_relu_values", 1, "visible", "relu_uses_np_max"),
             ("test_relu_leaves_input_alone", 1, "after_published", "relu_modifies_input")],
    "forward_activations": [("test_forward_one_entry_per_layer", 1, "after_published", "returns_only_last_layer"),
                            ("test_forward_applies_activation_after_product", 1, "after_due_date",
                             "activation_before_product")],
    "xavier_init": [("test_xavier_spread", 2, "after_published", "xavier_uses_he_spread"),
                    ("test_xavier_normal", 1, "hidden", "uses_uniform_rand")],
    "he_init": [("test_he_shape", 1, "visible", "init_shape_swapped"),
                ("test_he_spread", 2, "after_due_date", "he_uses_xavier_spread"),
                ("test_he_reproducible", 1, "hidden", "fixed_seed_inside")],
}


def _outcome(rng: random.Random, fn: str, test: str, pts: float, visibility: str, mistake: str | None,
             skill: float) -> TestOutcome:
    roll = rng.random()
    if roll < skill:
        kind, message, mistake = "passed", "", None
    elif roll < skill + 0.03:
        kind, message, mistake = "not_implemented", f"{fn} is not implemented yet", None
    elif roll < skill + 0.05:
        shapes = f"({rng.randint(2, 9)},) and (3,)"
        kind, message, mistake = "error", f"{fn} raised ValueError: shapes {shapes} not aligned", None
    elif mistake and rng.random() < 0.6:
        kind, message = "failed", f"{fn} gave a spread of {rng.uniform(0.2, 0.9):.3f}, expected about twice that"
    else:
        shape = (rng.randint(2, 50), rng.randint(2, 50))
        kind, message, mistake = "failed", f"{fn} returned an array of shape {shape}", None
    doc = test.removeprefix("test_").replace("_", " ")
    return TestOutcome(test, fn, float(pts), float(pts) if kind == "passed" else 0.0, message, visibility, kind,
                       mistake, doc)


def synthetic_class(n: int, assignment: str = "weight_init", seed: int = 0) -> list[SubmissionResult]:
    rng = random.Random(seed)
    results = []
    for i in range(n):
        skill = rng.betavariate(5, 1.5)
        tests = [_outcome(rng, fn, *spec, skill) for fn, specs in SUITE.items() for spec in specs]
        status, tampering = Status.GRADED, []
        if rng.random() < 0.02:
            status = Status.LIMIT
            for t in tests[-3:]:
                t.kind, t.score, t.message, t.mistake = Kind.LIMIT, 0.0, "stopped after 20 s (time limit)", None
        elif rng.random() < 0.01:
            status = Status.CRASHED
            for t in tests[-2:]:
                t.kind, t.score, t.message, t.mistake = Kind.LIMIT, 0.0, "the student process died (signal 9)", None
        if rng.random() < 0.02:
            tampering.append("read-only cell test_relu was edited (the instructor's version was used)")
        functions = {fn: 0.0 for fn in SUITE}
        for t in tests:
            functions[t.function] += t.score
        maximum = {fn: float(sum(spec[1] for spec in specs)) for fn, specs in SUITE.items()}
        results.append(SubmissionResult(f"s{i:04d}", assignment, tests, functions, maximum, tampering=tampering,
                                        status=status, late=rng.random() < 0.05))
    return results


def write_class(out_dir: Path, results: list[SubmissionResult]) -> None:
    for r in results:
        record.write_result(out_dir, r)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=300)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out"
        write_class(out, synthetic_class(args.students))
        start = time.perf_counter()
        path = write_class_report(loading.load(out, "weight_init"), Path(tmp) / "reports")
        seconds = time.perf_counter() - start
        print(f"class report for {args.students} students: {seconds:.2f} s ({path.stat().st_size // 1024} KiB)")


if __name__ == "__main__":
    main()
