"""The project's tests grade with a secret of their own, as a course would (AUTOGRADER_SECRET)."""
import os

os.environ.setdefault("AUTOGRADER_SECRET", "the project's own tests")
