"""The migrations and the models describe the same schema. Test databases other than the first PostgreSQL worker's are
built from the models (tests/conftest.py); this is what makes that safe, and what stops a model change shipped
without its migration (a production database is only ever migrated)."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_every_model_change_has_its_migration():
    """Rule: `makemigrations --check` finds nothing to write (the deploy runs `migrate`, never the models)."""
    out = io.StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit as missing:
        pytest.fail(f"有模型变更没有迁移文件：\n{out.getvalue()}（exit {missing.code}）")
    assert "No changes detected" in out.getvalue()
