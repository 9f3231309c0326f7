"""An LMS launches the tool: OIDC login, then a signed id_token, both checked by pylti1p3.

pylti1p3 checks what LTI 1.3 asks a tool to check (the issuer and client, the platform's
RS256 signature against its JWKS, the state cookie, the nonce, the deployment id, the
message type); this module gives it what it leaves to the web framework (a request, the
cookies to set, a place for state and nonces) and turns a valid launch into `Launched`:
who (their LTI id and role), where (the resource link and its AGS line item) and which
assignment.  A nonce is consumed by the launch that uses it (store.take_value), so an
id_token posted a second time is refused.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from pylti1p3.cookie import CookieService
from pylti1p3.exception import LtiException, OIDCException
from pylti1p3.launch_data_storage.base import LaunchDataStorage
from pylti1p3.message_launch import MessageLaunch
from pylti1p3.oidc_login import OIDCLogin
from pylti1p3.redirect import Redirect
from pylti1p3.request import Request
from pylti1p3.session import SessionService
from pylti1p3.tool_config import ToolConfJsonFile

from .. import course
from . import ServiceError
from .store import Store

AGS_CLAIM = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
CUSTOM_CLAIM = "https://purl.imsglobal.org/spec/lti/claim/custom"
LINK_CLAIM = "https://purl.imsglobal.org/spec/lti/claim/resource_link"
CONTEXT_CLAIM = "https://purl.imsglobal.org/spec/lti/claim/context"
LIS_CLAIM = "https://purl.imsglobal.org/spec/lti/claim/lis"
DEPLOYMENT_CLAIM = "https://purl.imsglobal.org/spec/lti/claim/deployment_id"
PRESENTATION_CLAIM = "https://purl.imsglobal.org/spec/lti/claim/launch_presentation"
SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"


class LaunchError(ServiceError):
    """A login or launch that pylti1p3 (or this module) refused: the reason, for the page."""


def tool_config(path) -> ToolConfJsonFile:
    try:
        return ToolConfJsonFile(str(path))
    except (LtiException, OSError, ValueError) as exc:
        raise ServiceError(f"the LTI registrations {path} cannot be read: {exc}") from None


class _Request(Request):
    def __init__(self, params: dict, cookies: dict, secure: bool):
        self._params, self._cookies, self._secure = params, cookies, secure

    @property
    def session(self):
        return {}

    def get_param(self, key):
        return self._params.get(key)

    def get_cookie(self, key):
        return self._cookies.get(key)

    def is_secure(self):
        return self._secure


class _Cookies(CookieService):
    """Cookies pylti1p3 wants set, put on the response afterwards (`apply`).  On HTTPS they
    are SameSite=None, Secure and Partitioned: the launch comes from the LMS's site, and the
    tool usually runs in its iframe."""

    def __init__(self, request: _Request):
        self._request, self.to_set = request, {}

    def _key(self, name):
        return f"{self._cookie_prefix}-{name}"

    def get_cookie(self, name):
        return self._request.get_cookie(self._key(name))

    def set_cookie(self, name, value, exp=3600):
        self.to_set[self._key(name)] = (str(value), exp)

    def apply(self, response):
        secure = self._request.is_secure()
        for key, (value, exp) in self.to_set.items():
            response.set_cookie(key, value, max_age=exp, path="/", httponly=True, secure=secure,
                                samesite="none" if secure else "lax", partitioned=secure)
        return response


class _Storage(LaunchDataStorage):
    """State parameters and nonces in the service's database: they outlive a restart and are
    shared by every process behind the same database."""

    def __init__(self, store: Store):
        super().__init__()
        self.store = store

    def get_session_cookie_name(self):
        return None  # keys are random and unguessable; no session cookie is needed to find them

    def can_set_keys_expiration(self):
        return True

    def get_value(self, key):
        return self.store.get_value(self._prepare_key(key))

    def set_value(self, key, value, exp=None):
        self.store.put_value(self._prepare_key(key), value, exp or 3600)

    def check_value(self, key):
        return self.store.take_value(self._prepare_key(key))  # only nonces are checked: one launch each


class _Redirect(Redirect):
    def __init__(self, location: str):
        self.location = location

    def do_redirect(self):
        return self.location

    def do_js_redirect(self):
        return self.location

    def set_redirect_url(self, location):
        self.location = location

    def get_redirect_url(self):
        return self.location


class _Login(OIDCLogin):
    def get_redirect(self, url):
        return _Redirect(url)


class _Launch(MessageLaunch):
    def _get_request_param(self, key):
        return self._request.get_param(key)


def _parts(params: dict, cookies: dict, secure: bool, store: Store):
    request = _Request(params, cookies, secure)
    cookie_service = _Cookies(request)
    session = SessionService(request)
    return request, cookie_service, session, _Storage(store)


def login(params: dict, cookies: dict, secure: bool, config: ToolConfJsonFile, store: Store,
          launch_url: str) -> tuple[str, _Cookies]:
    """The platform's auth URL to redirect the browser to, and the state cookie to set."""
    request, cookie_service, session, storage = _parts(params, cookies, secure, store)
    oidc = _Login(request, config, session_service=session, cookie_service=cookie_service,
                  launch_data_storage=storage)
    try:
        location = oidc.disable_check_cookies().redirect(launch_url)  # never a target the request names
    except (OIDCException, LtiException) as exc:
        raise LaunchError(f"the login was refused: {exc}") from None
    return location, cookie_service


