"""The `serve` sub-command: a thin layer over service.server.run."""
from __future__ import annotations

import logging
import pathlib
import sys


def cmd_serve(args) -> int:
    from . import ServiceError, server

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        server.run(pathlib.Path(args.course), args.host, args.port, public_url=args.public_url, dev=args.dev,
                   scheduler=args.scheduler, forwarded_allow_ips=args.forwarded_allow_ips, data_dir=args.data,
                   db_url=args.db_url, workers=args.workers, lease_seconds=args.lease_seconds,
                   tool_config=args.tool_config, gradebook_dir=args.gradebook_dir,
                   gradebook=False if args.no_gradebook else None, uploads_per_minute=args.uploads_per_minute)
    except ServiceError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 0
    return 0


def register(sub):
    s = sub.add_parser("serve", help="the submission service: an LTI 1.3 tool where students upload and are graded "
                       "at once")
    s.add_argument("--course", default=".", metavar="DIR", help="the course root (default: the current folder)")
    s.add_argument("--host", default="127.0.0.1", help="the address to listen on (default 127.0.0.1; put a "
                   "reverse proxy with TLS in front of it)")
    s.add_argument("--port", type=int, default=8765)
    s.add_argument("--public-url", default="", help="the https:// address the LMS reaches the service at, behind "
                   "a proxy (default: c.Service.public_url, else http://HOST:PORT)")
    s.add_argument("--forwarded-allow-ips", default="127.0.0.1",
                   help="the proxies whose X-Forwarded-Proto/For headers are trusted (default 127.0.0.1)")
    s.add_argument("--data", default=None, metavar="DIR", help="the service's folder (default: c.Service.data_dir, "
                   "service-data/ in the course)")
    s.add_argument("--db-url", default=None, metavar="URL", help="an SQLAlchemy URL (default: SQLite in the data "
                   "folder)")
    s.add_argument("--workers", type=int, default=None, help="sandboxes grading at once (default: one per core)")
    s.add_argument("--tool-config", default=None, metavar="FILE", help="the platforms' registrations, pylti1p3's "
                   "JSON (default: c.Service.tool_config, DATA/lti_tool.json)")
    s.add_argument("--gradebook-dir", default=None, metavar="DIR", help="write the nbgrader records (submitted/, "
                   "autograded/, results/, gradebook.db) here instead of the course root")
    s.add_argument("--no-gradebook", action="store_true", help="keep attempts out of the nbgrader records "
                   "(c.Service.gradebook = False)")
    s.add_argument("--uploads-per-minute", type=int, default=None, help="per student (default: "
                   "c.Service.uploads_per_minute, 6)")
    s.add_argument("--lease-seconds", type=float, default=None, help="how soon an attempt whose worker died is "
                   "graded again (default: c.Service.lease_seconds, 30)")
    s.add_argument("--scheduler", default=None, help="grade on a Dask cluster instead, e.g. tcp://host:8786")
    s.add_argument("--dev", action="store_true", help="also start a development LMS on the next port, and use "
                   "its registration: try the whole flow without Canvas or Moodle")
    s.set_defaults(func=cmd_serve)
