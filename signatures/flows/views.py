"""Staff pages of the e-signature's business effects: the S-8 resend list, the order
panel's actions (correct and resend, the delivery report at delivery, the tablet), the
trade-in offer's "Envoyer pour e-signature"."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from openflex.accounts import rules
from openflex.accounts.permissions import rule_required
from openflex.core import lists
from openflex.core.redirects import safe_next
from opportunities.sales import rights as sales_rights
from opportunities.sales.models import Order
from opportunities.sales.selectors import offer_get_for_user, order_get_for_user
from signatures.flows import selectors, services
from signatures.flows.filters import ResendFilter
from signatures.flows.forms import ContactForm, ResendForm
from signatures.requests import services as requests


def _messages(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


# --- S-8: the resend list ------------------------------------------------------------------


def _row_form(order, user, bound=None):
    contact = services.signer_contact(order.opportunity.customer)
    order.signature_request = (order.open_signature_requests or [None])[0]
    order.pending_payment = (order.pending_payments or [None])[0]
    order.contact = contact
    order.may_act = sales_rights.order_may_act(order, user)
    order.is_pending_signature = order.status == Order.Status.PENDING_SIGNATURE
    order.form = bound or ResendForm(
        initial={"email": contact.email, "mobile": contact.mobile},
        prefix_id=f"order-{order.pk}",
    )
    return order


TITLES = {
    selectors.VIEW_ESIGN: gettext_lazy("Commandes en attente de e-signature"),
    selectors.VIEW_EPAY: gettext_lazy("Commandes en attente de e-paiement"),
    "": gettext_lazy("Liens de e-signature et de e-paiement à renvoyer"),
}


def _resend_list(request: HttpRequest, *, errors=None, status=200) -> HttpResponse:
    user = request.user
    params = request.GET
    if errors is not None:
        params = request.POST.copy()
        params.setdefault("vue", request.GET.get("vue", ""))
    filterset = ResendFilter(params, queryset=selectors.orders_to_resend(user=user), user=user)
    errors = errors or {}

    def rows(page):
        return [_row_form(order, user, errors.get(order.pk)) for order in page]

    return lists.render_list(
        request,
        "signatures/resend_list.html",
        filterset,
        rows=rows,
        context={"page_title": TITLES.get(filterset.form.data.get("vue", ""), TITLES[""])},
        status=status,
    )


@rule_required(rules.works_on_sales)
@require_GET
def resend_list(request: HttpRequest) -> HttpResponse:
    """ "Commandes en attente de e-signature / de e-paiement" (S-8): check and correct the
    signer's email and mobile, then resend one link or both."""
    return _resend_list(request)


@rule_required(rules.works_on_sales)
@require_POST
def order_links_resend(request: HttpRequest, pk: int) -> HttpResponse:
    order = order_get_for_user(user=request.user, pk=pk)
    back = safe_next(request, request.POST.get("next", ""), reverse("signatures:resend_list"))
    form = ResendForm(request.POST, prefix_id=f"order-{order.pk}")
    if form.is_valid():
        what = form.cleaned_data["what"]
        try:
            done = services.order_links_resend(
                order=order,
                by=request.user,
                email=form.cleaned_data["email"],
                mobile=form.cleaned_data["mobile"],
                esign=what in ("esign", "both"),
                epay=what in ("epay", "both"),
            )
        except PermissionDenied as exc:
            messages.error(request, str(exc) or _("Vous n'avez pas le droit de faire cela."))
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for name, errors in exc.error_dict.items():
                    form.add_error(name if name in form.fields else None, errors)
            else:
                form.add_error(None, exc)
        else:
            sent = [
                label
                for key, label in (("esign", _("e-signature")), ("epay", _("e-paiement")))
                if done[key] is not None
            ]
            messages.success(
                request,
                _("Commande n° %(pk)s : nouveau lien de %(what)s envoyé à %(email)s.")
                % {
                    "pk": order.pk,
                    "what": _(" et de ").join(sent),
                    "email": form.cleaned_data["email"],
                },
            )
            return redirect(back)
    # Errors next to the fields of this row, the typed values kept, nothing changed (and
    # said above the list too: the row may have left the current view).
    for error in form.non_field_errors():
        messages.error(request, error)
    return _resend_list(request, errors={order.pk: form}, status=400)


