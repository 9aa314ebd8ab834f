"""The JSON API of OpenFlex (django-ninja), mounted at ``/api/`` by ``openflex/urls.py``.

``api`` is the one NinjaAPI object: each sub-domain adds its router here (the calls
webhook of ``leads.calls`` beside the leads). Every operation authenticates with a source's
key, ``Authorization: Bearer <key>`` (``ApiKeyAuth``); no session, no cookie, no CSRF.
The OpenAPI document is served at ``/api/openapi.json`` (``/api/docs`` draws it) and a
copy is kept in ``docs/api/openapi.json`` (a test compares them).

``POST /api/leads/`` (L-1) takes a JSON lead or an ADF/XML one; answers 201 ``{"id"}``,
200 with the same id when the source already sent that ``external_id``, 401 without a
valid key, 400 for a body that does not parse, 413 over 64 KB, 415 for another content
type, 422 listing each bad field — never a 500.
"""

import json
import logging
from datetime import datetime

from django.core.exceptions import RequestDataTooBig, ValidationError
from django.http import HttpRequest, RawPostDataException
from django.utils import timezone
from ninja import NinjaAPI, Router, Schema, Status
from ninja.security import HttpBearer
from pydantic import Field, field_validator
from pydantic import ValidationError as SchemaError

from leads.inbox import services as inbox
from leads.intake.adf import AdfError, adf_parse
from leads.intake.models import ApiKey
from leads.intake.selectors import lead_point_of_sale, lead_tags_resolve
from leads.intake.services import api_key_authenticate

logger = logging.getLogger(__name__)

MAX_BODY = 64 * 1024


class ApiKeyAuth(HttpBearer):
    """``Authorization: Bearer <key>``: a live key of an active source (else 401)."""

    openapi_scheme = "bearer"

    def authenticate(self, request: HttpRequest, token: str) -> ApiKey | None:
        return api_key_authenticate(token)


api = NinjaAPI(
    title="OpenFlex API",
    version="1.0",
    description=(
        "Leads entrants (sites web, portails, partenaires) et événements de téléphonie. "
        "Authentification : `Authorization: Bearer <clé>` (une clé par source, créée dans "
        "Paramètres > Leads entrants > Sources)."
    ),
    urls_namespace="api",
    auth=ApiKeyAuth(),
)


# --- Schemas ------------------------------------------------------------------------------


def _no_nul(value):
    """PostgreSQL refuses NUL characters in text: they are dropped."""
    if isinstance(value, str):
        return value.replace("\x00", "").strip()
    return value


class LeadIn(Schema):
    """A lead. Only ``external_id`` is required; at least a name, an email or a phone."""

    external_id: str = Field(
        ..., min_length=1, max_length=100, description="Identifiant du lead chez la source"
    )
    point_of_sale: int | None = Field(
        None,
        description="Code du point de vente ; facultatif si la source a un point de vente "
        "par défaut",
        ge=1,
    )
    civility: str | None = Field(None, description="« M. » ou « Mme »", max_length=4)
    first_name: str | None = Field(None, max_length=80)
    last_name: str | None = Field(None, max_length=80)
    email: str | None = Field(None, max_length=254)
    phone: str | None = Field(None, max_length=30, description="Mobile ; stocké en E.164")
    message: str | None = Field(None, max_length=5000)
    tags: list[str] = Field(
        default_factory=list,
        max_length=20,
        description="Étiquettes : VN, VO, VD, APV, Particulier, Professionnel, VP, VU …",
    )
    vehicle: str | None = Field(
        None, max_length=40, description="N° OpenFlex ou VIN du véhicule concerné"
    )
    received_at: datetime | None = Field(
        None, description="Date de réception (ISO 8601) ; par défaut : maintenant"
    )

    _clean = field_validator(
        "external_id", "civility", "first_name", "last_name", "email", "phone", "message",
        "vehicle", mode="before",
    )(_no_nul)  # fmt: skip

    @field_validator("tags", mode="before")
    @classmethod
    def _clean_tags(cls, value):
        if isinstance(value, list):
            return [_no_nul(v) for v in value]
        return value


class LeadOut(Schema):
    id: int = Field(..., description="Identifiant OpenFlex de la tâche")


class FieldError(Schema):
    field: str
    message: str


class ErrorsOut(Schema):
    detail: list[FieldError]


class MessageOut(Schema):
    detail: str


def errors(*pairs: tuple[str, str]) -> dict:
    return {"detail": [{"field": f, "message": str(m)} for f, m in pairs]}


def schema_errors(exc: SchemaError) -> dict:
    pairs = []
    for error in exc.errors():
        field = ".".join(str(p) for p in error.get("loc", ())) or "body"
        pairs.append((field, error.get("msg", "invalide")))
    return errors(*pairs)


