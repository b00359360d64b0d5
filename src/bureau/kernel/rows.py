"""Parts of list pages printed without template nodes (issue 18: the template engine spends ≈ 40 µs a table row, and
the filter form's widgets are rendered through templates on every request). Each user keeps its template as the
reference, and a test compares the bytes."""

from __future__ import annotations

import html
from typing import Any

from django import forms
from django.template.loader import render_to_string
from django.utils.choices import BaseChoiceIterator
from django.utils.safestring import SafeString


def escape_text(value: Any) -> str:
    """What `{{ value }}` prints: conditional_escape without its lazy wrappers (hundreds of values a page)."""
    if type(value) is str:  # a plain text (SafeString is a subclass and keeps its markup)
        return html.escape(value)
    return value.__html__() if hasattr(value, "__html__") else html.escape(str(value))


# What the filter form's fields print is a function of the form's class, the values it was given and the choices of
# its fields, when its fields are plain text inputs and selects (no per-instance change): printed once per class,
# values and choices (a model choice field's choices are read from its queryset on every request, as rendering it
# read them, and are part of the key), at most _MAX_FIELDS kept (then afresh).
_FIELDS: dict[tuple[Any, ...], SafeString] = {}
_MAX_FIELDS = 1024
_FIXED_WIDGETS = (forms.TextInput, forms.Select)


def _choices_key(form: forms.BaseForm) -> tuple[Any, ...] | None:
    """What the fields' choices depend on besides the class (a model choice field's rows); None when a field's
    output cannot be keyed."""
    if form.prefix or form.initial:
        return None
    key: list[Any] = []
    for field in form.fields.values():
        if type(field.widget) not in _FIXED_WIDGETS:
            return None
        if type(field) is forms.ModelChoiceField:
            queryset = field.queryset
            if queryset is None:
                return None
            key.append((field.empty_label, tuple((field.prepare_value(o), field.label_from_instance(o))
                                                 for o in queryset)))
        elif type(field) not in (forms.CharField, forms.ChoiceField):
            return None
        elif isinstance(getattr(field, "_choices", None), BaseChoiceIterator):  # choices read anew (a callable)
            return None
    return tuple(key)


def filter_fields_html(form: forms.BaseForm) -> SafeString:
    """The bytes of `includes/filter_fields.html` (every field of a filter form: label and widget) for `form`, printed
    once per form class, given values and choices when the form allows it (`_choices_key`), else rendered."""
    choices = _choices_key(form)
    values = tuple(form.data.get(name) for name in form.fields) if form.is_bound else None
    if choices is None or (values is not None and any(v is not None and type(v) is not str for v in values)):
        return render_to_string("includes/filter_fields.html", {"form": form})
    key = (type(form), form.is_bound, values, choices)
    text = _FIELDS.get(key)
    if text is None:
        if len(_FIELDS) >= _MAX_FIELDS:
            _FIELDS.clear()
        text = _FIELDS[key] = render_to_string("includes/filter_fields.html", {"form": form})
    return text
