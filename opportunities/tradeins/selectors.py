"""Reads of trade-ins: who may decide, what a validator sees, the page's actions (O-8)."""

from collections import Counter, defaultdict
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Count, Exists, Func, JSONField, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from openflex.accounts import rules
from openflex.accounts.models import User, UserGroupType
from openflex.accounts.selectors import (
    points_of_sale_for_user,
    user_is_platform_admin,
)
from openflex.core.inputs import brand_key
from opportunities.sales import pricing, selectors
from opportunities.sales.models import Offer, Opportunity
from opportunities.tradeins.models import TradeIn, TradeInPhoto, ValidatorFilter

PENDING = [TradeIn.Status.TO_VALIDATE, TradeIn.Status.AUCTION]


MAX_MILEAGE = 1_500_000


MAX_VALUE = pricing.MAX_AMOUNT


MAX_PHOTOS = 12


MAX_PHOTO_BYTES = 10 * 1024 * 1024


# Accepted names; every photo is re-encoded (JPEG, or PNG with transparency) and stored
# under a random name (openflex.core.images).
PHOTO_EXTENSIONS = frozenset({"jpg", "jpeg", "png", "webp", "gif"})


EDITABLE_FIELDS = [
    "kind",
    "destination",
    "brand",
    "model",
    "version",
    "energy",
    "registration",
    "vin",
    "mileage",
    "first_registration",
    "condition",
    "estimate",
    "requested_value",
    "proposed_value",
]


ZERO = Decimal("0.00")


def _refused(message: str) -> ValidationError:
    return ValidationError(message, code="transition")


def _who(user) -> str:
    return (user.get_full_name() or user.email) if user else _("le système")


def user_is_tradein_validator(user) -> bool:
    return rules.is_tradein_validator(user)


def _validator_pos_ids(user):
    return points_of_sale_for_user(user).values("pk")


def user_can_decide(user, trade_in: TradeIn) -> bool:
    """A validator of the trade-in's point of sale (a platform administrator: any)."""
    return rules.can_validate_tradeins(user, trade_in.point_of_sale_id)


def tradein_queryset_for_user(user) -> QuerySet[TradeIn]:
    """What the user may see: the trade-ins of the opportunities he sees, the requests he
    made, and, for validators, every trade-in of their points of sale."""
    qs = TradeIn.objects.all()
    if user_is_platform_admin(user):
        return qs
    condition = Q(opportunity__in=selectors.opportunity_queryset_for_user(user).values("pk"))
    condition |= Q(created_by=user)
    if user_is_tradein_validator(user):
        condition |= Q(point_of_sale__in=_validator_pos_ids(user))
    return qs.filter(condition)


def tradein_get_for_user(*, user, pk: int) -> TradeIn:
    trade_in = (
        tradein_queryset_for_user(user)
        .select_related(
            "opportunity__salesperson",
            "opportunity__customer",
            "customer",
            "offer__vehicle",
            "point_of_sale__entity",
            "stock_vehicle",
            "created_by",
            "decided_by",
        )
        .filter(pk=pk)
        .first()
    )
    if trade_in is None:
        raise Http404
    return trade_in


# Photos stored before re-encoding (#12) have no content type: one from their extension,
# images only (the response also says nosniff and forbids everything else by CSP).
LEGACY_PHOTO_TYPES = {
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "webp": "image/webp",
    "gif": "image/gif",
}


def tradein_photo_get_for_user(*, user, trade_in_pk: int, pk: int) -> TradeInPhoto:
    """A photo of a trade-in that the user sees (the scope of ``tradein_get_for_user``,
    in one query: the page asks for up to 12 thumbnails at once), else 404."""
    photo = (
        TradeInPhoto.objects.filter(pk=pk, trade_in_id=trade_in_pk)
        .filter(trade_in__in=tradein_queryset_for_user(user).values("pk"))
        .first()
    )
    if photo is None:
        raise Http404
    return photo


def tradein_photo_content_type(photo: TradeInPhoto) -> str | None:
    """The served type: the re-encoded image's, or an image type from a legacy name;
    ``None`` when the file is not an image we would serve."""
    if photo.content_type:
        return photo.content_type
    return LEGACY_PHOTO_TYPES.get(photo.image.name.rsplit(".", 1)[-1].lower())


