"""The sandbox provider's hosted page (P-9): what the real provider's page does, on this
machine — check the signed request, let the tester pay, refuse or cancel."""

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from payments.providers.services import sandbox_decide, sandbox_request_check


@require_GET
def sandbox_page(request: HttpRequest) -> HttpResponse:
    checked = sandbox_request_check(request.GET)
    return render(
        request,
        "payments/sandbox_page.html",
        {"request_checked": checked, "fields": checked.fields},
        status=200 if checked.ok else 400,
    )


@require_POST
def sandbox_decision(request: HttpRequest) -> HttpResponse:
    fields = {k: v for k, v in request.POST.items() if k not in ("csrfmiddlewaretoken", "decision")}
    try:
        url = sandbox_decide(params=fields, decision=request.POST.get("decision", ""))
    except ValueError:
        checked = sandbox_request_check(fields)
        return render(
            request,
            "payments/sandbox_page.html",
            {"request_checked": checked, "fields": checked.fields, "decision_error": True},
            status=400,
        )
    # The return URLs are the merchant's (signed in the request); the sandbox goes there.
    return HttpResponseRedirect(url)
