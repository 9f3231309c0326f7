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
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from autograder.lms import lti
from autograder.lms.roster import Person, Roster
from autograder.lms.scores import LatePolicy, parse_due
from tests.test_lms_export import result_of

A = "weight_init"
CLIENT_ID = "10000000000042"
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
ISO_WITH_FRACTION = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+(Z|[+-]\d\d:\d\d)$")


def key_pair():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
    public = key.public_key().public_bytes(serialization.Encoding.PEM,
                                           serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    return private, public


class Platform:
    """What an LMS does for AGS: check the tool's signed assertion, hand out a bearer
    token for the score scope, and accept score bodies on a line item."""

    def __init__(self, tool_public_key: str):
        self.public_key = tool_public_key
        self.tokens, self.jtis, self.scores, self.errors = set(), set(), [], []
        self.kids = []
        self.refuse_user = None
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.token_url = f"{self.base}/login/oauth2/token"
        self.lineitem = f"{self.base}/api/lti/courses/7/line_items/31"

    def _handler(self):
        platform = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def reply(self, status: int, body: dict | None = None):
                data = json.dumps(body).encode() if body is not None else b""
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if self.path == "/login/oauth2/token":
                    status, answer = platform.token(body.decode(), self.headers)
                elif self.path == "/api/lti/courses/7/line_items/31/scores":
                    status, answer = platform.score(body, self.headers)
                else:
                    status, answer = 404, {"error": "no such endpoint"}
                if status >= 400:
                    platform.errors.append(answer)
                self.reply(status, answer)

        return Handler

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
        if missing or score["activityProgress"] != "Completed" or score["gradingProgress"] != "FullyGraded":
            return 400, {"error": f"bad score body {score}"}
        if not ISO_WITH_FRACTION.match(score["timestamp"]):
            return 400, {"error": f"timestamp {score['timestamp']} lacks sub-second precision"}
        if score["userId"] == self.refuse_user:
            return 422, {"error": "user not in this context"}
        self.scores.append(score)
        return 200, {"resultUrl": f"{self.lineitem}/results/{score['userId']}"}

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


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
