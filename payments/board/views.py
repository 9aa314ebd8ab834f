"""The e-payments list (P-7): filters, search, sort, one card per payment with its
"Renvoyer le lien" / "Marquer comme remboursé" buttons (posted to ``payments:action``)."""

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from openflex.accounts import rules
from openflex.accounts.permissions import rule_required
from openflex.core import lists
from payments.board import selectors
from payments.board.filters import PaymentFilter

# The actions a card offers (``custom["action"]`` of the payment's transitions); a new
# attempt stays on the order page, where its context is.
LIST_ACTIONS = ("resend", "refunded")
LIST_LABELS = {"resend": "Renvoyer le lien"}


def _actions(payment, user) -> list[dict]:
    """The buttons of a card: the transitions open to this user (rights are cached on the
    user, the payment is loaded: no query)."""
    found = []
    # The card's actions only: their rights are checked, not those of every transition.
    for transition in payment.get_available_status_transitions():
        name = transition.custom.get("action")
        if name not in LIST_ACTIONS or not transition.has_perm(payment, user):
            continue
        if name not in {a["name"] for a in found}:
            label = LIST_LABELS.get(name) or transition.custom.get("label", name)
            found.append({"name": name, "label": label, "tone": transition.custom.get("tone")})
    return found


@rule_required(rules.works_on_sales)
@require_GET
def payment_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    filterset = PaymentFilter(request.GET, queryset=selectors.payment_list(user=user), user=user)

    def with_actions(rows):
        rows = list(rows)
        for payment in rows:
            payment.list_actions = _actions(payment, user)
        return rows

    return lists.render_list(request, "payments/payment_list.html", filterset, rows=with_actions)
