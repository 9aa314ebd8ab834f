from django.db import migrations

CREATE_INDEX = (
    "CREATE INDEX IF NOT EXISTS customer_search_trgm "
    "ON opportunities_customer USING gin (search_text gin_trgm_ops)"
)
DROP_INDEX = "DROP INDEX IF EXISTS customer_search_trgm"


def create_search_index(apps, schema_editor):
    # The customer search (name, email, phone) is LIKE '%term%' on search_text: a trigram
    # GIN index on PostgreSQL (the extension comes with the vehicles migrations).
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE_INDEX)


def drop_search_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_INDEX)


class Migration(migrations.Migration):
    dependencies = [
        ("opportunities", "0001_initial"),
        ("vehicles", "0002_search_index_and_standard_statuses"),
    ]
    operations = [migrations.RunPython(create_search_index, drop_search_index)]
