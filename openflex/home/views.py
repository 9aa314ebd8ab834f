from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .tiles import tile_get, tiles_for_user


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "home/index.html", {"tiles": tiles_for_user(request.user)})


@login_required
@require_GET
def tile(request: HttpRequest, key: str) -> HttpResponse:
    """One tile's count, loaded lazily by the home page (one query)."""
    found = tile_get(key)
    if found is None:
        raise Http404
    if not found.visible_to(request.user):
        raise PermissionDenied
    context = {"tile": found, "count": found.count(request.user), "url": found.url(request.user)}
    return render(request, "home/index.html#tile", context)
