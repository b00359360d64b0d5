"""Certificates and mailing requests move onto the process engine: a `version` for optimistic concurrency, and the
certificate's own history (CertificateEvent) becomes its timeline (kernel ProcessHistory), the one every process
page shows. Existing events are copied over (one INSERT … SELECT, fast on millions of rows); existing mailing
requests get the timeline their dates tell."""

from django.db import migrations, models

# CertificateEvent.kind → (declared action, label)
KINDS = {
    "issue": ("issue", "发证"),
    "periodic_review": ("periodic_review", "复审合格"),
    "extension": ("extension", "延期"),
    "renewal": ("renewal", "延期换证"),
    "change": ("change", "变更"),
    "suspension": ("suspend", "暂扣"),
    "revocation": ("revoke", "吊销/撤销"),
    "void": ("void", "注销/失效"),
    "expiry": ("expire", "有效期届满，证照过期"),
}


def _content_type(apps, model):
    content_type = apps.get_model("contenttypes", "ContentType")
    return content_type.objects.get_or_create(app_label="certificates", model=model)[0].pk


def copy_events(apps, schema_editor):
    if not apps.get_model("certificates", "CertificateEvent").objects.exists():
        return
    action = "CASE e.kind " + " ".join(f"WHEN '{k}' THEN '{a}'" for k, (a, _) in KINDS.items()) + " ELSE e.kind END"
    label = "CASE e.kind " + " ".join(f"WHEN '{k}' THEN '{lb}'" for k, (_, lb) in KINDS.items()) + " ELSE e.kind END"
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO kernel_processhistory (content_type_id, object_id, at, actor_id, actor_name, action, "
            "action_label, from_state, to_state, note) "
            f"SELECT %s, e.certificate_id, e.at, NULL, CASE WHEN e.actor_name = '' THEN '系统' ELSE e.actor_name END, "
            f"{action}, {label}, c.status, c.status, e.note "
            "FROM certificates_certificateevent e JOIN certificates_certificate c ON c.id = e.certificate_id "
            "ORDER BY e.id",
            [_content_type(apps, "certificate")])


def mailing_timelines(apps, schema_editor):
    mailing = apps.get_model("certificates", "MailingRequest")
    history = apps.get_model("kernel", "ProcessHistory")
    if not mailing.objects.exists():
        return
    content_type = _content_type(apps, "mailingrequest")
    rows = []
    for m in mailing.objects.select_related("requested_by").order_by("id").iterator(chunk_size=2000):
        requester = m.requested_by.real_name or m.requested_by.username
        steps = [(m.created_at, m.requested_by_id, requester, "request", "申请寄递", "requested", "requested", "")]
        if m.shipped_at:
            steps.append((m.shipped_at, None, m.handled_by or "系统", "ship", "登记寄出", "requested", "shipped",
                          f"{m.courier}，运单号 {m.tracking_no}"))
        if m.delivered_at:
            steps.append((m.delivered_at, None, "系统", "deliver", "确认签收", "shipped", "delivered", ""))
        if m.cancelled_at:
            by_holder = not m.handled_by
            steps.append((m.cancelled_at, m.requested_by_id if by_holder else None,
                          requester if by_holder else m.handled_by, "withdraw" if by_holder else "cancel",
                          "撤回申请" if by_holder else "取消寄递", "requested", "cancelled", m.cancel_reason))
        rows += [history(content_type_id=content_type, object_id=m.pk, at=at, actor_id=actor, actor_name=name,
                         action=action, action_label=label, from_state=source, to_state=target, note=note)
                 for at, actor, name, action, label, source, target, note in steps]
    history.objects.bulk_create(rows, batch_size=1000)


class Migration(migrations.Migration):

    dependencies = [
        ('certificates', '0003_mailing_cancel'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('kernel', '0004_throttle_heartbeat_keyed_audit'),
    ]

    operations = [
        migrations.AddField(
            model_name='certificate',
            name='version',
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name='mailingrequest',
            name='version',
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.RunPython(copy_events, migrations.RunPython.noop),
        migrations.RunPython(mailing_timelines, migrations.RunPython.noop),
        migrations.DeleteModel(
            name='CertificateEvent',
        ),
    ]
