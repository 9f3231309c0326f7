"""`autograder serve`: the service's pieces put together and run under uvicorn.

`start()` gives a running service (its workers, its outbox and, with `dev`, the
development LMS) without serving HTTP, for tests and for `run()`, which serves it.
"""
from __future__ import annotations

import contextlib
import json
import logging
import os
import pathlib
from dataclasses import dataclass

from .. import course
from ..settings import Autograder
from ..settings import load as load_settings
from . import ServiceError, devplatform
from . import launch as lti_launch
from .coursebook import Coursebook
from .jobs import Grader
from .outbox import Outbox
from .settings import Service
from .settings import load as load_service
from .store import Store
from .web import App, make_app

log = logging.getLogger("autograder.service")
PRIVATE_KEY, PUBLIC_KEY = "lti_private.pem", "lti_public.pem"


def ensure_keys(data: pathlib.Path) -> str:
    """The tool's key pair in the data folder, made on the first start; the public key (PEM)."""
    private, public = data / PRIVATE_KEY, data / PUBLIC_KEY
    if not private.is_file():
        private_pem, public_pem = devplatform.key_pair()
        fd = os.open(private, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(private_pem)
        public.write_text(public_pem)
    return public.read_text()


@dataclass
class Running:
    ctx: App
    app: object  # the Starlette app
    platform: devplatform.DevPlatform | None
    stack: contextlib.ExitStack

    def close(self):
        self.stack.close()


def start(root: pathlib.Path, public_url: str, *, service: Service | None = None, settings: Autograder | None = None,
          scheduler: str | None = None, dev_url: str = "") -> Running:
    """Everything but the HTTP server.  dev_url: where the development LMS will be served, whose
    registration then replaces DATA/lti_tool.json's (the file is written to DATA/dev/)."""
    root = pathlib.Path(root)
    service = service or load_service(root)
    settings = settings or load_settings(root)
    data = service.folder(root)
    public_key = ensure_keys(data)
    platform = None
    config_path = service.tool_config_path(root)
    if dev_url:
        platform = devplatform.DevPlatform(dev_url, public_url, public_key, course.ASSIGNMENTS)
        (data / "dev").mkdir(exist_ok=True)
        config_path = data / "dev" / "lti_tool.json"
        config_path.write_text(json.dumps(platform.tool_registration(f"../{PRIVATE_KEY}", f"../{PUBLIC_KEY}"),
                                          indent=1))
    if not config_path.is_file():
        raise ServiceError(f"no LTI registrations at {config_path}: write one (see the README: 'The submission "
                           "service') or try `autograder serve --dev`")
    stack = contextlib.ExitStack()
    store = Store(service.database(root))
    stack.callback(store.close)
    registrations = lti_launch.tool_config(config_path)
    layout = service.course_layout(root)
    coursebook = Coursebook(layout, store, data, root, service.counted_attempt, settings.language) if layout else None
    grader = Grader(store, root, data, settings, service, scheduler, coursebook)
    outbox = Outbox(store, registrations, service)
    ctx = App(root=root, data=data, settings=settings, service=service, store=store, registrations=registrations,
              grader=grader, outbox=outbox, coursebook=coursebook, public_url=public_url)
    app = make_app(ctx)
    if platform:
        app.state.dev_platform = dev_url + "/"
    try:
        if coursebook:
            coursebook.start()
            stack.callback(coursebook.stop)
        grader.start()
        stack.callback(grader.stop)
        outbox.start()
        stack.callback(outbox.stop)
    except BaseException:
        stack.close()
        raise
    return Running(ctx, app, platform, stack)


def run(root: pathlib.Path, host: str = "127.0.0.1", port: int = 8765, *, public_url: str = "", dev: bool = False,
        scheduler: str | None = None, forwarded_allow_ips: str = "127.0.0.1", **given) -> None:
    import uvicorn

    service = load_service(root, **given)
    sock, base = devplatform.bind(host, port)
    public_url = public_url or service.public_url or base
    dev_sock = dev_url = None
    if dev:
        dev_sock, dev_url = devplatform.bind(host, 0 if port == 0 else port + 1)
    running = start(root, public_url, service=service, scheduler=scheduler, dev_url=dev_url or "")
    try:
        if dev_sock:
            devplatform.serve_in_thread(running.platform.app, dev_sock)
            print(f"development LMS at {dev_url}/ : open it and launch the tool as a student or the instructor",
                  flush=True)
        print(f"autograder service at {public_url} (registration values: {public_url}/lti/registration)", flush=True)
        server = uvicorn.Server(uvicorn.Config(running.app, log_level="info", lifespan="off", proxy_headers=True,
                                               forwarded_allow_ips=forwarded_allow_ips))
        server.run(sockets=[sock])
    finally:
        running.close()
