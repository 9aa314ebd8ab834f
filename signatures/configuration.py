"""The e-signature's Paramètres sections (administrators)."""

from django.utils.translation import gettext_lazy as _

from openflex.configuration.sections import Section, register

register(
    Section(
        key="signatures-settings",
        title=_("Parcours de vente digitalisé — e-signature"),
        description=_(
            "Délai d'expiration des liens de signature, relances automatiques, annexes "
            "jointes au bon de commande"
        ),
        url_name="signatures:settings",
        module=_("Opportunités"),
        order=31,
    )
)
register(
    Section(
        key="signatures-promotions",
        title=_("Opérations promotionnelles"),
        description=_("Opérations qui raccourcissent le délai de signature d'un bon de commande"),
        url_name="signatures:promotions",
        module=_("Opportunités"),
        order=32,
    )
)
register(
    Section(
        key="signatures-certificates",
        title=_("Certificats de scellement"),
        description=_("Certificat de chaque entité pour sceller les documents signés"),
        url_name="signatures:certificates",
        module=_("Opportunités"),
        order=33,
    )
)
register(
    Section(
        key="signatures-sms",
        title=_("SMS envoyés"),
        description=_("Les SMS envoyés par OpenFlex (codes de signature), comme les emails"),
        url_name="signatures:sms_list",
        module=_("Général"),
        order=14,
    )
)
