from django.db import migrations

STATUSES = [
    ("nouveau", "Nouveau", 10, False, False),
    ("suivi", "Suivi", 20, True, False),
    ("rendez-vous", "Rendez-vous pris", 30, True, True),
    ("converti", "Converti", 40, True, False),
    ("sans-suite", "Sans suite", 50, True, False),
]
TAGS = [
    ("vn", "VN", "type", 10),
    ("vo", "VO", "type", 11),
    ("vd", "VD", "type", 12),
    ("apv", "APV", "type", 13),
    ("particulier", "Particulier", "client", 20),
    ("professionnel", "Professionnel", "client", 21),
    ("vp", "VP", "vehicule", 30),
    ("vu", "VU", "vehicule", 31),
]
CATEGORIES = [
    ("site-web", "Site web", 10),
    ("portail", "Portail", 20),
    ("partenaire", "Partenaire", 30),
    ("telephone", "Téléphone", 40),
    ("campagne", "Campagne", 50),
    ("manuel", "Manuel", 60),
]


def seed(apps, schema_editor):
    LeadStatus = apps.get_model("leads", "LeadStatus")
    LeadTag = apps.get_model("leads", "LeadTag")
    Category = apps.get_model("leads", "LeadSourceCategory")
    Source = apps.get_model("leads", "LeadSource")
    for code, name, position, handled, appointment in STATUSES:
        LeadStatus.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "position": position,
                "counts_as_handled": handled,
                "is_appointment": appointment,
            },
        )
    for code, name, group, position in TAGS:
        LeadTag.objects.get_or_create(
            code=code,
            defaults={"name": name, "group": group, "position": position, "is_system": True},
        )
    for code, name, position in CATEGORIES:
        Category.objects.get_or_create(code=code, defaults={"name": name, "position": position})
    Source.objects.get_or_create(
        name="Saisie manuelle", defaults={"category": Category.objects.get(code="manuel")}
    )


class Migration(migrations.Migration):
    dependencies = [("leads", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
