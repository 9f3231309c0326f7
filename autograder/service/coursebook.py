"""The counted attempts in the course's own records, where nbgrader's formgrader finds them.

Each student's counted attempt is written as a batch run writes it: the notebook under
submitted/<student>/<assignment>/ (with nbgrader's timestamp.txt), the result under
results/, the graded notebook under autograded/, and the grades into the nbgrader
gradebook.  An instructor grades the written answers in the formgrader, on that same
gradebook; when they publish in the service, what they entered comes back
(gradebook.pull_manual_grades) and goes to the LMS with the rest.

Recording is not on the student's way: a thread of its own takes what the database says
is still to record (attempts.in_gradebook), a few at a time in one gradebook run, as a
batch does, and marks them done; after a crash it takes up what was left.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import pathlib
import shutil
import threading

from .. import course, gradebook, language, record
from ..read import read_submission
from ..score import SubmissionResult
from ..times import UTC, nbgrader_timestamp, parse_time
from .loop import Loop
from .store import Store

log = logging.getLogger("autograder.service")


class Coursebook(Loop):
    name = "gradebook"

    def __init__(self, layout: course.Layout, store: Store, data: pathlib.Path, root: pathlib.Path,
                 counted_attempt: str, lang: str):
        super().__init__()
        self.layout, self.store, self.data, self.root = layout, store, pathlib.Path(data), pathlib.Path(root)
        self.counted_attempt, self.lang = counted_attempt, lang
        if layout.db_path:
            layout.db_path.parent.mkdir(parents=True, exist_ok=True)
        self._books: dict[str, gradebook.SourceBook] = {}
        self._lock = threading.Lock()  # one writer to the gradebook at a time
        self.ready = threading.Event()

    def _run(self):
        try:
            self._prepare(course.ASSIGNMENTS)
        except Exception:  # noqa: BLE001 - recording tries again, and says why
            log.exception("the nbgrader gradebook could not be prepared")
        self.ready.set()
        while not self._stop.is_set():
            try:
                self._let_grading_go_first()
                while self.record_due() and not self._stop.is_set():
                    pass
            except Exception:  # noqa: BLE001 - the grades stand; the formgrader's copies wait for the next try
                log.exception("attempts could not be written to the nbgrader gradebook")
                self._stop.wait(5.0)
            self._wake.wait(1.0)
            self._wake.clear()

    def _let_grading_go_first(self, longest: float = 30.0):
        """While uploads wait to be graded, recording waits (up to `longest` seconds): the
        students' feedback comes first, and many attempts then go into one gradebook run."""
        waited = 0.0
        while self.store.queued() and waited < longest and not self._stop.is_set():
            self._stop.wait(0.5)
            waited += 0.5

    def _prepare(self, assignments):
        """Every assignment's cells into the gradebook at the start (nbgrader's import and
        generate_assignment take seconds), rather than while an attempt waits."""
        for assignment in assignments:
            with self._lock:
                if assignment not in self._books:
                    self._books[assignment] = gradebook.prepare_assignment(self.layout, assignment)

    def record_due(self, limit: int = 100) -> int:
        """Record what is due, in one gradebook run; how many attempts it wrote."""
        due = self.store.to_record(self.counted_attempt, limit)
        if not due:
            return 0
        self._prepare({a.assignment for a in due})
        graded, done = [], {}
        with self._lock, gradebook.one_run(self.layout):
            for item in due:
                result = SubmissionResult.from_record(json.loads(item.result))
                with language.using(self.lang):
                    sub = read_submission(self.data / item.file, item.assignment, item.student_id, self.root)
                nb, auto = gradebook.graded_notebook(self.layout, sub, result, self._books[item.assignment])
                for answer in result.written:  # 0 for one left as given, as nbgrader decides it
                    answer.auto_score = auto.scores.get(answer.grade_id)
                folder = self.layout.submitted / result.student_id / result.assignment
                folder.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(self.data / item.file, folder / f"{result.assignment}.ipynb")
                when = parse_time(result.submitted_at) or dt.datetime.now(UTC)
                (folder / "timestamp.txt").write_text(nbgrader_timestamp(when) + "\n")
                record.write_result(self.layout.results, result)
                gradebook.write_graded(self.layout, nb, result, folder)
                graded.append((result, auto))
                done[item.attempt_id] = result
            gradebook.record_grades(self.layout, graded)
        self.store.recorded(done)
        return len(done)

    def with_manual_grades(self, results: list[SubmissionResult]) -> list[SubmissionResult]:
        with self._lock:
            return gradebook.pull_manual_grades(self.layout, results)
