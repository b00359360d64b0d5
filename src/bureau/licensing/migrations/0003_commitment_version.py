"""Commitments move onto the process engine: a `version` for optimistic concurrency, and their own timeline. The
steps so far were noted on the application's timeline; they are copied onto the commitment's."""

from django.db import migrations, models

# application timeline action → (commitment action, label, from (when it is the first step), to)
STEPS = {
    "commitment_sign": ("sign", "签署容缺承诺书", "unsigned", "signed"),
    "commitment_part": ("supplement", "补交容缺材料", "signed", "signed"),
    "commitment_fulfil": ("fulfil", "容缺材料已补齐，承诺已履行", "signed", "fulfilled"),
    "commitment_overdue": ("escalate", "容缺承诺逾期未履行，已督办", "signed", "overdue"),
}


def copy_steps(apps, schema_editor):
    commitment = apps.get_model("licensing", "Commitment")
    history = apps.get_model("kernel", "ProcessHistory")
    content_type = apps.get_model("contenttypes", "ContentType")
    if not commitment.objects.exists():
        return
    application_type = content_type.objects.get_or_create(app_label="licensing", model="application")[0]
    commitment_type = content_type.objects.get_or_create(app_label="licensing", model="commitment")[0]
    by_application = dict(commitment.objects.values_list("application_id", "id"))
    rows, states = [], {}
    for h in history.objects.filter(content_type=application_type, action__in=list(STEPS),
                                    object_id__in=list(by_application)).order_by("at", "id").iterator():
        action, label, source, target = STEPS[h.action]
        source = states.get(h.object_id, source)
        target = source if action == "supplement" else target
        states[h.object_id] = target
        rows.append(history(content_type=commitment_type, object_id=by_application[h.object_id], at=h.at,
                            actor_id=h.actor_id, actor_name=h.actor_name, action=action, action_label=label,
                            from_state=source, to_state=target, note=h.note))
    history.objects.bulk_create(rows, batch_size=1000)


class Migration(migrations.Migration):

    dependencies = [
        ('licensing', '0002_shared_source'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('kernel', '0004_throttle_heartbeat_keyed_audit'),
    ]

    operations = [
        migrations.AddField(
            model_name='commitment',
            name='version',
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.RunPython(copy_steps, migrations.RunPython.noop),
    ]
