"""Who may do what on a lead task, from the platform's rules (``(instance, user)``: the
transitions declare them as ``permission=``; they read loaded fields and cached rights)."""

from openflex.accounts import rules


def task_may_act(task, user) -> bool:
    """Take, change the status or the state: the sale side of the task's point of sale."""
    return rules.may_open_lead_task(user, point_of_sale_id=task.point_of_sale_id)


def task_may_convert(task, user) -> bool:
    """Convert into an opportunity: a seller of the task's point of sale (not the
    secretary, who does not sell)."""
    return (
        rules.can_sell(user)
        and rules.works_at(user, task.point_of_sale_id)
        and task.opportunity_id is None
    )
