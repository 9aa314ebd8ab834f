"""The printed documents of the sale (O-7): order form, delivery report, price sticker."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from openflex.accounts import rules
from openflex.accounts.permissions import rule_required
from opportunities.documents import services as documents
from opportunities.financing.selectors import financing_sticker
from opportunities.sales.selectors import order_get_for_user
from vehicles.selectors import vehicle_get_for_user


def _pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    # A printed order is personal data: never kept by a shared cache.
    response["Cache-Control"] = "private, no-store"
    return response


@rule_required(rules.works_on_sales)
@require_GET
def order_form_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    order = order_get_for_user(user=request.user, pk=pk)
    refusal = documents.order_form_refusal(order)
    if refusal:
        return _unavailable(request, order, _("Bon de commande indisponible"), refusal)
    return _pdf_response(documents.order_form_pdf(order), f"bon-de-commande-{order.pk}.pdf")


def _unavailable(request: HttpRequest, order, title: str, message: str) -> HttpResponse:
    context = {
        "title": title,
        "message": message,
        "back_url": reverse("opportunities:order_detail", args=[order.pk]),
        "back_label": _("Retour à la commande n° %s") % order.pk,
    }
    return render(request, "opportunities/pdf/unavailable.html", context, status=400)


@rule_required(rules.works_on_sales)
@require_GET
def delivery_report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    order = order_get_for_user(user=request.user, pk=pk)
    refusal = documents.delivery_report_refusal(order)
    if refusal:
        return _unavailable(request, order, _("PV de livraison indisponible"), refusal)
    return _pdf_response(documents.delivery_report_pdf(order), f"pv-de-livraison-{order.pk}.pdf")


@login_required
@require_GET
def price_sticker_pdf(request: HttpRequest, number: int) -> HttpResponse:
    vehicle = vehicle_get_for_user(user=request.user, number=number)
    # The default financing offer, or the lowest automatic monthly payment (V-13).
    pdf = documents.price_sticker_pdf(vehicle, financing=financing_sticker(vehicle=vehicle))
    return _pdf_response(pdf, f"affichette-prix-{vehicle.pk}.pdf")
