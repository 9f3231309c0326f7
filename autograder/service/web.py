"""The service's pages and endpoints (Starlette): launch, upload, feedback, the dashboard.

A session is a cookie signed with the service's key (Starlette's SessionMiddleware,
itsdangerous): it names the person and the links they launched, with their role on each.
Pages are the reports' Jinja2 templates (autoescaped, no script, a strict CSP), so what a
submission printed can only ever be text.  Every form carries the session's CSRF token.
"""
from __future__ import annotations

import hashlib
import logging
import pathlib
import secrets
import time
import uuid
from dataclasses import dataclass

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse
from starlette.routing import Route

from .. import course, language
from ..language import LANGUAGES, N_, _
from ..reports.class_report import render_class_report, summarise
from ..reports.feedback import render_feedback
from ..reports.page import render
from ..settings import Autograder
from ..times import parse_due
from . import launch as lti_launch
from .coursebook import Coursebook
from .jobs import Grader
from .outbox import Outbox
from .settings import Service
from .store import Attempt, Delivery, Link, State, Store, after_due, counted_result, result_of, student_score

log = logging.getLogger("autograder.service")
PACKAGE = "autograder.service"
WORDS = {"queued": N_("queued"), "grading": N_("grading"), "graded": N_("graded"),
         "pending": N_("on its way"), "sent": N_("sent"), "refused": N_("refused")}


@dataclass
class App:
    """What the endpoints share: the course, the settings, the database and the workers."""

    root: pathlib.Path
    data: pathlib.Path
    settings: Autograder
    service: Service
    store: Store
    registrations: object  # pylti1p3's ToolConfJsonFile
    grader: Grader
    outbox: Outbox
    coursebook: Coursebook | None
    public_url: str


def _page(request: Request, template: str, status: int = 200, **context) -> HTMLResponse:
    lang = request.session.get("lang") or request.app.state.ctx.settings.language
    return HTMLResponse(render(template, lang, package=PACKAGE, words=WORDS, **context), status_code=status)


def _say(request: Request, status: int, title: str, text: str) -> HTMLResponse:
    return _page(request, "message.html.j2", status, title=title, text=text)


def _ctx(request: Request) -> App:
    return request.app.state.ctx


def _role(request: Request, link_id: int) -> str | None:
    return (request.session.get("links") or {}).get(str(link_id))


def _person(request: Request) -> int | None:
    return request.session.get("person")


def _csrf(request: Request) -> str:
    if "csrf" not in request.session:
        request.session["csrf"] = secrets.token_urlsafe(32)
    return request.session["csrf"]


def _csrf_ok(request: Request, form) -> bool:
    sent = form.get("csrf") or ""
    return bool(request.session.get("csrf")) and secrets.compare_digest(str(sent), request.session["csrf"])


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


def _url(request: Request, path: str) -> str:
    return _ctx(request).public_url.rstrip("/") + path


# -- LTI ----------------------------------------------------------------------------

async def _params(request: Request) -> dict:
    params = dict(request.query_params)
    if request.method == "POST":
        params.update({k: v for k, v in (await request.form()).items() if isinstance(v, str)})
    return params


async def lti_login(request: Request):
    ctx = _ctx(request)
    params = await _params(request)
    try:
        location, cookies = await run_in_threadpool(
            lti_launch.login, params, dict(request.cookies), _secure(request), ctx.registrations, ctx.store,
            _url(request, "/lti/launch"))
    except lti_launch.LaunchError as exc:
        return _say(request, 400, _("The launch was refused"), str(exc))
    return cookies.apply(RedirectResponse(location, status_code=302))


async def lti_launch_endpoint(request: Request):
    ctx = _ctx(request)
    params = await _params(request)
    try:
        launched = await run_in_threadpool(lti_launch.launch, params, dict(request.cookies), _secure(request),
                                           ctx.registrations, ctx.store)
    except lti_launch.LaunchError as exc:
        log.warning("launch refused: %s", exc)
        return _say(request, 403, _("The launch was refused"), str(exc))
    due = launched.due_at
    try:
        parse_due(due) if due else None
    except (ValueError, course.CourseError):
        due = ""
    person = await run_in_threadpool(ctx.store.person, launched.issuer, launched.sub, launched.student_id,
                                     launched.name, launched.email)
    link = await run_in_threadpool(ctx.store.link, launched.issuer, launched.client_id, launched.deployment_id,
                                   launched.resource_link_id, launched.assignment, launched.lineitem,
                                   launched.context_title, due)
    if request.session.get("person") != person.id:
        request.session.clear()  # a new person in this browser: nothing of the last one's stays
    request.session["person"] = person.id
    links = dict(request.session.get("links") or {})
    links[str(link.id)] = "instructor" if launched.instructor else "student"
    request.session["links"] = links
    request.session["lang"] = launched.locale if launched.locale in LANGUAGES else ctx.settings.language
    _csrf(request)
    where = f"/links/{link.id}/instructor" if launched.instructor else f"/links/{link.id}"
    return RedirectResponse(where, status_code=303)


