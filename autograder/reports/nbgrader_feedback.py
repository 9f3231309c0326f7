"""The feedback page through nbgrader's own `generate_feedback` (and the formgrader's button).

nbgrader_config.py sets

    c.GenerateFeedback.exporter_class = "autograder.reports.nbgrader_feedback.FeedbackExporter"

so that nbgrader, which converts each autograded notebook into
feedback/<student>/<assignment>/<assignment>.html, writes this project's page
for every submission the grader graded, with the formgrader's manual grades
and comments.  A submission the grader has no results for (graded by stock
`nbgrader autograde` alone) gets nbgrader's usual page.

Releasing feedback publishes grades, so the page shows what `--published`
shows; tests marked after_due_date appear once the gradebook's due date has
passed (or when the assignment has none).
"""
from __future__ import annotations

import datetime as dt
import pathlib

from nbconvert.exporters import Exporter, HTMLExporter
from traitlets import Unicode

from .. import course, record
from .feedback import render_feedback


class FeedbackExporter(HTMLExporter):
    results_directory = Unicode(
        "results", help="Where the grader's results/<student>/<assignment>/result.json files are, "
                        "relative to the course root.").tag(config=True)

    def _course(self, db_url: str) -> course.Layout:
        coursedir = getattr(self.parent, "coursedir", None)
        root = pathlib.Path(coursedir.root if coursedir is not None else ".")
        return course.layout(root, results=root / self.results_directory, db_url=db_url)

    def from_notebook_node(self, nb, resources=None, **kw):
        info = (resources or {}).get("nbgrader", {})
        layout = self._course(info.get("db_url", ""))
        result = record.read_result(record.results_path(layout.results, info.get("student", ""),
                                                        info.get("assignment", "")))
        if result is None or result.assignment != info.get("notebook"):
            return super().from_notebook_node(nb, resources, **kw)
        from ..gradebook import open_gradebook, pull_manual_grades

        pull_manual_grades(layout, [result])
        with open_gradebook(layout) as gb:
            due = gb.find_assignment(result.assignment).duedate  # naive UTC, as nbgrader keeps it
        after_due = due is None or dt.datetime.now(dt.timezone.utc).replace(tzinfo=None) > due
        _, resources = Exporter.from_notebook_node(self, nb, resources, **kw)  # nbgrader's preprocessors still run
        return render_feedback(result, published=True, after_due=after_due), resources
