"""The audit trail is append-only and chained with a keyed hash (HMAC-SM3): tampering, insertion and deletion are
detected even by someone who can write the table, and a signed checkpoint outside the database catches a cut tail.
等保 2.0 (GB/T 22239-2019) 8.1.4.3 c): audit records protected against unexpected deletion, modification or overwrite.
"""

from __future__ import annotations

import contextlib
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from bureau.kernel import audit as audit_module
from bureau.kernel.audit import audit, latest_checkpoint, verify_chain, write_checkpoint
from bureau.kernel.crypto import sm3_hex
from bureau.kernel.models import AuditEntry, AuditHead

pytestmark = pytest.mark.django_db


def _entries(n: int) -> None:
    for i in range(n):
        audit(None, "test.event", summary=f"第{i}条", data={"i": i})


@contextlib.contextmanager
def tamper():
    """Write the table as someone with database access would. On PostgreSQL the append-only trigger must be bypassed
    first, which only a superuser (or the table owner disabling the trigger) can do."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL session_replication_role = replica")
        yield


def test_intact_chain_verifies():
    _entries(5)
    report = verify_chain()
    assert report.ok and report.checked == AuditEntry.objects.count()
    assert AuditEntry.objects.values_list("key_id", flat=True).distinct().count() == 1


def test_edited_entry_is_named():
    _entries(5)
    target = AuditEntry.objects.order_by("seq")[2]
    with tamper():
        AuditEntry.objects.filter(pk=target.pk).update(summary="被篡改")
    report = verify_chain()
    assert not report.ok and report.first_broken_seq == target.seq


def test_an_edit_re_hashed_with_the_public_recipe_is_detected():
    """Finding: an edit followed by re-hashing the rest with the public (unkeyed) recipe passed audit_verify."""
    _entries(5)
    rows = list(AuditEntry.objects.order_by("seq"))
    rows[1].summary = "被篡改"
    previous = rows[0].hash
    with tamper():
        for row in rows[1:]:
            row.prev_hash = previous
            row.hash = sm3_hex(audit_module._canonical(row))  # what an attacker without the key can compute
            AuditEntry.objects.filter(pk=row.pk).update(summary=row.summary, prev_hash=row.prev_hash, hash=row.hash)
            previous = row.hash
        AuditHead.objects.filter(id=1).update(last_hash=previous)
    report = verify_chain()
    assert not report.ok and report.first_broken_seq == rows[1].seq


def test_deleted_entry_is_named():
    _entries(5)
    target = AuditEntry.objects.order_by("seq")[3]
    with tamper():
        AuditEntry.objects.filter(pk=target.pk).delete()
    assert verify_chain().first_broken_seq == target.seq


def test_deleting_the_last_entry_is_detected():
    _entries(3)
    with tamper():
        AuditEntry.objects.order_by("-seq").first().delete()
    assert not verify_chain().ok


def test_a_cut_tail_with_the_head_moved_back_is_caught_by_the_checkpoint():
    """Finding: deleting the tail and moving the head back passed audit_verify. The chain alone cannot tell (it
    still links up); the signed checkpoint written outside the database can."""
    _entries(5)
    checkpoint = write_checkpoint()
    assert checkpoint is not None and checkpoint.seq == AuditEntry.objects.count()
    _entries(2)
    last_kept = AuditEntry.objects.order_by("seq")[2]
    with tamper():
        AuditEntry.objects.filter(seq__gt=last_kept.seq).delete()
        AuditHead.objects.filter(id=1).update(last_seq=last_kept.seq, last_hash=last_kept.hash)
    assert verify_chain(checkpoint=False).ok  # without the checkpoint the shortened chain looks whole
    report = verify_chain()
    assert not report.ok and "检查点" in report.reason and report.checkpoint.seq == checkpoint.seq


def test_a_forged_checkpoint_is_refused(settings):
    _entries(3)
    cp = write_checkpoint()
    body = json.loads(open(cp.path, encoding="utf-8").read())
    body["seq"] = 2
    open(cp.path, "w", encoding="utf-8").write(json.dumps(body))
    report = verify_chain()
    assert not report.ok and "签名无效" in report.reason


def test_database_refuses_update_and_delete_of_the_trail():
    """On PostgreSQL a trigger refuses UPDATE and DELETE even for the application's own role; on the embedded SQLite
    default there is no such guard, and the keyed chain is what shows the change."""
    _entries(2)
    target = AuditEntry.objects.order_by("seq").first()
    if connection.vendor == "postgresql":
        for change in (lambda: AuditEntry.objects.filter(pk=target.pk).update(summary="x"),
                       lambda: AuditEntry.objects.filter(pk=target.pk).delete()):
            with pytest.raises(DatabaseError, match="只能追加"), transaction.atomic():
                change()
        assert verify_chain().ok
    else:
        AuditEntry.objects.filter(pk=target.pk).update(summary="x")
        assert verify_chain().first_broken_seq == target.seq


def test_keys_rotate_and_old_entries_stay_verifiable(settings):
    _entries(2)
    old_key = settings.AUDIT_KEY
    settings.AUDIT_KEY = "a-new-audit-key-for-the-next-period"
    settings.AUDIT_RETIRED_KEYS = [old_key]
    _entries(2)
    assert AuditEntry.objects.values_list("key_id", flat=True).distinct().count() == 2
    assert verify_chain().ok
    settings.AUDIT_RETIRED_KEYS = []
    report = verify_chain()
    assert not report.ok and "未配置" in report.reason


def test_the_key_is_not_in_the_database(settings):
    _entries(1)
    entry = AuditEntry.objects.latest("seq")
    assert settings.AUDIT_KEY not in json.dumps([entry.summary, entry.data, entry.key_id, entry.hash])


def test_command_fails_on_a_broken_chain_and_reports_the_checkpoint():
    before = AuditEntry.objects.count()  # the reference data loaded after migrate (shipped checklists) is audited too
    _entries(3)
    write_checkpoint()
    call_command("audit_checkpoint")
    call_command("audit_verify")
    assert latest_checkpoint().seq == before + 4  # the checkpoint command's own audit entry is covered by its checkpoint
    first = AuditEntry.objects.order_by("seq").first()
    with tamper():
        AuditEntry.objects.filter(pk=first.pk).update(action="forged")
    with pytest.raises(CommandError, match=f"第 {first.seq} 条"):
        call_command("audit_verify")


def test_personal_data_in_audit_details_is_masked():
    entry = audit(None, "test.mask", summary="电话 13912345678", data={"id": "140802198001011234"})
    assert entry.summary == "电话 139****5678" and entry.data["id"] == "140802********1234"
