"""Who may act on a signature request from the staff pages (S-1, S-8).

Predicates of the transitions' ``permission=``: the sale side at the request's point of
sale (the salesperson's colleagues and managers follow the signatures of their site).
The customer's own steps (sign, refuse) carry no permission: the signed link is the right.
"""

from openflex.accounts import rules


def request_may_act(instance, user) -> bool:
    return rules.works_on_sales(user) and rules.works_at(user, instance.point_of_sale_id)
