"""Pages of the calls (L-3): the "Appels manqués" and "Appels connectés" tables, the
tracking numbers with their statistics over a period, a number's call history; the
administrators' screen of the tracking numbers (Paramètres > Leads entrants)."""

import functools

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from leads.calls import selectors, services
from leads.calls.filters import CallFilter
from leads.calls.forms import TrackingNumberForm
from leads.calls.models import TrackingNumber
from leads.inbox.phones import phone_display
from leads.stats.forms import PeriodForm
from openflex.accounts import rules
from openflex.accounts.permissions import admin_required, rule_required
from openflex.core import lists


def task_url_name() -> str:
    """The task page's URL name once the inbox has one (links from the call rows)."""
    try:
        reverse("leads:task_detail", args=[1])
    except NoReverseMatch:
        return ""
    return "leads:task_detail"


def _displayed(calls):
    for call in calls:
        call.caller_display = phone_display(call.caller)
    return calls


NO_SUMMARY = gettext_lazy("Le résumé n'est pas disponible dû à une mauvaise qualité de l'appel.")


def _call_list(request: HttpRequest, *, answered: bool) -> HttpResponse:
    user = request.user
    filterset = CallFilter(
        request.GET, queryset=selectors.call_list(user=user, answered=answered), user=user
    )
    return lists.render_list(
        request,
        "leads/call_list.html",
        filterset,
        paginator=functools.partial(
            lists.CountingPaginator,
            count_queryset=filterset.qs.select_related(None),
        ),
        rows=_displayed,
        context={
            "answered": answered,
            "task_url_name": task_url_name(),
            "title": _("Appels connectés") if answered else _("Appels manqués"),
            "no_summary": NO_SUMMARY,
        },
    )


@rule_required(rules.works_on_leads)
@require_GET
def calls_missed(request: HttpRequest) -> HttpResponse:
    return _call_list(request, answered=False)


@rule_required(rules.works_on_leads)
@require_GET
def calls_connected(request: HttpRequest) -> HttpResponse:
    return _call_list(request, answered=True)


def _with_shares(numbers):
    rows = list(numbers)
    for n in rows:
        n.missed_count = n.incoming - n.answered_count
        n.answered_pct, n.missed_pct = selectors.call_shares(n.incoming, n.answered_count)
    return rows


@rule_required(rules.works_on_leads)
@require_GET
def tracking_numbers(request: HttpRequest) -> HttpResponse:
    """The numbers of the user's points of sale with incoming, answered %, missed % over
    the period (one query)."""
    form = PeriodForm(request.GET, user=request.user)
    period = form.period
    numbers = selectors.tracking_numbers_with_statistics(
        numbers=selectors.tracking_number_queryset_for_user(request.user).filter(
            point_of_sale_id__in=form.point_of_sale_ids
        ),
        period=period,
    )
    rows = _with_shares(numbers)
    total_in = sum(n.incoming for n in rows)
    total_answered = sum(n.answered_count for n in rows)
    answered_pct, missed_pct = selectors.call_shares(total_in, total_answered)
    return render(
        request,
        "leads/tracking_numbers.html",
        {
            "form": form,
            "period": period,
            "numbers": rows,
            "total": {
                "incoming": total_in,
                "answered": total_answered,
                "missed": total_in - total_answered,
                "answered_pct": answered_pct,
                "missed_pct": missed_pct,
            },
        },
    )


@rule_required(rules.works_on_leads)
@require_GET
def tracking_number_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A number's statistics and call history over the period (paginated)."""
    tracking = selectors.tracking_number_get_for_user(user=request.user, pk=pk)
    form = PeriodForm(request.GET, user=request.user)
    form.fields.pop("point_of_sale")
    period = form.period
    stats = _with_shares(
        selectors.tracking_numbers_with_statistics(
            numbers=TrackingNumber.objects.filter(pk=tracking.pk), period=period
        )
    )[0]
    page = lists.paginate(selectors.number_calls(tracking=tracking, period=period), request.GET)
    page.object_list = _displayed(list(page.object_list))
    return lists.render_page_or_partial(
        request,
        "leads/tracking_number_detail.html",
        {
            "tracking": tracking,
            "form": form,
            "period": period,
            "stats": stats,
            "page": page,
            "no_summary": NO_SUMMARY,
            "task_url_name": task_url_name(),
        },
    )


# --- Paramètres > Leads entrants > Numéros traceurs (administrators) ---------------------


def _settings_of(form) -> dict:
    data = dict(form.cleaned_data)
    data.pop("point_of_sale", None)
    data.pop("number", None)
    return data


@admin_required
@require_http_methods(["GET", "POST"])
def tracking_number_settings(request: HttpRequest) -> HttpResponse:
    """The numbers of every point of sale, and the form of a new one."""
    form = TrackingNumberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        settings = _settings_of(form)
        tags = settings.pop("tags")
        try:
            tracking = services.tracking_number_create(
                by=request.user,
                point_of_sale=form.cleaned_data["point_of_sale"],
                number=form.cleaned_data["number"],
                tags=tags,
                **settings,
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Numéro traceur %(n)s créé.") % {"n": tracking.label})
            return redirect("leads:tracking_number_settings")
    return render(
        request,
        "leads/tracking_number_settings.html",
        {"form": form, "numbers": selectors.tracking_numbers_admin()},
        status=400 if request.method == "POST" else 200,
    )


@admin_required
@require_http_methods(["GET", "POST"])
def tracking_number_edit(request: HttpRequest, pk: int) -> HttpResponse:
    tracking = selectors.tracking_number_get_for_user(user=request.user, pk=pk)
    form = TrackingNumberForm(request.POST or None, instance=tracking)
    if request.method == "POST" and form.is_valid():
        settings = _settings_of(form)
        tags = settings.pop("tags")
        try:
            services.tracking_number_update(
                by=request.user, tracking=tracking, tags=tags, **settings
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Paramètres du numéro enregistrés."))
            return redirect("leads:tracking_number_settings")
    return render(
        request,
        "leads/tracking_number_form.html",
        {"form": form, "tracking": tracking},
        status=400 if request.method == "POST" else 200,
    )


def _add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)
