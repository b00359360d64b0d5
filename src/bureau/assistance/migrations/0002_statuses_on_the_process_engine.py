"""Enrolments, observation sign-ups and park remediation items move onto the process engine: a `status` column
(replacing the tri-state `attended` flag) and a `version` for optimistic concurrency; courses get their last day."""

from django.db import migrations, models


def forwards(apps, schema_editor):
    Enrolment = apps.get_model("assistance", "Enrolment")
    Enrolment.objects.exclude(certificate_number="").update(status="certified")
    Enrolment.objects.filter(certificate_number="", attended=True).update(status="attended")
    Enrolment.objects.filter(attended=False).update(status="absent")
    Signup = apps.get_model("assistance", "ObservationSignup")
    Signup.objects.filter(attended=True).update(status="attended")
    Signup.objects.filter(attended=False).update(status="absent")
    Course = apps.get_model("assistance", "Course")
    Course.objects.filter(ends_on__isnull=True).update(ends_on=models.F("starts_on"))


def backwards(apps, schema_editor):
    Enrolment = apps.get_model("assistance", "Enrolment")
    Enrolment.objects.filter(status__in=["attended", "certified"]).update(attended=True)
    Enrolment.objects.filter(status="absent").update(attended=False)
    Signup = apps.get_model("assistance", "ObservationSignup")
    Signup.objects.filter(status="attended").update(attended=True)
    Signup.objects.filter(status="absent").update(attended=False)


class Migration(migrations.Migration):
    dependencies = [
        ("assistance", "0001_initial"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="observationsignup",
            options={"ordering": ["batch_id", "id"], "verbose_name": "观摩报名", "verbose_name_plural": "观摩报名"},
        ),
        migrations.AddField(
            model_name="course",
            name="ends_on",
            field=models.DateField(null=True, verbose_name="结业日期"),
        ),
        migrations.AddField(
            model_name="enrolment",
            name="status",
            field=models.CharField(choices=[("enrolled", "已报名"), ("attended", "已出勤"), ("absent", "缺勤"),
                                            ("certified", "已出具结业证明")],
                                   db_index=True, default="enrolled", max_length=12, verbose_name="状态"),
        ),
        migrations.AddField(
            model_name="enrolment",
            name="version",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="observationsignup",
            name="status",
            field=models.CharField(choices=[("signed_up", "已报名"), ("attended", "已参加"), ("absent", "缺席")],
                                   db_index=True, default="signed_up", max_length=12, verbose_name="状态"),
        ),
        migrations.AddField(
            model_name="observationsignup",
            name="version",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="parkremediationitem",
            name="version",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.RunPython(forwards, backwards),
    ]
