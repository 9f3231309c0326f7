"""The counted attempt in the course's own records, where nbgrader's formgrader finds it.

For each student the attempt that counts is written as a batch run writes it: the notebook
under submitted/<student>/<assignment>/ (with nbgrader's timestamp.txt), the result under
results/, the graded notebook under autograded/, and the grades into the nbgrader gradebook.
An instructor grades the written answers in the formgrader, on that same gradebook; when
they publish in the service, what they entered comes back (gradebook.pull_manual_grades)
and goes to the LMS with the rest.
"""
from __future__ import annotations

import datetime as dt
import pathlib
import shutil
import threading

from .. import course, gradebook, record
from ..read import Submission
from ..score import SubmissionResult
from ..times import UTC, nbgrader_timestamp, parse_time


class Coursebook:
    def __init__(self, layout: course.Layout):
        self.layout = layout
        if layout.db_path:
            layout.db_path.parent.mkdir(parents=True, exist_ok=True)
        self._books: dict[str, gradebook.SourceBook] = {}
        self._lock = threading.Lock()  # one writer to the gradebook at a time, as in a batch

    def graded_notebook(self, sub: Submission, result: SubmissionResult):
        """(the graded notebook, its automatic grades); the written answers' automatic scores
        (0 for one left as given) go into the result, as nbgrader decides them."""
        with self._lock:
            if result.assignment not in self._books:
                self._books[result.assignment] = gradebook.prepare_assignment(self.layout, result.assignment)
            nb, auto = gradebook.graded_notebook(self.layout, sub, result, self._books[result.assignment])
        for answer in result.written:
            answer.auto_score = auto.scores.get(answer.grade_id)
        return nb, auto

    def record(self, result: SubmissionResult, graded, upload: pathlib.Path):
        """The counted attempt where nbgrader looks for it (graded: what graded_notebook gave)."""
        nb, auto = graded
        with self._lock:
            folder = self.layout.submitted / result.student_id / result.assignment
            folder.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(upload, folder / f"{result.assignment}.ipynb")
            when = parse_time(result.submitted_at) or dt.datetime.now(UTC)
            (folder / "timestamp.txt").write_text(nbgrader_timestamp(when) + "\n")
            record.write_result(self.layout.results, result)
            gradebook.write_graded(self.layout, nb, result, folder)
            gradebook.record_grades(self.layout, [(result, auto)])

    def with_manual_grades(self, results: list[SubmissionResult]) -> list[SubmissionResult]:
        with self._lock:
            return gradebook.pull_manual_grades(self.layout, results)
