"""The Permissions-Policy header, from ``settings.PERMISSIONS_POLICY``.

``{"camera": [], "fullscreen": ["self"]}`` gives ``camera=(), fullscreen=(self)``: an
empty list forbids the feature everywhere, ``"self"`` allows this origin, an origin is
written quoted (``'"https://pay.example"'``).
"""

from django.conf import settings


def permissions_policy_header(policy: dict[str, list[str]]) -> str:
    return ", ".join(f"{feature}=({' '.join(allowed)})" for feature, allowed in policy.items())


class PermissionsPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.header = permissions_policy_header(getattr(settings, "PERMISSIONS_POLICY", {}))

    def __call__(self, request):
        response = self.get_response(request)
        if self.header and "Permissions-Policy" not in response:
            response["Permissions-Policy"] = self.header
        return response
