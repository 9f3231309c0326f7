"""`autograder demo`: a whole nbgrader course with a sample class, graded end to end.

    course-demo/
      nbgrader_config.py     the course's configuration, with its exchange inside the course
      source/  release/      the instructor's notebooks and the students' (nbgrader generate_assignment)
      exchange/              nbgrader's exchange: the class fetched and submitted through it
      students/<id>/         each student's side: fetched assignments, and a Jupyter configuration
                             (.jupyter/) without the instructor's tools and with the student's id
      submitted/             what `nbgrader collect` brought in (timestamp.txt, submission_secret.txt)
      autograded/ results/ gradebook.db reports/

`jupyter lab` started in the course opens a working formgrader; started with
JUPYTER_CONFIG_DIR=students/<id>/.jupyter in students/<id>/, it is that
student's Jupyter, whose Assignment List fetches the feedback once released.
"""
from __future__ import annotations

import json
import os
import pathlib
import shutil
import subprocess
import sys

from .. import course
from . import sample

HELPERS = ("visual.py", "checks.py")
# nbgrader's documented switches that take the instructor's tools out of a student's Jupyter.
STUDENT_SWITCHES = (
    ("labextension", "disable", "--level=user", "@jupyter/nbgrader:formgrader"),
    ("labextension", "disable", "--level=user", "@jupyter/nbgrader:create-assignment"),
)
# `jupyter server extension disable --user` refuses an extension that is enabled only for the
# installation (as pip enables nbgrader's), so the student's own switch is written directly.
STUDENT_SERVER_CONFIG = {"ServerApp": {"jpserver_extensions": {"nbgrader.server_extensions.formgrader": False}}}
# A classroom may have no internet: JupyterLab should not ask to fetch its news.
STUDENT_LAB_SETTINGS = ("lab/user-settings/@jupyterlab/apputils-extension/notification.jupyterlab-settings",
                        {"fetchNews": "false", "checkForUpdates": False})


def _jupyter(*args: str, config_dir: pathlib.Path):
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(config_dir))
    subprocess.run([sys.executable, "-m", "jupyter", *args], env=env, check=True, capture_output=True)


def lay_out(root: pathlib.Path, assignments) -> course.Layout:
    """The instructor's side: configuration, source/ and release/ (as committed here)."""
    root.mkdir(parents=True, exist_ok=True)
    config = (course.REPO_ROOT / "nbgrader_config.py").read_text(encoding="utf-8")
    config += ("# The demo's exchange lives in the course, so nothing outside it is touched.\n"
               'c.Exchange.root = os.path.join(c.CourseDirectory.root, "exchange")\n')
    (root / "nbgrader_config.py").write_text(config, encoding="utf-8")
    for helper in HELPERS:
        shutil.copy(course.REPO_ROOT / helper, root / helper)
    for a in assignments:
        for step in ("source", "release"):
            dest = root / step / a
            if dest.exists():
                shutil.rmtree(dest)
            shutil.copytree(course.REPO_ROOT / step / a, dest, symlinks=step == "source")
    (root / "exchange").mkdir(exist_ok=True)
    return course.layout(root)


def _nbgrader_config(layout: course.Layout, **settings):
    from traitlets.config import Config

    config = course.nbgrader_config(layout.root)
    config.CourseDirectory.root = str(layout.root)
    config.Exchange.root = str(layout.root / "exchange")
    for section, values in settings.items():
        for key, value in values.items():
            setattr(config[section], key, value)
    return Config(config)


def student_home(layout: course.Layout, student_id: str, template: pathlib.Path) -> pathlib.Path:
    """students/<id>/ with the student's Jupyter configuration."""
    home = layout.root / "students" / student_id
    jupyter = home / ".jupyter"
    if not jupyter.exists():
        shutil.copytree(template, jupyter)
    (jupyter / "nbgrader_config.py").write_text(
        "c = get_config()  # noqa: F821 - provided by nbgrader\n"
        f"c.CourseDirectory.course_id = {course.course_id(layout.root)!r}\n"
        "# A real student's id is their login name; the demo's students all run as one user.\n"
        f"c.CourseDirectory.student_id = {student_id!r}\n"
        f"c.Exchange.root = {str(layout.root / 'exchange')!r}\n"
        f"c.Exchange.cache = {str(home / '.nbgrader-cache')!r}\n"
        f"c.Exchange.assignment_dir = {str(home)!r}\n", encoding="utf-8")
    return home


def _student_template(layout: course.Layout) -> pathlib.Path:
    template = layout.root / "students" / ".jupyter-template"
    if not template.exists():
        template.mkdir(parents=True)
        for switch in STUDENT_SWITCHES:
            _jupyter(*switch, config_dir=template)
        (template / "jupyter_server_config.json").write_text(json.dumps(STUDENT_SERVER_CONFIG, indent=2))
        settings = template / STUDENT_LAB_SETTINGS[0]
        settings.parent.mkdir(parents=True)
        settings.write_text(json.dumps(STUDENT_LAB_SETTINGS[1], indent=2))
    return template


def _exchange(kind, layout: course.Layout, **settings):
    """One nbgrader exchange step, run in this process."""
    from nbgrader.auth import Authenticator
    from nbgrader.coursedir import CourseDirectory

    from ..gradebook import ensure_alembic

    ensure_alembic()
    config = _nbgrader_config(layout, **settings)
    step = kind(coursedir=CourseDirectory(config=config), authenticator=Authenticator(config=config), config=config)
    step.start()


def submit_class(layout: course.Layout, assignments, students: int, seed: int = 0,
                 kinds=None) -> dict[str, dict[str, str]]:
    """Release each assignment, have every sample student fetch it, write their work and
    submit it through nbgrader's exchange, then collect: submitted/ as nbgrader leaves it."""
    from nbgrader.exchange.default import (ExchangeCollect, ExchangeFetchAssignment, ExchangeReleaseAssignment,
                                           ExchangeSubmit)

    template = _student_template(layout)
    cid = course.course_id(layout.root)
    made: dict[str, dict[str, str]] = {}
    for a in assignments:
        _exchange(ExchangeReleaseAssignment, layout, CourseDirectory={"assignment_id": a, "course_id": cid},
                  ExchangeReleaseAssignment={"force": True})
    for a, _, sid, data, label in sample.class_notebooks(assignments, students, seed, layout.root, kinds):
        home = student_home(layout, sid, template)
        student = {"CourseDirectory": {"assignment_id": a, "course_id": cid, "student_id": sid},
                   "Exchange": {"cache": str(home / ".nbgrader-cache"), "assignment_dir": str(home)}}
        if not (home / a).exists():
            _exchange(ExchangeFetchAssignment, layout, **student)
        (home / a / f"{a}.ipynb").write_bytes(data)
        _exchange(ExchangeSubmit, layout, **student)
        made.setdefault(a, {})[sid] = label
    for a in assignments:
        _exchange(ExchangeCollect, layout, CourseDirectory={"assignment_id": a, "course_id": cid},
                  ExchangeCollect={"update": True, "check_owner": False})  # one user plays every student
    return made
