"""After 0002 moved the values into `status`: the tri-state `attended` flags go and a course's last day is required
(separate migration: on PostgreSQL the data changes of 0002 commit before the tables are altered)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("assistance", "0002_statuses_on_the_process_engine"),
    ]

    operations = [
        migrations.AlterField(
            model_name="course",
            name="ends_on",
            field=models.DateField(verbose_name="结业日期"),
        ),
        migrations.RemoveField(
            model_name="enrolment",
            name="attended",
        ),
        migrations.RemoveField(
            model_name="observationsignup",
            name="attended",
        ),
    ]
