from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from openflex.accounts.selectors import user_is_platform_admin

# The main navigation of the header: (label, url name, section key).
NAVIGATION = [
    (_("Accueil"), "home:index", "home"),
    (_("Véhicules"), "vehicles:list", "vehicles"),
    (_("Opportunités"), "opportunities:index", "opportunities"),
    (_("Commandes"), "opportunities:orders", "orders"),
    (_("Clients"), "opportunities:customers", "customers"),
    (_("Leads"), "leads:index", "leads"),
    (_("Paiements"), "payments:index", "payments"),
]


def navigation(request):
    """The header's menu entries, with the current one marked (no query)."""
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    path = request.path
    items = []
    for label, url_name, key in NAVIGATION:
        url = reverse(url_name)
        current = path == url if url == "/" else path.startswith(url)
        items.append({"label": label, "url": url, "key": key, "current": current})
    user = request.user
    # Callables: the template evaluates them only where the user menu needs them. Every
    # name starts with ``nav_``: a page's own context (``vehicle_can_configure`` …) can
    # then never shadow what the header shows (issue 13).
    return {
        "nav_items": items,
        "nav_can_configure": lambda: user_is_platform_admin(user),
    }


def csp_nonce(request):
    """``csp_nonce``: this response's Content-Security-Policy nonce (django-csp), under
    the name that Django 6's CSP support and ``{% htmx_script %}`` use. Lazy: the nonce
    is made, and put in the header, only when a template prints it."""
    return {"csp_nonce": getattr(request, "csp_nonce", None)}
