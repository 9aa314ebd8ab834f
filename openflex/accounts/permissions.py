"""View decorators that check rights on the server (ORG-2, ORG-3)."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from .selectors import user_has_type, user_is_platform_admin


def right_required(*perms: str):
    """Login, then every listed permission (``accounts.manage_accounts`` …), else 403."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(request, *args, **kwargs):
            if not request.user.has_perms(perms):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def group_type_required(*types: str):
    """Login, then membership of a user group of one of ``types`` (administrators pass)."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(request, *args, **kwargs):
            user = request.user
            if not (user_is_platform_admin(user) or user_has_type(user, *types)):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


admin_required = group_type_required()


def rule_required(predicate):
    """Login, then ``predicate(user)`` (a rule of ``openflex.accounts.rules``), else 403."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(request, *args, **kwargs):
            if not predicate(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
