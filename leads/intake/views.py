"""Paramètres > Leads entrants > Sources (administrators): sources and their API keys.
A new key is shown once, on the page that created it; only its hash is kept."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from leads.inbox.forms import ApiKeyForm, LeadSourceForm
from leads.intake import selectors, services
from leads.intake.models import ApiKey, LeadSource
from openflex.accounts.permissions import admin_required


def _add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


@admin_required
@require_http_methods(["GET", "POST"])
def source_list(request: HttpRequest) -> HttpResponse:
    form = LeadSourceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            source = services.lead_source_save(by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Source « %s » créée.") % source.name)
            return redirect("leads:source_detail", pk=source.pk)
    return render(
        request,
        "leads/source_list.html",
        {"sources": selectors.lead_sources_list(), "form": form},
        status=400 if request.method == "POST" else 200,
    )


@admin_required
@require_http_methods(["GET", "POST"])
def source_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The source (editable) and its keys; "Créer une clé" shows the new key once."""
    source = get_object_or_404(LeadSource, pk=pk)
    form = LeadSourceForm(instance=source)
    key_form = ApiKeyForm()
    new_key = ""
    status = 200
    if request.method == "POST":
        if request.POST.get("do") == "key":
            key_form = ApiKeyForm(request.POST)
            if key_form.is_valid():
                _key, new_key = services.api_key_create(
                    source=source, by=request.user, label=key_form.cleaned_data["label"]
                )
                key_form = ApiKeyForm()
            else:
                status = 400
        else:
            form = LeadSourceForm(request.POST, instance=source)
            if form.is_valid():
                try:
                    services.lead_source_save(by=request.user, source=source, **form.cleaned_data)
                except ValidationError as exc:
                    _add_errors(form, exc)
                    status = 400
                else:
                    messages.success(request, _("Source enregistrée."))
                    return redirect("leads:source_detail", pk=source.pk)
            else:
                status = 400
    response = render(
        request,
        "leads/source_detail.html",
        {
            "source": source,
            "form": form,
            "key_form": key_form,
            "keys": selectors.lead_source_keys(source=source),
            "new_key": new_key,
        },
        status=status,
    )
    if new_key:
        response["Cache-Control"] = "no-store"
    return response


@admin_required
@require_POST
def key_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    key = get_object_or_404(ApiKey, pk=pk)
    services.api_key_revoke(key=key, by=request.user)
    messages.success(request, _("Clé %s révoquée : elle ne donne plus accès à l'API.") % key)
    return redirect("leads:source_detail", pk=key.source_id)
