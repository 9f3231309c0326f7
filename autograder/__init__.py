"""Grading package for the course.

The path a submission takes, one module a step:

    read.py        notebook file -> Submission (student solution cells + instructor cells)
    isolate.py     a warm, sandboxed student process per submission (bubblewrap + limits)
    run_tests.py   the hidden suite (autograder/hidden/) against that process -> outcomes
    score.py       outcomes -> SubmissionResult (points per function, Gradescope JSON)
    record.py      result.json, grades.csv and nbgrader's gradebook, written atomically
    lms/           submissions in from, grades out to Canvas, Moodle, Gradescope, LTI 1.3
    reports/       feedback pages for students, class reports for instructors

grade.py ties the steps together for one submission or a whole class; cli.py is
a thin command line over it.  bridge.py lets stock `nbgrader autograde` run the
same hidden suites; stock.py runs stock nbgrader for comparison.
"""