def jwks(request: Request):
    return JSONResponse(_ctx(request).registrations.get_jwks())


def registration_values(request: Request):
    """What a Canvas or Moodle administrator pastes into the tool's registration."""
    return JSONResponse(registration(_ctx(request).public_url))


def registration(public_url: str) -> dict:
    base = public_url.rstrip("/")
    return {"title": "Deep-learning autograder", "target_link_uri": f"{base}/lti/launch",
            "oidc_initiation_url": f"{base}/lti/login", "redirect_uris": [f"{base}/lti/launch"],
            "public_jwk_url": f"{base}/lti/jwks", "scopes": [lti_launch.SCORE_SCOPE],
            "custom_fields": {"assignment": "weight_init", "student_id": "$Canvas.user.loginId",
                              "due_at": "$Canvas.assignment.dueAt.iso8601"},
            "moodle_custom_parameters": "assignment=weight_init\nstudent_id=$User.username"}


# -- students -------------------------------------------------------------------------

def _link_or_refuse(request: Request, role: str | None = None):
    link_id = int(request.path_params["link"])
    have = _role(request, link_id)
    if have is None or (role == "instructor" and have != "instructor"):
        return None, _say(request, 403, _("Not allowed"), _("Launch this assignment from your course site first.")
                          if have is None else _("This page is for the course's instructors."))
    return _ctx(request).store.get(Link, link_id), None


def _attempt_rows(attempts: list[Attempt], link: Link, instructor: bool) -> list[dict]:
    """What the tables show: a student sees the score their feedback page adds up."""
    rows = []
    for a in attempts:
        row = {"id": a.id, "number": a.number, "state": a.state, "status": a.status, "filename": a.filename,
               "received": time.strftime("%Y-%m-%d %H:%M:%S %Z", time.localtime(a.received_at)),
               "score": a.score, "max_score": a.max_score, "complete": True}
        if a.state == State.GRADED.value and not instructor:
            shown = student_score(result_of(a), link)
            row.update(score=shown.points, complete=shown.complete)
        rows.append(row)
    return rows


def student_page(request: Request):
    link, refused = _link_or_refuse(request)
    if refused:
        return refused
    ctx = _ctx(request)
    attempts = ctx.store.attempts(person_id=_person(request), link_id=link.id)
    return _page(request, "assignment.html.j2", link=link, title=_title(link.assignment), csrf=_csrf(request),
                 attempts=_attempt_rows(attempts, link, instructor=False), limit_mb=ctx.service.max_upload_mb,
                 counted=ctx.service.counted_attempt,
                 instructor=_role(request, link.id) == "instructor")


def _title(assignment: str) -> str:
    return assignment.replace("_", " ").capitalize()


async def upload(request: Request):
    ctx = _ctx(request)
    link, refused = await run_in_threadpool(_link_or_refuse, request)
    if refused:
        return refused
    person = _person(request)
    if await run_in_threadpool(ctx.store.uploads_since, person, time.time() - 60) >= ctx.service.uploads_per_minute:
        return _say(request, 429, _("Too many uploads"),
                    _("You may upload {n} times a minute. Wait a moment, then upload again.",
                      n=ctx.service.uploads_per_minute))
    limit = ctx.service.max_upload_bytes
    too_big = _say(request, 413, _("The file is too large"),
                   _("Notebooks may be at most {limit:g} MB. Clear the outputs (Kernel → Restart and Clear "
                     "Outputs) and upload again.", limit=ctx.service.max_upload_mb))
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit + 65536:
        return too_big
    body = bytearray()
    async for chunk in request.stream():  # counted as it arrives: a missing Content-Length does not help
        body += chunk
        if len(body) > limit + 65536:
            return too_big
    request._body = bytes(body)  # what request.form() parses
    form = await request.form(max_files=1, max_fields=8)
    if not _csrf_ok(request, form):
        return _say(request, 403, _("The form has expired"), _("Reload the page and upload again."))
    file = form.get("notebook")
    if file is None or isinstance(file, str) or not file.filename:
        return _say(request, 400, _("No file was chosen"), _("Choose your notebook and upload again."))
    name = pathlib.PurePath(file.filename).name
    if not name.lower().endswith(".ipynb"):
        return _say(request, 415, _("This is not a notebook"),
                    _("Upload the .ipynb file you worked in (you chose {name}).", name=name))
    raw = await file.read()
    if len(raw) > limit:
        return too_big
    attempt = await run_in_threadpool(_accept, ctx, person, link.id, name, raw)
    ctx.grader.notify()
    return RedirectResponse(f"/attempts/{attempt.id}", status_code=303)


