"""What `autograder serve` can be told (`c.Service.*` in nbgrader_config.py, or the command line).

No secret has a default in the code or the repository: the session key is read from
AUTOGRADER_SESSION_SECRET or made once, at random, in the data folder (mode 0600);
the tool's private key and the platforms' registrations are files in the data folder
(or wherever `tool_config` points).
"""
from __future__ import annotations

import os
import pathlib
import secrets

from traitlets import Bool, Enum, Float, Integer, Unicode, default
from traitlets.config import Configurable

from . import ServiceError

MB = 2**20


class Service(Configurable):
    """The submission service (`autograder serve`)."""

    data_dir = Unicode("service-data", help=(
        "the folder of the service's own files: uploads, the database (by default), the session "
        "key; relative to the course root")).tag(config=True)
    db_url = Unicode(help=(
        "the service's database as an SQLAlchemy URL (default: sqlite:///DATA_DIR/service.db; "
        "postgresql+psycopg://... for PostgreSQL)")).tag(config=True)
    tool_config = Unicode(help=(
        "the platforms' registrations, in pylti1p3's JSON format (default: DATA_DIR/lti_tool.json)")).tag(
        config=True)
    public_url = Unicode(help=(
        "the address the LMS and browsers reach the service at (https://grader.example.edu), "
        "when it runs behind a reverse proxy; default: http://HOST:PORT")).tag(config=True)
    session_secret = Unicode(help=(
        "the key session cookies are signed with; default: AUTOGRADER_SESSION_SECRET, else a "
        "random key kept in DATA_DIR/session.key")).tag(config=True)

    gradebook = Bool(True, help=(
        "write each student's counted attempt into the course's nbgrader records (submitted/, results/, "
        "autograded/ and the gradebook), where the formgrader grades its written answers")).tag(config=True)
    gradebook_dir = Unicode(help=(
        "where those records go, if not in the course root (the formgrader only looks in the course "
        "root)")).tag(config=True)

    max_upload_mb = Float(5.0, min=0.01, help="the largest notebook a student may upload, in MB").tag(config=True)
    uploads_per_minute = Integer(6, min=1, help="uploads one student may make in a minute").tag(config=True)
    counted_attempt = Enum(("latest", "best"), default_value="latest", help=(
        "which attempt the LMS gradebook gets: the latest upload, or the best score")).tag(config=True)
    workers = Integer(0, min=0, help="sandboxes grading at once; 0 is one per core").tag(config=True)
    lease_seconds = Float(30.0, min=1.0, help=(
        "how long a worker holds an attempt without a heartbeat before another may take it "
        "(after a crash, the attempt is graded again once this has passed)")).tag(config=True)
    outbox_seconds = Float(2.0, min=0.05, help="how often the outbox looks for scores to send").tag(config=True)
    retry_seconds = Float(30.0, min=0.1, help=(
        "the first wait after a score did not land; doubled after each try, up to an hour")).tag(config=True)

    @default("session_secret")
    def _session_secret(self):
        return os.environ.get("AUTOGRADER_SESSION_SECRET", "")

    def folder(self, root: pathlib.Path) -> pathlib.Path:
        folder = pathlib.Path(root) / self.data_dir
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def database(self, root: pathlib.Path) -> str:
        return self.db_url or f"sqlite:///{(self.folder(root) / 'service.db').resolve()}"

    def tool_config_path(self, root: pathlib.Path) -> pathlib.Path:
        return pathlib.Path(root) / self.tool_config if self.tool_config else self.folder(root) / "lti_tool.json"

    def session_key(self, root: pathlib.Path) -> str:
        if self.session_secret:
            if len(self.session_secret) < 32:
                raise ServiceError("the session secret must be at least 32 characters")
            return self.session_secret
        path = self.folder(root) / "session.key"
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # made by an earlier start, or by a second process just now
            pass
        else:
            with os.fdopen(fd, "w") as f:
                f.write(secrets.token_urlsafe(48))
        return path.read_text().strip()

    def course_layout(self, root: pathlib.Path):
        """The nbgrader records the service writes to (see `gradebook`), or None."""
        from .. import course

        if not self.gradebook:
            return None
        if not self.gradebook_dir:
            return course.layout(root)
        at = pathlib.Path(root) / self.gradebook_dir
        return course.layout(root, submitted=at / "submitted", autograded=at / "autograded", results=at / "results",
                             feedback=at / "feedback", reports=at / "reports",
                             db_url=f"sqlite:///{(at / 'gradebook.db').resolve()}")

    @property
    def max_upload_bytes(self) -> int:
        return int(self.max_upload_mb * MB)


def load(root: pathlib.Path, **given) -> Service:
    from .. import course

    service = Service(config=course.nbgrader_config(pathlib.Path(root)))
    for name, value in given.items():
        if value is not None:
            setattr(service, name, value)
    return service
