from django.db import migrations

CATEGORIES = [
    ("complaint", "投诉举报", 1),
    ("consult", "咨询", 2),
    ("suggest", "意见建议", 3),
    ("help", "求助", 4),
    ("other", "其他", 9),
]


def seed(apps, schema_editor):
    PetitionCategory = apps.get_model("petitions", "PetitionCategory")
    for code, name, sort in CATEGORIES:
        PetitionCategory.objects.get_or_create(code=code, defaults={"name": name, "sort": sort})


class Migration(migrations.Migration):
    dependencies = [("petitions", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
