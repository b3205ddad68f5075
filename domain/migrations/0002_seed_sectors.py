"""Seed the sector reference list (brancher)."""

from django.db import migrations

SECTORS = [
    ("retail", "Detailhandel", "Retail"),
    ("hospitality", "Hotel og restauration", "Hospitality"),
    ("care", "Omsorg og sundhed", "Care and health"),
    ("it", "IT og digitalt", "IT and digital"),
    ("construction", "Byggeri og håndværk", "Construction and crafts"),
    ("logistics", "Transport og logistik", "Transport and logistics"),
    ("manufacturing", "Industri og produktion", "Manufacturing"),
    ("office", "Kontor og administration", "Office and administration"),
    ("cultural", "Kultur og fritid", "Culture and leisure"),
    ("green", "Grønne fag og udendørs", "Green trades and outdoors"),
    ("education", "Børn og pædagogik", "Childcare and education"),
    ("cleaning", "Rengøring og service", "Cleaning and service"),
    ("automotive", "Auto og mekanik", "Automotive and mechanics"),
    ("media", "Medier og kommunikation", "Media and communication"),
]


def seed(apps, schema_editor):
    Sector = apps.get_model("portal", "Sector")
    for position, (code, name_da, name_en) in enumerate(SECTORS):
        Sector.objects.update_or_create(
            code=code, defaults={"name_da": name_da, "name_en": name_en, "ordering": position}
        )


def unseed(apps, schema_editor):
    Sector = apps.get_model("portal", "Sector")
    Sector.objects.filter(code__in=[code for code, _, _ in SECTORS], companies=None, slots=None).delete()


class Migration(migrations.Migration):
    dependencies = [("portal", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
