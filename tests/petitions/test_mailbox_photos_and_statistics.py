"""The mailbox's photos and location (validated images, stored as attachments, shown to staff, never public) and the
public statistics page (aggregates only)."""

from __future__ import annotations

import io
import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from bureau.kernel.errors import DomainError
from bureau.kernel.models import RuleParameter
from bureau.petitions import services
from bureau.petitions.models import Petition
from tests.petitions.factories import submit
from tests.petitions.test_public_mailbox_and_lookup import form_data


def png(name="site.png", size=(40, 30)):
    out = io.BytesIO()
    Image.new("RGB", size, (200, 80, 40)).save(out, format="PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


@pytest.mark.django_db
def test_photo_rules_refuse_fakes_too_many_and_bad_coordinates(world):
    """Rules petitions.photo_max_count / photo_max_mb: JPEG/PNG by content that decodes; both coordinates or none;
    a refusal writes nothing."""
    fake = SimpleUploadedFile("x.png", b"\x89PNG\r\n\x1a\n" + b"not an image" * 10, content_type="image/png")
    cases = [([fake], "已损坏或不是图片"), ([png("a.gif")], "类型不允许"), ([png(), png(), png(), png()], "最多上传 3 张")]
    for photos, message in cases:
        with pytest.raises(DomainError, match=message):
            submit(world, photos=photos)
    with pytest.raises(DomainError, match="坐标不完整"):
        submit(world, latitude=35.02, longitude=None)
    with pytest.raises(DomainError, match="坐标无效"):
        submit(world, latitude=135.0, longitude=111.0)
    RuleParameter.objects.filter(key="petitions.photo_max_mb").update(value=1)
    noise = io.BytesIO()
    Image.frombytes("RGB", (640, 600), os.urandom(640 * 600 * 3)).save(noise, format="PNG")
    with pytest.raises(DomainError, match="超过大小限制"):
        submit(world, photos=[SimpleUploadedFile("big.png", noise.getvalue(), content_type="image/png")])
    assert Petition.objects.count() == 0


@pytest.mark.django_db
def test_mailbox_photo_and_location_reach_staff_only(client, world, login):
    """局长信箱 with a photo and the phone's coordinates: stored via attachments, shown on the staff page, absent from
    the public lookup, and the file itself refused to a visitor."""
    data = form_data(client, photos=[png()], location_address="盐湖区解放路加油站旁", latitude="35.026412",
                     longitude="111.007528")
    r = client.post("/petitions/mailbox/", data)
    assert r.status_code == 200 and "诉求已受理" in r.content.decode()
    p = Petition.objects.get()
    assert str(p.latitude) == "35.026412" and p.location_address == "盐湖区解放路加油站旁"
    photo = services.photos_of(p)[0]
    assert photo.content_type_header == "image/png"
    lookup = client.get("/petitions/lookup/", {"number": p.number, "code": r.context["code"]}).content.decode()
    assert f"/attachments/{photo.pk}" not in lookup and "35.026412" not in lookup
    assert client.get(f"/attachments/{photo.pk}/download").status_code in {302, 403, 404}
    services.petition_dispatch(actor=world.clerk, petition=p, target=world.yanhu)
    staff = login(world.yanhu_officer)
    page = staff.get(f"/petitions/{p.pk}/").content.decode()
    assert f"/attachments/{photo.pk}/download" in page and "盐湖区解放路加油站旁" in page and "35.026412" in page
    assert staff.get(f"/attachments/{photo.pk}/download").status_code == 200
    assert login(world.linyi_officer).get(f"/attachments/{photo.pk}/download").status_code == 404


@pytest.mark.django_db
def test_public_statistics_aggregates_without_personal_data(client, world, django_assert_max_num_queries):
    """Public statistics (measure III.9): volume, on-time rate and satisfaction per month and county; no names,
    phones or ticket texts; a bounded number of queries."""
    p, _ = submit(world)
    services.petition_dispatch(actor=world.clerk, petition=p, target=world.yanhu)
    services.petition_accept(actor=world.yanhu_officer, petition=Petition.objects.get(pk=p.pk))
    services.petition_reply(actor=world.yanhu_officer, petition=Petition.objects.get(pk=p.pk), reply="已办")
    services.petition_close(actor=world.clerk, petition=Petition.objects.get(pk=p.pk))
    services.petition_rate(actor=None, petition=Petition.objects.get(pk=p.pk), level=5)
    submit(world, region_id="140821", title="另一件")
    with django_assert_max_num_queries(8):
        r = client.get("/petitions/statistics/")
    body = r.content.decode()
    stats = r.context["data"]
    assert r.status_code == 200 and stats["total"] == {"volume": 2, "on_time": 100.0, "satisfaction": 100.0}
    yanhu = next(c for c in stats["counties"] if c["code"] == "140802")
    assert yanhu["volume"] == 1 and len(stats["months"]) >= 12
    assert "王先生" not in body and "1391234" not in body and "加油站" not in body


@pytest.mark.django_db
def test_mailbox_keeps_good_photos_after_a_refusal_and_names_every_bad_one(client, world):
    """Staged uploads (kernel/staging.py) on the public mailbox: a wrong CAPTCHA keeps the good photo for this
    visitor's session, each fake photo is named; the resubmission attaches the kept photo without choosing it."""
    fake_a = SimpleUploadedFile("假照片.png", b"not an image", content_type="image/png")
    fake_b = SimpleUploadedFile("病毒.exe", b"MZ\x90\x00", content_type="image/png")
    r = client.post("/petitions/mailbox/", form_data(client, captcha="99999", photos=[png("现场.png"), fake_a, fake_b]))
    page = r.content.decode()
    assert not Petition.objects.exists()
    assert "假照片.png" in page and "病毒.exe" in page and "已选择：现场.png（" in page
    token = r.context["staged"]["photos"][0].token
    done = client.post("/petitions/mailbox/", form_data(client, staged_photos=token))
    assert "诉求已受理" in done.content.decode()
    assert [a.original_name for a in services.photos_of(Petition.objects.get())] == ["现场.png"]
