"""Late vehicles (V-9): the tile's list, its PDF, its emailing, and "Gérer le statut"."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from openflex.accounts.permissions import right_required
from openflex.core import lists
from openflex.core.redirects import safe_next

from .. import lifeline
from .. import selectors as vehicle_selectors
from . import selectors, services
from .filters import late_filter
from .forms import DelayManageForm, LateSendForm
from .rows import late_rows

CONFIGURE = "accounts.change_vehicle_configuration"


def _query(params: QueryDict) -> str:
    query = params.copy()
    query.pop("page", None)
    return query.urlencode()


@right_required(CONFIGURE)
@require_GET
def late_list(request: HttpRequest) -> HttpResponse:
    filterset, rules, labels = late_filter(request.user, request.GET)
    form = filterset.form
    return lists.render_list(
        request,
        "vehicles/late_list.html",
        filterset,
        rows=lambda objects: list(late_rows(objects, rules=rules, labels=labels)),
        context={
            "filter_sections": [
                (title, [form[name] for name in names]) for title, names in filterset.SECTIONS
            ],
            "query": _query(request.GET),
            "send_form": LateSendForm(user=request.user),
        },
    )


@right_required(CONFIGURE)
@require_GET
def late_list_pdf(request: HttpRequest) -> HttpResponse:
    """The list printed: one row per vehicle with its days late (WeasyPrint)."""
    from weasyprint import HTML

    filterset, rules, labels = late_filter(request.user, request.GET)
    rows = list(late_rows(filterset.qs, rules=rules, labels=labels))
    html = render_to_string(
        "vehicles/late_list_pdf.html",
        {
            "rows": rows,
            "now": timezone.now(),
            "user": request.user,
            "filters": filterset.active_count,
        },
        request=request,
    )
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="vehicules-en-retard-{timezone.localdate():%Y%m%d}.pdf"'
    )
    return response


@right_required(CONFIGURE)
@require_POST
def late_list_email(request: HttpRequest) -> HttpResponse:
    form = LateSendForm(request.POST, user=request.user)
    query = request.POST.get("query", "")
    url = f"{reverse('vehicles:late_list')}?{query}"
    if not form.is_valid():
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
        return redirect(url)
    recipients = [u.pk for u in form.cleaned_data["recipients"]]
    services.late_list_send_request(
        sender_id=request.user.pk, recipient_ids=recipients, query=query
    )
    messages.success(
        request,
        ngettext(
            "La liste va être envoyée à %(n)s collègue.",
            "La liste va être envoyée à %(n)s collègues.",
            len(recipients),
        )
        % {"n": len(recipients)},
    )
    return redirect(url)


@right_required(CONFIGURE)
@require_http_methods(["GET", "POST"])
def delay_manage(request: HttpRequest, number: int) -> HttpResponse:
    """ "Gérer le statut": the next status, or the alert off until a date; a reason in both."""
    vehicle = vehicle_selectors.vehicle_get_for_user(user=request.user, number=number)
    moves = [m for m in lifeline.allowed_moves(vehicle) if not m.backward]
    form = DelayManageForm(request.POST or None, moves=moves)
    back = safe_next(
        request,
        request.POST.get("next") or request.GET.get("next"),
        reverse("vehicles:late_list"),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["action"] == "status":
                services.vehicle_delay_next_status(
                    vehicle=vehicle, by=request.user, to=data["to"], reason=data["reason"]
                )
                messages.success(request, _("Statut du véhicule n° %s modifié.") % vehicle.pk)
            else:
                services.vehicle_delay_snooze(
                    vehicle=vehicle, by=request.user, until=data["until"], reason=data["reason"]
                )
                messages.success(request, _("Alerte du véhicule n° %s coupée.") % vehicle.pk)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect(back)
    rules = selectors.delay_rules()
    context = {
        "vehicle": vehicle,
        "form": form,
        "next": back,
        "status_label": vehicle_selectors.status_labels().get(vehicle.status, vehicle.status),
        "max_days": selectors.max_days_for(rules, vehicle),
    }
    return render(
        request, "vehicles/delay_manage.html", context, status=400 if form.errors else 200
    )


@right_required(CONFIGURE)
@require_POST
def delay_alerts_toggle(request: HttpRequest, number: int) -> HttpResponse:
    vehicle = vehicle_selectors.vehicle_get_for_user(user=request.user, number=number)
    off = request.POST.get("off") == "1"
    services.vehicle_delay_alerts_set(vehicle=vehicle, by=request.user, off=off)
    messages.success(
        request,
        _("Vous ne serez plus alerté du retard de ce véhicule.")
        if off
        else _("Les alertes de retard de ce véhicule sont réactivées."),
    )
    return redirect("vehicles:detail", number=vehicle.pk)
