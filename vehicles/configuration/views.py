"""Paramètres › Véhicules: the lifeline's statuses and maximum stays (V-2, V-9)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from openflex.accounts.permissions import admin_required
from openflex.core.inputs import parse_id

from .. import services
from ..models import (
    STANDARD_POSITIONS,
    Destination,
    LifelineStatus,
    Parc,
    StandardStatus,
    StatusMaxStay,
)
from .forms import LifelineStatusForm

MAX_DAYS = 3650


def _grid():
    statuses = list(
        LifelineStatus.objects.filter(
            is_active=True, position__lt=STANDARD_POSITIONS[StandardStatus.DELIVERY]
        ).order_by("position")
    )
    stays = {(s.status_id, s.parc, s.destination): s.max_days for s in StatusMaxStay.objects.all()}
    combos = [(p, d) for p in Parc.values for d in Destination.values]
    return statuses, stays, combos


def _context(add_form=None, grid_errors=None, grid_values=None):
    statuses, stays, combos = _grid()
    rows = []
    for status in statuses:
        cells = []
        for parc, dest in combos:
            name = f"stay-{status.pk}-{parc}-{dest}"
            value = (grid_values or {}).get(name, stays.get((status.pk, parc, dest), ""))
            cells.append({"name": name, "value": value, "error": (grid_errors or {}).get(name)})
        rows.append({"status": status, "cells": cells})
    return {
        "statuses": LifelineStatus.objects.order_by("position"),
        "add_form": add_form or LifelineStatusForm(),
        "combos": [(Parc(p).value, Destination(d).label) for p, d in combos],
        "rows": rows,
    }


@admin_required
@require_http_methods(["GET", "POST"])
def lifeline_settings(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        action = request.POST.get("action")
        if action in ("up", "down"):
            status_id = parse_id(request.POST.get("status"))
            if status_id is None:
                raise Http404
            status = get_object_or_404(LifelineStatus, pk=status_id)
            try:
                services.lifeline_status_move(status=status, up=action == "up")
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            return redirect("vehicles:settings")
        form = LifelineStatusForm(request.POST)
        if form.is_valid():
            try:
                status = services.lifeline_status_create(**form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Statut « %s » ajouté.") % status.label)
                return redirect("vehicles:settings")
        return render(request, "vehicles/settings.html", _context(add_form=form), status=400)
    return render(request, "vehicles/settings.html", _context())


@admin_required
@require_POST
def lifeline_status_edit(request: HttpRequest, pk: int) -> HttpResponse:
    status = get_object_or_404(LifelineStatus, pk=pk)
    label = request.POST.get("label", "").strip() or status.label
    try:
        services.lifeline_status_update(
            status=status, label=label[:80], is_active=request.POST.get("is_active") == "1"
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Statut enregistré."))
    return redirect("vehicles:settings")


@admin_required
@require_POST
def max_stays_edit(request: HttpRequest) -> HttpResponse:
    statuses, _stays, combos = _grid()
    values, errors, raw = {}, {}, {}
    for status in statuses:
        for parc, dest in combos:
            name = f"stay-{status.pk}-{parc}-{dest}"
            text = request.POST.get(name, "").strip()
            raw[name] = text
            if not text:
                values[(status.pk, parc, dest)] = None
                continue
            days = parse_id(text) if len(text) <= 5 else None
            if days is None or not 1 <= days <= MAX_DAYS:
                errors[name] = _("Nombre de jours entre 1 et %s.") % MAX_DAYS
                continue
            values[(status.pk, parc, dest)] = days
    if errors:
        messages.error(request, _("Certaines durées sont invalides : rien n'a été enregistré."))
        return render(
            request,
            "vehicles/settings.html",
            _context(grid_errors=errors, grid_values=raw),
            status=400,
        )
    services.max_stays_save(values=values)
    messages.success(request, _("Durées maximales enregistrées."))
    return redirect("vehicles:settings")
