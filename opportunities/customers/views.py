"""Customer pages (O-2)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from openflex.accounts import rules
from openflex.accounts.permissions import rule_required
from openflex.accounts.selectors import points_of_sale_for_user
from openflex.core import lists
from openflex.core.redirects import safe_next
from opportunities.customers import selectors as customers_selectors
from opportunities.customers import services
from opportunities.customers.filters import CustomerFilter
from opportunities.customers.forms import CustomerForm, LegalRepresentativeForm
from opportunities.customers.models import Customer
from opportunities.sales import selectors as sales_selectors
from opportunities.sales.views.common import add_errors


@rule_required(rules.works_on_sales)
@require_GET
def customer_list(request: HttpRequest) -> HttpResponse:
    filterset = CustomerFilter(
        request.GET, queryset=customers_selectors.customer_search(user=request.user)
    )
    return lists.render_list(request, "opportunities/customer_list.html", filterset)


def _default_point_of_sale(user):
    return points_of_sale_for_user(user).order_by("name").first()


@rule_required(rules.works_on_sales)
@require_http_methods(["GET", "POST"])
def customer_create(request: HttpRequest) -> HttpResponse:
    pos = _default_point_of_sale(request.user)
    if pos is None:
        raise PermissionDenied(_("Vous n'êtes rattaché à aucun point de vente."))
    show_duplicate = request.method == "POST" and "allow_duplicate" in request.POST
    form = CustomerForm(
        request.POST or None,
        initial={"kind": Customer.Kind.PERSON},
        show_duplicate=show_duplicate,
    )
    duplicates = []
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "allow_duplicate"}
        try:
            customer = services.customer_create(
                by=request.user,
                point_of_sale=pos,
                allow_duplicate=form.cleaned_data.get("allow_duplicate", False),
                **data,
            )
        except ValidationError as exc:
            if getattr(exc, "code", None) == "duplicate":
                ids = exc.params["duplicates"]
                duplicates = list(
                    customers_selectors.customer_queryset_for_user(request.user).filter(pk__in=ids)
                )
                form = CustomerForm(request.POST, show_duplicate=True)
                form.is_valid()
                form.add_error(None, exc)
            else:
                add_errors(form, exc)
        else:
            messages.success(request, _("Client créé."))
            next_url = request.POST.get("next", "")
            if next_url == "opportunity":
                return redirect(reverse("opportunities:create") + f"?client={customer.pk}")
            return redirect("opportunities:customer_detail", pk=customer.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "opportunities/customer_form.html",
        {"form": form, "duplicates": duplicates, "next": request.GET.get("next", "")},
        status=status,
    )


@rule_required(rules.works_on_sales)
@require_http_methods(["GET", "POST"])
def customer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    customer = customers_selectors.customer_get_for_user(user=request.user, pk=pk)
    form = CustomerForm(request.POST or None, instance=customer)
    if request.method == "POST" and form.is_valid():
        try:
            services.customer_update(customer=customer, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Fiche client enregistrée."))
            return redirect("opportunities:customer_detail", pk=customer.pk)
    return render(
        request,
        "opportunities/customer_form.html",
        {"form": form, "customer": customer},
        status=400 if request.method == "POST" else 200,
    )


def _customer_context(request, customer, **forms):
    return {
        "customer": customer,
        "opportunities": sales_selectors.opportunity_queryset_for_user(request.user)
        .filter(customer=customer)
        .select_related("salesperson")
        .order_by("-created_at")[:50],
        "represented": customer.represented_companies.all()[:20],
        "missing": services.legal_representative_missing(customer),
        "rep_form": forms.get("rep_form") or LegalRepresentativeForm(),
    }


@rule_required(rules.works_on_sales)
@require_GET
def customer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    customer = customers_selectors.customer_get_for_user(user=request.user, pk=pk)
    return render(
        request, "opportunities/customer_detail.html", _customer_context(request, customer)
    )


@rule_required(rules.works_on_sales)
@require_POST
def customer_representative(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Créer ce client": the legal representative of a company (O-2)."""
    customer = customers_selectors.customer_get_for_user(user=request.user, pk=pk)
    form = LegalRepresentativeForm(request.POST)
    if form.is_valid():
        try:
            services.legal_representative_create(
                company=customer, by=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Représentant légal créé et lié à la société."))
            return redirect(
                safe_next(
                    request,
                    request.POST.get("back", ""),
                    reverse("opportunities:customer_detail", args=[pk]),
                )
            )
    customer.refresh_from_db()
    return render(
        request,
        "opportunities/customer_detail.html",
        _customer_context(request, customer, rep_form=form),
        status=400,
    )
