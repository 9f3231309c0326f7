"""Scores to an LMS line item through LTI 1.3 Assignment and Grade Services.

The tool gets a token by the OAuth 2 client-credentials grant, proving who it
is with a JWT signed by its private key (RS256), for the scope
https://purl.imsglobal.org/spec/lti-ags/scope/score; it then POSTs one
application/vnd.ims.lis.v1.score+json body per student to <lineitem>/scores.
pylti1p3 (the maintained pylti1p3next) does both; this module supplies the
registration, a token cache, and the mapping from results to scores.

The configuration is a JSON file the platform's registration fills in:

    {"issuer": "https://canvas.instructure.com",
     "client_id": "10000000000042",
     "auth_token_url": "https://canvas.example.edu/login/oauth2/token",
     "auth_audience": "",                    (optional; defaults to auth_token_url)
     "key_id": "dl-course-2025",             (optional; default: the key's RFC 7638 thumbprint)
     "private_key_file": "lti_private.pem",  (relative to this file)
     "lineitems": {"weight_init": "https://canvas.example.edu/api/lti/courses/7/line_items/31"}}
"""
from __future__ import annotations

import datetime as dt
import json
import pathlib
import time
from dataclasses import dataclass, field

import requests
from cryptography.hazmat.primitives import serialization
from pylti1p3.assignments_grades import AssignmentsGradesService
from pylti1p3.exception import LtiException
from pylti1p3.grade import Grade
from pylti1p3.registration import Registration
from pylti1p3.service_connector import ServiceConnector

from . import LmsError
from .exporting import match, max_points
from .roster import Roster
from .scores import UTC, LatePolicy, describe, final_score, parse_time, untimed_note
from ..score import SubmissionResult

SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"


class LtiError(LmsError):
    pass


@dataclass(frozen=True)
class LtiConfig:
    issuer: str
    client_id: str
    auth_token_url: str
    private_key: str  # PEM
    key_id: str = ""
    auth_audience: str = ""
    lineitems: dict = field(default_factory=dict)  # assignment -> line item URL


def load_config(path: pathlib.Path) -> LtiConfig:
    path = pathlib.Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise LtiError(f"LTI configuration {path} is not valid JSON ({exc})") from None
    missing = [k for k in ("issuer", "client_id", "auth_token_url", "private_key_file") if not data.get(k)]
    if missing:
        raise LtiError(f"LTI configuration {path} lacks {', '.join(missing)}")
    key_path = path.parent / data["private_key_file"]
    try:
        key = key_path.read_text(encoding="utf-8")
    except OSError as exc:
        raise LtiError(f"the tool's private key {key_path} cannot be read ({exc.strerror})") from None
    return LtiConfig(data["issuer"], str(data["client_id"]), data["auth_token_url"], key,
                     data.get("key_id", ""), data.get("auth_audience", ""), dict(data.get("lineitems") or {}))


class _Connector(ServiceConnector):
    """pylti1p3's connector leaves the token cache to the web framework; here it is this object."""

    def __init__(self, registration: Registration, session: requests.Session | None = None):
        super().__init__(registration, session)
        self._tokens: dict[str, tuple[str, float]] = {}

    def _get_cached_access_token(self, scope_key: str) -> str | None:
        token, expires = self._tokens.get(scope_key, ("", 0.0))
        return token if token and time.monotonic() < expires else None

    def _cache_access_token(self, scope_key: str, access_token: str, expires_in: float):
        # expires_in 0 (not given) still serves this run; a token is asked for once per publish
        lifetime = float(expires_in) - 30 if expires_in else 3600
        self._tokens[scope_key] = (access_token, time.monotonic() + lifetime)


class _Registration(Registration):
    """The assertion's `kid` names the key the platform should check it with: the one
    configured, else the thumbprint pylti1p3 itself publishes for the key."""

    def __init__(self, kid: str):
        self._kid = kid

    def get_kid(self) -> str | None:
        return self._kid or super().get_kid()


def _registration(config: LtiConfig) -> Registration:
    try:
        private = serialization.load_pem_private_key(config.private_key.encode(), password=None)
    except (ValueError, TypeError) as exc:
        raise LtiError(f"the tool's private key is not an unencrypted PEM key ({exc})") from None
    public = private.public_key().public_bytes(serialization.Encoding.PEM,
                                               serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    reg = (_Registration(config.key_id).set_issuer(config.issuer).set_client_id(config.client_id)
           .set_auth_token_url(config.auth_token_url).set_tool_private_key(config.private_key)
           .set_tool_public_key(public))
    if config.auth_audience:
        reg.set_auth_audience(config.auth_audience)
    return reg


@dataclass
class PublishReport:
    lineitem: str
    sent: list[str] = field(default_factory=list)
    left_out: list[tuple[str, str]] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    note: str = ""

    def summary(self) -> str:
        lines = [f"LTI scores to {self.lineitem}: {len(self.sent)} sent, {len(self.failed)} failed"]
        lines += [f"  failed   {sid}: {why}" for sid, why in self.failed]
        lines += [f"  left out {sid}: {why}" for sid, why in self.left_out]
        lines += [f"  note: {self.note}"] if self.note else []
        return "\n".join(lines)


def score_for(result: SubmissionResult, user_id: str, policy: LatePolicy, now: dt.datetime) -> Grade:
    final = final_score(result, policy)
    grade = (Grade().set_user_id(user_id).set_score_given(final.score).set_score_maximum(final.max_score)
             .set_activity_progress("Completed")
             .set_grading_progress("PendingManual" if result.pending_manual else "FullyGraded")
             .set_timestamp(now.astimezone(UTC).isoformat(timespec="milliseconds"))
             .set_comment(describe(result, final)))
    submitted = parse_time(result.submitted_at)
    if submitted:
        grade.set_submitted_at(submitted.astimezone(UTC).isoformat(timespec="milliseconds"))
    return grade


def publish(assignment: str, results: list[SubmissionResult], roster: Roster, config: LtiConfig,
            policy: LatePolicy = LatePolicy(), lineitem: str | None = None,
            session: requests.Session | None = None) -> PublishReport:
    """POST every result of `assignment` whose student has an lti_user_id to the line item."""
    roster.require("lti_user_id", "names each student to the LTI platform")
    url = lineitem or config.lineitems.get(assignment)
    if not url or not url.startswith(("https://", "http://")):
        raise LtiError(f"no line item URL for {assignment}: give --lineitem or a \"lineitems\" entry in the configuration")
    max_points(results, assignment)
    pairs, left_out = match(results, assignment, roster, "lti_user_id")
    report = PublishReport(url, left_out=left_out, note=untimed_note([r for _, r in pairs], policy))
    connector = _Connector(_registration(config), session)
    try:
        connector.get_access_token([SCORE_SCOPE])
    except (LtiException, requests.RequestException, KeyError, ValueError) as exc:
        raise LtiError(f"no access token from {config.auth_token_url}: {exc}") from None
    service = AssignmentsGradesService(connector, {"scope": [SCORE_SCOPE], "lineitem": url})
    now = dt.datetime.now(UTC)
    for person, result in pairs:
        try:
            service.put_grade(score_for(result, person.lti_user_id, policy, now))
            report.sent.append(person.student_id)
        except (LtiException, requests.RequestException) as exc:
            report.failed.append((person.student_id, str(exc)))
    return report
