"""Issue 18: the application lists' state filter prints its options once per selected state
(`views.state_options`); the bytes are those the list template printed, for every state, none and a bogus one."""

from __future__ import annotations

from django.template import Context, Template

from bureau.licensing.views import state_options
from bureau.licensing.workflow import WORKFLOW

_BEFORE = Template('{% for code, label in states %}<option value="{{ code }}"{% if request.GET.state == code %}'
                   ' selected{% endif %}>{{ label }}</option>{% endfor %}')


class _Request:
    def __init__(self, get: dict[str, str]) -> None:
        self.GET = get


def test_state_options_equal_what_the_list_template_printed():
    for selected in [None, "", "bogus", "<b>", *WORKFLOW.states]:
        get = {} if selected is None else {"state": selected}
        expected = _BEFORE.render(Context({"states": WORKFLOW.states.items(), "request": _Request(get)}))
        assert state_options(get.get("state")) == expected
        assert state_options(get.get("state")) == expected  # the second time from the per-process copy
    assert state_options("review").count(" selected") == 1 and state_options("bogus").count(" selected") == 0
