"""The project's own tests (the hidden grading suites live in autograder/hidden/)."""
import pathlib

from autograder import course


def scratch_layout(tmp: pathlib.Path, gradebook: bool = False) -> course.Layout:
    """The repository's course (its source/) with every folder the grader writes under tmp."""
    tmp = pathlib.Path(tmp)
    return course.layout(course.REPO_ROOT, submitted=tmp / "submitted", autograded=tmp / "autograded",
                         results=tmp / "out", feedback=tmp / "feedback", reports=tmp / "reports",
                         db_url=f"sqlite:///{tmp / 'gradebook.db'}" if gradebook else "")


def grading(jobs: int = 0, limits=None, **more):
    """Grading settings for a test: these limits and jobs, the defaults for the rest."""
    import dataclasses

    from autograder.settings import Autograder

    return Autograder(jobs=jobs, **(dataclasses.asdict(limits) if limits else {}), **more)
