"""Scores to an LMS line item through LTI 1.3 Assignment and Grade Services.

The tool gets a token by the OAuth 2 client-credentials grant, proving who it
is with a JWT signed by its private key (RS256), for the scope
https://purl.imsglobal.org/spec/lti-ags/scope/score; it then POSTs one
application/vnd.ims.lis.v1.score+json body per student to <lineitem>/scores.
pylti1p3 (the maintained pylti1p3next) does both; this module supplies the
registration, a token cache, the mapping from results to scores, and the
patience a real platform needs: every request has a timeout; a 429 or 5xx
answer, a timeout or a dropped connection is tried again after a growing
wait (the platform's Retry-After honoured); a 401 (a token that expired
early) gets a new token.  What landed is kept in a record, so a rerun sends
only what did not land, or changed since.  A retried score carries the same
timestamp, which AGS platforms treat as the same score.

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
import email.utils
import json
import pathlib
import time
from dataclasses import asdict, dataclass, field

import requests
from cryptography.hazmat.primitives import serialization
from requests.adapters import HTTPAdapter
from pylti1p3.assignments_grades import AssignmentsGradesService
from pylti1p3.exception import LtiException, LtiServiceException
from pylti1p3.grade import Grade
from pylti1p3.registration import Registration
from pylti1p3.service_connector import ServiceConnector

from . import LmsError
from .exporting import match, max_points
from .roster import Roster
from ..times import UTC, parse_time
from .scores import LatePolicy, describe, final_score
from ..record import atomic_write
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


@dataclass(frozen=True)
class Patience:
    """How long to wait for the platform, and how often to try a score again."""

    timeout: float = 30.0  # seconds for each request
    attempts: int = 5  # tries per score
    backoff: float = 1.0  # the first wait, doubled after each try
    max_wait: float = 60.0  # the longest single wait, Retry-After included


class _TimeoutAdapter(HTTPAdapter):
    """Every request gets a timeout: a platform that never answers must not hang the publish."""

    def __init__(self, timeout: float):
        super().__init__()
        self.timeout = timeout

    def send(self, request, **kwargs):
        kwargs["timeout"] = kwargs.get("timeout") or self.timeout
        return super().send(request, **kwargs)


def _patient(session: requests.Session | None, timeout: float) -> requests.Session:
    session = session or requests.Session()
    for scheme in ("http://", "https://"):
        session.mount(scheme, _TimeoutAdapter(timeout))
    return session


class _Connector(ServiceConnector):
    """pylti1p3's connector leaves the token cache to the web framework; here it is this object."""

    def __init__(self, registration: Registration, session: requests.Session | None = None):
        super().__init__(registration, session)
        self._tokens: dict[str, tuple[str, float]] = {}

    def forget_tokens(self):
        self._tokens.clear()

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
    unchanged: list[str] = field(default_factory=list)  # landed in an earlier run, with this very score
    left_out: list[tuple[str, str]] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    tries: dict[str, int] = field(default_factory=dict)  # student -> requests it took, when more than one
    note: str = ""

    def summary(self) -> str:
        lines = [f"LTI scores to {self.lineitem}: {len(self.sent)} sent, {len(self.failed)} failed, "
                 f"{len(self.unchanged)} already there"]
        lines += [f"  sent     {sid} (after {self.tries[sid]} tries)" for sid in self.sent if sid in self.tries]
        lines += [f"  failed   {sid}: {why}" for sid, why in self.failed]
        lines += [f"  left out {sid}: {why}" for sid, why in self.left_out]
        lines += [f"  note: {self.note}"] if self.note else []
        if self.failed:
            lines.append("  run the same command again to send only what did not land")
        return "\n".join(lines)


@dataclass(frozen=True)
class Landed:
    """One score the platform took, as the record keeps it."""

    lineitem: str
    user_id: str
    score_given: float
    score_maximum: float
    grading_progress: str
    result: str  # the result's grading_key: a regrade is another attempt
    timestamp: str


class PublishRecord:
    """What landed, student by student, in a JSON file written after every score."""

    def __init__(self, path: pathlib.Path | None):
        self.path = pathlib.Path(path) if path else None
        self.landed: dict[str, Landed] = {}
        if self.path and self.path.is_file():
            try:
                self.landed = {sid: Landed(**entry) for sid, entry in json.loads(self.path.read_text()).items()}
            except (ValueError, TypeError) as exc:
                raise LtiError(f"the publish record {self.path} cannot be read ({exc}); move it away to send "
                               "every score again") from None

    def already(self, student_id: str, score: Landed) -> bool:
        before = self.landed.get(student_id)
        return before is not None and replace_time(before) == replace_time(score)

    def add(self, student_id: str, score: Landed):
        self.landed[student_id] = score
        if self.path:
            atomic_write(self.path, json.dumps({sid: asdict(e) for sid, e in sorted(self.landed.items())}, indent=1))


def replace_time(score: Landed) -> Landed:
    return Landed(**{**asdict(score), "timestamp": ""})


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


