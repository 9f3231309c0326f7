"""A small LMS on loopback, so that the whole flow can be tried without Canvas or Moodle.

It is built on PyPI's lti1p3platform (the platform side of LTI 1.3, written apart from
pylti1p3): it starts the OIDC login, signs the id_token of a resource-link launch with
its own key, hands out AGS tokens to the tool (checking the tool's signed assertion
against the tool's JWKS) and takes scores on one line item per assignment, keeping them
for its gradebook page.  `autograder serve --dev` runs it beside the service, and the
service's tests use it as the platform.

What a test may turn: `down` (score requests get 503), `deployment_id` (what launches
claim), `signing_key` (a PEM key to sign id_tokens with instead of the platform's).
"""
from __future__ import annotations

import html
import json
import re
import socket
import threading
import time
import urllib.parse
from dataclasses import dataclass

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwcrypto.jwk import JWK
from lti1p3platform.exceptions import LtiException
from lti1p3platform.ltiplatform import LTI1P3PlatformConfAbstract
from lti1p3platform.message_launch import LTIAdvantageMessageLaunchAbstract
from lti1p3platform.oidc_login import OIDCLoginAbstract
from lti1p3platform.registration import Registration
from lti1p3platform.request import Request as PlatformRequest
from lti1p3platform.service_connector import AssignmentsGradesService
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse
from starlette.routing import Route

CLIENT_ID = "autograder-dev"
DEPLOYMENT_ID = "dev-deployment-1"
INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"
LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"
SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"


