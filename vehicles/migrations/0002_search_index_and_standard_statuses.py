from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

STANDARD = [
    ("pre_entree", "Pré-entrée", 1000),
    ("entree_physique", "Entrée physique", 2000),
    ("stock_vente", "Stock de vente", 3000),
    ("livraison", "Livraison", 4000),
    ("sortie", "Sortie", 5000),
]

CREATE_INDEX = (
    "CREATE INDEX IF NOT EXISTS vehicle_search_trgm "
    "ON vehicles_vehicle USING gin (search_text gin_trgm_ops)"
)
DROP_INDEX = "DROP INDEX IF EXISTS vehicle_search_trgm"


def create_search_index(apps, schema_editor):
    # Free-text search (V-4) uses LIKE '%term%' on search_text: a trigram GIN index
    # serves it on PostgreSQL. SQLite (development) scans, which is fine at its size.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE_INDEX)


def drop_search_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_INDEX)


def standard_statuses(apps, schema_editor):
    LifelineStatus = apps.get_model("vehicles", "LifelineStatus")
    for code, label, position in STANDARD:
        LifelineStatus.objects.get_or_create(
            code=code, defaults={"label": label, "position": position, "is_standard": True}
        )


class Migration(migrations.Migration):
    dependencies = [("vehicles", "0001_initial")]

    operations = [
        TrigramExtension(),
        migrations.RunPython(create_search_index, drop_search_index),
        migrations.RunPython(standard_statuses, migrations.RunPython.noop),
    ]
