"""LTI 1.3 score publishing, against a small LTI platform served on 127.0.0.1."""
import http.server
import json
import re
import secrets
import threading
import time
import urllib.parse

import jwt
import pytest
import requests

from autograder.lms import lti
from autograder.lms.roster import Person, Roster
from autograder.lms.scores import LatePolicy
from autograder.service.devplatform import key_pair
from autograder.times import parse_due
from tests.builders import result_of

A = "weight_init"
CLIENT_ID = "10000000000042"
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
ISO_WITH_FRACTION = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+(Z|[+-]\d\d:\d\d)$")


class Faults:
    """What a real platform does on a bad day, for the next requests to its score endpoint."""

    def __init__(self):
        self.hang = 0  # requests to leave unanswered until the client gives up
        self.busy: list[tuple[int, str]] = []  # (status, Retry-After) to answer instead of taking the score
        self.revoke_after = None  # after this many scores taken, every token issued so far stops working


class LoopbackPlatform:
    """An HTTP server on 127.0.0.1 with a token endpoint and one line item's score endpoint;
    subclasses decide what a token and a score are."""

    def __init__(self):
        self.scores, self.errors, self.token_requests = [], [], 0
        self.faults = Faults()
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.token_url = f"{self.base}/login/oauth2/token"
        self.lineitem = f"{self.base}/api/lti/courses/7/line_items/31"

    def revoke_tokens(self):
        raise NotImplementedError

    def _score_with_faults(self, body: bytes, headers):
        if self.faults.hang:
            self.faults.hang -= 1
            time.sleep(HANG_SECONDS)
            return None, None  # the connection closes with no answer
        if self.faults.busy:
            status, retry_after = self.faults.busy.pop(0)
            return status, {"error": "busy"}, {"Retry-After": retry_after} if retry_after else {}
        status, answer = self.score(body, headers)
        if status < 300 and self.faults.revoke_after is not None and len(self.scores) >= self.faults.revoke_after:
            self.faults.revoke_after = None
            self.revoke_tokens()
        return status, answer

    def _handler(self):
        platform = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def reply(self, status: int, body: dict | None = None, extra: dict | None = None):
                data = json.dumps(body).encode() if body is not None else b""
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                for key, value in (extra or {}).items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                extra = {}
                if self.path == "/login/oauth2/token":
                    platform.token_requests += 1
                    status, answer = platform.token(body.decode(), self.headers)
                elif self.path == "/api/lti/courses/7/line_items/31/scores":
                    status, answer, *more = platform._score_with_faults(body, self.headers)
                    if status is None:
                        self.close_connection = True
                        return
                    extra = more[0] if more else {}
                else:
                    status, answer = 404, {"error": "no such endpoint"}
                if status >= 400 and status not in (429, 503):
                    platform.errors.append(answer)
                self.reply(status, answer, extra)

        return Handler

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


HANG_SECONDS = 3.0


class Platform(LoopbackPlatform):
    """What an LMS does for AGS, written for this project: check the tool's signed assertion,
    hand out a bearer token for the score scope, and accept score bodies on a line item."""

    def __init__(self, tool_public_key: str):
        super().__init__()
        self.public_key = tool_public_key
        self.tokens, self.jtis, self.kids = set(), set(), []
        self.refuse_user = None

    def revoke_tokens(self):
        self.tokens.clear()

    def token(self, body: str, headers):
        form = {k: v[0] for k, v in urllib.parse.parse_qs(body).items()}
        if headers.get("Content-Type") != "application/x-www-form-urlencoded":
            return 400, {"error": "invalid_request"}
        if form.get("grant_type") != "client_credentials" or form.get("client_assertion_type") != ASSERTION_TYPE:
            return 400, {"error": "unsupported_grant_type"}
        if lti.SCORE_SCOPE not in form.get("scope", "").split():
            return 400, {"error": "invalid_scope"}
        try:
            claims = jwt.decode(form.get("client_assertion", ""), self.public_key, algorithms=["RS256"],
                                audience=self.token_url,
                                options={"require": ["iss", "sub", "aud", "exp", "iat", "jti"]})
        except jwt.PyJWTError as exc:
            return 401, {"error": "invalid_client", "error_description": str(exc)}
        if claims["iss"] != CLIENT_ID or claims["sub"] != CLIENT_ID:
            return 401, {"error": "invalid_client", "error_description": "iss and sub must be the client id"}
        if claims["exp"] > time.time() + 3600 or claims["jti"] in self.jtis:
            return 401, {"error": "invalid_client", "error_description": "replayed or long-lived assertion"}
        self.jtis.add(claims["jti"])
        self.kids.append(jwt.get_unverified_header(form["client_assertion"]).get("kid"))
        token = secrets.token_urlsafe(16)
        self.tokens.add(token)
        return 200, {"access_token": token, "token_type": "Bearer", "expires_in": 3600, "scope": lti.SCORE_SCOPE}

    def score(self, body: bytes, headers):
        if headers.get("Authorization", "").removeprefix("Bearer ") not in self.tokens:
            return 401, {"error": "bad bearer token"}
        if headers.get("Content-Type") != "application/vnd.ims.lis.v1.score+json":
            return 415, {"error": f"content type {headers.get('Content-Type')}"}
        score = json.loads(body)
        missing = {"userId", "scoreGiven", "scoreMaximum", "activityProgress", "gradingProgress",
                   "timestamp"} - set(score)
        if (missing or score["activityProgress"] != "Completed"
                or score["gradingProgress"] not in ("FullyGraded", "PendingManual")):
            return 400, {"error": f"bad score body {score}"}
        if not ISO_WITH_FRACTION.match(score["timestamp"]):
            return 400, {"error": f"timestamp {score['timestamp']} lacks sub-second precision"}
        if score["userId"] == self.refuse_user:
            return 422, {"error": "user not in this context"}
        self.scores.append(score)
        return 200, {"resultUrl": f"{self.lineitem}/results/{score['userId']}"}


