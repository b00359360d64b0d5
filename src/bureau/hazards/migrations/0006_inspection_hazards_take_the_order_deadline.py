"""Hazards an inspection recorded without a deadline take the deadline of the inspection's 责令限期整改指令书
(`Inspection.rectification_deadline`), so that they can be overdue (issue 16)."""

from django.db import migrations


def forwards(apps, schema_editor):
    Hazard = apps.get_model("hazards", "Hazard")
    Inspection = apps.get_model("inspection", "Inspection")
    rows = Hazard.objects.filter(source="inspection", deadline__isnull=True, source_type="inspection.inspection")
    ids = {int(pk) for pk in rows.values_list("source_id", flat=True) if str(pk).isdigit()}
    deadlines = dict(Inspection.objects.filter(pk__in=ids, rectification_deadline__isnull=False)
                     .values_list("pk", "rectification_deadline"))
    for pk, deadline in deadlines.items():
        rows.filter(source_id=str(pk)).update(deadline=deadline)


class Migration(migrations.Migration):

    dependencies = [
        ("hazards", "0005_alarm_intake"),
        ("inspection", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