def _retry_after(response, fallback: float) -> float:
    """Seconds the platform asks to wait (Retry-After: seconds or an HTTP date), else `fallback`."""
    value = (response.headers.get("Retry-After", "") if response is not None else "").strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return fallback
    return max(0.0, (when - dt.datetime.now(dt.timezone.utc)).total_seconds())


@dataclass(frozen=True)
class Sent:
    tries: int  # requests made
    why: str = ""  # why the score did not land; "" when it did
    final: bool = False  # the platform refused it (a 4xx other than 401 and 429): trying again will not help


def _send(service, connector: _Connector, grade: Grade, patience: Patience, sleep) -> Sent:
    wait, why = patience.backoff, ""
    for attempt in range(1, patience.attempts + 1):
        try:
            service.put_grade(grade)
            return Sent(attempt)
        except LtiServiceException as exc:
            response = getattr(exc, "response", None)
            status = getattr(response, "status_code", 0)
            why = f"HTTP {status}: {(getattr(response, 'text', '') or str(exc))[:200]}"
            if status == 401:
                connector.forget_tokens()  # the token expired before its time: ask for another
                continue
            if status != 429 and status < 500:
                return Sent(attempt, why, final=True)
            pause = _retry_after(response, wait)
        except requests.RequestException as exc:
            why = f"{type(exc).__name__}: {exc}"[:250]
            pause = wait
        if attempt < patience.attempts:
            sleep(min(pause, patience.max_wait))
            wait *= 2
    return Sent(patience.attempts, f"{why} (after {patience.attempts} tries)")


class ScoreSender:
    """Scores to one platform registration: one token, reused until it expires, and every
    request as patient as `patience` says."""

    def __init__(self, config: LtiConfig, session: requests.Session | None = None, *,
                 patience: Patience = Patience(), sleep=time.sleep):
        self.config, self.patience, self.sleep = config, patience, sleep
        self.connector = _Connector(_registration(config), _patient(session, patience.timeout))

    def check_token(self):
        try:
            self.connector.get_access_token([SCORE_SCOPE])
        except (LtiException, requests.RequestException, KeyError, ValueError) as exc:
            raise LtiError(f"no access token from {self.config.auth_token_url}: {exc}") from None

    def send(self, lineitem: str, grade: Grade) -> Sent:
        service = AssignmentsGradesService(self.connector, {"scope": [SCORE_SCOPE], "lineitem": lineitem})
        try:
            return _send(service, self.connector, grade, self.patience, self.sleep)
        except (LtiException, KeyError, ValueError) as exc:  # no token: the token endpoint failed
            return Sent(1, f"no access token from {self.config.auth_token_url}: {exc}"[:250])


def _untimed(results: list[SubmissionResult]) -> str:
    untimed = sorted(r.student_id for r in results if not parse_time(r.submitted_at))
    if not untimed:
        return ""
    return (f"{len(untimed)} results have no submission time (a Canvas download has none), so their scores carry "
            f"no submittedAt and the platform may take this publish as the time of submission: "
            f"{', '.join(untimed[:10])}{' ...' if len(untimed) > 10 else ''}")


def publish(assignment: str, results: list[SubmissionResult], roster: Roster, config: LtiConfig,
            policy: LatePolicy = LatePolicy(), lineitem: str | None = None,
            session: requests.Session | None = None, *, patience: Patience = Patience(),
            record: pathlib.Path | None = None, resend: bool = False, sleep=time.sleep) -> PublishReport:
    """POST every result of `assignment` whose student has an lti_user_id to the line item,
    except those the record says landed already with the same score (unless resend)."""
    roster.require("lti_user_id", "names each student to the LTI platform")
    url = lineitem or config.lineitems.get(assignment)
    if not url or not url.startswith(("https://", "http://")):
        raise LtiError(f"no line item URL for {assignment}: give --lineitem or a \"lineitems\" entry in the configuration")
    max_points(results, assignment)
    pairs, left_out = match(results, assignment, roster, "lti_user_id")
    report = PublishReport(url, left_out=left_out, note=_untimed([r for _, r in pairs]))
    landed = PublishRecord(record)
    sender = ScoreSender(config, session, patience=patience, sleep=sleep)
    sender.check_token()
    now = dt.datetime.now(UTC)
    for person, result in pairs:
        grade = score_for(result, person.lti_user_id, policy, now)
        entry = Landed(url, person.lti_user_id, grade.get_score_given(), grade.get_score_maximum(),
                       grade.get_grading_progress(), result.grading_key, grade.get_timestamp())
        if not resend and landed.already(person.student_id, entry):
            report.unchanged.append(person.student_id)
            continue
        sent = sender.send(url, grade)
        if sent.why:
            report.failed.append((person.student_id, sent.why))
            continue
        landed.add(person.student_id, entry)
        report.sent.append(person.student_id)
        if sent.tries > 1:
            report.tries[person.student_id] = sent.tries
    return report
