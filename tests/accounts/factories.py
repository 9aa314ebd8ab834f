import factory
from django.contrib.auth.models import Permission

from openflex.accounts.models import (
    DealerGroup,
    Entity,
    PhysicalSite,
    PointOfSale,
    User,
    UserGroup,
    UserGroupType,
)

PASSWORD = "correct-horse-battery"


class DealerGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DealerGroup
        django_get_or_create = ("name",)

    name = "Groupe Test"


class EntityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Entity

    group = factory.SubFactory(DealerGroupFactory)
    name = factory.Sequence(lambda n: f"Entité {n}")
    code = factory.Sequence(lambda n: 100 + n)


class PointOfSaleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PointOfSale

    entity = factory.SubFactory(EntityFactory)
    name = factory.Sequence(lambda n: f"PDV {n}")
    code = factory.Sequence(lambda n: 1000 + n)
    city = "Lyon"


class PhysicalSiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PhysicalSite

    point_of_sale = factory.SubFactory(PointOfSaleFactory)
    name = factory.Sequence(lambda n: f"Site {n}")


class UserGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = UserGroup
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Groupe {n}")
    type = UserGroupType.SALESPERSON

    @factory.post_generation
    def rights(self, create, extracted, **kwargs):
        if create and extracted:
            self.permissions.set(
                Permission.objects.filter(
                    content_type__app_label="accounts", codename__in=extracted
                )
            )


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.test")
    first_name = "Jeanne"
    last_name = factory.Sequence(lambda n: f"Dupont{n}")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def group_type(self, create, extracted, **kwargs):
        """``UserFactory(group_type="chef-des-ventes", rights=[...])``."""
        if create and extracted:
            group = UserGroupFactory(type=extracted, name=f"{extracted} {self.pk}")
            self.groups.add(group)

    @factory.post_generation
    def rights(self, create, extracted, **kwargs):
        if create and extracted:
            self.user_permissions.set(
                Permission.objects.filter(
                    content_type__app_label="accounts", codename__in=extracted
                )
            )

    @factory.post_generation
    def points_of_sale(self, create, extracted, **kwargs):
        if create and extracted:
            self.points_of_sale.set(extracted)


def admin_user(**kwargs) -> User:
    """A platform administrator holding every right (ORG-3)."""
    return UserFactory(
        group_type=UserGroupType.ADMIN,
        rights=[
            "manage_accounts",
            "change_vehicle_configuration",
            "access_vn",
            "validate_orders",
            "validate_tradeins",
            "validate_transfers",
        ],
        **kwargs,
    )
