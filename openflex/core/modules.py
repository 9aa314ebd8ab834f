"""Landing pages of the modules that have not been built yet.

Each says plainly that the module is not available yet, so that the header's
navigation never leads to an error page. A module replaces its entry by its own
urls when it is built.
"""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from openflex.accounts import rules
from openflex.accounts.permissions import rule_required


def module_pending(title: str):
    # Leads and payments are sale-side modules: deny by default (issue 13).
    @rule_required(rules.works_on_sales)
    @require_GET
    def view(request):
        return render(request, "core/module_pending.html", {"title": title})

    return view
