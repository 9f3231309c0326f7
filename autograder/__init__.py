"""Grading package for the course.

The path a submission takes, one module a step:

    read.py        notebook file -> Submission (student solution cells + instructor cells)
    isolate.py     a warm, sandboxed student process per submission (bubblewrap + limits)
    run_tests.py   the hidden suite (autograder/hidden/) against that process -> outcomes
    score.py       outcomes -> SubmissionResult (points per function, Gradescope JSON)
    record.py      results.json, grades.csv and nbgrader's gradebook, written atomically
    export/        grades out to Canvas, Moodle, Gradescope and LTI 1.3

grade.py ties the steps together for one submission or a whole class; cli.py is
a thin command line over it.
"""
