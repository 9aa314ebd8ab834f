"""Paramètres › Opérations promotionnelles (S-3): list, create, edit (administrators)."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from openflex.accounts.permissions import admin_required
from openflex.core import lists
from signatures.promotions import selectors, services
from signatures.promotions.filters import PromotionFilter
from signatures.promotions.forms import PromotionForm
from signatures.promotions.models import PromotionalOperation


@admin_required
@require_GET
def promotion_list(request: HttpRequest) -> HttpResponse:
    filterset = PromotionFilter(request.GET, queryset=selectors.promotion_list())
    return lists.render_list(request, "signatures/promotion_list.html", filterset)


def _edit(request: HttpRequest, operation: PromotionalOperation | None) -> HttpResponse:
    form = PromotionForm(request.POST or None, instance=operation)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        numbers = data.pop("vehicle_numbers")
        services.promotion_save(
            operation=operation, by=request.user, vehicle_numbers=numbers, **data
        )
        messages.success(request, _("Opération promotionnelle enregistrée."))
        return redirect("signatures:promotions")
    status = 400 if form.errors else 200
    return render(
        request,
        "signatures/promotion_form.html",
        {"form": form, "operation": operation},
        status=status,
    )


@admin_required
@require_http_methods(["GET", "POST"])
def promotion_create(request: HttpRequest) -> HttpResponse:
    return _edit(request, None)


@admin_required
@require_http_methods(["GET", "POST"])
def promotion_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _edit(request, get_object_or_404(PromotionalOperation, pk=pk))
