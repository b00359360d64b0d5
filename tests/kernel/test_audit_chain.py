"""The audit trail is append-only and hash-chained: tampering, insertion and deletion are detected."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from bureau.kernel.audit import audit, verify_chain
from bureau.kernel.models import AuditEntry

pytestmark = pytest.mark.django_db


def _entries(n: int) -> None:
    for i in range(n):
        audit(None, "test.event", summary=f"第{i}条", data={"i": i})


def test_intact_chain_verifies():
    _entries(5)
    report = verify_chain()
    assert report.ok and report.checked == AuditEntry.objects.count()


def test_edited_entry_is_named():
    _entries(5)
    target = AuditEntry.objects.order_by("seq")[2]
    AuditEntry.objects.filter(pk=target.pk).update(summary="被篡改")
    report = verify_chain()
    assert not report.ok and report.first_broken_seq == target.seq


def test_deleted_entry_is_named():
    _entries(5)
    target = AuditEntry.objects.order_by("seq")[3]
    AuditEntry.objects.filter(pk=target.pk).delete()
    assert verify_chain().first_broken_seq == target.seq


def test_deleting_the_last_entry_is_detected():
    _entries(3)
    AuditEntry.objects.order_by("-seq").first().delete()
    assert not verify_chain().ok


def test_command_fails_on_a_broken_chain():
    _entries(3)
    call_command("audit_verify")
    first = AuditEntry.objects.order_by("seq").first()
    AuditEntry.objects.filter(pk=first.pk).update(action="forged")
    with pytest.raises(CommandError, match=f"第 {first.seq} 条"):
        call_command("audit_verify")


def test_personal_data_in_audit_details_is_masked():
    entry = audit(None, "test.mask", summary="电话 13912345678", data={"id": "140802198001011234"})
    assert entry.summary == "电话 139****5678" and entry.data["id"] == "140802********1234"
