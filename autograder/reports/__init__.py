"""Pages built from graded results: feedback for students, reports for instructors.

    feedback.py      one page per student and assignment (render_feedback, write_feedback)
    class_report.py  one page per assignment for the instructor (write_class_report)
    page.py          the Jinja2 environment the pages render with (templates/: the
                     shared shell in base.html.j2): every page is one self-contained
                     HTML file (inline CSS, images as data: URLs, no script)
    loading.py       reads a graded class's result.json files
    nbgrader_feedback.py  the same feedback page through `nbgrader generate_feedback`
    commands.py      the `feedback` and `report` sub-commands
"""


class ReportError(ValueError):
    """A problem the user can fix (no results, an unwritable folder): one line, no traceback."""
