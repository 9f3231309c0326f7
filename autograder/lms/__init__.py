"""Submissions in from an LMS, grades out to it.

    roster.py     who a student is in each LMS (one CSV the instructor keeps)
    safezip.py    reading an untrusted zip: unsafe names, links and bombs are refused
    intake.py     an LMS download -> nbgrader's submitted/ layout, with a report
    canvas.py     Canvas: "Download Submissions" names in, gradebook CSV out
    moodle.py     Moodle: "Download all submissions" names in, grading worksheet out
    scores.py     times, due dates and the late penalty every exporter applies
    exporting.py  results matched to the roster, and who was left out
    nbgrader_csv.py  nbgrader's export columns, with the same penalty
    gradescope.py the Gradescope autograder zip and what runs inside it
    lti.py        scores to a line item through LTI 1.3 Assignment and Grade Services
    commands.py   the `autograder` subcommands over all of the above
"""


class LmsError(ValueError):
    """Bad input the user can fix: a malformed roster, zip, date or configuration."""
