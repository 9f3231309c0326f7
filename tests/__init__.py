"""The project's own tests (the hidden grading suites live in autograder/hidden/); shared builders in builders.py."""
