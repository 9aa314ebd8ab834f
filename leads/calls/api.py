"""The telephony webhook (L-3): ``POST /api/calls/``, a router of the leads' NinjaAPI
(gathered in ``leads/api.py``), authenticated like the lead API (``Authorization: Bearer
<key>`` of a source — the telephony provider's).

One request per call, once it ended: the number called (a tracking number), the caller,
the start, the duration, answered or missed, an optional summary. Idempotent on the
provider's call id (per source, a unique constraint): 201 ``{"id", "task"}`` the first
time, 200 with the same ids after. 401 without a valid key, 400 for a body that does not
parse, 413 over 64 KB, 422 listing each bad field — never a 500.
"""

import json
from datetime import datetime

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema, Status
from pydantic import Field, field_validator
from pydantic import ValidationError as SchemaError

from leads.calls import services
from leads.intake.api import ErrorsOut, MessageOut, body_read, errors, schema_errors
from leads.intake.models import ApiKey

router = Router(tags=["Appels"])


def _no_nul(value):
    if isinstance(value, str):
        return value.replace("\x00", "").strip()
    return value


class CallIn(Schema):
    """A call to a tracking number, once it ended."""

    call_id: str = Field(
        ..., min_length=1, max_length=100, description="Identifiant de l'appel chez l'opérateur"
    )
    called: str = Field(
        ..., min_length=1, max_length=30, description="Numéro traceur appelé (E.164 ou national)"
    )
    caller: str | None = Field(
        None,
        max_length=30,
        description="Numéro de l'appelant ; vide ou « anonymous » pour un numéro masqué",
    )
    started_at: datetime = Field(..., description="Début de l'appel (ISO 8601)")
    duration: int = Field(0, ge=0, le=86400, description="Durée de la conversation, en secondes")
    answered: bool = Field(..., description="true : appel connecté (décroché) ; false : manqué")
    summary: str | None = Field(
        None, max_length=5000, description="Résumé de l'appel (transcription), facultatif"
    )

    _clean = field_validator("call_id", "called", "caller", "summary", mode="before")(_no_nul)


class CallOut(Schema):
    id: int = Field(..., description="Identifiant OpenFlex de l'appel")
    task: int | None = Field(None, description="La tâche créée ou complétée, s'il y en a une")


_SCHEMA = CallIn.model_json_schema(ref_template="#/components/schemas/{model}")


@router.post(
    "/calls/",
    url_name="call_create",
    summary="Signaler un appel sur un numéro traceur",
    description=(
        "201 avec l'identifiant de l'appel (et de la tâche créée ou complétée) ; 200 avec "
        "les mêmes identifiants quand l'appel (`call_id`) a déjà été signalé ; 401 sans clé "
        "valide ; 400 corps illisible ; 413 au-delà de 64 Ko ; 422 champs invalides ou "
        "numéro appelé qui n'est pas un numéro traceur actif."
    ),
    response={
        200: CallOut,
        201: CallOut,
        400: ErrorsOut,
        401: MessageOut,
        413: ErrorsOut,
        422: ErrorsOut,
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": {k: v for k, v in _SCHEMA.items() if k != "$defs"},
                    "example": {
                        "call_id": "c-20260330-0042",
                        "called": "+33478000001",
                        "caller": "+33612345678",
                        "started_at": "2026-03-30T15:30:20+02:00",
                        "duration": 0,
                        "answered": False,
                    },
                }
            },
        }
    },
)
def call_create(request: HttpRequest):
    status, body = body_read(request)
    if status:
        return Status(status, body)
    try:
        data = json.loads(body or b"null")
    except (ValueError, UnicodeDecodeError):
        return Status(400, errors(("body", "JSON invalide.")))
    if not isinstance(data, dict):
        return Status(400, errors(("body", "Un objet JSON est attendu.")))
    try:
        call_in = CallIn.model_validate(data)
    except SchemaError as exc:
        return Status(422, schema_errors(exc))
    started_at = call_in.started_at
    if timezone.is_naive(started_at):
        started_at = timezone.make_aware(started_at)
    key: ApiKey = request.auth
    report = services.CallReport(
        call_id=call_in.call_id,
        called=call_in.called,
        caller=call_in.caller or "",
        started_at=started_at,
        duration_seconds=call_in.duration,
        answered=call_in.answered,
        summary=call_in.summary or "",
    )
    try:
        call, created = services.call_record(source=key.source, report=report)
    except ValidationError as exc:
        pairs = [
            (field, message) for field, messages in exc.message_dict.items() for message in messages
        ]
        return Status(422, errors(*pairs))
    return Status(201 if created else 200, {"id": call.pk, "task": call.task_id})
