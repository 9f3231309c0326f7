"""Scores to the LMS by AGS, from the outbox table, until each lands.

A score is queued in the same transaction that records its result (store.finish), so a
crash cannot lose it; it is marked sent only after the platform took it, so a crash
cannot drop it either.  An LMS that is down or busy leaves the score pending: it is tried
again after a wait that doubles (retry_seconds, up to an hour).  A platform that refuses
a score for good (a 4xx) marks it refused, for the instructor's dashboard.

Every try of one entry carries the entry's own timestamp, which AGS platforms take as
the same score; the one window where a score can reach the platform twice is a crash
between the platform's answer and the commit that marks the entry sent, and the second
copy then carries the same timestamp as the first.
"""
from __future__ import annotations

import logging
import time

from pylti1p3.grade import Grade

from ..lms import lti
from .loop import Loop
from .settings import Service
from .store import Outbox as Entry
from .store import Store

log = logging.getLogger("autograder.service")


def grade_of(entry: Entry) -> Grade:
    return (Grade().set_user_id(entry.user_sub).set_score_given(entry.score).set_score_maximum(entry.max_score)
            .set_activity_progress("Completed")
            .set_grading_progress("PendingManual" if entry.pending_manual else "FullyGraded")
            .set_timestamp(entry.timestamp).set_submitted_at(entry.submitted_at))


class Outbox(Loop):
    name = "outbox"

    def __init__(self, store: Store, registrations, service: Service, session=None,
                 patience: lti.Patience = lti.Patience(timeout=10.0, attempts=2, backoff=0.2)):
        super().__init__()
        self.stop_seconds = patience.timeout * patience.attempts + 5
        self.store, self.registrations, self.service = store, registrations, service
        self.session, self.patience = session, patience
        self._senders: dict[tuple[str, str], lti.ScoreSender] = {}

    def _run(self):
        while not self._stop.is_set():
            try:
                self.send_due()
            except Exception:  # noqa: BLE001 - the database was busy or gone for a moment: look again
                log.exception("the outbox could not read the database")
            self._wake.wait(self.service.outbox_seconds)
            self._wake.clear()

    def send_due(self) -> int:
        """Send what is due; how many landed."""
        landed = 0
        for entry in self.store.due_scores(time.time()):
            if self._stop.is_set():
                break
            try:
                sent = self._sender(entry.issuer, entry.client_id).send(entry.lineitem, grade_of(entry))
            except lti.LtiError as exc:  # the registration is gone or broken: that will not mend itself
                sent = lti.Sent(1, str(exc), final=True)
            if not sent.why:
                self.store.delivered(entry.id)
                landed += 1
                continue
            wait = min(3600.0, self.service.retry_seconds * 2 ** entry.tries)
            log.warning("score for attempt %s did not land (%s)%s", entry.attempt_id, sent.why,
                        "" if sent.final else f"; trying again in {wait:.0f} s")
            self.store.not_delivered(entry.id, sent.why, None if sent.final else time.time() + wait)
        return landed

    def _sender(self, issuer: str, client_id: str) -> lti.ScoreSender:
        key = (issuer, client_id)
        if key not in self._senders:
            reg = self.registrations.find_registration_by_params(issuer, client_id)
            if reg is None:
                raise lti.LtiError(f"no registration for the platform {issuer} (client {client_id})")
            config = lti.LtiConfig(issuer=issuer, client_id=client_id, auth_token_url=reg.get_auth_token_url(),
                                   private_key=reg.get_tool_private_key(), auth_audience=reg.get_auth_audience() or "")
            self._senders[key] = lti.ScoreSender(config, self.session, patience=self.patience)
        return self._senders[key]
