"""Backup and restore as commands (issue 12, item 6): `manage.py backup --to DIR` and `manage.py restore --from DIR`.

The round trip runs on the database the suite runs on (SQLite or PostgreSQL in CI): committed data with an audit
trail, encrypted personal data and a stored file is backed up, restored into a new empty database by the command
in a separate process, and there the audit chain verifies, the encrypted fields decrypt and the file is equal.
A tampered backup and a non-empty target database are refused before anything is changed.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import psycopg
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection

from bureau.enterprises.models import Enterprise
from bureau.kernel.attachments import save_upload
from bureau.kernel.audit import audit
from bureau.kernel.models import AuditEntry
from tests.databases import database_url
from tests.factories import EnterpriseFactory

PDF = b"%PDF-1.4 \xe8\xbf\x90\xe5\x9f\x8e restore drill"


def _manage(*args: str, database_url: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """Run manage.py in a fresh process against another database and another file storage."""
    env = {**os.environ, "DATABASE_URL": database_url, "BUREAU_VAR_DIR": str(tmp_path / "var-restored"),
           "MEDIA_ROOT": str(tmp_path / "media-restored")}
    return subprocess.run([sys.executable, str(settings.PROJECT_DIR / "manage.py"), *args], env=env,
                          capture_output=True, text=True, timeout=120, check=False)


@pytest.fixture
def empty_database(tmp_path: Path) -> Iterator[str]:
    """The DATABASE_URL of a new, empty database of the suite's engine; a PostgreSQL one is dropped afterwards."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    conf = connection.settings_dict
    base = urlparse(os.environ.get("DATABASE_URL", "")).path.lstrip("/") or "bureau"
    name = f"{base}_restore_{os.getpid()}"
    params = {"host": conf["HOST"] or None, "port": conf["PORT"] or None, "user": conf["USER"] or None,
              "password": conf["PASSWORD"] or None, "dbname": "postgres", "autocommit": True}
    with psycopg.connect(**params) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    yield database_url(name)
    with psycopg.connect(**params) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.django_db(transaction=True)
def test_round_trip_restores_audit_chain_encrypted_fields_and_files(tmp_path, empty_database):
    enterprise = EnterpriseFactory(contact_phone="13912345678")
    for i in range(3):
        audit(None, "test.event", enterprise, summary=f"第{i}条")
    attachment = save_upload(SimpleUploadedFile("材料.pdf", PDF))

    out = io.StringIO()
    call_command("backup", "--to", str(tmp_path / "backup"), stdout=out)
    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text(encoding="utf-8"))
    # The backup's own audit entry is written before the dump, so the manifest's head points at it.
    started = AuditEntry.objects.get(action="kernel.backup")
    assert manifest["audit_head"] == {"seq": started.seq, "hash": started.hash}
    assert AuditEntry.objects.filter(action="kernel.backup_finished", result="成功").exists()
    by_path = {entry["path"]: entry for entry in manifest["files"]}
    assert by_path[f"files/{attachment.file.name}"]["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert manifest["database"]["engine"] == connection.vendor and manifest["keys_included"] is False
    assert "清单已写入" in out.getvalue()

    restored = _manage("restore", "--from", str(tmp_path / "backup"), database_url=empty_database, tmp_path=tmp_path)
    assert restored.returncode == 0, restored.stderr
    assert "审计日志链完整" in restored.stdout and "加密字段解密正常" in restored.stdout

    verified = _manage("audit_verify", database_url=empty_database, tmp_path=tmp_path)
    assert verified.returncode == 0, verified.stderr
    script = "\n".join([
        "import json",
        "from bureau.enterprises.models import Enterprise",
        "from bureau.kernel.models import Attachment, AuditEntry",
        f"e = Enterprise.objects.get(pk={enterprise.pk})",
        f"a = Attachment.objects.get(pk={attachment.pk})",
        "print(json.dumps({'phone': e.contact_phone, 'id': e.legal_rep_id_number, 'file': a.file.read().hex(),",
        "                  'restore_audited': AuditEntry.objects.filter(action='kernel.restore').exists()}))",
    ])
    shown = _manage("shell", "-v", "0", "-c", script, database_url=empty_database, tmp_path=tmp_path)
    assert shown.returncode == 0, shown.stderr
    values = json.loads(shown.stdout.strip().splitlines()[-1])
    assert values == {"phone": "13912345678", "id": enterprise.legal_rep_id_number, "file": PDF.hex(),
                      "restore_audited": True}


@pytest.mark.django_db
def test_restore_refuses_a_tampered_backup_and_a_non_empty_database(tmp_path):
    EnterpriseFactory()
    backup = tmp_path / "backup"
    call_command("backup", "--to", str(backup), stdout=io.StringIO())
    with pytest.raises(CommandError, match="不是空目录"):
        call_command("backup", "--to", str(backup), stdout=io.StringIO())

    # The target here is the suite's own database, which has tables: refused, nothing changed.
    with pytest.raises(CommandError, match="不是空库"):
        call_command("restore", "--from", str(backup), stdout=io.StringIO())

    dump = next(p for p in backup.iterdir() if p.name.startswith("database."))
    data = bytearray(dump.read_bytes())
    data[len(data) // 2] ^= 0xFF  # same size, different content
    dump.write_bytes(bytes(data))
    with pytest.raises(CommandError, match=f"SHA-256 不符.*{dump.name}"):
        call_command("restore", "--from", str(backup), stdout=io.StringIO())
    (backup / "extra.txt").write_text("not in the manifest")
    with pytest.raises(CommandError, match="清单之外的文件：extra.txt"):
        call_command("restore", "--verify-only", "--from", str(backup), stdout=io.StringIO())
    assert Enterprise.objects.count() == 1
