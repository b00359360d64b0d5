"""好差评 after a completed application (issue 8 item 3): the applicant rates it once; others cannot."""

from __future__ import annotations

import pytest
from django.utils import timezone

from bureau.feedback.models import Rating
from bureau.licensing.models import Application
from tests.factories import EnterpriseFactory, make_user

pytestmark = pytest.mark.django_db


def _application(enterprise, state):
    from bureau.licensing.models import PermitItem
    from bureau.licensing.reference import seed_items

    seed_items()
    item = PermitItem.objects.order_by("pk").first()
    app = Application.objects.create(number=f"T{Application.objects.count() + 1}", item=item, enterprise=enterprise,
                                     region_id=enterprise.region_id, state=state, level="county",
                                     submitted_at=timezone.now(), submitted_on=timezone.localdate())
    return app


def test_applicant_rates_a_completed_application_once(login):
    enterprise = EnterpriseFactory()
    user = make_user(roles=["enterprise"], enterprise=enterprise)
    app = _application(enterprise, "granted")
    client = login(user)
    url = f"/feedback/rate/licensing.application/{app.pk}/"
    assert client.get(url).status_code == 200
    client.post(url, {"level": "5", "comment": "办理很快"})
    client.post(url, {"level": "1", "comment": "再评一次"})
    rating = Rating.objects.get(service_type="licensing.application", service_id=str(app.pk))
    assert rating.level == 5 and Rating.objects.count() == 1


def test_running_or_foreign_applications_cannot_be_rated(login):
    enterprise = EnterpriseFactory()
    running = _application(enterprise, "review")
    other = _application(EnterpriseFactory(), "granted")
    client = login(make_user(roles=["enterprise"], enterprise=enterprise))
    assert client.get(f"/feedback/rate/licensing.application/{running.pk}/").status_code == 404
    assert client.get(f"/feedback/rate/licensing.application/{other.pk}/").status_code == 404
    assert client.get(f"/feedback/rate/unknown.kind/{other.pk}/").status_code == 404
