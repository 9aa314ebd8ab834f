"""The counting of ``make chaos`` (openflex/core/chaos/checks.py) on fabricated rows: the
harness itself runs on demand, not in ``make test``."""

from collections import Counter

from openflex.core.chaos.checks import (
    EmailRow,
    Findings,
    email_findings,
    errors_after_commit,
    per_cause,
)
from openflex.core.chaos.sink import Received
from openflex.core.chaos.user import Response


def _received(message_id: str, at: float, token: str = "", subject: str = "s", to: str = "a@x"):
    return Received(message_id=message_id, subject=subject, token=token, to=to, at=at)


def test_per_cause_counts_missing_rows_as_lost_and_extra_rows_as_duplicates():
    findings = Findings()
    expected = {"order 1": 1, "order 2": 1, "trade-in 3": 2}
    per_cause(findings, "notification", expected, Counter({"order 1": 2, "trade-in 3": 1}))
    assert findings.lost == Counter({"notification": 2})  # order 2 missing, one of trade-in 3
    assert findings.duplicates == Counter({"notification": 1})  # order 1 twice


def test_every_email_must_be_sent_and_received():
    findings = Findings()
    rows = [
        EmailRow(1, "<1@x>", "sent", 1),
        EmailRow(2, "<2@x>", "sent", 1),  # sent, never received
        EmailRow(3, "", "queued", 0),  # never sent
    ]
    figures = email_findings(findings, rows, [_received("<1@x>", 10.0)], crashes=[])
    assert findings.lost == Counter({"email not sent": 1, "email not received": 1})
    assert findings.duplicates == Counter()
    assert figures == {"email_resends": 0, "email_resends_explained": 0}


def test_a_resend_after_a_crash_with_the_same_message_id_and_two_attempts_is_allowed():
    findings = Findings()
    rows = [EmailRow(1, "<1@x>", "sent", 2)]
    received = [_received("<1@x>", 10.0), _received("<1@x>", 70.0)]
    figures = email_findings(findings, rows, received, crashes=[10.03])
    assert figures == {"email_resends": 1, "email_resends_explained": 1}
    assert findings.lost == findings.duplicates == Counter()


def test_a_resend_that_no_crash_or_attempt_explains_is_a_duplicate():
    for attempts, crashes in ((1, [10.03]), (2, [])):
        findings = Findings()
        rows = [EmailRow(1, "<1@x>", "sent", attempts)]
        received = [_received("<1@x>", 10.0), _received("<1@x>", 70.0)]
        figures = email_findings(findings, rows, received, crashes=crashes)
        assert figures == {"email_resends": 1, "email_resends_explained": 0}
        assert findings.duplicates == Counter({"email resent unexplained": 1})


def test_one_email_received_under_two_message_ids_is_a_duplicate():
    findings = Findings()
    rows = [EmailRow(1, "<1@x>", "sent", 1), EmailRow(2, "<2@x>", "sent", 1)]
    received = [
        _received("<1@x>", 10.0, token="CHAOS-0123456789ab", subject="Lot 1"),
        _received("<2@x>", 11.0, token="CHAOS-0123456789ab", subject="Lot 1"),
        # the same subject to another recipient is another message
        _received("<3@x>", 11.0, token="CHAOS-0123456789ab", subject="Lot 1", to="b@x"),
    ]
    email_findings(findings, rows, received, crashes=[])
    assert findings.duplicates == Counter({"email received under two Message-IDs": 1})


def _response(action: str, status: int, at: float, seconds: float = 0.5) -> Response:
    return Response("s", "u", action, "7", status, at, seconds)


def test_a_5xx_counts_after_commit_only_when_its_own_request_saved_the_action():
    saved = {("validate", "7"): [100.2]}
    responses = [
        _response("validate", 500, at=100.0),  # saved at 100.2, inside its window
        _response("validate", 500, at=90.0),  # nothing saved while it ran
        _response("validate", 302, at=100.0),  # not an error
        _response("submit", 502, at=100.0),  # its action was never saved
    ]
    assert errors_after_commit(responses, saved) == [responses[0]]
