from decimal import Decimal

import factory

from opportunities.customers.models import Customer
from opportunities.products.models import PackElement, Product
from opportunities.sales.models import Opportunity
from tests.accounts.factories import PointOfSaleFactory, UserFactory


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    kind = Customer.Kind.PERSON
    civility = "Mme"
    last_name = factory.Sequence(lambda n: f"Martin{n}")
    first_name = "Claire"
    email = factory.Sequence(lambda n: f"client{n}@example.test")
    mobile = factory.Sequence(lambda n: f"06{n:08d}")
    address = "12 rue des Lilas"
    postcode = "69003"
    city = "Lyon"
    point_of_sale = factory.SubFactory(PointOfSaleFactory)


class CompanyFactory(CustomerFactory):
    kind = Customer.Kind.COMPANY
    civility = ""
    last_name = ""
    first_name = ""
    company_name = factory.Sequence(lambda n: f"Transports Rapides {n}")
    siret = "12345678900012"


class OpportunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Opportunity

    customer = factory.SubFactory(CustomerFactory)
    point_of_sale = factory.LazyAttribute(lambda o: o.customer.point_of_sale)
    salesperson = factory.LazyAttribute(
        lambda o: UserFactory(group_type="vendeur", points_of_sale=[o.point_of_sale])
    )


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    kind = Product.Kind.ACCESSORY
    name = factory.Sequence(lambda n: f"Produit {n}")
    price = Decimal("100.00")


class PackFactory(ProductFactory):
    kind = Product.Kind.PACK
    name = factory.Sequence(lambda n: f"Pack {n}")
    price = Decimal("490.00")


class PackElementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PackElement

    pack = factory.SubFactory(PackFactory)
    label = factory.Sequence(lambda n: f"Élément {n}")
    price = Decimal("100.00")