@pytest.fixture(scope="module")
def keys():
    return key_pair()


@pytest.fixture
def platform(keys):
    with Platform(keys[1]) as p:
        yield p


def config(platform, private_key, key_id=""):
    return lti.LtiConfig("https://lms.example.edu", CLIENT_ID, platform.token_url, private_key, key_id,
                         lineitems={A: platform.lineitem})


def session():
    s = requests.Session()
    s.trust_env = False  # a proxy from the environment must not sit between the test and 127.0.0.1
    return s


ROSTER = Roster((Person("jdoe", lti_user_id="lti-jane"), Person("bsmith", lti_user_id="lti-bob"),
                 Person("alee")), frozenset({"student_id", "lti_user_id"}))
RESULTS = [result_of("jdoe", {"relu": 4.0, "he_init": 6.0}, submitted_at="2025-03-01 20:00:00.000000 UTC"),
           result_of("bsmith", {"relu": 4.0, "he_init": 3.0}, submitted_at="2025-03-02 08:00:00.000000 UTC"),
           result_of("alee", {"relu": 1.0, "he_init": 1.0})]


def test_scores_reach_the_line_item_with_the_late_penalty(platform, keys):
    policy = LatePolicy(parse_due("2025-03-01T23:59:00Z"), 10)
    report = lti.publish(A, RESULTS, ROSTER, config(platform, keys[0]), policy, session=session())
    assert platform.errors == []
    assert report.sent == ["bsmith", "jdoe"] and report.failed == []
    assert report.left_out == [("alee", "no lti_user_id in the roster")]
    got = {s["userId"]: s for s in platform.scores}
    assert (got["lti-jane"]["scoreGiven"], got["lti-jane"]["scoreMaximum"]) == (10, 10)
    assert got["lti-bob"]["scoreGiven"] == 6.3, "7 points less 10% for one started day"
    assert "relu 4/4, he_init 3/6" in got["lti-bob"]["comment"] and "1 day late" in got["lti-bob"]["comment"]
    assert got["lti-bob"]["submission"]["submittedAt"].startswith("2025-03-02T08:00:00.000")
    assert len(platform.jtis) == 1, "one token serves every score"
    assert platform.kids == [lti._registration(config(platform, keys[0])).get_kid()]


def test_the_configured_key_id_is_sent(platform, keys):
    lti.publish(A, RESULTS[:1], ROSTER, config(platform, keys[0], key_id="course-key-2025"), session=session())
    assert platform.kids == ["course-key-2025"]


def test_a_token_signed_with_the_wrong_key_sends_nothing(platform):
    stranger, _ = key_pair()
    with pytest.raises(lti.LtiError, match="no access token"):
        lti.publish(A, RESULTS, ROSTER, config(platform, stranger), session=session())
    assert platform.scores == [] and platform.errors[0]["error"] == "invalid_client"


