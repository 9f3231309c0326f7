"""A generated class of submissions, for the demo, the benchmark and the tests.

Each student's notebook starts from the released notebook; solution cells get
the reference code, a correct alternative or a known-wrong variant (from
the assignment's variants/ folder), or stay untouched.  A few submissions are
broken or hostile on purpose, so every run exercises the error paths too.
"""
from __future__ import annotations

import copy
import json
import pathlib
import random
import re
from dataclasses import dataclass

from .. import course

from ..read import _SOLUTION, reference_code  # noqa: F401 - the sample classes start from it
_HIDDEN = re.compile(r"^[ \t]*### BEGIN HIDDEN TESTS\n.*?^[ \t]*### END HIDDEN TESTS\n?", re.M | re.S)

HOSTILE = {
    "endless_loop": "def {fn}(*args, **kwargs):\n    while True:\n        pass\n",
    "exits": "import sys\nsys.exit(0)\n",
    "memory_hog": "import numpy as np\n_hog = [np.ones(2**27) for _ in range(200)]\n",
    "print_flood": "for _ in range(10**6):\n    print('spam ' * 20)\n",
    "patches_numpy": "import numpy as np\nnp.allclose = lambda *a, **k: True\nnp.testing.assert_allclose = lambda *a, **k: None\n",
}


@dataclass(frozen=True)
class Variant:
    """A student-like solution of one function, from autograder/hidden/<a>/variants/<function>/:
    right_<label>.py must get full marks, wrong_<label>.py must lose points on its function only
    (and name `mistake`, when its first line says `# expect: <mistake>`)."""

    function: str
    label: str
    right: bool
    code: str
    mistake: str | None = None


_EXPECT = re.compile(r"\A# expect: (\w+)\n")


def variants(assignment: str) -> list[Variant]:
    folder = course.assignment_folder(assignment) / "variants"
    found = []
    for path in sorted(folder.glob("*/*.py")):
        kind, _, label = path.stem.partition("_")
        if kind not in ("right", "wrong"):
            continue
        text = path.read_text(encoding="utf-8")
        expect = _EXPECT.match(text)
        found.append(Variant(path.parent.name, label, kind == "right", text[expect.end():] if expect else text,
                             expect.group(1) if expect else None))
    return found


def written_answers(assignment: str) -> dict[str, dict[str, str]]:
    """grade_id -> {"sound": text, "weak": text}, from variants/<grade_id>/{sound,weak}.md."""
    folder = course.assignment_folder(assignment) / "variants"
    answers: dict[str, dict[str, str]] = {}
    for path in sorted(folder.glob("*/*.md")):
        answers.setdefault(path.parent.name, {})[path.stem] = path.read_text(encoding="utf-8")
    return answers


ANSWER_QUALITY = {"solution": "sound", "alternative": "sound", "wrong": "weak"}
# A written answer that tries to run script in the grader's browser (the formgrader renders it).
HTML_ANSWER = ('<img src="x" onerror="window.agPwned = \'img\'"> <script>window.agPwned = "script"</script> '
               '<a href="javascript:window.agPwned = \'link\'">see my answer</a> '
               "[or here](javascript:window.agPwned='markdown')")


def _source(cell) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def student_notebook(assignment: str, root: pathlib.Path = course.REPO_ROOT, lang: str = "en") -> dict:
    """The notebook a student of `lang`'s edition starts from: its release folder's if generated,
    else its source notebook stripped."""
    released = pathlib.Path(root) / course.edition_folder("release", lang) / assignment / f"{assignment}.ipynb"
    if released.exists():
        return json.loads(released.read_text(encoding="utf-8"))
    nb = json.loads(course.source_notebook(assignment, root, lang).read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        text = _HIDDEN.sub("", _source(cell))
        cell["source"] = _SOLUTION.sub(lambda m: f"{m.group(1)}raise NotImplementedError()\n", text)
    return nb


def with_code(nb: dict, code: dict[str, str]) -> dict:
    """A copy of nb whose solution cells hold the given code."""
    nb = copy.deepcopy(nb)
    for cell in nb["cells"]:
        gid = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if gid in code:
            cell["source"] = code[gid]
    return nb


def make_submission(assignment: str, kind: str, rng: random.Random, root=course.REPO_ROOT) -> tuple[bytes, str]:
    """(notebook bytes, description) for one generated student."""
    base = student_notebook(assignment, root)
    ref = reference_code(assignment, root)
    by_function: dict[tuple[bool, str], list[Variant]] = {}
    for v in variants(assignment):
        by_function.setdefault((v.right, v.function), []).append(v)
    functions = list(ref)
    code = dict(ref)
    label = kind
    if kind in ("wrong", "alternative"):
        right = kind == "alternative"
        offered = [f for f in functions if (right, f) in by_function]
        for fn in offered if right else rng.sample(offered, k=min(2, len(offered))):
            variant = rng.choice(by_function[right, fn])
            code[fn] = variant.code
            label += f" {fn}:{variant.label}"
    elif kind == "untouched":
        code = {}
    elif kind in HOSTILE:
        fn = rng.choice(functions)
        code[fn] = HOSTILE[kind].format(fn=fn) + ("\n" + ref[fn] if kind != "endless_loop" else "")
        label += f" in {fn}"
    elif kind == "truncated":
        data = json.dumps(with_code(base, code)).encode()
        return data[: len(data) // 2], label
    elif kind == "empty":
        return b"", label
    elif kind == "python_file":
        return "\n\n".join(ref.values()).encode(), label
    if kind in ANSWER_QUALITY:
        for gid, texts in written_answers(assignment).items():
            code[gid] = texts[ANSWER_QUALITY[kind]]
    elif kind == "html_answer":
        code.update((gid, HTML_ANSWER) for gid in written_answers(assignment))
    return json.dumps(with_code(base, code), indent=1).encode(), label


# Every kind once first, so even a small class meets every error path; then a typical spread.
MIX = (["solution", "wrong", "alternative", "untouched", "truncated", "python_file", *HOSTILE, "empty", "html_answer"]
       + ["solution"] * 7 + ["wrong"] * 6 + ["alternative"] * 2 + ["untouched"])


def class_notebooks(assignments=course.ASSIGNMENTS, students: int = 12, seed: int = 0, root=course.REPO_ROOT,
                    kinds=None):
    """Yield (assignment, index, student_id, notebook bytes, description) for a generated class.

    The first len(kinds) students cover each kind once, so even a small class
    meets every error path; the rest are drawn at random."""
    rng = random.Random(seed)
    kinds = list(kinds or MIX)
    for a in assignments:
        for i in range(students):
            kind = kinds[i] if i < len(kinds) else rng.choice(kinds)
            data, label = make_submission(a, kind, rng, root)
            yield a, i, f"student{i + 1:03d}", data, label


def build_class(dest: pathlib.Path, assignments=course.ASSIGNMENTS, students: int = 12, seed: int = 0,
                root=course.REPO_ROOT, kinds=None) -> dict[str, dict[str, str]]:
    """Write dest/<student_id>/<assignment>/<assignment>.ipynb (+ timestamp.txt), as nbgrader's
    collect leaves them.  Returns {assignment: {student_id: description}}."""
    made: dict[str, dict[str, str]] = {}
    for a, i, sid, data, label in class_notebooks(assignments, students, seed, root, kinds):
        folder = pathlib.Path(dest) / sid / a
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{a}.ipynb").write_bytes(data)
        (folder / "timestamp.txt").write_text(f"2026-11-{1 + i % 20:02d} 12:00:00.000000 UTC\n")
        made.setdefault(a, {})[sid] = label
    return made
