"""Staff page "Vérifier un document" and the sealing certificates in Paramètres (S-6)."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from openflex.accounts import rules
from openflex.accounts.models import Entity
from openflex.accounts.permissions import admin_required, rule_required
from signatures.requests import selectors as request_selectors
from signatures.sealing import services
from signatures.sealing.forms import CertificateForm, VerifyForm
from signatures.sealing.models import SigningCertificate


@rule_required(rules.works_on_sales)
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    form = VerifyForm(request.POST or None, request.FILES or None)
    result = document = None
    if request.method == "POST" and form.is_valid():
        result = services.pdf_verify(form.cleaned_data["document"])
        # Only what the user may see is named; the verdict on the seal is shown to all.
        document = request_selectors.signature_document_for_verification(
            user=request.user,
            sha256=result.sha256,
            request_id=result.request_id,
            document_id=result.document_id,
        )
    status = 400 if form.errors else 200
    return render(
        request,
        "signatures/verify.html",
        {"form": form, "result": result, "document": document},
        status=status,
    )


@admin_required
@require_http_methods(["GET", "POST"])
def certificates(request: HttpRequest) -> HttpResponse:
    form = CertificateForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.signing_certificate_install(
                entity=form.cleaned_data["entity"],
                pkcs12_data=form.cleaned_data["pkcs12"],
                password=form.cleaned_data["password"],
                by=request.user,
            )
        except services.CertificateError as exc:
            form.add_error("pkcs12", str(exc))
        else:
            messages.success(request, _("Certificat installé."))
            return redirect("signatures:certificates")
    installed = {c.entity_id: c for c in SigningCertificate.objects.all()}
    entities = [(e, installed.get(e.pk)) for e in Entity.objects.order_by("name")]
    status = 400 if form.errors else 200
    return render(
        request,
        "signatures/certificates.html",
        {"form": form, "entities": entities},
        status=status,
    )


@admin_required
@require_POST
def certificate_generate(request: HttpRequest, pk: int) -> HttpResponse:
    entity = Entity.objects.filter(pk=pk).first()
    if entity is None:
        messages.error(request, _("Entité introuvable."))
    else:
        services.signing_certificate_generate(entity=entity, by=request.user)
        messages.success(request, _("Certificat auto-signé généré pour %s.") % entity.name)
    return redirect("signatures:certificates")
