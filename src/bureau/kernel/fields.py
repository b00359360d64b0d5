"""Model fields for protected personal data (ID numbers, phones): SM4-encrypted at rest."""

from __future__ import annotations

from typing import Any

from django.db import models

from bureau.kernel import crypto


class EncryptedTextField(models.TextField):
    """Stored SM4-encrypted; read back as plain text. Not searchable: pair it with a blind index column."""

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None or value == "":
            return value
        return crypto.decrypt(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return crypto.encrypt(str(value))
