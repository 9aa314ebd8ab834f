from django.utils.translation import gettext_lazy as _

from .sections import Section, register

register(
    Section(
        key="organisation",
        title=_("Organisation"),
        description=_("Entités, points de vente, sites de présence physique"),
        url_name="configuration:organisation",
        module=_("Général"),
        order=10,
    )
)
register(
    Section(
        key="accounts",
        title=_("Comptes utilisateurs"),
        description=_("Créer, modifier, désactiver et supprimer les comptes"),
        url_name="accounts:user_list",
        module=_("Général"),
        permission="accounts.manage_accounts",
        order=11,
    )
)
register(
    Section(
        key="user-groups",
        title=_("Groupes et droits"),
        description=_("Groupes d'utilisateurs, leurs types et leurs droits"),
        url_name="accounts:group_list",
        module=_("Général"),
        permission="accounts.manage_accounts",
        order=12,
    )
)
register(
    Section(
        key="emails",
        title=_("Emails envoyés"),
        description=_("Tous les emails du produit, leur statut et leur contenu"),
        url_name="configuration:email_list",
        module=_("Général"),
        order=13,
    )
)
