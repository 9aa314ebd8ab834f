"""The lead statistics page (L-4, L-5, L-6): three tables over a period and a scope —
by source (categories unfolding into sources) with the leads-per-day chart, by
collaborator (first column frozen, team total), transformation with the conversion
funnel — and the XLSX export of each table."""

import io

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from leads.stats import charts, exports, selectors
from leads.stats.forms import Period, PeriodForm
from openflex.accounts import rules
from openflex.accounts.permissions import rule_required

VIEWS = {
    "sources": gettext_lazy("Par source"),
    "collaborateurs": gettext_lazy("Par collaborateur"),
    "transformation": gettext_lazy("Transformation"),
}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _period_label(period: Period, form: PeriodForm) -> str:
    scope = form.cleaned_data.get("point_of_sale") if form.is_valid() else None
    where = scope.name if scope else _("tous les points de vente")
    return _("Du %(first)s au %(last)s — %(where)s") % {
        "first": f"{period.first:%d/%m/%Y}",
        "last": f"{period.last:%d/%m/%Y}",
        "where": where,
    }


def _context(view: str, period: Period, pos_ids) -> dict:
    if view == "sources":
        categories, total = selectors.source_statistics(period=period, point_of_sale_ids=pos_ids)
        days, series = selectors.leads_per_day(period=period, point_of_sale_ids=pos_ids)
        return {
            "categories": categories,
            "total": total,
            "per_day": charts.stacked_bars_by_day(days, series),
        }
    if view == "collaborateurs":
        rows, total = selectors.collaborator_statistics(period=period, point_of_sale_ids=pos_ids)
        return {"rows": rows, "total": total}
    rows, total = selectors.transformation_statistics(period=period, point_of_sale_ids=pos_ids)
    totals = selectors.funnel_totals(period=period, point_of_sale_ids=pos_ids)
    return {
        "rows": rows,
        "total": total,
        "funnel": charts.funnel(selectors.funnel_steps(totals)),
    }


@rule_required(rules.sees_lead_statistics)
@require_GET
def statistics(request: HttpRequest) -> HttpResponse:
    view = request.GET.get("vue") or "sources"
    if view not in VIEWS:
        view = "sources"
    form = PeriodForm(request.GET, user=request.user)
    period = form.period
    context = {
        "form": form,
        "view": view,
        "views": VIEWS,
        "period": period,
        "period_label": _period_label(period, form),
    }
    with selectors.analytics():
        context.update(_context(view, period, form.point_of_sale_ids))
    return render(request, "leads/statistics.html", context)


@rule_required(rules.sees_lead_statistics)
@require_GET
def statistics_export(request: HttpRequest, view: str) -> HttpResponse:
    if view not in VIEWS:
        raise Http404
    form = PeriodForm(request.GET, user=request.user)
    period = form.period
    pos_ids = form.point_of_sale_ids
    label = _period_label(period, form)
    buffer = io.BytesIO()
    with selectors.analytics():
        _export(view, period, pos_ids, label, buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    filename = f"statistiques-leads-{view}-{period.first:%Y%m%d}-{period.last:%Y%m%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _export(view: str, period: Period, pos_ids, label: str, buffer) -> None:
    if view == "sources":
        categories, total = selectors.source_statistics(period=period, point_of_sale_ids=pos_ids)
        exports.write_sources_xlsx(categories, total, label, buffer)
    elif view == "collaborateurs":
        rows, total = selectors.collaborator_statistics(period=period, point_of_sale_ids=pos_ids)
        exports.write_collaborators_xlsx(rows, total, label, buffer)
    else:
        rows, total = selectors.transformation_statistics(period=period, point_of_sale_ids=pos_ids)
        exports.write_transformation_xlsx(rows, total, label, buffer)
