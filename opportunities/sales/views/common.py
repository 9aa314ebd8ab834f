"""Helpers of the sales pages."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _


def add_errors(form, exc: ValidationError) -> None:
    """Put a service's errors next to the fields they name; the others above the form."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def _messages_of(exc: ValidationError) -> list[str]:
    return [str(m) for m in exc.messages]


@dataclass(frozen=True)
class Action:
    """One action of a sale page (the registries of ``opportunities.py``, ``offers.py`` and
    ``orders.py``): the service it calls, what the user reads after it (a text, or
    ``done(obj, result)``), where they land (``goto(obj, result)``, default: back).

    ``run(obj, user, data)`` calls the service; the buttons that lead here come from the
    transitions (``sales/actions.py``), the service checks the same rights again. An
    action with a form declares ``form(obj, user, post) -> bound form`` (it may raise
    PermissionDenied: a 403) and ``invalid(request, obj, form) -> response``, the page
    re-rendered with the errors next to the fields; ``run`` then gets the cleaned data.
    """

    run: Callable[[Any, Any, Any], Any]
    done: str | Callable[[Any, Any], str] = ""
    goto: Callable[[Any, Any], str] | None = None
    form: Callable[[Any, Any, Any], Any] | None = None
    invalid: Callable[[HttpRequest, Any, Any], HttpResponse] | None = None


def action_dispatch(request: HttpRequest, obj, registry: dict[str, Action], name: str, back: str):
    """Call the named action of ``registry`` on ``obj``; messages, then POST → redirect."""
    action = registry.get(name)
    if action is None:
        messages.error(request, _("Action inconnue."))
        return redirect(back)
    form, data = None, request.POST
    if action.form is not None:
        form = action.form(obj, request.user, request.POST)
        if not form.is_valid():
            return action.invalid(request, obj, form)
        data = form.cleaned_data
    try:
        result = action.run(obj, request.user, data)
    except PermissionDenied as exc:
        messages.error(request, str(exc) or _("Vous n'avez pas le droit de faire cela."))
    except ValidationError as exc:
        if form is not None:
            add_errors(form, exc)
            return action.invalid(request, obj, form)
        for message in _messages_of(exc):
            messages.error(request, message)
    else:
        done = action.done(obj, result) if callable(action.done) else action.done
        if done:
            messages.success(request, done)
        if action.goto is not None:
            return redirect(action.goto(obj, result))
    return redirect(back)