def _accept(ctx: App, person: int, link_id: int, name: str, raw: bytes) -> Attempt:
    """The file first, then the row: once the row is committed, the upload is graded."""
    folder = ctx.data / "uploads"
    folder.mkdir(exist_ok=True)
    stored = f"uploads/{uuid.uuid4().hex}.ipynb"
    tmp = ctx.data / (stored + ".part")
    tmp.write_bytes(raw)
    tmp.replace(ctx.data / stored)
    return ctx.store.accept(person, link_id, stored, name, hashlib.sha256(raw).hexdigest(), len(raw))


def _attempt_or_refuse(request: Request):
    ctx = _ctx(request)
    attempt = ctx.store.get(Attempt, int(request.path_params["attempt"]))
    role = _role(request, attempt.link_id) if attempt else None
    if attempt is None or role is None or (role != "instructor" and attempt.person_id != _person(request)):
        return None, _say(request, 404, _("Not found"), _("There is no such attempt of yours."))
    return attempt, None


def attempt_page(request: Request):
    attempt, refused = _attempt_or_refuse(request)
    if refused:
        return refused
    ctx = _ctx(request)
    link = ctx.store.get(Link, attempt.link_id)
    back = f"/links/{link.id}"
    if attempt.state != State.GRADED.value:
        return _page(request, "waiting.html.j2", title=_title(link.assignment), attempt=attempt, back=back,
                     ahead=ctx.store.queued())
    result = result_of(attempt)
    return HTMLResponse(render_feedback(result, published=bool(link.published), after_due=after_due(link),
                                        back=back))


def attempt_state(request: Request):
    attempt, refused = _attempt_or_refuse(request)
    if refused:
        return JSONResponse({"error": "not found"}, status_code=404)
    answer = {"id": attempt.id, "state": attempt.state, "status": attempt.status, "score": None,
              "max_score": attempt.max_score, "complete": False}
    if attempt.state == State.GRADED.value:
        link = _ctx(request).store.get(Link, attempt.link_id)
        if _role(request, attempt.link_id) == "instructor":
            answer.update(score=attempt.score, complete=True)
        else:
            shown = student_score(result_of(attempt), link)
            answer.update(score=shown.points, complete=shown.complete)
    return JSONResponse(answer)


def download(request: Request):
    attempt, refused = _attempt_or_refuse(request)
    if refused:
        return refused
    return FileResponse(_ctx(request).data / attempt.file, media_type="application/x-ipynb+json",
                        filename=attempt.filename)


# -- instructors -------------------------------------------------------------------------

def _counted(ctx: App, link: Link) -> list[tuple[int, Attempt]]:
    with ctx.store.session() as s:
        people = {a.person_id for a in ctx.store.attempts(link_id=link.id)}
        found = [(p, counted_result(s, p, link.id, ctx.service.counted_attempt)) for p in sorted(people)]
    return [(p, a) for p, a in found if a is not None]


def instructor_page(request: Request):
    link, refused = _link_or_refuse(request, "instructor")
    if refused:
        return refused
    ctx = _ctx(request)
    attempts = ctx.store.attempts(link_id=link.id)
    people = ctx.store.people({a.person_id for a in attempts})
    counted = {a.id for _, a in _counted(ctx, link)}
    sent = {}
    for entry in ctx.store.outbox(link.id):
        sent[entry.attempt_id] = entry
    students = []
    for pid, person in sorted(people.items(), key=lambda kv: kv[1].student_id):
        mine = [a for a in attempts if a.person_id == pid]
        students.append({"person": person, "attempts": _attempt_rows(mine, link, instructor=True),
                         "counted": next((a.id for a in mine if a.id in counted), None),
                         "lms": {a.id: sent[a.id] for a in mine if a.id in sent}})
    waiting = sum(a.state != State.GRADED.value for a in attempts)
    refused_scores = sum(e.state == Delivery.REFUSED.value for e in sent.values())
    pending_scores = sum(e.state == Delivery.PENDING.value for e in sent.values())
    return _page(request, "instructor.html.j2", link=link, title=_title(link.assignment), csrf=_csrf(request),
                 students=students, waiting=waiting, refused_scores=refused_scores, pending_scores=pending_scores,
                 graded=len(counted), counted=ctx.service.counted_attempt)


