"""The base of every HTML form: the same input bounds as the API (bureau.kernel.validation).

Text fields refuse control characters, naming the field: a textarea may hold tabs and line breaks, any other
input is single-line (no line breaks, no U+2028/U+2029). Whole numbers without declared bounds are kept within
64 bits, so an absurd number is an error next to the field instead of an overflow in the database.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator

from bureau.kernel.validation import MAX_ID, control_character, control_character_message


class BoundedInputMixin:
    """Mixed into forms.Form / forms.ModelForm (see BureauForm)."""

    fields: dict[str, forms.Field]
    cleaned_data: dict[str, Any]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]
        for field in self.fields.values():
            if isinstance(field, forms.IntegerField):
                if field.max_value is None:
                    field.max_value = MAX_ID
                    field.validators.append(MaxValueValidator(MAX_ID))
                if field.min_value is None:
                    field.min_value = -MAX_ID
                    field.validators.append(MinValueValidator(-MAX_ID))

    def _clean_fields(self) -> None:
        super()._clean_fields()  # type: ignore[misc]
        for name, field in self.fields.items():
            value = self.cleaned_data.get(name)
            if not isinstance(value, str) or not value:
                continue
            code = control_character(value, multiline=isinstance(field.widget, forms.Textarea))
            if code:
                self.add_error(name, control_character_message(str(field.label or name), code))  # type: ignore[attr-defined]


class BureauForm(BoundedInputMixin, forms.Form):
    """forms.Form with the platform's input bounds."""


class BureauModelForm(BoundedInputMixin, forms.ModelForm):
    """forms.ModelForm with the platform's input bounds."""
