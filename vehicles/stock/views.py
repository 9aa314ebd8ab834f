"""The stock list (V-4, V-5, V-6): the page, its results partial, the export, the saved
searches and columns; the published-stock feeds for ad portals (V-12)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse, QueryDict, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

from openflex.accounts import rules
from openflex.accounts.permissions import rule_required
from openflex.core import lists
from openflex.core.inputs import parse_id

from .. import selectors
from ..models import SavedSearch, StockListPreference
from . import exports, feeds, services
from .columns import (
    COLUMNS,
    DEFAULT_COLUMNS,
    DEFAULT_SORT,
    RowContext,
    cell_html,
    export_columns,
    needed_fields,
    parse_columns,
)
from .filters import PER_PAGE_CHOICES, VehicleFilter
from .forms import SavedSearchForm

LIST_PARAMS_IGNORED = {"page", "saved"}


def _list_params(request: HttpRequest) -> tuple[QueryDict, SavedSearch | None]:
    """The list's query: the URL's, or a saved search's when ``saved=<id>`` is given."""
    saved_id = parse_id(request.GET.get("saved"))
    if saved_id is not None:
        saved = SavedSearch.objects.filter(user=request.user, pk=saved_id).first()
        if saved is not None:
            # The saved query, with what the URL adds on top (a page, another sort …).
            params = QueryDict(saved.query, mutable=True)
            for key in request.GET:
                if key != "saved":
                    params.setlist(key, request.GET.getlist(key))
            return params, saved
    return request.GET, None


def _visible_columns(request: HttpRequest, params: QueryDict) -> list[str]:
    columns = parse_columns(params.get("cols"))
    if columns:
        return columns
    preference = StockListPreference.objects.filter(user=request.user).first()
    return parse_columns(preference.columns if preference else None) or list(DEFAULT_COLUMNS)


def _per_page(params: QueryDict) -> int:
    allowed = {value for value, _label in PER_PAGE_CHOICES}
    try:
        value = int(params.get("per_page", 50))
    except ValueError:
        return 50
    return value if value in allowed else 50


def _stock_filter(request: HttpRequest, params: QueryDict, statuses=None) -> VehicleFilter:
    statuses = statuses if statuses is not None else selectors.lifeline_statuses()
    return VehicleFilter(
        params,
        queryset=selectors.vehicle_queryset_for_user(request.user),
        user=request.user,
        status_choices=[(code, label) for code, label, active in statuses if active],
    )


def _list_context(request: HttpRequest, params: QueryDict, saved, saved_form=None) -> dict:
    """What the stock list page and its results partial render."""
    statuses = selectors.lifeline_statuses()
    filterset = _stock_filter(request, params, statuses)
    visible = _visible_columns(request, params)
    columns = [COLUMNS[key] for key in visible]
    per_page = _per_page(params)

    # The recipe's count-on-the-bare-rows paginator: 100 000+ vehicles count fast.
    paginator = lists.CountingPaginator(
        filterset.qs.values(*needed_fields(columns)), per_page, count_queryset=filterset.qs
    )
    raw_page = params.get("page", "1")
    try:
        page = paginator.page(raw_page)
    except PageNotAnInteger:
        messages.warning(request, _("Numéro de page invalide : première page affichée."))
        page = paginator.page(1)
    except EmptyPage:
        page = paginator.page(paginator.num_pages)
        messages.warning(
            request,
            _("La page %(asked)s n'existe pas : page %(shown)s sur %(total)s affichée.")
            % {"asked": raw_page, "shown": page.number, "total": paginator.num_pages},
        )
    ctx = RowContext(status_labels={code: label for code, label, _active in statuses})
    rows = [
        [cell_html(column, column.value(row, ctx), row["number"]) for column in columns]
        for row in page.object_list
    ]
    query = params.copy()
    for key in LIST_PARAMS_IGNORED:
        query.pop(key, None)
    form = filterset.form
    # The sort actually applied: an invalid one is reported once, not carried along by
    # the hidden field into every following request.
    sort = getattr(form, "cleaned_data", {}).get("sort") or DEFAULT_SORT
    sections = filterset.SECTIONS
    return {
        "filter": filterset,
        # A section is open when it is the first or the last, or when one of its
        # filters is set (a shared or bookmarked list shows what restricts it).
        "filter_sections": [
            (
                title,
                [form[name] for name in names],
                index in (0, len(sections) - 1)
                or any(v for name in names for v in params.getlist(name)),
            )
            for index, (title, names) in enumerate(sections)
        ],
        "columns": columns,
        "visible": visible,
        "cols_param": ",".join(parse_columns(params.get("cols"))),
        "all_columns": COLUMNS.values(),
        "rows": rows,
        "page": page,
        "per_page": per_page,
        "per_page_choices": PER_PAGE_CHOICES,
        "sort": sort,
        "query": query.urlencode(),
        "saved": saved,
        "saved_searches": SavedSearch.objects.filter(user=request.user),
        "saved_form": saved_form or SavedSearchForm(),
    }