def tradeins_of_opportunity(*, opportunity: Opportunity) -> list[TradeIn]:
    return list(
        TradeIn.objects.filter(opportunity=opportunity)
        .select_related("offer", "stock_vehicle")
        .order_by("-created_at", "-pk")
    )


def validator_filter_values(user) -> dict[str, list[str]]:
    saved = ValidatorFilter.objects.filter(user=user).first()
    if saved is None:
        return {"destinations": [], "brands": [], "methods": [], "saved": False}
    return {
        "destinations": list(saved.destinations),
        "brands": list(saved.brands),
        "methods": list(saved.methods),
        "saved": True,
    }


def tradeins_to_validate(*, user, destinations=(), brands=(), methods=()) -> QuerySet[TradeIn]:
    """The pending trade-ins of the validator's points of sale, filtered (empty = all)."""
    qs = TradeIn.objects.filter(status__in=PENDING)
    if not user_is_platform_admin(user):
        qs = qs.filter(point_of_sale__in=_validator_pos_ids(user))
    if destinations:
        qs = qs.filter(destination__in=list(destinations))
    keys = sorted({key for key in map(brand_key, brands) if key})
    if keys:
        qs = qs.filter(brand_key__in=keys)
    if methods:
        qs = qs.filter(creation_method__in=list(methods))
    return qs.select_related("point_of_sale", "opportunity__customer", "customer", "created_by")


def _as_json_array(expression) -> Func:
    return Func(expression, function="jsonb_build_array", output_field=JSONField())


def _matches_saved_filter_of(user) -> Q:
    """For a TradeIn queryset: the rows that the user's saved filters let through (no
    saved filter: all). A subquery, so that the tile stays one query."""
    saved = ValidatorFilter.objects.filter(user_id=user.pk)
    matching = saved.filter(
        Q(destinations=[]) | Q(destinations__contains=_as_json_array(OuterRef("destination"))),
        Q(brands=[]) | Q(brands__contains=_as_json_array(OuterRef("brand_key"))),
        Q(methods=[]) | Q(methods__contains=_as_json_array(OuterRef("creation_method"))),
    )
    return ~Exists(saved) | Exists(matching)


def _json_contains_supported() -> bool:
    # JSON containment (@>) is PostgreSQL's; the SQLite of `make run` takes the Python path.
    return connection.vendor == "postgresql"


def tradein_tile_count(user) -> int:
    """ "Reprises à valider": the pending requests matching his saved filters (one query
    on PostgreSQL)."""
    if not _json_contains_supported():
        saved = validator_filter_values(user)
        return tradeins_to_validate(
            user=user,
            destinations=saved["destinations"],
            brands=saved["brands"],
            methods=saved["methods"],
        ).count()
    qs = TradeIn.objects.filter(status__in=PENDING)
    if not user_is_platform_admin(user):
        qs = qs.filter(point_of_sale__in=_validator_pos_ids(user))
    return qs.filter(_matches_saved_filter_of(user)).count()


def _case_rank(spelling: str) -> int:
    # On a tie: "Citroën" before "CITROËN" before "citroën".
    return 0 if spelling == spelling.lower() else 1 if spelling == spelling.upper() else 2


def _brand_label(key: str, spellings: Counter) -> str:
    """The spelling typed most often (on a tie: mixed case, then capitals); title-case
    when it is all lower-case or unknown ("BMW" stays, "citroen" shows "Citroen")."""
    if not spellings:
        return key.title()
    best = max(spellings.items(), key=lambda s: (s[1], _case_rank(s[0]), s[0]))[0]
    return best.title() if best == best.lower() else best


def tradein_brand_choices(also=()) -> list[tuple[str, str]]:
    """The brand filter's checkboxes, ``(brand key, label)`` sorted by key: one per brand
    of the trade-ins and of the stock however it was typed ("Citroën", "CITROËN",
    "citroen" are one box), plus the keys ``also`` (a validator's saved brands)."""
    from vehicles.models import Vehicle

    spellings: dict[str, Counter] = defaultdict(Counter)
    for model in (TradeIn, Vehicle):
        rows = model.objects.order_by().values_list("brand").annotate(n=Count("pk"))
        for brand, n in rows:
            key = brand_key(brand)
            if key:
                spellings[key][" ".join(brand.split())] += n
    for key in map(brand_key, also):
        if key:
            spellings.setdefault(key, Counter())
    return [(key, _brand_label(key, spellings[key])) for key in sorted(spellings)]


