"""The customer's signing page (S-1, S-5, X-3) and the staff download of documents.

The public pages need no login and show nothing of the staff (a logged-in salesperson's
tablet handed to the customer shows the customer's page only: its own layout, no menu).
The link is ``signatures:sign`` with a signed token ``<request id>.<nonce>``; a token
whose nonce is not the request's current one (a resend or a tablet link replaced it)
reads as invalid, like a tampered one: nothing of any request is shown.
"""

from csp.constants import SELF
from csp.decorators import csp_replace
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from openflex.accounts import rules
from openflex.accounts.permissions import admin_required, rule_required
from openflex.core.clients import client_ip
from openflex.core.tokens import link_nonce_matches, link_token_read
from signatures.requests import selectors, services
from signatures.requests.forms import CodeForm, RefuseForm, SignatureSettingsForm
from signatures.requests.models import SignatureRequest, SignatureSettings


def _client(request: HttpRequest) -> services.Client:
    return services.Client(
        ip=client_ip(request), user_agent=request.META.get("HTTP_USER_AGENT", "")[:400]
    )


def _read(token: str) -> tuple[str, SignatureRequest | None]:
    """(state, request): state is open / signed / refused / expired / deleted / invalid."""
    link = link_token_read(
        purpose=services.LINK_PURPOSE, token=token, max_age=services.LINK_MAX_AGE
    )
    if link.state == "invalid":
        return "invalid", None
    sig = selectors.signature_request_for_page(pk=link.pk)
    if sig is None or not link_nonce_matches(sig.link_nonce, link.nonce):
        return "invalid", None
    S = SignatureRequest.Status
    if sig.status == S.SIGNED:
        return "signed", sig
    if sig.status == S.REFUSED:
        return "refused", sig
    if sig.status == S.DELETED:
        return "deleted", sig
    if sig.status == S.EXPIRED or link.state == "expired" or sig.is_past_expiry():
        return "expired", sig
    return "open", sig


def _page(request, token, state, sig, *, code_form=None, refuse_form=None, status=200):
    context = {
        "token": token,
        "state": state,
        "sig": sig,
        "documents": list(sig.documents.all()) if sig is not None else [],
        "dealer": services._dealer(sig) if sig is not None else None,
        "code_form": code_form or CodeForm(),
        "refuse_form": refuse_form or RefuseForm(),
        "code_sent": request.session.get(f"sig-code-{sig.pk}") if sig else None,
        "mobile": services.signature_mobile_masked(sig) if sig is not None else "",
    }
    return render(request, "signatures/sign.html", context, status=status)


@never_cache
@require_GET
def sign(request: HttpRequest, token: str) -> HttpResponse:
    state, sig = _read(token)
    if state == "open":
        services.signature_request_opened(request=sig, client=_client(request))
    return _page(request, token, state, sig, status=404 if state == "invalid" else 200)


@never_cache
@require_POST
def sign_code(request: HttpRequest, token: str) -> HttpResponse:
    """ "Signer": send the code by SMS."""
    state, sig = _read(token)
    if state != "open":
        return redirect("signatures:sign", token=token)
    outcome = services.signature_code_send(request=sig, client=_client(request))
    if outcome.ok:
        request.session[f"sig-code-{sig.pk}"] = timezone.now().isoformat()
        messages.success(
            request,
            _("Un code à 6 chiffres vient d'être envoyé par SMS au %s.") % outcome.data["mobile"],
        )
    else:
        messages.error(request, outcome.error)
    return redirect("signatures:sign", token=token)


@never_cache
@require_POST
def sign_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The code entered: every document signed, or the error next to the field."""
    state, sig = _read(token)
    if state != "open":
        return redirect("signatures:sign", token=token)
    form = CodeForm(request.POST)
    if form.is_valid():
        outcome = services.signature_request_sign(
            request=sig, code=form.cleaned_data["code"], client=_client(request)
        )
        if outcome.ok:
            request.session.pop(f"sig-code-{sig.pk}", None)
            messages.success(request, _("Merci : vos documents sont signés."))
            return redirect("signatures:sign", token=token)
        form.add_error("code", outcome.error)
    sig = selectors.signature_request_for_page(pk=sig.pk)  # fresh, documents without bytes
    state = "open" if sig.is_open and not sig.is_past_expiry() else _read(token)[0]
    return _page(request, token, state, sig, code_form=form, status=400)


@never_cache
@require_POST
def sign_refuse(request: HttpRequest, token: str) -> HttpResponse:
    state, sig = _read(token)
    if state != "open":
        return redirect("signatures:sign", token=token)
    form = RefuseForm(request.POST)
    if not form.is_valid():
        return _page(request, token, state, sig, refuse_form=form, status=400)
    outcome = services.signature_request_refuse(
        request=sig, reason=form.cleaned_data["reason"], client=_client(request)
    )
    if not outcome.ok:
        messages.error(request, outcome.error)
    return redirect("signatures:sign", token=token)


def _pdf_response(document, *, signed: bool, download: bool) -> HttpResponse:
    data = bytes(document.signed_pdf if signed else document.original_pdf)
    response = HttpResponse(data, content_type="application/pdf")
    disposition = "attachment" if download else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{document.filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@never_cache
@require_GET
@xframe_options_sameorigin
@csp_replace({"frame-ancestors": [SELF]})
def sign_document(request: HttpRequest, token: str, pk: int) -> HttpResponse:
    """One document of the link's request (inline in the page's frame, or downloaded):
    the signed one once signed. Never a document of another request."""
    state, sig = _read(token)
    if state in ("invalid", "deleted"):
        raise Http404
    document = sig.documents.model.objects.filter(request_id=sig.pk, pk=pk).first()
    if document is None:
        raise Http404
    return _pdf_response(
        document, signed=document.is_signed, download=request.GET.get("telecharger") == "1"
    )


# --- Staff -----------------------------------------------------------------------------


@require_GET
@rule_required(rules.works_on_sales)
def document_download(request: HttpRequest, pk: int) -> HttpResponse:
    """The salesperson downloads each document separately: the sealed one once signed."""
    document = selectors.signature_document_get_for_user(user=request.user, pk=pk)
    return _pdf_response(document, signed=document.is_signed, download=True)


@admin_required
@require_http_methods(["GET", "POST"])
def settings_edit(request: HttpRequest) -> HttpResponse:
    """Paramètres › Opportunités › Parcours de vente digitalisé — e-signature (S-3)."""
    current = SignatureSettings.current()
    form = SignatureSettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        services.signature_settings_update(by=request.user, **form.cleaned_data)
        messages.success(request, _("Paramètres de la e-signature enregistrés."))
        return redirect("signatures:settings")
    status = 400 if form.errors else 200
    return render(request, "signatures/settings.html", {"form": form}, status=status)


@require_GET
@rule_required(rules.works_on_sales)
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The request's audit trail (X-5, S-6): documents, every event with its time, IP
    address and user agent, and whether the hash chain is intact."""
    sig = selectors.signature_request_detail_for_user(user=request.user, pk=pk)
    opportunity = sig.order.opportunity if sig.order_id else None
    order_visible = opportunity is not None and rules.may_open_opportunity(
        request.user,
        salesperson_id=opportunity.salesperson_id,
        point_of_sale_id=opportunity.point_of_sale_id,
    )
    return render(
        request,
        "signatures/request_detail.html",
        {
            "sig": sig,
            "documents": list(sig.documents.all()),
            "events": list(sig.events.all()),
            "problems": selectors.signature_audit_problems_of_loaded(sig),
            "order_visible": order_visible,
        },
    )
