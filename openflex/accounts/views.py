from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from openflex.core import lists
from openflex.core.clients import client_ip

from . import selectors, services
from .filters import UserFilter
from .forms import (
    AccountForm,
    EmailChangeForm,
    LoginForm,
    PasswordResetRequestForm,
    ProfileForm,
    SecurityCodeForm,
    UserGroupForm,
)
from .models import User, UserGroup
from .permissions import right_required

MANAGE = "accounts.manage_accounts"


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class PasswordResetView(auth_views.PasswordResetView):
    """Same answer, in the same time, whether the account exists or not: the request is
    counted and handed to the outbox, which looks the account up (X-1)."""

    template_name = "accounts/password_reset.html"
    form_class = PasswordResetRequestForm
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form):
        try:
            services.password_reset_request(
                email=form.cleaned_data["email"], address=client_ip(self.request)
            )
        except ValidationError as exc:  # too many requests from this address
            form.add_error(None, exc)
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return HttpResponseRedirect(self.get_success_url())


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


# --- Profile (ORG-4) ---------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    user = request.user
    action = request.POST.get("action", "")
    profile_form = ProfileForm(
        request.POST if action == "profile" else None,
        initial={"last_name": user.last_name, "first_name": user.first_name, "phone": user.phone},
    )
    email_form = EmailChangeForm(request.POST if action == "email" else None)
    code_form = SecurityCodeForm(request.POST if action == "code" else None)
    password_form = PasswordChangeForm(user, request.POST if action == "password" else None)
    password_form.fields["old_password"].widget.attrs.pop("autofocus", None)

    if action == "profile" and profile_form.is_valid():
        changed = services.profile_update(user=user, **profile_form.cleaned_data)
        if changed:
            messages.success(
                request, _("Profil enregistré. Un email de confirmation vous a été envoyé.")
            )
        return redirect("accounts:profile")
    if action == "email" and email_form.is_valid():
        try:
            services.email_change_request(user=user, new_email=email_form.cleaned_data["new_email"])
        except ValidationError as exc:
            email_form.add_error(None, exc)
        else:
            messages.info(
                request,
                _(
                    "Un code de sécurité a été envoyé à la nouvelle adresse. "
                    "Il est valable 15 minutes."
                ),
            )
            return redirect("accounts:profile")
    if action == "code" and code_form.is_valid():
        try:
            services.email_change_confirm(user=user, code=code_form.cleaned_data["code"])
        except ValidationError as exc:
            code_form.add_error(None, exc)
        else:
            messages.success(request, _("Votre adresse email a été modifiée."))
            return redirect("accounts:profile")
    if action == "password" and password_form.is_valid():
        password_form.save()
        update_session_auth_hash(request, password_form.user)
        services.password_changed_notify(user=user)
        messages.success(request, _("Votre mot de passe a été modifié."))
        return redirect("accounts:profile")

    context = {
        "profile_form": profile_form,
        "email_form": email_form,
        "code_form": code_form,
        "password_form": password_form,
        "pending_email": services.email_change_pending(user=user),
    }
    return render(request, "accounts/profile.html", context, status=400 if action else 200)


# --- Account management (ORG-3: account-management right only) ------------------------


@right_required(MANAGE)
@require_GET
def user_list(request: HttpRequest) -> HttpResponse:
    filterset = UserFilter(request.GET, queryset=selectors.user_list())
    return lists.render_list(request, "accounts/user_list.html", filterset)


@right_required(MANAGE)
@require_http_methods(["GET", "POST"])
def user_create(request: HttpRequest) -> HttpResponse:
    form = AccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.account_create(by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, _("Compte créé : une invitation a été envoyée à %s.") % user.email
            )
            return redirect("accounts:user_list")
    return render(
        request, "accounts/user_form.html", {"form": form}, status=400 if form.errors else 200
    )


@right_required(MANAGE)
@require_http_methods(["GET", "POST"])
def user_edit(request: HttpRequest, pk: int) -> HttpResponse:
    account = get_object_or_404(User, pk=pk)
    form = AccountForm(request.POST or None, instance=account)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "email"}
        try:
            services.account_update(by=request.user, user=account, **data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Compte enregistré."))
            return redirect("accounts:user_list")
    return render(
        request,
        "accounts/user_form.html",
        {"form": form, "account": account},
        status=400 if form.errors else 200,
    )


@right_required(MANAGE)
@require_POST
def user_set_active(request: HttpRequest, pk: int) -> HttpResponse:
    account = get_object_or_404(User, pk=pk)
    active = request.POST.get("active") == "1"
    try:
        services.account_set_active(by=request.user, user=account, active=active)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Compte réactivé.") if active else _("Compte désactivé."))
    return redirect("accounts:user_edit", pk=account.pk)


@right_required(MANAGE)
@require_http_methods(["GET", "POST"])
def user_delete(request: HttpRequest, pk: int) -> HttpResponse:
    account = get_object_or_404(User, pk=pk)
    if request.method == "POST":
        try:
            services.account_delete(by=request.user, user=account)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("accounts:user_edit", pk=account.pk)
        messages.success(request, _("Compte supprimé."))
        return redirect("accounts:user_list")
    return render(request, "accounts/user_delete.html", {"account": account})


@right_required(MANAGE)
def group_list(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/group_list.html", {"groups": selectors.user_group_list()})


@right_required(MANAGE)
@require_http_methods(["GET", "POST"])
def group_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    group = get_object_or_404(UserGroup, pk=pk) if pk else None
    form = UserGroupForm(request.POST or None, instance=group)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_group_save(by=request.user, group=group, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Groupe enregistré."))
            return redirect("accounts:group_list")
    return render(
        request,
        "accounts/group_form.html",
        {"form": form, "group": group},
        status=400 if form.errors else 200,
    )
