"""Licence versions (issue 15): every certificate gets its version 1 (its current verification code); enterprise
licences get their scope so that the database keeps one held licence per kind and scope. Where a database already
holds two held licences of one kind for one enterprise (what the old grant path did), the older ones are set apart
under their own number ("待核查:<number>") so that an officer ends them (注销) after checking."""

import django.db.models.deletion
from django.db import migrations, models

HELD = ("valid", "due_for_review", "suspended")


def backfill(apps, schema_editor):
    Certificate = apps.get_model("certificates", "Certificate")
    licences = Certificate.objects.filter(type__holder_kind="enterprise", enterprise__isnull=False)
    licences.update(scope_key="")
    seen = set()
    for pk, enterprise_id, type_id, number in (licences.filter(status__in=HELD)
                                               .order_by("enterprise_id", "type_id", "-issued_on", "-id")
                                               .values_list("id", "enterprise_id", "type_id", "number")):
        if (enterprise_id, type_id) in seen:
            Certificate.objects.filter(pk=pk).update(scope_key=f"待核查:{number}"[:120])
        seen.add((enterprise_id, type_id))
    schema_editor.execute(
        "INSERT INTO certificates_certificateversion (certificate_id, version_no, reason, verify_code, holder_name,"
        " scope_text, issued_on, valid_from, valid_until, printed, changes, note, source_type, source_id, created_at,"
        " sha256, signer) SELECT id, 1, 'issue', verify_code, holder_name, scope_text, issued_on, valid_from,"
        " valid_until, '[]', '[]', '', source_type, source_id, created_at, '', '' FROM certificates_certificate")


class Migration(migrations.Migration):

    dependencies = [
        ('certificates', '0004_status_on_process_engine'),
        ('enterprises', '0007_supervision_import'),
        ('kernel', '0005_counter_scoped_kind'),
    ]

    operations = [
        migrations.CreateModel(
            name='CertificateVersion',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('version_no', models.PositiveSmallIntegerField(verbose_name='版本')),
                ('reason', models.CharField(choices=[('issue', '发证'), ('change', '变更'), ('extension', '延期'), ('renewal', '延期换证'), ('review', '复审')], max_length=12, verbose_name='事由')),
                ('verify_code', models.CharField(max_length=40, unique=True, verbose_name='核验码')),
                ('holder_name', models.CharField(max_length=120, verbose_name='持证人/单位')),
                ('scope_text', models.CharField(blank=True, max_length=300, verbose_name='许可范围/作业类别')),
                ('issued_on', models.DateField(verbose_name='本版发证日期')),
                ('valid_from', models.DateField(verbose_name='有效期起')),
                ('valid_until', models.DateField(verbose_name='有效期至')),
                ('printed', models.JSONField(blank=True, default=list, verbose_name='证面内容')),
                ('changes', models.JSONField(blank=True, default=list, verbose_name='变更内容')),
                ('note', models.CharField(blank=True, max_length=300, verbose_name='说明')),
                ('source_type', models.CharField(blank=True, max_length=60, verbose_name='来源')),
                ('source_id', models.CharField(blank=True, max_length=40)),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='生成时间')),
                ('superseded_at', models.DateTimeField(blank=True, null=True, verbose_name='被替代时间')),
                ('sha256', models.CharField(blank=True, max_length=64, verbose_name='文件摘要（SHA-256）')),
                ('signer', models.CharField(blank=True, max_length=200, verbose_name='签名人')),
                ('signed_at', models.DateTimeField(blank=True, null=True, verbose_name='签名时间')),
            ],
            options={
                'verbose_name': '证照版本',
                'verbose_name_plural': '证照版本',
                'ordering': ['certificate', '-version_no'],
            },
        ),
        migrations.AddField(
            model_name='certificate',
            name='scope_key',
            field=models.CharField(blank=True, editable=False, max_length=120, null=True, verbose_name='许可对象'),
        ),
        migrations.AddField(
            model_name='certificate',
            name='version_no',
            field=models.PositiveSmallIntegerField(default=1, verbose_name='版本'),
        ),
        migrations.AlterField(
            model_name='certificate',
            name='status',
            field=models.CharField(choices=[('valid', '有效'), ('due_for_review', '待复审'), ('expired', '已过期'), ('suspended', '暂扣'), ('revoked', '已吊销'), ('withdrawn', '已撤销'), ('void', '注销/失效')], db_index=True, default='valid', max_length=20, verbose_name='状态'),
        ),
        migrations.AddField(
            model_name='certificateversion',
            name='certificate',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='versions', to='certificates.certificate', verbose_name='证照'),
        ),
        migrations.AddField(
            model_name='certificateversion',
            name='document',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='kernel.document', verbose_name='电子证照文件'),
        ),
        migrations.AddConstraint(
            model_name='certificateversion',
            constraint=models.UniqueConstraint(fields=('certificate', 'version_no'), name='uniq_cert_version'),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='certificate',
            constraint=models.UniqueConstraint(condition=models.Q(('enterprise__isnull', False), ('scope_key__isnull', False), ('status__in', ('valid', 'due_for_review', 'suspended'))), fields=('enterprise', 'type', 'scope_key'), name='uniq_held_licence'),
        ),
    ]
