"""Service ratings, follow-ups and appeals move from the portal into their own area without copying a row.

The tables stay where they are (`portal_rating`, `portal_ratingfollowup`, `portal_ratingappeal`: the models name
them in `db_table`), so this migration only tells Django's state that the models now live here (portal 0002 takes
them out of the portal's state), and renames the models' content types, which the timeline (ProcessHistory),
documents and attachments point at. On a fresh database the portal's first migration still creates the tables and
the content types are created afterwards under `feedback`; on an existing one nothing but the content types' app
label changes. Both ways work on SQLite and PostgreSQL.
"""

import bureau.kernel.fields
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


MODELS = ("rating", "ratingfollowup", "ratingappeal")


def _move_content_types(apps, schema_editor, source: str, target: str) -> None:  # type: ignore[no-untyped-def]
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for model in MODELS:
        old = ContentType.objects.using(db).filter(app_label=source, model=model).first()
        if old is None:  # a fresh database: content types are created after migrate, already under the target
            continue
        new = ContentType.objects.using(db).filter(app_label=target, model=model).first()
        if new is None:  # the usual case: the same row, renamed, so every reference to it follows
            ContentType.objects.using(db).filter(pk=old.pk).update(app_label=target)
            continue
        # both exist (a partial `migrate` created the target's row first): what points at the old row moves to the
        # new one, then the old row goes (with its duplicate permissions)
        for related in apps.get_models():
            if related._meta.label_lower == "auth.permission":
                continue
            for field in related._meta.fields:
                if field.is_relation and field.related_model is not None \
                        and field.related_model._meta.label_lower == "contenttypes.contenttype":
                    related.objects.using(db).filter(**{field.name: old.pk}).update(**{field.name: new.pk})
        ContentType.objects.using(db).filter(pk=old.pk).delete()


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    _move_content_types(apps, schema_editor, "portal", "feedback")


def backwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    _move_content_types(apps, schema_editor, "feedback", "portal")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('accounts', '0004_second_factor_pending_and_shared_throttle'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('kernel', '0004_throttle_heartbeat_keyed_audit'),
        ('portal', '0002_ratings_moved_to_feedback'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],  # the tables exist (created by portal 0001)
            state_operations=[
                migrations.CreateModel(
                    name='Rating',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('service_type', models.CharField(max_length=40, verbose_name='服务类型')),
                        ('service_id', models.CharField(max_length=40, verbose_name='服务编号')),
                        ('round', models.PositiveSmallIntegerField(default=1, verbose_name='轮次')),
                        ('service_label', models.CharField(max_length=200, verbose_name='服务事项')),
                        ('level', models.PositiveSmallIntegerField(choices=[(5, '非常满意'), (4, '满意'), (3, '基本满意'), (2, '不满意'), (1, '非常不满意')], verbose_name='评价等级')),
                        ('comment', models.TextField(blank=True, verbose_name='评价内容')),
                        ('real_name', models.BooleanField(default=False, verbose_name='实名评价')),
                        ('rater_name', models.CharField(blank=True, max_length=60, verbose_name='评价人')),
                        ('rater_phone', bureau.kernel.fields.EncryptedTextField(blank=True, verbose_name='联系电话')),
                        ('channel', models.CharField(default='web', max_length=20, verbose_name='评价渠道')),
                        ('excluded', models.BooleanField(default=False, verbose_name='已剔除（申诉成立）')),
                        ('created_at', models.DateTimeField(db_index=True, verbose_name='评价时间')),
                        ('organisation', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.organisation', verbose_name='被评价单位')),
                        ('rater', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('region', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, to='kernel.region', verbose_name='区划')),
                    ],
                    options={
                        'verbose_name': '服务评价',
                        'verbose_name_plural': '服务评价',
                        'db_table': 'portal_rating',
                        'ordering': ['-created_at', '-id'],
                    },
                ),
                migrations.CreateModel(
                    name='RatingAppeal',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('version', models.PositiveIntegerField(default=0)),
                        ('state', models.CharField(db_index=True, max_length=40, verbose_name='状态')),
                        ('reason', models.TextField(verbose_name='申诉理由')),
                        ('decision', models.TextField(blank=True, verbose_name='审核意见')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('filed_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('rating', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='appeals', to='feedback.rating')),
                    ],
                    options={
                        'verbose_name': '差评申诉',
                        'verbose_name_plural': '差评申诉',
                        'db_table': 'portal_ratingappeal',
                        'ordering': ['-created_at'],
                    },
                ),
                migrations.CreateModel(
                    name='RatingFollowUp',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('version', models.PositiveIntegerField(default=0)),
                        ('state', models.CharField(db_index=True, max_length=40, verbose_name='状态')),
                        ('due_date', models.DateField(db_index=True, verbose_name='整改期限')),
                        ('due_provisional', models.BooleanField(default=False)),
                        ('result', models.TextField(blank=True, verbose_name='回访整改情况')),
                        ('done_at', models.DateTimeField(blank=True, null=True, verbose_name='完成时间')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('organisation', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.organisation', verbose_name='整改单位')),
                        ('rating', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='followup', to='feedback.rating')),
                    ],
                    options={
                        'verbose_name': '差评整改',
                        'verbose_name_plural': '差评整改',
                        'db_table': 'portal_ratingfollowup',
                        'ordering': ['due_date', 'id'],
                    },
                ),
                migrations.AddIndex(
                    model_name='rating',
                    index=models.Index(fields=['region', 'created_at'], name='rating_region_at'),
                ),
                migrations.AddIndex(
                    model_name='rating',
                    index=models.Index(fields=['service_type', 'created_at'], name='rating_type_at'),
                ),
                migrations.AddIndex(
                    model_name='rating',
                    index=models.Index(fields=['level', 'created_at'], name='rating_level_at'),
                ),
                migrations.AddConstraint(
                    model_name='rating',
                    constraint=models.UniqueConstraint(fields=('service_type', 'service_id', 'round'), name='uniq_rating_service_round'),
                ),
                migrations.AddIndex(
                    model_name='ratingfollowup',
                    index=models.Index(fields=['state', 'due_date'], name='followup_state_due'),
                ),
            ],
        ),
        migrations.RunPython(forwards, backwards),
    ]
