from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_fsm import TransitionNotAllowed

from openflex.accounts import services as account_services
from openflex.accounts.models import Entity, PointOfSale
from openflex.accounts.permissions import admin_required
from openflex.core import lists
from openflex.notifications import selectors as notification_selectors
from openflex.notifications import services as notification_services
from openflex.notifications.filters import OutboundEmailFilter
from openflex.notifications.models import OutboundEmail

from .forms import PhysicalSiteForm, PointOfSaleForm
from .sections import sections_for_user


@admin_required
def index(request: HttpRequest) -> HttpResponse:
    return render(
        request, "configuration/index.html", {"sections": sections_for_user(request.user)}
    )


@admin_required
def organisation(request: HttpRequest) -> HttpResponse:
    entities = Entity.objects.select_related("group").prefetch_related(
        Prefetch(
            "points_of_sale",
            queryset=PointOfSale.objects.select_related("transfer_manager").prefetch_related(
                "physical_sites"
            ),
        )
    )
    return render(request, "configuration/organisation.html", {"entities": entities})


@admin_required
@require_http_methods(["GET", "POST"])
def point_of_sale_edit(request: HttpRequest, pk: int) -> HttpResponse:
    pos = get_object_or_404(PointOfSale.objects.select_related("entity"), pk=pk)
    form = PointOfSaleForm(request.POST or None, instance=pos)
    site_form = PhysicalSiteForm(
        request.POST or None if request.POST.get("action") == "site" else None
    )
    if request.method == "POST":
        if request.POST.get("action") == "site":
            if site_form.is_valid():
                try:
                    account_services.physical_site_create(
                        point_of_sale=pos, **site_form.cleaned_data
                    )
                except (ValidationError, IntegrityError):
                    site_form.add_error("name", _("Ce point de vente a déjà un site de ce nom."))
                else:
                    messages.success(request, _("Site ajouté."))
                    return redirect("configuration:point_of_sale_edit", pk=pos.pk)
            form = PointOfSaleForm(instance=pos)
        elif form.is_valid():
            account_services.point_of_sale_update(point_of_sale=pos, **form.cleaned_data)
            messages.success(request, _("Point de vente enregistré."))
            return redirect("configuration:organisation")
    status = 400 if (form.errors or site_form.errors) else 200
    context = {"form": form, "site_form": site_form, "pos": pos, "sites": pos.physical_sites.all()}
    return render(request, "configuration/point_of_sale_form.html", context, status=status)


@admin_required
@require_GET
def email_list(request: HttpRequest) -> HttpResponse:
    filterset = OutboundEmailFilter(
        request.GET, queryset=notification_selectors.outbound_email_list()
    )
    return lists.render_list(request, "configuration/email_list.html", filterset)


# The email preview is an <iframe sandbox srcdoc>, which inherits the page's policy: the
# emails' style attributes (what mail clients need) are allowed on this page only; its
# sandbox runs no script.
@admin_required
@csp_update({"style-src-attr": [UNSAFE_INLINE]})
def email_detail(request: HttpRequest, pk: int) -> HttpResponse:
    email = get_object_or_404(OutboundEmail, pk=pk)
    # A set-password link or a security code would let the reader into someone's
    # account: shown only in development (make run), where the demo needs them.
    show_body = settings.DEBUG or not email.confidential
    return render(
        request, "configuration/email_detail.html", {"email": email, "show_body": show_body}
    )


@admin_required
@require_POST
def email_retry(request: HttpRequest, pk: int) -> HttpResponse:
    email = get_object_or_404(OutboundEmail, pk=pk)
    try:
        notification_services.email_retry(email_id=email.pk)
    except TransitionNotAllowed:
        messages.error(
            request, _("Cet email ne peut pas être renvoyé (%s).") % email.get_status_display()
        )
    else:
        messages.success(request, _("Email remis en file d'envoi."))
    return redirect("configuration:email_detail", pk=email.pk)
