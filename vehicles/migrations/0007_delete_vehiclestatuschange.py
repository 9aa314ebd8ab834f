"""The lifeline's log now lives in VehicleEvent (0006 copied it)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("vehicles", "0006_vehicle_event_status"),
    ]

    operations = [
        migrations.DeleteModel(
            name="VehicleStatusChange",
        ),
    ]
