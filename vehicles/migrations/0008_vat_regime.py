"""The VAT regime of each vehicle (issue 13) and its purchase price.

Existing rows: VN and VD keep the normal regime (VAT on the whole price); every VO
already in the database moves to the margin scheme (article 297 A of the CGI), the
regime of most of a French dealer's used stock (bought from private persons). The fleet
manager switches back to "TVA sur le prix total" the VO bought with VAT from a
VAT-registered company. Validated orders are not touched: their snapshot has no regime
and reads as normal, which is how they were sold and printed. See docs/decisions.md.
"""

import django.core.validators
from decimal import Decimal
from django.db import migrations, models


def used_vehicles_to_margin(apps, schema_editor):
    Vehicle = apps.get_model("vehicles", "Vehicle")
    Vehicle.objects.filter(parc="VO").update(vat_regime="margin")


class Migration(migrations.Migration):
    dependencies = [
        ("vehicles", "0007_delete_vehiclestatuschange"),
    ]

    operations = [
        migrations.AddField(
            model_name="vehicle",
            name="purchase_price",
            field=models.DecimalField(
                blank=True,
                decimal_places=2,
                help_text="Ce que le véhicule a coûté (reprise : valeur de reprise). Sert au calcul de la TVA sur la marge ; jamais imprimé.",
                max_digits=12,
                null=True,
                validators=[
                    django.core.validators.MinValueValidator(
                        Decimal("0"), message="Le prix ne peut pas être négatif."
                    )
                ],
                verbose_name="prix d'achat",
            ),
        ),
        migrations.AddField(
            model_name="vehicle",
            name="vat_regime",
            field=models.CharField(
                choices=[
                    ("normal", "TVA sur le prix total"),
                    ("margin", "TVA sur la marge (art. 297 A du CGI)"),
                ],
                default="normal",
                max_length=6,
                verbose_name="régime de TVA",
            ),
        ),
        migrations.RunPython(used_vehicles_to_margin, migrations.RunPython.noop, elidable=True),
    ]
