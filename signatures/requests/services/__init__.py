"""Every write on signature requests (S-1 … S-6).

One transition place (``_transition``): lock the row, check the transition (and the
user's right for staff steps), call it, save, append the audit event, send
``signature_status_changed`` — all in one transaction. Emails and SMS leave through the
outbox (``email_send`` / ``sms_send``); their failure puts the request en erreur
(``signature_request_fail``, called by the receivers of ``email_failed`` / ``sms_failed``).

The customer's steps (ask a code, sign, refuse) take the request read from the signed
link; they record the IP address and user agent in the audit trail. A wrong code is
counted and committed (no exception): the outcome says what to show.
"""

from signatures.requests.services.core import (  # noqa: F401
    CODE_LIFETIME,
    CODE_MAX_CHECKS,
    CODE_MAX_SENDS_PER_HOUR,
    LINK_MAX_AGE,
    LINK_PURPOSE,
    SMS_KIND,
    Client,
    DocumentDraft,
    Outcome,
    _dealer,
    mobile_clean,
    signature_event_record,
    signature_expiry_for,
    signature_link_path,
    signature_link_url,
    signer_missing,
    signer_of,
)
from signatures.requests.services.customer import (  # noqa: F401
    signature_code_send,
    signature_mobile_masked,
    signature_request_opened,
    signature_request_refuse,
    signature_request_sign,
)
from signatures.requests.services.lifecycle import (  # noqa: F401
    signature_request_create,
    signature_request_delete,
    signature_request_expire,
    signature_request_fail,
    signature_request_new_link,
    signature_request_resend,
    signature_request_send,
    signature_settings_update,
)
from signatures.requests.services.scans import (  # noqa: F401
    signature_reminders_send_due,
    signature_requests_expire_due,
)
