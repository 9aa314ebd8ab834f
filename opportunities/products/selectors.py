"""Reads of the additional products (V-10)."""

from django.db.models import Case, IntegerField, Prefetch, QuerySet, Value, When

from opportunities.products.models import PackElement, Product


def product_list() -> QuerySet[Product]:
    """Every product with its pack elements (one more query), ``kind_rank`` following
    the order of ``Product.Kind`` (packs first) for the list's sort."""
    return Product.objects.annotate(
        kind_rank=Case(
            *[When(kind=kind, then=Value(rank)) for rank, kind in enumerate(Product.Kind.values)],
            output_field=IntegerField(),
        )
    ).prefetch_related(
        Prefetch("elements", queryset=PackElement.objects.order_by("position", "pk"))
    )
