"""Pages of the trade-ins (O-8): create/edit in an opportunity, estimate requests,
the trade-in page with its decisions, the validators' list with saved filters, the PDF."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from openflex.accounts import rules
from openflex.accounts.permissions import rule_required
from openflex.accounts.selectors import points_of_sale_for_user
from openflex.core import lists
from opportunities.documents import services as documents
from opportunities.documents.views import _pdf_response
from opportunities.sales import selectors
from opportunities.sales.models import Opportunity
from opportunities.tradeins import selectors as tradeins_selectors
from opportunities.tradeins import services as tradeins_services
from opportunities.tradeins.filters import TradeInValidationFilter
from opportunities.tradeins.forms import (
    TradeInForm,
    TradeInRefuseForm,
    TradeInRequestForm,
    ValidatorFilterForm,
)
from opportunities.tradeins.models import TradeIn
from vehicles.models import Energy

PAGE_SIZE = 25


def _add_errors(form, exc: ValidationError) -> None:
    """Put a service's errors next to their fields (unknown fields: on top)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _initial(trade_in: TradeIn) -> dict:
    data = {name: getattr(trade_in, name) for name in tradeins_selectors.EDITABLE_FIELDS}
    data["offer"] = trade_in.offer_id
    return data


@rule_required(rules.can_sell)
@require_http_methods(["GET", "POST"])
def tradein_create(request: HttpRequest, pk: int) -> HttpResponse:
    opportunity = selectors.opportunity_get_for_user(user=request.user, pk=pk)
    if opportunity.status != Opportunity.Status.OPEN:
        messages.error(request, _("Cette opportunité n'est plus en cours."))
        return redirect("opportunities:detail", pk=opportunity.pk)
    form = TradeInForm(
        request.POST or None,
        request.FILES or None,
        opportunity=opportunity,
        initial={"kind": TradeIn.Kind.DRY, "destination": TradeIn.Destination.PRIVATE},
    )
    if request.method == "POST" and form.is_valid():
        try:
            trade_in = tradeins_services.tradein_create(
                opportunity=opportunity,
                by=request.user,
                offer=form.cleaned_data.get("offer"),
                photos=form.cleaned_data["photos"],
                **form.service_values(),
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        except PermissionDenied as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Reprise créée : elle attend la validation."))
            return redirect("opportunities:tradein_detail", pk=trade_in.pk)
    return render(
        request,
        "opportunities/tradeins/form.html",
        {"form": form, "opportunity": opportunity, "trade_in": None},
        status=400 if request.method == "POST" else 200,
    )


@rule_required(rules.sees_stock)
@require_http_methods(["GET", "POST"])
def tradein_request_create(request: HttpRequest) -> HttpResponse:
    """Estimate request by a requester (any staff user of a point of sale)."""
    points = points_of_sale_for_user(request.user)
    form = TradeInRequestForm(
        request.POST or None,
        request.FILES or None,
        points_of_sale=points,
        initial={"destination": TradeIn.Destination.PRIVATE},
    )
    if request.method == "POST" and form.is_valid():
        try:
            trade_in = tradeins_services.tradein_request_create(
                by=request.user,
                point_of_sale=form.cleaned_data["point_of_sale"],
                photos=form.cleaned_data["photos"],
                **form.service_values(),
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Demande d'estimation envoyée aux valideurs."))
            return redirect("opportunities:tradein_detail", pk=trade_in.pk)
    return render(
        request,
        "opportunities/tradeins/form.html",
        {"form": form, "opportunity": None, "trade_in": None, "is_request": True},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_GET
def tradein_detail(request: HttpRequest, pk: int) -> HttpResponse:
    trade_in = tradeins_selectors.tradein_get_for_user(user=request.user, pk=pk)
    return _detail(request, trade_in)


def _detail(request, trade_in, refuse_form=None, status=200) -> HttpResponse:
    context = {
        "trade_in": trade_in,
        "photos": list(trade_in.photos.all()),
        "events": list(trade_in.events.select_related("by")[:100]),
        "actions": tradeins_selectors.tradein_actions(trade_in=trade_in, user=request.user),
        "can_edit": tradeins_services.user_can_edit(request.user, trade_in),
        "refuse_form": refuse_form or TradeInRefuseForm(),
        "energy": dict(Energy.choices).get(trade_in.energy, trade_in.energy),
    }
    return render(request, "opportunities/tradeins/detail.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def tradein_edit(request: HttpRequest, pk: int) -> HttpResponse:
    trade_in = tradeins_selectors.tradein_get_for_user(user=request.user, pk=pk)
    if not tradeins_services.user_can_edit(request.user, trade_in):
        messages.error(request, _("Seule une reprise à valider se modifie."))
        return redirect("opportunities:tradein_detail", pk=trade_in.pk)
    opportunity = trade_in.opportunity
    form = TradeInForm(
        request.POST or None,
        request.FILES or None,
        opportunity=opportunity,
        with_kind=opportunity is not None,
        initial=_initial(trade_in),
    )
    if request.method == "POST" and form.is_valid():
        try:
            tradeins_services.tradein_update(
                trade_in=trade_in,
                by=request.user,
                offer=form.cleaned_data.get("offer"),
                photos=form.cleaned_data["photos"],
                **form.service_values(),
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        except PermissionDenied as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Reprise enregistrée."))
            return redirect("opportunities:tradein_detail", pk=trade_in.pk)
    return render(
        request,
        "opportunities/tradeins/form.html",
        {"form": form, "opportunity": opportunity, "trade_in": trade_in},
        status=400 if request.method == "POST" else 200,
    )


# The validators' decisions (droit de valider les reprises, ORG-3).
DECISIONS = frozenset({"valider", "refuser", "enchere"})
ACTIONS = {
    "valider": (tradeins_services.tradein_validate, _("Reprise validée.")),
    "enchere": (tradeins_services.tradein_start_auction, _("Reprise mise en enchère.")),
    "finaliser": (
        tradeins_services.tradein_complete,
        _("Reprise effectuée : le VO entre en stock et l'opportunité est gagnée."),
    ),
    "stock": (tradeins_services.tradein_stock_vehicle_create, _("VO créé en stock (pré-entrée).")),
    "offre": (
        tradeins_services.tradein_offer_create,
        _(
            "Offre de reprise établie et validée : faites-la signer au client (en ligne "
            "depuis l'offre, ou sur papier)."
        ),
    ),
}


@login_required
@require_POST
def tradein_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    trade_in = tradeins_selectors.tradein_get_for_user(user=request.user, pk=pk)
    if action in DECISIONS and not tradeins_selectors.user_can_decide(request.user, trade_in):
        raise PermissionDenied  # refused before the form is read (the access table)
    try:
        if action == "refuser":
            form = TradeInRefuseForm(request.POST)
            if not form.is_valid():
                return _detail(request, trade_in, refuse_form=form, status=400)
            try:
                tradeins_services.tradein_refuse(
                    trade_in=trade_in, by=request.user, reason=form.cleaned_data["reason"]
                )
            except ValidationError as exc:
                if hasattr(exc, "error_dict") and "reason" in exc.error_dict:
                    _add_errors(form, exc)
                    return _detail(request, trade_in, refuse_form=form, status=400)
                raise
            messages.success(request, _("Reprise refusée."))
        elif action in ACTIONS:
            service, done = ACTIONS[action]
            service(trade_in=trade_in, by=request.user)
            messages.success(request, done)
        else:
            return HttpResponse(status=404)
    except PermissionDenied as exc:
        messages.error(request, str(exc) or _("Action non autorisée."))
        return redirect("opportunities:tradein_detail", pk=trade_in.pk)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("opportunities:tradein_detail", pk=trade_in.pk)


@login_required
@require_http_methods(["GET", "POST"])
def tradein_validation_list(request: HttpRequest) -> HttpResponse:
    """ "Reprises à valider": preselected with the saved filters; "Enregistrer mes filtres"."""
    if not tradeins_selectors.user_is_tradein_validator(request.user):
        raise PermissionDenied
    saved = tradeins_selectors.validator_filter_values(request.user)
    brands = tradeins_selectors.tradein_brand_choices(also=saved["brands"])
    if request.method == "POST":
        form = ValidatorFilterForm(request.POST, brands=brands)
        if form.is_valid():
            try:
                tradeins_services.validator_filter_save(user=request.user, **form.cleaned_data)
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(
                    request,
                    _(
                        "Filtres enregistrés : ils seront présélectionnés et vous ne recevrez "
                        "que les demandes qui y correspondent."
                    ),
                )
                return redirect("opportunities:tradein_list")
        data, status = QueryDict(), 400
    else:
        form, status = None, 200
        if any(k in request.GET for k in ("destinations", "brands", "methods", "f")):
            data = request.GET
        else:  # the first visit: the saved filters
            data = QueryDict(mutable=True)
            for key in ("destinations", "brands", "methods"):
                data.setlist(key, saved[key])
    filterset = TradeInValidationFilter(
        data, queryset=tradeins_selectors.tradeins_to_validate(user=request.user), brands=brands
    )
    return lists.render_list(
        request,
        "opportunities/tradeins/list.html",
        filterset,
        per_page=PAGE_SIZE,
        context={"form": form or filterset.form, "saved": saved},
        status=status,
    )


# The photo responses forbid everything a browser could do with them but show them.
PHOTO_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"


@login_required
@require_GET
def tradein_photo(
    request: HttpRequest, pk: int, photo_pk: int, thumbnail: bool = False
) -> HttpResponse:
    """A trade-in photo (or its thumbnail), read through the storage API, for whoever
    sees the trade-in: never a public /media/ URL."""
    photo = tradeins_selectors.tradein_photo_get_for_user(
        user=request.user, trade_in_pk=pk, pk=photo_pk
    )
    content_type = tradeins_selectors.tradein_photo_content_type(photo)
    field = photo.thumbnail if thumbnail and photo.thumbnail else photo.image
    if content_type is None or not field:
        raise Http404
    try:
        handle = field.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    extension = field.name.rsplit(".", 1)[-1].lower()
    response = FileResponse(  # Content-Disposition: inline (not as_attachment)
        handle,
        content_type=content_type,
        filename=f"reprise-{pk}-photo-{photo.pk}{'-miniature' if thumbnail else ''}.{extension}",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = PHOTO_CSP
    patch_cache_control(response, private=True, max_age=3600)
    return response


@login_required
@require_GET
def tradein_estimate_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    trade_in = tradeins_selectors.tradein_get_for_user(user=request.user, pk=pk)
    return _pdf_response(
        documents.tradein_estimate_pdf(trade_in), f"estimation-reprise-{trade_in.pk}.pdf"
    )
