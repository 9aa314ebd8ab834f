import logging
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, QueryDict, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers
from django_fsm import TransitionNotAllowed
from django_htmx.http import HttpResponseClientRedirect

from openflex.accounts.permissions import right_required
from openflex.accounts.selectors import points_of_sale_for_user
from openflex.core.inputs import parse_id

from . import delays, exports, feeds, lifeline, panels, selectors, services
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
from .forms import (
    AuctionCloseForm,
    AuctionForm,
    DecisionForm,
    OptionForm,
    PriceForm,
    SavedSearchForm,
    StatusChangeForm,
    TransferForm,
    VehicleCreateForm,
    VehicleForm,
)
from .models import Auction, OwnershipTransfer, PriceChange, SavedSearch, StockListPreference

logger = logging.getLogger(__name__)
CONFIGURE = "accounts.change_vehicle_configuration"
LIST_PARAMS_IGNORED = {"page", "saved"}


# --- Stock list (V-4, V-5, V-6) ----------------------------------------------------------


class CountingPaginator(Paginator):
    """Counts on the bare filtered queryset (no joins, no selected columns)."""

    def __init__(self, object_list, per_page, *, count_queryset, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self._count_queryset = count_queryset

    @cached_property
    def count(self) -> int:
        return self._count_queryset.order_by().count()


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

    paginator = CountingPaginator(
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


def _wants_partial(request: HttpRequest) -> bool:
    """An HTMX swap of the results; a boosted link or a history restore needs the page."""
    htmx = request.htmx
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request


@login_required
@require_GET
@vary_on_headers("HX-Request")
def vehicle_list(request: HttpRequest) -> HttpResponse:
    if not request.GET and not request.htmx:
        default = SavedSearch.objects.filter(user=request.user, is_default=True).first()
        if default is not None and default.query:
            return redirect(f"{reverse('vehicles:list')}?{default.query}")
    params, saved = _list_params(request)
    context = _list_context(request, params, saved)
    template = "vehicles/list.html#results" if _wants_partial(request) else "vehicles/list.html"
    return render(request, template, context)


@login_required
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


@login_required
@require_POST
def columns_save(request: HttpRequest) -> HttpResponse:
    columns = parse_columns(request.POST.getlist("cols")) or list(DEFAULT_COLUMNS)
    services.stock_columns_save(user=request.user, columns=columns)
    query = QueryDict(request.POST.get("query", ""), mutable=True)
    query.pop("cols", None)
    url = f"{reverse('vehicles:list')}?{query.urlencode()}"
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


@login_required
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


@login_required
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


# --- Vehicle page ---------------------------------------------------------------------


def _detail_context(request, vehicle, **forms):
    line = lifeline.lifeline_for(vehicle.destination)
    moves = lifeline.allowed_moves(vehicle, line)
    changes = list(selectors.vehicle_status_changes(vehicle=vehicle))
    reached = {}
    for change in changes:
        reached[change.to_status] = change
    sellable = lifeline.sellable_status_codes()
    can_configure = request.user.has_perm(CONFIGURE)
    pending_transfer = (
        vehicle.transfers.filter(status=OwnershipTransfer.Status.TO_VALIDATE)
        .select_related("from_point_of_sale", "to_point_of_sale")
        .first()
    )
    auctions = list(vehicle.auctions.all()[:10])
    max_days = delays.max_days_for(delays.delay_rules(), vehicle)
    late_since = (
        vehicle.status_changed_at + timedelta(days=max_days) if max_days is not None else None
    )
    snoozed = bool(
        vehicle.delay_snoozed_until and vehicle.delay_snoozed_until >= timezone.localdate()
    )
    context = {
        "vehicle": vehicle,
        "line": [
            {"status": s, "change": reached.get(s.code), "current": s.code == vehicle.status}
            for s in line
        ],
        "status_label": {s.code: s.label for s in line}.get(vehicle.status, vehicle.status),
        "status_changes": changes,
        "can_configure": can_configure,
        "status_form": forms.get("status_form") or StatusChangeForm(moves=moves),
        "price_form": forms.get("price_form")
        or PriceForm(
            vehicle=vehicle,
            initial={
                "selling_price": vehicle.selling_price,
                "catalogue_price": vehicle.catalogue_price,
                "discount": vehicle.discount,
                "staff_price": vehicle.staff_price,
            },
        ),
        "option_form": forms.get("option_form") or OptionForm(),
        "transfer_form": forms.get("transfer_form") or TransferForm(vehicle=vehicle),
        "auction_form": forms.get("auction_form") or AuctionForm(),
        "auction_close_form": AuctionCloseForm(),
        "options": vehicle.options.all(),
        "price_changes": selectors.vehicle_price_changes(vehicle=vehicle)[:20],
        "events": selectors.vehicle_events(vehicle=vehicle)[:100],
        "criteria": services.publication_criteria(vehicle, sellable),
        "days_since_price": (
            timezone.localdate() - timezone.localtime(vehicle.price_reset_at).date()
        ).days,
        "pending_transfer": pending_transfer,
        "can_decide_transfer": pending_transfer is not None
        and services.transfer_can_decide(request.user, pending_transfer),
        "decision_form": forms.get("decision_form") or DecisionForm(),
        "transfers": vehicle.transfers.select_related(
            "from_point_of_sale", "to_point_of_sale", "requested_by", "decided_by"
        )[:10],
        "auctions": auctions,
        "open_auction": next((a for a in auctions if a.status in ("planifiee", "en_cours")), None),
        "delay": {
            "max_days": max_days,
            "late_since": late_since,
            "days_late": delays.days_late(late_since) if late_since else None,
            "is_late": bool(late_since and late_since < timezone.now())
            and not vehicle.delay_alerts_off
            and not snoozed,
            "snoozed": snoozed,
        },
        "panels": [{"panel": p, "context": p.context(request, vehicle)} for p in panels.panels()],
    }
    return context


@login_required
@require_GET
def vehicle_detail(request: HttpRequest, number: int) -> HttpResponse:
    vehicle = selectors.vehicle_get_for_user(user=request.user, number=number)
    return render(request, "vehicles/detail.html", _detail_context(request, vehicle))


def _rerender(request, vehicle, **forms):
    vehicle.refresh_from_db()
    return render(
        request, "vehicles/detail.html", _detail_context(request, vehicle, **forms), status=400
    )


@login_required
@require_POST
def vehicle_status(request: HttpRequest, number: int) -> HttpResponse:
    vehicle = selectors.vehicle_get_for_user(user=request.user, number=number)
    if not request.user.has_perm(CONFIGURE):
        raise PermissionDenied
    form = StatusChangeForm(request.POST, moves=lifeline.allowed_moves(vehicle))
    if form.is_valid():
        try:
            services.vehicle_status_change(
                vehicle=vehicle,
                to=form.cleaned_data["to"],
                by=request.user,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Statut modifié."))
            return redirect("vehicles:detail", number=vehicle.pk)
    return _rerender(request, vehicle, status_form=form)


@login_required
@require_POST
def vehicle_prices(request: HttpRequest, number: int) -> HttpResponse:
    vehicle = selectors.vehicle_get_for_user(user=request.user, number=number)
    form = PriceForm(request.POST, vehicle=vehicle)
    if form.is_valid():
        try:
            changes = services.vehicle_prices_update(
                vehicle=vehicle, by=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if any(c.status == PriceChange.Status.TO_VALIDATE for c in changes):
                messages.info(
                    request, _("Prix enregistré ; il attend la validation d'un responsable.")
                )
            elif changes:
                messages.success(request, _("Prix enregistré."))
            return redirect("vehicles:detail", number=vehicle.pk)
    return _rerender(request, vehicle, price_form=form)


@login_required
@require_POST
def vehicle_option_add(request: HttpRequest, number: int) -> HttpResponse:
    vehicle = selectors.vehicle_get_for_user(user=request.user, number=number)
    form = OptionForm(request.POST)
    if form.is_valid():
        services.vehicle_option_add(vehicle=vehicle, by=request.user, **form.cleaned_data)
        messages.success(request, _("Option ajoutée."))
        return redirect("vehicles:detail", number=vehicle.pk)
    return _rerender(request, vehicle, option_form=form)


@login_required
@require_POST
def vehicle_publication(request: HttpRequest, number: int) -> HttpResponse:
    vehicle = selectors.vehicle_get_for_user(user=request.user, number=number)
    requested = request.POST.get("requested") == "1"
    vehicle = services.vehicle_publication_request(
        vehicle=vehicle, by=request.user, requested=requested
    )
    if requested and not vehicle.is_published:
        messages.warning(
            request, _("Publication demandée : des critères d'éligibilité manquent encore.")
        )
    else:
        messages.success(request, _("Publication mise à jour."))
    return redirect("vehicles:detail", number=vehicle.pk)


@login_required
@require_POST
def vehicle_transfer_request(request: HttpRequest, number: int) -> HttpResponse:
    vehicle = selectors.vehicle_get_for_user(user=request.user, number=number)
    form = TransferForm(request.POST, vehicle=vehicle)
    if form.is_valid():
        try:
            services.transfer_request(vehicle=vehicle, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, _("Transfert demandé : il attend l'approbation du responsable.")
            )
            return redirect("vehicles:detail", number=vehicle.pk)
    return _rerender(request, vehicle, transfer_form=form)


@login_required
@require_POST
def vehicle_auction_create(request: HttpRequest, number: int) -> HttpResponse:
    vehicle = selectors.vehicle_get_for_user(user=request.user, number=number)
    if not request.user.has_perm(CONFIGURE):
        raise PermissionDenied
    form = AuctionForm(request.POST)
    if form.is_valid():
        try:
            services.auction_create(vehicle=vehicle, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Enchère planifiée."))
            return redirect("vehicles:detail", number=vehicle.pk)
    return _rerender(request, vehicle, auction_form=form)


@login_required
@require_POST
def auction_action(request: HttpRequest, pk: int) -> HttpResponse:
    auction = get_object_or_404(Auction, pk=pk)
    vehicle = selectors.vehicle_get_for_user(user=request.user, number=auction.vehicle_id)
    action = request.POST.get("action")
    try:
        if action == "start":
            services.auction_start(auction=auction, by=request.user)
        elif action in ("win", "lose"):
            form = AuctionCloseForm(request.POST)
            form.is_valid()
            services.auction_close(
                auction=auction,
                by=request.user,
                won=action == "win",
                winning_bid=form.cleaned_data.get("winning_bid"),
                winner=form.cleaned_data.get("winner", ""),
            )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except TransitionNotAllowed:
        messages.error(request, _("Cette action n'est plus possible pour cette enchère."))
    return redirect("vehicles:detail", number=vehicle.pk)


@right_required(CONFIGURE)
@require_http_methods(["GET", "POST"])
def vehicle_create(request: HttpRequest) -> HttpResponse:
    pos = points_of_sale_for_user(request.user)
    form = VehicleCreateForm(request.POST or None, points_of_sale=pos)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        prices = {k: data.pop(k) for k in ("selling_price", "catalogue_price")}
        if form.cleaned_data["parc"] not in ("VN", "VD"):
            prices.pop("catalogue_price")
        try:
            with transaction.atomic():
                vehicle = services.vehicle_create(by=request.user, **data)
                prices = {k: v for k, v in prices.items() if v is not None}
                if prices:
                    services.vehicle_prices_update(vehicle=vehicle, by=request.user, **prices)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Véhicule n° %s créé.") % vehicle.pk)
            return redirect("vehicles:detail", number=vehicle.pk)
    return render(request, "vehicles/form.html", {"form": form}, status=400 if form.errors else 200)


@right_required(CONFIGURE)
@require_http_methods(["GET", "POST"])
def vehicle_edit(request: HttpRequest, number: int) -> HttpResponse:
    vehicle = selectors.vehicle_get_for_user(user=request.user, number=number)
    pos = points_of_sale_for_user(request.user)
    form = VehicleForm(request.POST or None, instance=vehicle, points_of_sale=pos)
    if request.method == "POST" and form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k in services.IDENTITY_FIELDS}
        vehicle.refresh_from_db()
        try:
            services.vehicle_update(vehicle=vehicle, by=request.user, **fields)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Fiche enregistrée."))
            return redirect("vehicles:detail", number=vehicle.pk)
    return render(
        request,
        "vehicles/form.html",
        {"form": form, "vehicle": vehicle},
        status=400 if form.errors else 200,
    )


# --- Price updates to validate (V-8) and transfers (V-14) ---------------------------------


@login_required
@require_GET
def price_change_list(request: HttpRequest) -> HttpResponse:
    if not services.user_can_validate_prices(request.user):
        raise PermissionDenied
    qs = selectors.price_changes_to_validate(user=request.user)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "vehicles/price_changes.html", {"page": page, "form": DecisionForm()})


@login_required
@require_POST
def price_change_decide(request: HttpRequest, pk: int) -> HttpResponse:
    change = get_object_or_404(PriceChange, pk=pk)
    selectors.vehicle_get_for_user(user=request.user, number=change.vehicle_id)
    form = DecisionForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    action = request.POST.get("action")
    if action not in ("validate", "refuse"):
        messages.error(request, _("Choisissez de valider ou de refuser."))
        return redirect("vehicles:price_changes")
    try:
        if action == "validate":
            services.price_change_validate(change=change, by=request.user)
            messages.success(request, _("Mise à jour de prix validée."))
        else:
            services.price_change_refuse(change=change, by=request.user, reason=reason)
            messages.success(request, _("Mise à jour de prix refusée."))
    except TransitionNotAllowed:
        messages.error(request, _("Cette mise à jour a déjà été traitée."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("vehicles:price_changes")


@login_required
@require_GET
def transfer_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("statut", "")
    if status not in OwnershipTransfer.Status.values:
        status = ""
    qs = selectors.transfers_for_user(user=request.user, status=status)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    user_pos_ids = set(request.user.points_of_sale.values_list("pk", flat=True))
    for transfer in page:
        transfer.can_decide = transfer.status == OwnershipTransfer.Status.TO_VALIDATE and (
            services.transfer_can_decide(request.user, transfer, user_pos_ids=user_pos_ids)
        )
    context = {"page": page, "status": status, "statuses": OwnershipTransfer.Status.choices}
    return render(request, "vehicles/transfers.html", context)


@login_required
@require_POST
def transfer_decide(request: HttpRequest, pk: int) -> HttpResponse:
    transfer = get_object_or_404(OwnershipTransfer, pk=pk)
    form = DecisionForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    action = request.POST.get("action")
    if action not in ("approve", "reject"):
        messages.error(request, _("Choisissez de valider ou de rejeter."))
        return _after_transfer_decision(request, transfer)
    try:
        if action == "approve":
            services.transfer_approve(transfer=transfer, by=request.user)
            messages.success(request, _("Transfert validé."))
        else:
            services.transfer_reject(transfer=transfer, by=request.user, reason=reason)
            messages.success(request, _("Transfert rejeté."))
    except TransitionNotAllowed:
        messages.error(request, _("Ce transfert a déjà été traité."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return _after_transfer_decision(request, transfer)


def _after_transfer_decision(request: HttpRequest, transfer: OwnershipTransfer) -> HttpResponse:
    """Back to the vehicle page when decided there and the vehicle is still visible."""
    if (
        request.POST.get("next") == "vehicle"
        and selectors.vehicle_queryset_for_user(request.user)
        .filter(pk=transfer.vehicle_id)
        .exists()
    ):
        return redirect("vehicles:detail", number=transfer.vehicle_id)
    return redirect(f"{reverse('vehicles:transfers')}?statut=a_valider")


# --- Feeds for ad portals (V-12) ----------------------------------------------------------


@require_GET
def feed_xml(request: HttpRequest) -> StreamingHttpResponse:
    return StreamingHttpResponse(feeds.xml_feed(), content_type="application/xml; charset=utf-8")


@require_GET
def feed_json(request: HttpRequest) -> StreamingHttpResponse:
    return StreamingHttpResponse(feeds.json_feed(), content_type="application/json")