def body_read(request: HttpRequest) -> tuple[int, bytes | dict]:
    """``(0, body)`` or ``(status, errors)``: 413 over MAX_BODY (announced or sent)."""
    try:
        announced = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 400, errors(("body", "En-tête Content-Length invalide."))
    if announced > MAX_BODY:
        return 413, errors(("body", f"Le corps dépasse {MAX_BODY // 1024} Ko."))
    try:
        body = request.body
    except (RequestDataTooBig, RawPostDataException):
        return 413, errors(("body", f"Le corps dépasse {MAX_BODY // 1024} Ko."))
    if len(body) > MAX_BODY:
        return 413, errors(("body", f"Le corps dépasse {MAX_BODY // 1024} Ko."))
    return 0, body


# --- Leads -------------------------------------------------------------------------------

leads_router = Router(tags=["Leads"])

_JSON_SCHEMA = LeadIn.model_json_schema(ref_template="#/components/schemas/{model}")
_ADF_EXAMPLE = (
    '<?xml version="1.0"?><?adf version="1.0"?><adf><prospect>'
    '<id sequence="1" source="site">A-123</id><requestdate>2026-03-30T15:30:20+01:00'
    '</requestdate><vehicle interest="buy" status="used"><stock>1234</stock></vehicle>'
    '<customer><contact><name part="first">Jean</name><name part="last">Dupont</name>'
    "<email>jean.dupont@example.com</email><phone>06 12 34 56 78</phone></contact>"
    "<comments>Disponible samedi ?</comments></customer><vendor><id>61</id></vendor>"
    "</prospect></adf>"
)


@leads_router.post(
    "/leads/",
    url_name="lead_create",
    summary="Créer un lead (JSON ou ADF/XML)",
    description=(
        "201 avec l'identifiant de la tâche ; 200 avec le même identifiant quand la source "
        "a déjà envoyé cet `external_id` ; 401 sans clé valide ; 400 corps illisible ; "
        "413 au-delà de 64 Ko ; 415 autre type de contenu ; 422 champs invalides (chacun "
        "listé). Le même point d'entrée accepte un lead ADF/XML "
        "(`Content-Type: application/xml`)."
    ),
    response={
        200: LeadOut,
        201: LeadOut,
        400: ErrorsOut,
        401: MessageOut,
        413: ErrorsOut,
        415: ErrorsOut,
        422: ErrorsOut,
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": {k: v for k, v in _JSON_SCHEMA.items() if k != "$defs"},
                    "example": {
                        "external_id": "A-123",
                        "point_of_sale": 61,
                        "first_name": "Jean",
                        "last_name": "Dupont",
                        "email": "jean.dupont@example.com",
                        "phone": "06 12 34 56 78",
                        "message": "Je souhaite essayer ce véhicule.",
                        "tags": ["VO", "Particulier"],
                        "vehicle": "1234",
                    },
                },
                "application/xml": {
                    "schema": {"type": "string", "description": "Document ADF 1.0"},
                    "example": _ADF_EXAMPLE,
                },
            },
        }
    },
)
def lead_create(request: HttpRequest):
    status, body = body_read(request)
    if status:
        return Status(status, body)
    content_type = (request.content_type or "application/json").lower()
    if content_type in ("application/xml", "text/xml"):
        try:
            data = adf_parse(body)
        except AdfError as exc:
            return Status(400, errors(("body", str(exc))))
    elif content_type == "application/json" or content_type.endswith("+json"):
        try:
            data = json.loads(body or b"null")
        except (ValueError, UnicodeDecodeError):
            return Status(400, errors(("body", "JSON invalide.")))
        if not isinstance(data, dict):
            return Status(400, errors(("body", "Un objet JSON est attendu.")))
    else:
        return Status(415, errors(("body", "Types acceptés : application/json, application/xml.")))
    try:
        lead = LeadIn.model_validate(data)
    except SchemaError as exc:
        return Status(422, schema_errors(exc))
    key: ApiKey = request.auth
    problems = []
    point_of_sale = lead_point_of_sale(code=lead.point_of_sale, source=key.source)
    if point_of_sale is None:
        problems.append(
            (
                "point_of_sale",
                "Point de vente inconnu."
                if lead.point_of_sale
                else "Indiquez le point de vente (la source n'en a pas par défaut).",
            )
        )
    tags, unknown = lead_tags_resolve(lead.tags)
    if unknown:
        problems.append(("tags", "Étiquettes inconnues : " + ", ".join(unknown)))
    if problems:
        return Status(422, errors(*problems))
    received_at = lead.received_at
    if received_at is not None and timezone.is_naive(received_at):
        received_at = timezone.make_aware(received_at)
    try:
        task, created = inbox.lead_task_intake(
            source=key.source,
            external_id=lead.external_id,
            point_of_sale=point_of_sale,
            tags=tags,
            vehicle_reference=lead.vehicle or "",
            message=lead.message or "",
            received_at=received_at,
            civility=lead.civility or "",
            first_name=lead.first_name or "",
            last_name=lead.last_name or "",
            email=lead.email or "",
            mobile=lead.phone or "",
        )
    except ValidationError as exc:
        names = {"mobile": "phone"}
        return Status(
            422,
            errors(
                *(
                    (names.get(field, field), message)
                    for field, messages in exc.message_dict.items()
                    for message in messages
                )
            ),
        )
    return Status(201 if created else 200, {"id": task.pk})


api.add_router("/", leads_router)
