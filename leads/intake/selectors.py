"""Reads of the intake (L-1): the point of sale and tags a lead names, sources and keys."""

from django.db.models import Count, Q, QuerySet

from leads.inbox.models import LeadTag
from leads.intake.models import ApiKey, LeadSource
from openflex.accounts.models import PointOfSale


def lead_point_of_sale(*, code: int | None, source: LeadSource) -> PointOfSale | None:
    """The point of sale of ``code``, else the source's default one (None: neither)."""
    if code:
        return PointOfSale.objects.filter(code=code).first()
    return source.default_point_of_sale


def lead_tags_resolve(names: list[str]) -> tuple[list[LeadTag], list[str]]:
    """``(tags, unknown names)``: by code or label, ignoring case."""
    if not names:
        return [], []
    tags = {}
    for tag in LeadTag.objects.all():
        tags[tag.code.lower()] = tag
        tags[tag.name.lower()] = tag
    found, unknown = {}, []
    for name in names:
        tag = tags.get((name or "").strip().lower())
        if tag is None:
            unknown.append(name)
        else:
            found[tag.pk] = tag
    return list(found.values()), unknown


def lead_sources_list() -> QuerySet[LeadSource]:
    return (
        LeadSource.objects.select_related("category", "default_point_of_sale")
        .annotate(live_keys=Count("api_keys", filter=Q(api_keys__revoked_at__isnull=True)))
        .order_by("category__position", "name", "pk")
    )


def lead_source_keys(*, source: LeadSource) -> QuerySet[ApiKey]:
    return source.api_keys.select_related("created_by").order_by("-created_at", "-pk")
