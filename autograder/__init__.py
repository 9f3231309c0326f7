"""Grading package for the course.

The path a submission takes, one module a step:

    read.py        notebook file -> Submission (the student's solution cells + the instructor's cells)
    isolate.py     the submission loaded into a fresh child of a warm sandbox (sandbox/)
    run_tests.py   pytest runs the assignment's hidden suite against that child -> outcomes
    score.py       outcomes -> SubmissionResult (points per function; Gradescope's JSON as an export)
    record.py      result.json, results.json, grades.csv and nbgrader's gradebook, written atomically
    lms/           submissions in from, grades out to Canvas, Moodle, Gradescope, LTI 1.3
    reports/       feedback pages for students, class reports for instructors

grade.py ties the steps together for one submission or a whole class; cli.py is
a thin command line over it.

Everything about one assignment sits in hidden/<assignment>/: its suite, its
mistakes, its right and wrong variants and its experiment test (see
docs/authoring.md).  Beside the pipeline:

    sandbox/       what runs on the student's side of the pipe: the worker, its
                   limits and wire format, and the host that starts it (host.py)
    student.py     the `student` object a hidden test calls
    course.py      the course on disk: assignments, folders, suites
    settings.py    c.Autograder.* settings (nbgrader_config.py, then the command line)
    kinds.py       the enums results are made of; times.py: due dates and lateness
    gradebook.py   nbgrader's gradebook: cells, grades, manual grades
    tools/         release (nbgrader generate_assignment), sample classes, the demo,
                   stock nbgrader for comparison, and bridge.py, which lets stock
                   `nbgrader autograde` run the same hidden suites
"""

import sys

# jsonschema loads this optional IRI checker if it is installed (Jupyter pulls it in), and it
# builds a grammar at import: about 3 s before the first notebook is read, in the CLI and in
# the library API alike.  No notebook or gradebook schema the grader validates uses IRIs, so a
# process that imports the grader before jsonschema goes without it.
sys.modules.setdefault("rfc3987_syntax", None)