def test_a_refused_score_is_reported_and_the_others_still_go(platform, keys):
    platform.refuse_user = "lti-bob"
    report = lti.publish(A, RESULTS, ROSTER, config(platform, keys[0]), session=session())
    assert report.sent == ["jdoe"]
    assert [sid for sid, _ in report.failed] == ["bsmith"] and "422" in report.failed[0][1]
    assert "1 sent, 1 failed" in report.summary()


def test_configuration_file(tmp_path, keys, platform):
    (tmp_path / "keys").mkdir()
    (tmp_path / "keys" / "tool.pem").write_text(keys[0])
    path = tmp_path / "lti.json"
    path.write_text(json.dumps({"issuer": "https://lms.example.edu", "client_id": CLIENT_ID,
                                "auth_token_url": platform.token_url, "private_key_file": "keys/tool.pem",
                                "lineitems": {A: platform.lineitem}}))
    loaded = lti.load_config(path)
    assert loaded.private_key == keys[0] and loaded.lineitems == {A: platform.lineitem}
    path.write_text(json.dumps({"issuer": "x", "private_key_file": "keys/tool.pem"}))
    with pytest.raises(lti.LtiError, match="lacks client_id, auth_token_url"):
        lti.load_config(path)
    with pytest.raises(lti.LtiError, match="no line item URL for dropout"):
        lti.publish("dropout", RESULTS, ROSTER, loaded)


# -- a second, independent platform: PyPI's lti1p3platform -------------------------------------


class LibPlatform(LoopbackPlatform):
    """lti1p3platform (PyPI, MIT) serves the token and score endpoints: its client-credentials
    check (the RS256 assertion matched by kid against the tool's key set) and its bearer-token
    check on every score, behind the same loopback server."""

    def __init__(self, tool_public_key: str, tool_kid: str):
        from lti1p3platform.ltiplatform import LTI1P3PlatformConfAbstract
        from lti1p3platform.registration import Registration as PlatformRegistration
        from lti1p3platform.request import Request
        from lti1p3platform.service_connector import AssignmentsGradesService as Service

        super().__init__()
        platform_private, platform_public = key_pair()
        jwk = PlatformRegistration.get_jwk(tool_public_key)
        jwk["kid"] = tool_kid
        registration = (PlatformRegistration().set_iss("https://lib-platform.example").set_client_id(CLIENT_ID)
                        .set_platform_private_key(platform_private).set_platform_public_key(platform_public)
                        .set_tool_key_set({"keys": [jwk]}))
        revoked = self.revoked = set()

        class Conf(LTI1P3PlatformConfAbstract):
            def init_platform_config(self, **kwargs):
                pass

            def get_registration_by_params(self, **kwargs):
                return registration

            def validate_token(self, token, allowed_scopes=None, audience=None):
                return token not in revoked and super().validate_token(token, allowed_scopes, audience)

        self.conf = Conf()
        self.conf.get_registration()
        self.issued = []
        platform = self

        class Scores(Service):
            def update_score(self, line_item_id, score):
                from lti1p3platform.score import UpdateScoreStatus

                platform.scores.append(score)
                return UpdateScoreStatus.SUCCESS

            find_lineitems = find_lineitem = create_lineitem = update_lineitem = delete_lineitem = get_results = None

        class Incoming(Request):
            def build_metadata(self, request):
                return request

        self.Scores, self.Incoming = Scores, Incoming

    def revoke_tokens(self):
        self.revoked.update(self.issued)

    def token(self, body: str, headers):
        from lti1p3platform.exceptions import LtiException

        form = {k: v[0] for k, v in urllib.parse.parse_qs(body).items()}
        try:
            answer = self.conf.get_access_token(form)
            while answer["access_token"] in self.revoked:  # its tokens differ only by their issue second
                time.sleep(0.2)
                answer = self.conf.get_access_token(form)
        except (LtiException, jwt.PyJWTError, KeyError) as exc:
            return 401, {"error": "invalid_client", "error_description": str(exc)}
        self.issued.append(answer["access_token"])
        return 200, dict(answer)

    def score(self, body: bytes, headers):
        request = self.Incoming({"method": "POST", "form_data": {}, "get_data": {}, "headers": dict(headers),
                                 "content_type": headers.get("Content-Type"), "path": "", "json": json.loads(body)})
        service = self.Scores(request, self.conf, f"{self.base}/api/lti/courses/7/line_items", self.lineitem)
        response = service.handle_resp(service.handle_update_score, line_item_id="31")
        return response.code, {"message": response.message}


@pytest.fixture(params=["ours", "lti1p3platform"])
def any_platform(request, keys):
    kid = lti._registration(config(Platform(keys[1]), keys[0])).get_kid()
    made = Platform(keys[1]) if request.param == "ours" else LibPlatform(keys[1], kid)
    with made:
        yield made


