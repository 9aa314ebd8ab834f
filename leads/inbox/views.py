"""Pages of the leads' inbox: list, manual creation, task page and its actions, conversion;
the point of sale's settings in Paramètres (lifetime, reminders, assignments)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from leads.inbox import conversion, rights, selectors, services
from leads.inbox.filters import LeadTaskFilter
from leads.inbox.forms import (
    AssignForm,
    AssignmentsForm,
    ConvertForm,
    LeadSettingsForm,
    LeadStatusForm,
    LeadTagForm,
    LeadTaskForm,
    StatusForm,
)
from leads.inbox.models import LeadStatus, LeadTag
from leads.inbox.phones import phone_display
from leads.intake.models import LeadSource
from openflex.accounts import rules
from openflex.accounts.models import PointOfSale
from openflex.accounts.permissions import admin_required, rule_required
from openflex.accounts.selectors import points_of_sale_for_user
from openflex.core import lists


def _add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


@rule_required(rules.works_on_leads)
@require_GET
def task_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    filterset = LeadTaskFilter(request.GET, queryset=selectors.lead_task_list(user=user), user=user)
    return lists.render_list(
        request,
        "leads/task_list.html",
        filterset,
        context={"sees_statistics": rules.sees_lead_statistics(user)},
    )


def _create_form(request, data=None):
    user = request.user
    pos = points_of_sale_for_user(user).order_by("name")
    initial = {"source": services.manual_source().pk}
    first = pos.first() if pos.count() == 1 else None
    if first is not None:
        initial["point_of_sale"] = first.pk
    return LeadTaskForm(
        data,
        initial=initial,
        points_of_sale=pos,
        sources=LeadSource.objects.filter(is_active=True).order_by("name"),
        tags=selectors.lead_tags_all(),
    )


@rule_required(rules.works_on_leads)
@require_http_methods(["GET", "POST"])
def task_create(request: HttpRequest) -> HttpResponse:
    """Manual creation (L-1): bad input → messages next to the fields, values kept."""
    if request.method == "GET":
        return render(request, "leads/task_form.html", {"form": _create_form(request)})
    form = _create_form(request, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            task = services.lead_task_create(
                point_of_sale=data["point_of_sale"],
                source=data["source"],
                by=request.user,
                tags=data["tags"],
                vehicle_reference=data["vehicle_reference"],
                message=data["message"],
                assigned_to=request.user if data["take"] else None,
                civility=data["civility"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
                mobile=data["mobile"],
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error("point_of_sale", str(exc))
        else:
            messages.success(request, _("Tâche n° %s créée.") % task.pk)
            url = reverse("leads:task_detail", args=[task.pk])
            return HttpResponseClientRedirect(url) if request.htmx else redirect(url)
    return render(request, "leads/task_form.html", {"form": form}, status=400)


def _state_actions(task, user) -> list[dict]:
    """The buttons of the state: the transitions this user may take (models.py)."""
    return [
        {"name": t.custom["action"], "label": t.custom["label"], "tone": t.custom["tone"]}
        for t in task.get_available_user_state_transitions(user)
        if "label" in t.custom
    ]


def _detail_context(request, task, **forms):
    user = request.user
    may_act = rights.task_may_act(task, user)
    manager = rules.is_sales_manager_at(user, task.point_of_sale_id)
    return {
        "task": task,
        "mobile": phone_display(task.mobile),
        "tags": list(task.tags.order_by("position", "pk")),
        "events": list(selectors.lead_task_events(task=task)[:200]),
        "neglected": task.is_neglected(),
        "may_act": may_act,
        "may_take": may_act
        and task.assigned_to_id != user.pk
        and (task.assigned_to_id is None or manager),
        "may_convert": rights.task_may_convert(task, user),
        "state_actions": _state_actions(task, user),
        "status_form": forms.get("status_form") or StatusForm(initial={"status": task.status_id}),
        "assign_form": (
            forms.get("assign_form")
            or AssignForm(
                initial={"user": task.assigned_to_id},
                users=selectors.lead_users_of([task.point_of_sale_id]),
            )
        )
        if manager
        else None,
    }


@rule_required(rules.works_on_leads)
@require_GET
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    task = selectors.lead_task_get_for_user(user=request.user, pk=pk)
    return render(request, "leads/task_detail.html", _detail_context(request, task))


ACTIONS = ("prendre", "statut", "attribuer", "terminer", "rouvrir")


@rule_required(rules.works_on_leads)
@require_POST
def task_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    user = request.user
    task = selectors.lead_task_get_for_user(user=user, pk=pk)
    back = reverse("leads:task_detail", args=[task.pk])
    if action not in ACTIONS:
        messages.error(request, _("Action inconnue."))
        return redirect(back)
    try:
        if action == "prendre":
            services.lead_task_take(task=task, by=user)
            messages.success(request, _("Vous avez pris la tâche."))
        elif action == "statut":
            form = StatusForm(request.POST)
            if not form.is_valid():
                ctx = _detail_context(request, task, status_form=form)
                return render(request, "leads/task_detail.html", ctx, status=400)
            services.lead_task_status_change(task=task, by=user, status=form.cleaned_data["status"])
            messages.success(request, _("Statut enregistré."))
        elif action == "attribuer":
            if not rules.is_sales_manager_at(user, task.point_of_sale_id):
                raise PermissionDenied
            form = AssignForm(request.POST, users=selectors.lead_users_of([task.point_of_sale_id]))
            if not form.is_valid():
                ctx = _detail_context(request, task, assign_form=form)
                return render(request, "leads/task_detail.html", ctx, status=400)
            services.lead_task_assign(task=task, by=user, user=form.cleaned_data["user"])
            messages.success(request, _("Tâche attribuée."))
        elif action == "terminer":
            services.lead_task_finish(task=task, by=user)
            messages.success(request, _("Tâche terminée."))
        else:
            services.lead_task_reopen(task=task, by=user)
            messages.success(request, _("Tâche rouverte."))
    except PermissionDenied as exc:
        messages.error(request, str(exc) or _("Vous n'avez pas le droit de faire cela."))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect(back)


@rule_required(rules.can_sell)
@require_http_methods(["GET", "POST"])
def task_convert(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Convertir en opportunité" (L-7): matching customers are confirmed on this page."""
    user = request.user
    task = selectors.lead_task_get_for_user(user=user, pk=pk)
    back = reverse("leads:task_detail", args=[task.pk])
    if not rights.task_may_convert(task, user):
        messages.error(request, _("Cette tâche ne peut pas être convertie par vous."))
        return redirect(back)
    matches = conversion.conversion_customer_matches(task=task, user=user)
    form = ConvertForm(request.POST or None, matches=matches)
    status = 200
    if request.method == "POST":
        if matches and not form.is_valid():
            status = 400
        else:
            kwargs = {}
            if matches:
                choice = form.cleaned_data["customer"]
                if choice == "nouveau":
                    kwargs["new_customer"] = True
                else:
                    kwargs["customer_id"] = int(choice)
            try:
                result = conversion.lead_task_convert(task=task, by=user, **kwargs)
            except conversion.ConfirmationNeeded as exc:  # a customer appeared meanwhile
                form = ConvertForm(matches=exc.matches)
                matches, status = exc.matches, 400
            except (ValidationError, PermissionDenied) as exc:
                messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
                status = 400
            else:
                for warning in result.warnings:
                    messages.warning(request, warning)
                messages.success(
                    request,
                    _("Tâche convertie en opportunité n° %s.") % result.opportunity.pk,
                )
                url = reverse("opportunities:detail", args=[result.opportunity.pk])
                return HttpResponseClientRedirect(url) if request.htmx else redirect(url)
    return render(
        request,
        "leads/task_convert.html",
        {"task": task, "form": form, "matches": matches, "mobile": phone_display(task.mobile)},
        status=status,
    )


