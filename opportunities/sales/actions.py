"""The buttons of opportunities, offers and orders: the transitions open to this user.

Nothing here decides. A button is a transition declared in ``models.py`` whose source is
the current status, whose conditions hold and whose ``permission`` (``rights.py``) lets
the user through; its action name, label, tone and reason requirement are the
transition's ``custom``. Sources without a label are steps the services take alone.
"""

TONES = {"primary": 0, "secondary": 1, "ghost": 2, "danger": 3}


def available_actions(instance, user, *, in_list: bool = False) -> list[dict]:
    """``[{name, label, tone, title, reason, transition}]``, primary first, danger last
    (declaration order otherwise). ``in_list``: only those marked for the lists."""
    found = {}
    for transition in instance.get_available_user_status_transitions(user):
        custom = transition.custom
        if "label" not in custom or (in_list and not custom.get("list")):
            continue
        name = custom.get("action", transition.name)
        found.setdefault(
            name,
            (
                (TONES.get(custom.get("tone"), 1), transition.method.__code__.co_firstlineno),
                {
                    "name": name,
                    "label": custom["label"],
                    "tone": custom.get("tone", "secondary"),
                    "title": custom.get("title", ""),
                    "reason": bool(custom.get("reason_required")),
                    "transition": transition.name,
                },
            ),
        )
    return [action for _key, action in sorted(found.values(), key=lambda item: item[0])]