def tradein_validators_for(trade_in: TradeIn) -> QuerySet[User]:
    """The validators to notify of ``trade_in``, in one query (set-based routing)."""
    dest = [trade_in.destination]
    brand = [brand_key(trade_in.brand)]
    method = [trade_in.creation_method]
    validator = (
        Q(user_permissions__codename="validate_tradeins")
        | Q(groups__permissions__codename="validate_tradeins")
        | Q(groups__usergroup__type=UserGroupType.TRADEIN_VALIDATOR)
    )
    matches = Q(tradein_filter__isnull=True) | (
        (Q(tradein_filter__destinations=[]) | Q(tradein_filter__destinations__contains=dest))
        & (Q(tradein_filter__brands=[]) | Q(tradein_filter__brands__contains=brand))
        & (Q(tradein_filter__methods=[]) | Q(tradein_filter__methods__contains=method))
    )
    ids = (
        User.objects.filter(is_active=True, points_of_sale=trade_in.point_of_sale_id)
        .filter(validator)
        .values("pk")
    )
    if not _json_contains_supported():
        wanted = {"destinations": dest[0], "brands": brand[0], "methods": method[0]}
        users = User.objects.filter(pk__in=ids).select_related("tradein_filter").order_by("pk")
        keep = []
        for user in users:
            saved = getattr(user, "tradein_filter", None)
            if saved is None or all(
                not getattr(saved, name) or value in getattr(saved, name)
                for name, value in wanted.items()
            ):
                keep.append(user.pk)
        return User.objects.filter(pk__in=keep).order_by("pk")
    return User.objects.filter(pk__in=ids).filter(matches).order_by("pk")


def _has_pending_offer(trade_in: TradeIn) -> bool:
    """A validated offer on the trade-in's VO in its opportunity (S-4, "offre de reprise")."""
    return (
        bool(trade_in.stock_vehicle_id)
        and Offer.objects.filter(
            opportunity_id=trade_in.opportunity_id,
            vehicle_id=trade_in.stock_vehicle_id,
            status=Offer.Status.VALIDATED,
        ).exists()
    )


def tradein_actions(*, trade_in: TradeIn, user) -> list[dict]:
    """The buttons of the trade-in page, from the transitions open to this user."""
    actions = []
    if user_can_decide(user, trade_in):
        if can_proceed(trade_in.validate):
            actions.append({"action": "valider", "label": _("Valider"), "style": "primary"})
        if can_proceed(trade_in.start_auction):
            actions.append({"action": "enchere", "label": _("Mettre en enchère"), "style": ""})
        if can_proceed(trade_in.refuse):
            actions.append(
                {"action": "refuser", "label": _("Refuser"), "style": "danger", "reason": True}
            )
    if trade_in.status == TradeIn.Status.VALIDATED and user_can_handle(user, trade_in):
        opportunity_open = (
            trade_in.opportunity_id and trade_in.opportunity.status == Opportunity.Status.OPEN
        )
        if trade_in.kind == TradeIn.Kind.DRY and opportunity_open and not trade_in.completed_at:
            if not _has_pending_offer(trade_in):
                actions.append(
                    {
                        "action": "offre",
                        "label": _("Établir l'offre de reprise"),
                        "style": "",
                        "title": _(
                            "Une offre validée que le client signe (en ligne ou sur papier)"
                        ),
                    }
                )
            actions.append(
                {"action": "finaliser", "label": _("Finaliser la reprise"), "style": "primary"}
            )
        if not trade_in.stock_vehicle_id:
            actions.append({"action": "stock", "label": _("Créer le VO en stock"), "style": ""})
    return actions


def user_can_edit(user, trade_in: TradeIn) -> bool:
    if trade_in.status != TradeIn.Status.TO_VALIDATE:
        return False
    if user_can_decide(user, trade_in) or trade_in.created_by_id == user.pk:
        return True
    if trade_in.opportunity_id:
        return (
            selectors.opportunity_queryset_for_user(user)
            .filter(pk=trade_in.opportunity_id)
            .exists()
        )
    return False


def user_can_handle(user, trade_in: TradeIn) -> bool:
    """Stock entry and completion: a validator, or whoever sees the opportunity."""
    if user_can_decide(user, trade_in):
        return True
    if trade_in.opportunity_id:
        return (
            selectors.opportunity_queryset_for_user(user)
            .filter(pk=trade_in.opportunity_id)
            .exists()
        )
    return trade_in.created_by_id == user.pk
