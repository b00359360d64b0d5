"""Service ratings, follow-ups and appeals move to their own area (bureau.feedback, migration feedback 0001): they
leave the portal's state only; their tables stay, now named by the feedback models' `db_table`."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('portal', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.DeleteModel(name='RatingAppeal'),
                migrations.DeleteModel(name='RatingFollowUp'),
                migrations.DeleteModel(name='Rating'),
            ],
        ),
    ]
