"""Paramètres › Produits additionnels, and the product actions of the vehicle page (V-10)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from openflex.accounts.permissions import admin_required
from openflex.core import lists
from openflex.core.inputs import parse_id
from opportunities.products import selectors as products_selectors
from opportunities.products import services as products
from opportunities.products.filters import ProductFilter
from opportunities.products.forms import ProductForm, element_formset
from opportunities.products.models import Product
from vehicles.models import Energy
from vehicles.selectors import vehicle_get_for_user

ENERGY_LABELS = dict(Energy.choices)


def _compatibility(product: Product) -> list[tuple[str, str]]:
    """(criterion, values) of a pack, "tous" where the list is empty."""
    return [
        (_("Types"), ", ".join(product.vehicle_types) or _("tous")),
        (_("Marques"), ", ".join(product.brands) or _("toutes")),
        (
            _("Énergies"),
            ", ".join(str(ENERGY_LABELS.get(e, e)) for e in product.energies) or _("toutes"),
        ),
        (_("Modèles"), ", ".join(product.model_names) or _("tous")),
    ]


@admin_required
@require_http_methods(["GET"])
def product_list(request: HttpRequest) -> HttpResponse:
    def with_compatibility(rows):
        rows = list(rows)
        for product in rows:
            is_pack = product.kind == Product.Kind.PACK
            product.compatibility = _compatibility(product) if is_pack else []
        return rows

    filterset = ProductFilter(request.GET, queryset=products_selectors.product_list())
    return lists.render_list(
        request, "opportunities/products/list.html", filterset, rows=with_compatibility
    )


def _get(pk: int) -> Product:
    product = products.product_get(pk=pk)
    if product is None:
        raise Http404
    return product


def _service_errors(exc: ValidationError, form: ProductForm) -> list[str]:
    """Service errors next to their field; element errors returned for the elements table."""
    element_errors = []
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return element_errors
    for name, errors in exc.message_dict.items():
        if name == "elements":
            element_errors.extend(errors)
        elif name in form.fields:
            form.add_error(name, errors)
        else:
            form.add_error(None, errors)
    return element_errors


def _edit(request: HttpRequest, product: Product | None) -> HttpResponse:
    template = "opportunities/products/form.html"
    if request.method != "POST":
        form = ProductForm(product=product)
        formset = element_formset(product=product)
        return render(request, template, {"form": form, "formset": formset, "product": product})
    form = ProductForm(request.POST, product=product)
    formset = element_formset(request.POST)
    element_errors: list[str] = []
    form_ok = form.is_valid()
    pack = (product.kind if product else form.cleaned_data.get("kind")) == Product.Kind.PACK
    elements_ok = formset.is_valid() if pack else True
    if form_ok and elements_ok:
        values = form.service_values()
        values["elements"] = [f.row for f in formset.forms if f.row] if pack else []
        try:
            if product is None:
                saved = products.product_create(
                    by=request.user, kind=form.cleaned_data["kind"], **values
                )
            else:
                saved = products.product_update(product=product, by=request.user, **values)
        except ValidationError as exc:
            element_errors = _service_errors(exc, form)
        else:
            messages.success(request, _("Produit « %s » enregistré.") % saved.name)
            return redirect("opportunities:products")
    return render(
        request,
        template,
        {
            "form": form,
            "formset": formset,
            "product": product,
            "element_errors": element_errors,
        },
        status=400,
    )


@admin_required
@require_http_methods(["GET", "POST"])
def product_create(request: HttpRequest) -> HttpResponse:
    return _edit(request, None)


@admin_required
@require_http_methods(["GET", "POST"])
def product_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _edit(request, _get(pk))


@admin_required
@require_http_methods(["GET", "POST"])
def product_delete(request: HttpRequest, pk: int) -> HttpResponse:
    product = _get(pk)
    if request.method == "POST":
        try:
            done = products.product_delete(product=product, by=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            text = _("Produit « %s » supprimé.") % done.name
            if done.offers_changed:
                text += (
                    " "
                    + ngettext(
                        "%d offre en cours mise à jour.",
                        "%d offres en cours mises à jour.",
                        done.offers_changed,
                    )
                    % done.offers_changed
                )
            if done.vehicles_changed:
                text += (
                    " "
                    + ngettext(
                        "Retiré de %d véhicule.", "Retiré de %d véhicules.", done.vehicles_changed
                    )
                    % done.vehicles_changed
                )
            messages.success(request, text)
        return redirect("opportunities:products")
    impact = products.product_deletion_impact(product=product)
    return render(
        request, "opportunities/products/delete.html", {"product": product, "impact": impact}
    )


# --- Vehicle page section ----------------------------------------------------------------


def _vehicle_action(request: HttpRequest, number: int, attach: bool) -> HttpResponse:
    vehicle = vehicle_get_for_user(user=request.user, number=number)
    if not products.user_can_attach_products(request.user):
        raise PermissionDenied
    product_id = parse_id(request.POST.get("product"))
    product = Product.objects.filter(pk=product_id).first() if product_id else None
    if product is None:
        messages.error(request, _("Choisissez un produit de la liste."))
        return redirect("vehicles:detail", number=vehicle.pk)
    service = products.vehicle_product_attach if attach else products.vehicle_product_detach
    try:
        service(vehicle=vehicle, product=product, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            (_("« %s » ajouté au véhicule.") if attach else _("« %s » retiré du véhicule."))
            % product.name,
        )
    return redirect("vehicles:detail", number=vehicle.pk)


@login_required
@require_POST
def vehicle_product_attach(request: HttpRequest, number: int) -> HttpResponse:
    return _vehicle_action(request, number, attach=True)


@login_required
@require_POST
def vehicle_product_detach(request: HttpRequest, number: int) -> HttpResponse:
    return _vehicle_action(request, number, attach=False)