@rule_required(rules.sees_stock)
@require_GET
def vehicle_list(request: HttpRequest) -> HttpResponse:
    if not request.GET and not lists.is_partial(request):
        default = SavedSearch.objects.filter(user=request.user, is_default=True).first()
        if default is not None and default.query:
            return redirect(f"{reverse('vehicles:list')}?{default.query}")
    params, saved = _list_params(request)
    context = _list_context(request, params, saved)
    return lists.render_page_or_partial(request, "vehicles/list.html", context)


@rule_required(rules.sees_stock)
@require_GET
def vehicle_export(request: HttpRequest) -> HttpResponse:
    """Every matching row (not only the page), streamed from a spooled file (V-6)."""
    params, _saved = _list_params(request)
    filterset = _stock_filter(request, params)
    columns = export_columns(_visible_columns(request, params))
    ctx = RowContext(status_labels=selectors.status_labels())
    fileobj = exports.stock_xlsx_tempfile(filterset.qs, columns, ctx)
    filename = f"stock-{timezone.localtime():%Y%m%d-%H%M}.xlsx"
    response = StreamingHttpResponse(
        exports.stream_file(fileobj),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@rule_required(rules.sees_stock)
@require_POST
def columns_save(request: HttpRequest) -> HttpResponse:
    columns = parse_columns(request.POST.getlist("cols")) or list(DEFAULT_COLUMNS)
    services.stock_columns_save(user=request.user, columns=columns)
    query = QueryDict(request.POST.get("query", ""), mutable=True)
    query.pop("cols", None)
    url = f"{reverse('vehicles:list')}?{query.urlencode()}"
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


@rule_required(rules.sees_stock)
@require_POST
def saved_search_create(request: HttpRequest) -> HttpResponse:
    form = SavedSearchForm(request.POST)
    query = QueryDict(request.POST.get("query", ""), mutable=True)
    for key in LIST_PARAMS_IGNORED:
        query.pop(key, None)
    if "cols" not in query:
        query["cols"] = ",".join(_visible_columns(request, query))
    if form.is_valid():
        try:
            saved = services.saved_search_create(
                user=request.user,
                name=form.cleaned_data["name"],
                query=query.urlencode(),
                is_default=form.cleaned_data["is_default"],
            )
        except (ValidationError, IntegrityError):
            form.add_error("name", _("Vous avez déjà une recherche de ce nom."))
        else:
            messages.success(request, _("Recherche « %s » enregistrée.") % saved.name)
    if form.errors:
        if request.htmx:
            context = {
                "saved_form": form,
                "saved_searches": SavedSearch.objects.filter(user=request.user),
                "query": query.urlencode(),
            }
            return render(request, "vehicles/list.html#saved-searches", context, status=400)
        # Without JavaScript: the whole list again, with the form's errors.
        context = _list_context(request, query, None, saved_form=form)
        return render(request, "vehicles/list.html", context, status=400)
    url = f"{reverse('vehicles:list')}?saved={saved.pk}"
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


@rule_required(rules.sees_stock)
@require_POST
def saved_search_action(request: HttpRequest, pk: int) -> HttpResponse:
    saved = get_object_or_404(SavedSearch, pk=pk, user=request.user)
    action = request.POST.get("action")
    if action == "delete":
        services.saved_search_delete(saved=saved)
        messages.success(request, _("Recherche supprimée."))
    elif action in ("default", "undefault"):
        services.saved_search_set_default(saved=saved, default=action == "default")
        if action == "default":
            messages.success(request, _("« %s » est votre recherche par défaut.") % saved.name)
    return redirect(f"{reverse('vehicles:list')}?sort=-number")


# --- Feeds for ad portals (V-12) ----------------------------------------------------------


@require_GET
def feed_xml(request: HttpRequest) -> StreamingHttpResponse:
    return StreamingHttpResponse(feeds.xml_feed(), content_type="application/xml; charset=utf-8")


@require_GET
def feed_json(request: HttpRequest) -> StreamingHttpResponse:
    return StreamingHttpResponse(feeds.json_feed(), content_type="application/json")
