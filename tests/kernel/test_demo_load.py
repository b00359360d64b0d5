"""`make run` loads the demo data set (issue 2: a realistic 运城 data set; every area adds its records) and reuses it
when run again: the loader must keep working as the areas change."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from bureau.enterprises.models import Enterprise
from bureau.kernel.models import DemoLoad
from bureau.kernel.registry import registry

pytestmark = pytest.mark.django_db(transaction=True)


def test_demo_data_loads_every_area_and_a_second_run_reuses_it():
    out = io.StringIO()
    call_command("demo_load", stdout=out)
    loaded = set(DemoLoad.objects.values_list("name", flat=True))
    assert loaded == {loader.name for loader in registry.demo}
    enterprises = Enterprise.objects.count()
    assert enterprises >= 250 and "Yc@2026demo" in out.getvalue()
    call_command("demo_load", stdout=io.StringIO())
    assert Enterprise.objects.count() == enterprises and DemoLoad.objects.count() == len(loaded)