@dataclass(frozen=True)
class Launched:
    issuer: str
    client_id: str
    deployment_id: str
    sub: str
    name: str
    email: str
    student_id: str
    instructor: bool
    resource_link_id: str
    context_title: str
    assignment: str
    lineitem: str  # "" when the platform gave no AGS line item with the score scope
    due_at: str  # the LMS's due date when the placement passes it (custom due_at), else ""
    locale: str  # the language the LMS shows the person ("ko" of "ko-KR"), else ""


_SAFE = re.compile(r"[^\w.@+-]")


def _student_id(body: dict) -> str:
    """A name reports and the gradebook can use: the placement's custom student_id (Canvas's
    $Canvas.user.loginId, Moodle's $User.username), else the SIS id, else the LTI id."""
    custom = body.get(CUSTOM_CLAIM) or {}
    lis = body.get(LIS_CLAIM) or {}
    raw = str(custom.get("student_id") or lis.get("person_sourcedid") or body["sub"])
    return _SAFE.sub("_", raw).strip("._") or "student"


def _assignment(body: dict) -> str:
    """The custom parameter `assignment` names it; a link titled with an assignment's name will do."""
    custom = body.get(CUSTOM_CLAIM) or {}
    wanted = str(custom.get("assignment") or "").strip()
    names = course.ASSIGNMENTS
    if wanted:
        if wanted not in names:
            raise LaunchError(f"this link asks for the assignment {wanted!r}, which the course does not have "
                              f"(it has {', '.join(names)})")
        return wanted
    title = str((body.get(LINK_CLAIM) or {}).get("title", "")).lower().replace(" ", "_")
    found = [a for a in names if a in title]
    if len(found) != 1:
        raise LaunchError("this link does not say which assignment it is: give it the custom parameter "
                          f"assignment=NAME, one of {', '.join(names)}")
    return found[0]


def launch(params: dict, cookies: dict, secure: bool, config: ToolConfJsonFile, store: Store) -> Launched:
    request, cookie_service, session, storage = _parts(params, cookies, secure, store)
    message = _Launch(request, config, session_service=session, cookie_service=cookie_service,
                      launch_data_storage=storage)
    try:
        body = message.get_launch_data()
        if not message.is_resource_launch():
            raise LaunchError("only resource-link launches are supported here")
        instructor = (message.check_teacher_access() or message.check_teaching_assistant_access()
                      or message.check_designer_access())
    except LtiException as exc:
        raise LaunchError(f"the launch was refused: {exc}") from None
    ags = body.get(AGS_CLAIM) or {}
    lineitem = ags.get("lineitem", "") if SCORE_SCOPE in ags.get("scope", []) else ""
    aud = body["aud"][0] if isinstance(body["aud"], list) else body["aud"]
    return Launched(
        issuer=body["iss"], client_id=aud, deployment_id=body[DEPLOYMENT_CLAIM], sub=body["sub"],
        name=body.get("name", ""), email=body.get("email", ""), student_id=_student_id(body),
        instructor=instructor, resource_link_id=(body.get(LINK_CLAIM) or {}).get("id", ""),
        context_title=(body.get(CONTEXT_CLAIM) or {}).get("title", ""), assignment=_assignment(body),
        lineitem=lineitem, due_at=str((body.get(CUSTOM_CLAIM) or {}).get("due_at", "") or ""),
        locale=str((body.get(PRESENTATION_CLAIM) or {}).get("locale", "")).split("-")[0].lower())