PATIENT = lti.Patience(timeout=0.5, attempts=4, backoff=0.05)


class Sleeps(list):
    def __call__(self, seconds):
        self.append(seconds)


def test_scores_land_on_either_platform(any_platform, keys):
    report = lti.publish(A, RESULTS, ROSTER, config(any_platform, keys[0]), session=session(), patience=PATIENT)
    assert (report.sent, report.failed, any_platform.errors) == (["bsmith", "jdoe"], [], [])
    assert sorted(s["userId"] for s in any_platform.scores) == ["lti-bob", "lti-jane"]


def test_a_platform_that_never_answers_does_not_hang_the_publish(any_platform, keys):
    any_platform.faults.hang = 1
    started = time.monotonic()
    report = lti.publish(A, RESULTS, ROSTER, config(any_platform, keys[0]), session=session(), patience=PATIENT,
                         sleep=Sleeps())
    assert time.monotonic() - started < HANG_SECONDS, "the publish gave up on the silent request in time"
    assert report.sent == ["bsmith", "jdoe"] and report.tries == {"bsmith": 2}
    assert "after 2 tries" in report.summary()


def test_a_token_that_expires_mid_run_is_replaced(any_platform, keys):
    any_platform.faults.revoke_after = 1
    report = lti.publish(A, RESULTS, ROSTER, config(any_platform, keys[0]), session=session(),
                         patience=lti.Patience(timeout=5, attempts=4, backoff=0.05))
    assert report.sent == ["bsmith", "jdoe"] and report.failed == []
    assert any_platform.token_requests == 2, "one new token, asked for after the 401"


def test_busy_answers_are_retried_after_the_wait_the_platform_asks_for(any_platform, keys):
    any_platform.faults.busy = [(429, "2"), (503, ""), (502, "")]
    sleeps = Sleeps()
    report = lti.publish(A, RESULTS, ROSTER, config(any_platform, keys[0]), session=session(), patience=PATIENT,
                         sleep=sleeps)
    assert report.sent == ["bsmith", "jdoe"] and report.tries == {"bsmith": 4}
    assert sleeps == [2.0, 0.1, 0.2], "Retry-After first, then a doubling backoff"


def test_retries_end_and_the_rest_still_go(any_platform, keys):
    any_platform.faults.busy = [(503, "")] * 4
    report = lti.publish(A, RESULTS, ROSTER, config(any_platform, keys[0]), session=session(), patience=PATIENT,
                         sleep=Sleeps())
    assert report.sent == ["jdoe"] and report.failed[0][0] == "bsmith" and "after 4 tries" in report.failed[0][1]


def test_a_rerun_sends_only_what_did_not_land(platform, keys, tmp_path):
    record = tmp_path / "lti-weight_init.json"
    platform.refuse_user = "lti-bob"
    first = lti.publish(A, RESULTS, ROSTER, config(platform, keys[0]), session=session(), record=record)
    assert (first.sent, [sid for sid, _ in first.failed]) == (["jdoe"], ["bsmith"])
    platform.refuse_user = None
    second = lti.publish(A, RESULTS, ROSTER, config(platform, keys[0]), session=session(), record=record)
    assert (second.sent, second.unchanged) == (["bsmith"], ["jdoe"])
    assert [s["userId"] for s in platform.scores] == ["lti-jane", "lti-bob"], "nothing was sent twice"
    regraded = [result_of("jdoe", {"relu": 4.0, "he_init": 5.0}, submitted_at=RESULTS[0].submitted_at), *RESULTS[1:]]
    third = lti.publish(A, regraded, ROSTER, config(platform, keys[0]), session=session(), record=record)
    assert (third.sent, third.unchanged) == (["jdoe"], ["bsmith"]), "a changed score is sent again"
    assert lti.publish(A, RESULTS, ROSTER, config(platform, keys[0]), session=session(), record=record,
                       resend=True).sent == ["bsmith", "jdoe"]


def test_results_without_a_submission_time_are_named(platform, keys):
    report = lti.publish(A, RESULTS, ROSTER, config(platform, keys[0]), session=session())
    assert report.note == ""
    untimed = [result_of("jdoe", {"relu": 4.0, "he_init": 6.0})]
    report = lti.publish(A, untimed, ROSTER, config(platform, keys[0]), session=session())
    assert "no submission time" in report.note and "jdoe" in report.note
    assert "submission" not in platform.scores[-1]