def key_pair() -> tuple[str, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
    public = key.public_key().public_bytes(serialization.Encoding.PEM,
                                           serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    return private, public


def thumbprint(public_pem: str) -> str:
    return JWK.from_pem(public_pem.encode()).thumbprint()


@dataclass(frozen=True)
class Member:
    user_id: str
    name: str
    email: str
    role: str
    locale: str = "en-US"


MEMBERS = (
    Member("u-1001", "Jane Doe", "jdoe@example.edu", LEARNER),
    Member("u-1002", "김민준", "minjun@example.ac.kr", LEARNER, "ko-KR"),
    Member("u-1003", "Bob Smith", "bsmith@example.edu", LEARNER),
    Member("u-9001", "Prof. Lee", "lee@example.edu", INSTRUCTOR),
)


class _Registration(Registration):
    def get_kid(self):
        return thumbprint(self.get_platform_public_key())

    def get_jwks(self):
        return [{**Registration.get_jwk(self.get_platform_public_key()), "kid": self.get_kid()}]


class _Conf(LTI1P3PlatformConfAbstract):
    def init_platform_config(self, registration=None, **kwargs):
        self._registration = registration

    def get_registration_by_params(self, **kwargs):
        return self._registration


class _Login(OIDCLoginAbstract):
    def set_lti_message_hint(self, **kwargs):
        self._lti_message_hint = kwargs["hint"]

    def get_redirect(self, url):
        return RedirectResponse(url, status_code=302)


class _Incoming(PlatformRequest):
    def build_metadata(self, request):
        return request


class _Launch(LTIAdvantageMessageLaunchAbstract):
    def get_preflight_response(self):
        return self._request

    def render_launch_form(self, launch_data, **kwargs):
        fields = "".join(f'<input type="hidden" name="{k}" value="{html.escape(str(launch_data[k]))}">'
                         for k in ("id_token", "state"))
        return HTMLResponse(
            "<!DOCTYPE html><html><head><title>Launching…</title></head><body>"
            f'<form method="post" action="{html.escape(launch_data["launch_url"])}">{fields}'
            '<noscript><button type="submit">Continue</button></noscript></form>'
            "<script>document.forms[0].submit()</script></body></html>")


class DevPlatform:
    """One course, four people, one line item per assignment, on `base` (e.g. http://127.0.0.1:8766)."""

    def __init__(self, base: str, tool_base: str, tool_public_key: str, assignments: tuple[str, ...],
                 course_title: str = "Deep learning: overfitting and what helps"):
        self.base, self.tool_base = base.rstrip("/"), tool_base.rstrip("/")
        self.issuer = self.base
        self.private_key, self.public_key = key_pair()
        self.assignments, self.course_title = assignments, course_title
        self.deployment_id = DEPLOYMENT_ID
        self.members = list(MEMBERS)  # a load test adds its own students
        self.signing_key: str | None = None
        self.down = False
        self.scores: list[dict] = []  # every score body taken, in order
        self._lock = threading.Lock()
        tool_jwk = {**Registration.get_jwk(tool_public_key), "kid": thumbprint(tool_public_key)}
        self.registration = (
            _Registration().set_iss(self.issuer).set_client_id(CLIENT_ID).set_deployment_id(DEPLOYMENT_ID)
            .set_oidc_login_url(f"{self.tool_base}/lti/login").set_launch_url(f"{self.tool_base}/lti/launch")
            .set_platform_private_key(self.private_key).set_platform_public_key(self.public_key)
            .set_tool_key_set({"keys": [tool_jwk]}))
        self.conf = _Conf(registration=self.registration)
        self.app = Starlette(routes=[
            Route("/", self.index), Route("/start", self.start), Route("/auth", self.auth, methods=["GET", "POST"]),
            Route("/jwks", self.jwks), Route("/token", self.token, methods=["POST"]),
            Route("/lineitems/{assignment}/scores", self.score, methods=["POST"]),
            Route("/scores.json", self.scores_json)])

    # -- what the tool is told to paste in its registration -----------------------------
    def tool_registration(self, private_key_file: str, public_key_file: str) -> dict:
        """pylti1p3's JSON for this platform (the tool's lti_tool.json)."""
        return {self.issuer: [{
            "default": True, "client_id": CLIENT_ID, "auth_login_url": f"{self.base}/auth",
            "auth_token_url": f"{self.base}/token", "key_set_url": f"{self.base}/jwks",
            "private_key_file": private_key_file, "public_key_file": public_key_file,
            "deployment_ids": [DEPLOYMENT_ID]}]}

    def lineitem(self, assignment: str) -> str:
        return f"{self.base}/lineitems/{assignment}"

    # -- pages and endpoints ---------------------------------------------------------
    def index(self, request: Request):
        rows = "".join(
            f"<tr><td>{html.escape(m.name)}</td><td>{'instructor' if m.role == INSTRUCTOR else 'student'}</td><td>"
            + " ".join(f'<a href="/start?user={m.user_id}&assignment={a}">{a}</a>' for a in self.assignments)
            + "</td></tr>" for m in self.members)
        scores = "".join(f"<tr><td>{html.escape(s['userId'])}</td><td>{html.escape(s['lineitem'])}</td>"
                         f"<td>{s['scoreGiven']:g} / {s['scoreMaximum']:g}</td><td>{html.escape(s['timestamp'])}</td></tr>"
                         for s in self.scores)
        return HTMLResponse(
            "<!DOCTYPE html><html><head><meta charset='utf-8'><title>Development LMS</title><style>"
            "body{font:16px/1.5 system-ui,'Noto Sans CJK KR',sans-serif;max-width:56rem;margin:2rem auto}"
            "td,th{padding:.3rem .6rem;border-bottom:1px solid #ddd;text-align:left}</style></head><body>"
            f"<h1>{html.escape(self.course_title)}</h1><p>Development LMS: launch the tool as anyone.</p>"
            f"<table><tr><th>Person</th><th>Role</th><th>Launch</th></tr>{rows}</table>"
            f"<h2>Gradebook (scores the tool sent)</h2><table><tr><th>User</th><th>Line item</th><th>Score</th>"
            f"<th>Timestamp</th></tr>{scores}</table></body></html>")

    def start(self, request: Request):
        """Third-party-initiated login: the browser goes to the tool's OIDC login URL."""
        member = self._member(request.query_params.get("user", ""))
        assignment = request.query_params.get("assignment", "")
        if member is None or assignment not in self.assignments:
            return HTMLResponse("no such person or assignment", status_code=404)
        login = _Login(request, self.conf)
        login.set_lti_message_hint(hint=f"{member.user_id}|{assignment}")
        return login.initiate_login(member.user_id)

    async def auth(self, request: Request):
        """The tool's authentication request: answer with a signed id_token, posted by the browser."""
        params = dict(request.query_params)
        if request.method == "POST":
            params.update(dict(await request.form()))
        if params.get("redirect_uri") != self.registration.get_launch_url():
            return HTMLResponse("redirect_uri is not the tool's registered launch URL", status_code=400)
        user_id, _, assignment = str(params.get("lti_message_hint", "")).partition("|")
        member = self._member(user_id)
        if member is None or member.user_id != params.get("login_hint"):
            return HTMLResponse("the login hint does not match the message hint", status_code=400)
        launch = _Launch(params, self.conf)
        launch.set_user_data(member.user_id, [member.role], member.name, member.email)
        launch.set_resource_link_claim(f"link-{assignment}", title=assignment.replace("_", " ").capitalize())
        launch.set_launch_context_claim("course-1", context_title=self.course_title, context_label="DL-101")
        launch.set_custom_parameters_claim({"assignment": assignment, "student_id": member.email.split("@")[0]})
        launch.set_ags(f"{self.base}/lineitems", self.lineitem(assignment), allow_creating_lineitems=False)
        launch.set_extra_claims({
            "https://purl.imsglobal.org/spec/lti/claim/deployment_id": self.deployment_id,
            "https://purl.imsglobal.org/spec/lti/claim/launch_presentation": {
                "document_target": "iframe", "locale": member.locale, "return_url": f"{self.base}/"}})
        if self.signing_key:  # a test's forgery: the same claims, signed with a key the tool does not know
            launch._platform_config = _Conf(registration=_forger(self.registration, self.signing_key))
        try:
            return launch.lti_launch()
        except LtiException as exc:
            return HTMLResponse(f"cannot launch: {html.escape(str(exc))}", status_code=400)

    def jwks(self, request: Request):
        return JSONResponse(self.conf.get_jwks())

    async def token(self, request: Request):
        form = {k: v for k, v in (await request.form()).items()}
        try:
            return JSONResponse(dict(self.conf.get_access_token(form)))
        except (LtiException, KeyError, ValueError) as exc:
            return JSONResponse({"error": "invalid_client", "error_description": str(exc)}, status_code=401)

    async def score(self, request: Request):
        if self.down:
            return JSONResponse({"error": "the LMS is down for maintenance"}, status_code=503)
        body = json.loads(await request.body())
        assignment = request.path_params["assignment"]
        platform = self

        class Scores(AssignmentsGradesService):
            def update_score(self, line_item_id, score):
                from lti1p3platform.score import UpdateScoreStatus

                with platform._lock:
                    platform.scores.append({**score, "lineitem": platform.lineitem(line_item_id)})
                return UpdateScoreStatus.SUCCESS

            find_lineitems = find_lineitem = create_lineitem = update_lineitem = delete_lineitem = None
            get_results = None

        incoming = _Incoming({"method": "POST", "form_data": {}, "get_data": {}, "headers": {"Authorization": request.headers.get("authorization", ""),
                                          "Content-Type": request.headers.get("content-type", "")},
                              "content_type": request.headers.get("content-type"), "path": request.url.path,
                              "json": body})
        service = Scores(incoming, self.conf, f"{self.base}/lineitems", self.lineitem(assignment))
        answer = service.handle_resp(service.handle_update_score, line_item_id=assignment)
        return JSONResponse({"message": answer.message}, status_code=answer.code)

    def scores_json(self, request: Request):
        return JSONResponse(self.scores)

    def _member(self, user_id: str) -> Member | None:
        return next((m for m in self.members if m.user_id == user_id), None)


def _forger(registration: Registration, private_key: str) -> Registration:
    forged = _Registration()
    forged.__dict__.update(registration.__dict__)
    return forged.set_platform_private_key(private_key)


def bind(host: str = "127.0.0.1", port: int = 0) -> tuple[socket.socket, str]:
    """A listening socket (port 0: any free one) and its base URL, before anything serves on it."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    return sock, f"http://{host}:{sock.getsockname()[1]}"


def serve_in_thread(app, sock: socket.socket):
    """Serve an ASGI app with uvicorn in a daemon thread, once it has started."""
    import uvicorn

    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True).start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    return server


def login_url(base: str, user_id: str, assignment: str) -> str:
    return f"{base}/start?" + urllib.parse.urlencode({"user": user_id, "assignment": assignment})



_FIELD = re.compile(r'<input type="hidden" name="(\w+)" value="([^"]*)">')
_ACTION = re.compile(r'<form method="post" action="([^"]+)">')


def launch_form(client, platform_base: str, user_id: str, assignment: str) -> tuple[str, dict]:
    """What the browser would post to the tool after the OIDC login (an httpx client, which keeps
    the tool's state cookie): (the launch URL, its fields)."""
    answer = client.get(login_url(platform_base, user_id, assignment), follow_redirects=True)
    found = _ACTION.search(answer.text)
    if answer.status_code != 200 or not found:
        raise RuntimeError(f"the login did not end in a launch form ({answer.status_code}): {answer.text[:300]}")
    return html.unescape(found.group(1)), {k: html.unescape(v) for k, v in _FIELD.findall(answer.text)}


def browserless_launch(client, platform_base: str, user_id: str, assignment: str):
    """A whole launch without a browser, for scripts and the load benchmark: the tool's answer."""
    url, fields = launch_form(client, platform_base, user_id, assignment)
    return client.post(url, data=fields, follow_redirects=True)
