"""The business fields of safety-evaluation agencies as data (bureau.assistance.reference: 应急管理部令第1号)."""

from django.db import migrations

from bureau.assistance.reference import seed_scopes


def seed(apps, schema_editor):
    seed_scopes(apps.get_model("assistance", "AgencyScope"))


class Migration(migrations.Migration):
    dependencies = [("assistance", "0007_expert_pool_draws_fees_agency_scopes")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
