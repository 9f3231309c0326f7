"""nbgrader configuration for the course; the course root is this folder."""
import os

c = get_config()  # noqa: F821 - provided by nbgrader

# The course's language, "en" or "ko": nbgrader releases that edition (source_ko/ -> release_ko/
# for Korean) and the class reports are written in it.  Each submission is answered in the
# language of the edition it came from, so a class may mix them (docs/editions.md).
LANGUAGE = "en"

c.Autograder.language = LANGUAGE
c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))
c.CourseDirectory.course_id = "dl-overfitting"
c.CourseDirectory.source_directory = "source" if LANGUAGE == "en" else f"source_{LANGUAGE}"
c.CourseDirectory.release_directory = "release" if LANGUAGE == "en" else f"release_{LANGUAGE}"
c.CourseDirectory.submitted_directory = "submitted"
c.CourseDirectory.autograded_directory = "autograded"
c.CourseDirectory.feedback_directory = "feedback"
# The helper modules travel with each assignment so released notebooks import them.
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback"]
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"
# Execute.timeout, not ExecutePreprocessor.timeout: see nbgrader #915 and #1004.
c.Execute.timeout = 300
# The formgrader's "Generate Feedback" and `nbgrader generate_feedback` write the grader's
# feedback page (with the formgrader's manual grades) for every submission it graded.
c.GenerateFeedback.exporter_class = "autograder.reports.nbgrader_feedback.FeedbackExporter"
