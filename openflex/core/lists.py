"""One recipe for every list: a selector → a FilterSet (search, filters, one sort) → a page
→ the whole page, or its ``#results`` partial when HTMX swaps the results.

    class CustomerFilter(ListFilterSet):
        q = SearchFilter(method="filter_search")
        type = django_filters.ChoiceFilter(field_name="kind", choices=Customer.Kind.choices)
        sort = SortFilter(sorts={"name": ("last_name", "pk")}, default="name")

    @login_required
    @require_GET
    def customer_list(request):
        filterset = CustomerFilter(request.GET, queryset=selectors.customer_list(user=request.user))
        return lists.render_list(request, "opportunities/customer_list.html", filterset)

The template holds the page and, inline, the fragment that HTMX swaps:
``{% partialdef results inline %}<div id="results">…{% include "core/pagination.html"
with hx_target="#results" %}</div>{% endpartialdef %}``; its sortable headers are
``{% sort_header "created" _("Créée le") %}`` (``scope="col"`` and ``aria-sort``).
"""

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import django_filters
from django import forms
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

PER_PAGE = 50
PARTIAL = "results"


# --- The partial request: one test for every list -----------------------------------------


def is_partial(request: HttpRequest) -> bool:
    """An HTMX swap of a part of the page. A boosted link or a history restore (the
    browser's back button after an HTMX navigation) needs the whole page."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request


def template_for(request: HttpRequest, template: str, partial: str = PARTIAL) -> str:
    """``"app/list.html"``, or ``"app/list.html#results"`` for a partial request."""
    return f"{template}#{partial}" if is_partial(request) else template


# --- Filters: search and the one sort -----------------------------------------------------


class SearchField(forms.CharField):
    """A search box: NUL bytes (PostgreSQL refuses them) dropped, trimmed, capped."""

    def __init__(self, *args, max_length: int = 100, **kwargs):
        super().__init__(*args, **kwargs)
        self.cap = max_length
        self.widget.attrs.setdefault("type", "search")
        self.widget.attrs.setdefault("maxlength", str(max_length))

    def to_python(self, value):
        return super().to_python((value or "").replace("\x00", ""))[: self.cap]


class SearchFilter(django_filters.CharFilter):
    """``q=…``: give it a ``method``; the value reaches it cleaned (see SearchField)."""

    field_class = SearchField

    def __init__(self, *args, placeholder=None, attrs=None, **kwargs):
        kwargs.setdefault("label", _("Recherche"))
        attrs = dict(attrs or {})
        if placeholder is not None:
            attrs["placeholder"] = placeholder
        kwargs.setdefault("widget", forms.TextInput(attrs=attrs))
        super().__init__(*args, **kwargs)


def search_terms(value: str, limit: int = 6) -> list[str]:
    """The words of a search, lower-cased, at most ``limit`` of them."""
    return [t for t in (value or "").replace("\x00", "").lower().split()[:limit] if t]


def _reversed(fields: Sequence[str]) -> tuple[str, ...]:
    return tuple(f[1:] if f.startswith("-") else "-" + f for f in fields)


class SortFilter(django_filters.ChoiceFilter):
    """``sort=<key>`` or ``sort=-<key>``: the one sorting mechanism of the lists.

    ``sorts`` maps a key to its ``order_by`` (end it with a unique field so that pages
    are stable); ``-<key>`` is the reverse unless given. ``labels`` name the keys in the
    select of a filter form (the descending one says so). An unknown value is a form
    error and the default applies.
    """

    def __init__(
        self,
        *args,
        sorts: Mapping[str, Sequence[str]],
        default: str,
        labels: Mapping[str, Any] | None = None,
        **kwargs,
    ):
        self.sorts: dict[str, tuple[str, ...]] = {}
        for key, fields in sorts.items():
            self.sorts[key] = tuple(fields)
            if not key.startswith("-") and "-" + key not in sorts:
                self.sorts["-" + key] = _reversed(fields)
        self.default = default
        labels = labels or {}
        choices = []
        for key in self.sorts:
            base = key.lstrip("-")
            label = labels.get(key) or labels.get(base) or key
            if key.startswith("-") and key not in labels and base in labels:
                label = _("%(label)s (décroissant)") % {"label": label}
            choices.append((key, label))
        kwargs.setdefault("choices", choices)
        kwargs.setdefault("empty_label", None)
        kwargs.setdefault("label", _("Tri"))
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        return qs.order_by(*self.sorts.get(value or self.default, self.sorts[self.default]))


class ListFilterSet(django_filters.FilterSet):
    """The base of the lists' FilterSets.

    Always bound (an empty query is a valid one), so the default sort applies on the
    first visit too. An invalid filter is left out and reported by ``filter.errors``;
    the valid ones still apply. ``sort`` is the sort applied (for the headers).
    """

    def __init__(self, data=None, *args, **kwargs):
        data = QueryDict() if data is None else data
        sort = self.base_filters.get("sort")
        if isinstance(sort, SortFilter) and not data.get("sort"):
            # The sort applied is in the data: the form's select shows it.
            data = data.copy()
            data["sort"] = sort.default
        super().__init__(data, *args, **kwargs)

    @property
    def sort_filter(self) -> SortFilter | None:
        sort = self.filters.get("sort")
        return sort if isinstance(sort, SortFilter) else None

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        sort = self.sort_filter
        if sort is not None and not self.form.cleaned_data.get("sort"):
            queryset = sort.filter(queryset, None)
        return queryset

    @property
    def sort(self) -> str:
        sort = self.sort_filter
        if sort is None:
            return ""
        self.errors  # noqa: B018 — validates the form
        return self.form.cleaned_data.get("sort") or sort.default


# --- Pagination ---------------------------------------------------------------------------


class CountingPaginator(Paginator):
    """Counts on another queryset than the one it pages: the bare filtered rows (no joins,
    no selected columns) while the page reads ``.values(...)`` of the needed columns.
    The stock list's 100 000+ vehicles count in an index scan."""

    def __init__(self, object_list, per_page, *, count_queryset: QuerySet, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self._count_queryset = count_queryset

    @cached_property
    def count(self) -> int:
        return self._count_queryset.order_by().count()


def paginate(
    object_list,
    params: Mapping[str, Any],
    *,
    per_page: int = PER_PAGE,
    paginator: Callable[..., Paginator] = Paginator,
) -> Page:
    """The page ``params["page"]`` (out of range: the last; not a number: the first)."""
    return paginator(object_list, per_page).get_page(params.get("page"))


# --- The page or its partial --------------------------------------------------------------


def render_list(
    request: HttpRequest,
    template: str,
    filterset: django_filters.FilterSet,
    *,
    per_page: int = PER_PAGE,
    paginator: Callable[..., Paginator] = Paginator,
    object_list: Iterable | None = None,
    rows: Callable[[Any], Iterable] | None = None,
    context: Mapping[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    """Filter → paginate → render ``template`` or its ``#results`` partial.

    ``object_list`` pages something else than ``filterset.qs`` (e.g. its ``.values()``);
    ``paginator`` is the class or factory (``functools.partial(CountingPaginator, …)``);
    ``rows`` turns the page's objects (its sliced queryset) into what the table shows
    (``rows`` in the context). The context has ``filter``, ``page``, ``sort`` (the applied sort) and
    ``context``'s entries.
    """
    page = paginate(
        filterset.qs if object_list is None else object_list,
        request.GET,
        per_page=per_page,
        paginator=paginator,
    )
    ctx: dict[str, Any] = {
        "filter": filterset,
        "page": page,
        "sort": getattr(filterset, "sort", ""),
    }
    if rows is not None:
        ctx["rows"] = list(rows(page.object_list))
    ctx.update(context or {})
    return render_page_or_partial(request, template, ctx, status=status)


def render_page_or_partial(
    request: HttpRequest, template: str, context: Mapping[str, Any], *, status: int = 200
) -> HttpResponse:
    """``render`` with the template name that ``is_partial`` decides (``is_partial`` in
    the context for out-of-band swaps); caches keep the page and the partial apart
    (``Vary: HX-Request``)."""
    partial = is_partial(request)
    context = {**context, "is_partial": partial}
    response = render(request, template_for(request, template), context, status=status)
    patch_vary_headers(response, ("HX-Request",))
    return response