# --- The order panel's actions ---------------------------------------------------------------


def _order_back(request: HttpRequest, order_pk: int) -> str:
    return safe_next(
        request,
        request.POST.get("next", ""),
        reverse("opportunities:order_detail", args=[order_pk]),
    )


@rule_required(rules.works_on_sales)
@require_POST
def request_resend(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Corriger et renvoyer" (S-5): only the email and mobile; a new link."""
    signature_request = selectors.signature_request_get_for_user(user=request.user, pk=pk)
    back = (
        _order_back(request, signature_request.order_id)
        if signature_request.order_id
        else reverse("opportunities:offer_detail", args=[signature_request.offer_id])
    )
    form = ContactForm(request.POST, prefix_id=f"request-{signature_request.pk}")
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for error in errors:
                messages.error(request, f"{label} : {error}" if label else error)
        return redirect(back)
    try:
        services.request_contact_resend(
            request=signature_request,
            by=request.user,
            email=form.cleaned_data["email"],
            mobile=form.cleaned_data["mobile"],
        )
    except PermissionDenied as exc:
        messages.error(request, str(exc) or _("Vous n'avez pas le droit de faire cela."))
    except ValidationError as exc:
        _messages(request, exc)
    else:
        messages.success(
            request,
            _("Nouveau lien de signature envoyé à %s : le précédent ne fonctionne plus.")
            % form.cleaned_data["email"],
        )
    return redirect(back)


@rule_required(rules.works_on_sales)
@require_POST
def delivery_request(request: HttpRequest, pk: int) -> HttpResponse:
    """The delivery report to sign: "Faire signer sur la tablette" (the customer page
    opens here, without staff data) or "Envoyer le PV par email"."""
    order = order_get_for_user(user=request.user, pk=pk)
    remote = request.POST.get("mode") == "email"
    try:
        signature_request = services.delivery_report_request(
            order=order, by=request.user, remote=remote
        )
    except PermissionDenied as exc:
        messages.error(request, str(exc) or _("Vous n'avez pas le droit de faire cela."))
    except ValidationError as exc:
        _messages(request, exc)
    else:
        if remote:
            messages.success(
                request, _("PV de livraison envoyé pour signature à %s.") % signature_request.email
            )
        else:
            return redirect(
                requests.signature_request_new_link(request=signature_request, by=request.user)
            )
    return redirect(_order_back(request, order.pk))


@rule_required(rules.works_on_sales)
@require_POST
def tablet_open(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Faire signer sur la tablette": a fresh link opened on this device (the previous
    link stops working); the customer page shows no staff data."""
    signature_request = selectors.signature_request_get_for_user(user=request.user, pk=pk)
    try:
        path = requests.signature_request_new_link(request=signature_request, by=request.user)
    except PermissionDenied as exc:
        messages.error(request, str(exc) or _("Vous n'avez pas le droit de faire cela."))
    except ValidationError as exc:
        _messages(request, exc)
    else:
        return redirect(path)
    if signature_request.order_id:
        return redirect(_order_back(request, signature_request.order_id))
    return redirect("opportunities:offer_detail", pk=signature_request.offer_id)


# --- Trade-in offers (S-4) ---------------------------------------------------------------------


@rule_required(rules.can_sell)
@require_POST
def offer_send(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Envoyer pour e-signature" on a validated dry trade-in offer."""
    offer = offer_get_for_user(user=request.user, pk=pk)
    try:
        signature_request = services.tradein_offer_send(offer=offer, by=request.user)
    except PermissionDenied as exc:
        messages.error(request, str(exc) or _("Vous n'avez pas le droit de faire cela."))
    except ValidationError as exc:
        _messages(request, exc)
    else:
        messages.success(
            request,
            _("Offre de reprise envoyée pour e-signature à %s : l'offre attend la signature.")
            % signature_request.email,
        )
    return redirect("opportunities:offer_detail", pk=offer.pk)