def _publish(ctx: App, link: Link):
    """Every counted score again, with what graders entered in the formgrader."""
    counted = {a.id: result_of(a) for _, a in _counted(ctx, link)}
    if ctx.coursebook:
        ctx.coursebook.with_manual_grades(list(counted.values()))
    ctx.store.publish(link.id, ctx.service.counted_attempt, counted)


def class_report_page(request: Request):
    link, refused = _link_or_refuse(request, "instructor")
    if refused:
        return refused
    ctx = _ctx(request)
    results = [result_of(a) for _, a in _counted(ctx, link)]
    if not results:
        return _say(request, 200, _("No results yet"), _("Nobody has submitted this assignment yet."))
    return HTMLResponse(render_class_report(summarise(results), back=f"/links/{link.id}/instructor"))


async def instructor_action(request: Request):
    link, refused = await run_in_threadpool(_link_or_refuse, request, "instructor")
    if refused:
        return refused
    form = await request.form()
    if not _csrf_ok(request, form):
        return _say(request, 403, _("The form has expired"), _("Reload the page and try again."))
    ctx = _ctx(request)
    action = request.path_params["action"]
    if action == "regrade":
        ids = [a.id for a in await run_in_threadpool(ctx.store.attempts, link_id=link.id)]
        await run_in_threadpool(ctx.store.regrade, ids)
        ctx.grader.notify()
    elif action == "publish":
        await run_in_threadpool(_publish, ctx, link)
    elif action == "retry":
        await run_in_threadpool(ctx.store.retry_refused, link.id)
    else:
        return _say(request, 404, _("Not found"), _("There is no such action."))
    ctx.outbox.notify()
    return RedirectResponse(f"/links/{link.id}/instructor", status_code=303)


# -- the rest ------------------------------------------------------------------------------

def home(request: Request):
    ctx = _ctx(request)
    return _page(request, "home.html.j2", title=_("Deep-learning autograder"),
                 values=registration(ctx.public_url), dev=getattr(request.app.state, "dev_platform", ""))


def health(request: Request):
    ctx = _ctx(request)
    return JSONResponse({"ok": True, "ready": ctx.grader.wait_ready(0), "queued": ctx.store.queued(),
                         "graded_here": ctx.grader.graded})


SECURITY_HEADERS = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin"}


class _Language:
    """Every request is answered in its session's language (the LMS's locale at launch), else the course's."""

    def __init__(self, app, default: str):
        self.app, self.default = app, default

    async def __call__(self, scope, receive, send):
        lang = (scope.get("session") or {}).get("lang") if scope["type"] == "http" else None
        with language.using(lang or self.default):
            await self.app(scope, receive, send)


class _Headers:
    """Headers every answer gets; pages say their own Content-Security-Policy."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        async def with_headers(message):
            if message["type"] == "http.response.start":
                message["headers"] = list(message.get("headers", [])) + [
                    (k.lower().encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]
            await send(message)

        await self.app(scope, receive, with_headers if scope["type"] == "http" else send)


def make_app(ctx: App) -> Starlette:
    secure = ctx.public_url.startswith("https://")
    routes = [
        Route("/", home),
        Route("/health", health),
        Route("/lti/login", lti_login, methods=["GET", "POST"]),
        Route("/lti/launch", lti_launch_endpoint, methods=["POST"]),
        Route("/lti/jwks", jwks),
        Route("/lti/registration", registration_values),
        Route("/links/{link:int}", student_page),
        Route("/links/{link:int}/upload", upload, methods=["POST"]),
        Route("/links/{link:int}/instructor", instructor_page),
        Route("/links/{link:int}/report", class_report_page),
        Route("/links/{link:int}/{action:str}", instructor_action, methods=["POST"]),
        Route("/attempts/{attempt:int}", attempt_page),
        Route("/attempts/{attempt:int}/state", attempt_state),
        Route("/attempts/{attempt:int}/download", download),
    ]
    # in the LMS's iframe the session cookie is a third-party one: on HTTPS it must be SameSite=None
    middleware = [Middleware(_Headers),
                  Middleware(SessionMiddleware, secret_key=ctx.service.session_key(ctx.root),
                             session_cookie="autograder_session", max_age=8 * 3600,
                             same_site="none" if secure else "lax", https_only=secure, partitioned=secure),
                  Middleware(_Language, default=ctx.settings.language)]
    app = Starlette(routes=routes, middleware=middleware)
    app.state.ctx = ctx
    return app
