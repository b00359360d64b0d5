"""Window consultations (measure III.10): logged by the window, grown into the FAQ, and rated by the visitor from the
address on the slip (好差评 of the window visit, through the feedback area)."""

from __future__ import annotations

import pytest

from bureau.feedback.models import Rating
from bureau.kernel.errors import DomainError, PermissionDenied
from bureau.portal import services
from bureau.portal.models import Consultation, FaqEntry
from tests.factories import make_user


@pytest.mark.django_db
def test_consultation_grows_faq_and_window_rating(world, login, client):
    client_staff = login(world.clerk)
    r = client_staff.post("/portal/consultations/", {"channel": "window", "topic": "licensing",
                                                     "question": "烟花爆竹零售许可在哪里办？", "answer": "县级应急管理局"},
                          follow=True)
    row = Consultation.objects.get()
    assert f"/portal/rate/window/{row.pk}/{row.rating_code}/" in r.content.decode()
    client_staff.post(f"/portal/consultations/{row.pk}/faq/")
    faq = FaqEntry.objects.get()
    assert faq.question == "烟花爆竹零售许可在哪里办？"
    again = services.consultation_log(actor=world.clerk, topic="licensing", question="零售许可哪里办", answer="县局")
    services.consultation_to_faq(actor=world.clerk, consultation=again, faq=faq)
    faq.refresh_from_db()
    assert faq.asked_count == 2
    with pytest.raises(DomainError, match="已归入"):
        services.consultation_to_faq(actor=world.clerk, consultation=Consultation.objects.get(pk=again.pk))
    with pytest.raises(PermissionDenied):
        services.consultation_log(actor=make_user("ent", roles=["enterprise"]), topic="licensing", question="q",
                                  answer="a")
    client.logout()
    assert "零售许可在哪里办" in client.get("/portal/faq/", {"q": "零售 许可"}).content.decode()
    assert client.get(f"/portal/rate/window/{row.pk}/wrongcode/").status_code == 404
    client.post(f"/portal/rate/window/{row.pk}/{row.rating_code}/", {"level": 5, "comment": "很好"})
    r = client.post(f"/portal/rate/window/{row.pk}/{row.rating_code}/", {"level": 1})
    assert Rating.objects.filter(service_type="window.visit").count() == 1 and "只能评价一次" in r.content.decode()


def test_a_bad_window_rating_names_its_reasons(world, client):
    """好差评 (国办发〔2019〕51号): 不满意/非常不满意 at the window asks for 差评原因 and a description like every
    other rating; without them nothing is recorded."""
    row = services.consultation_log(actor=world.clerk, topic="licensing", question="经营许可要哪些材料", answer="见指南")
    address = f"/portal/rate/window/{row.pk}/{row.rating_code}/"
    page = client.get(address).content.decode()
    assert 'id="bad-reasons"' in page and "未一次性告知，多次补正" in page
    refused = client.post(address, {"level": 1, "comment": "让我跑了三趟"}).content.decode()
    assert "差评原因" in refused and not Rating.objects.filter(service_type="window.visit").exists()
    client.post(address, {"level": 1, "comment": "让我跑了三趟", "reasons": ["not_told_at_once", "slow"]})
    rating = Rating.objects.get(service_type="window.visit")
    assert sorted(r.code for r in rating.reasons.all()) == ["not_told_at_once", "slow"]