# --- Paramètres > Leads entrants (administrators) --------------------------------------


@admin_required
@require_GET
def settings_index(request: HttpRequest) -> HttpResponse:
    rows = PointOfSale.objects.select_related("entity", "lead_settings").order_by(
        "entity__name", "name"
    )
    return render(request, "leads/settings_index.html", {"points_of_sale": rows})


@admin_required
@require_http_methods(["GET", "POST"])
def settings_point_of_sale(request: HttpRequest, pk: int) -> HttpResponse:
    """Durée de vie, rappels, and who is assigned to each lead type at this point of sale."""
    pos = get_object_or_404(PointOfSale, pk=pk)
    instance = selectors.lead_settings_of(pos)
    lead_types = LeadTag.objects.filter(group=LeadTag.Group.TYPE).order_by("position", "pk")
    users = selectors.lead_users_of([pos.pk])
    current: dict[int, list[int]] = {}
    for a in selectors.lead_assignments_of(pos):
        current.setdefault(a.lead_type_id, []).append(a.user_id)
    data = request.POST if request.method == "POST" else None
    form = LeadSettingsForm(data, instance=instance, prefix="s")
    assignments = AssignmentsForm(
        data, lead_types=lead_types, users=users, current=current, prefix="a"
    )
    if request.method == "POST" and form.is_valid() and assignments.is_valid():
        with transaction.atomic():
            services.lead_settings_update(point_of_sale=pos, by=request.user, **form.cleaned_data)
            services.lead_assignments_set(
                point_of_sale=pos, by=request.user, chosen=assignments.chosen()
            )
        messages.success(request, _("Paramètres des leads enregistrés."))
        return redirect("leads:settings_pos", pk=pos.pk)
    return render(
        request,
        "leads/settings_pos.html",
        {"pos": pos, "form": form, "assignments": assignments},
        status=400 if request.method == "POST" else 200,
    )


@admin_required
@require_http_methods(["GET", "POST"])
def reference_lists(request: HttpRequest) -> HttpResponse:
    """Paramètres > Leads entrants > Étiquettes et statuts: the administrators' own tags,
    the editable statuses and their flags (counts as handled, appointment)."""
    tag_form = LeadTagForm(prefix="tag")
    status_form = LeadStatusForm(prefix="new", initial={"is_active": True})
    status = None
    do = request.POST.get("do", "")
    if request.method == "POST":
        try:
            if do == "tag":
                tag_form = LeadTagForm(request.POST, prefix="tag")
                if tag_form.is_valid():
                    services.lead_tag_create(by=request.user, **tag_form.cleaned_data)
                    messages.success(request, _("Étiquette ajoutée."))
                    return redirect("leads:reference_lists")
            else:
                status_id = request.POST.get("status", "")
                if status_id.isdecimal() and len(status_id) < 10:
                    status = get_object_or_404(LeadStatus, pk=int(status_id))
                status_form = LeadStatusForm(request.POST, prefix="new", instance=status)
                if status_form.is_valid():
                    services.lead_status_save(by=request.user, status=status,
                                              **status_form.cleaned_data)  # fmt: skip
                    messages.success(request, _("Statut enregistré."))
                    return redirect("leads:reference_lists")
        except ValidationError as exc:
            _add_errors(tag_form if do == "tag" else status_form, exc)
    return render(
        request,
        "leads/reference_lists.html",
        {
            "tags": selectors.lead_tags_all(),
            "statuses": LeadStatus.objects.order_by("position", "pk"),
            "tag_form": tag_form,
            "status_form": status_form,
            "editing": status,
        },
        status=400 if request.method == "POST" else 200,
    )
