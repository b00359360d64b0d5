"""The public side: the director's mailbox (CAPTCHA, rate limit, honeypot, text kept as text) and the lookup by
number + code (one answer for any wrong pair, failures limited), rating from the lookup page."""

from __future__ import annotations

import pytest

from bureau.feedback.queries import ratings_of
from bureau.petitions import services
from bureau.petitions.models import Petition
from tests.petitions.factories import submit


def form_data(client, **overrides):
    client.get("/petitions/mailbox/")
    answer = client.session["portal_captcha"]["answer"]
    from bureau.petitions.models import PetitionCategory

    data = {"category": PetitionCategory.objects.get(code="complaint").pk, "region": "140802",
            "title": "反映企业异味", "content": "<b>傍晚</b>有刺鼻气味<script>alert('x')</script>", "real_name": "on",
            "petitioner_name": "李女士", "petitioner_phone": "13912345678", "captcha": str(answer)}
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_mailbox_submission_shows_number_and_code_once(client, world):
    r = client.post("/petitions/mailbox/", form_data(client))
    body = r.content.decode()
    assert r.status_code == 200 and "诉求已受理" in body
    p = Petition.objects.get()
    assert p.channel == "mailbox" and p.content == "<b>傍晚</b>有刺鼻气味<script>alert('x')</script>"
    code = r.context["code"]
    assert p.code_matches(code) and code not in p.check_digest
    page = client.get("/petitions/lookup/", {"number": p.number, "code": code}).content.decode()
    assert "&lt;script&gt;" in page and "<script>alert" not in page and "<b>傍晚" not in page


@pytest.mark.django_db
def test_wrong_captcha_refused_and_nothing_saved(client, world):
    r = client.post("/petitions/mailbox/", form_data(client, captcha="999"))
    assert "验证码不正确" in r.content.decode() and Petition.objects.count() == 0


@pytest.mark.django_db
def test_captcha_answer_used_once(client, world):
    data = form_data(client)
    client.post("/petitions/mailbox/", data)
    r = client.post("/petitions/mailbox/", data)  # replay of the same answer
    assert "验证码不正确" in r.content.decode() and Petition.objects.count() == 1


@pytest.mark.django_db
def test_honeypot_refused(client, world):
    r = client.post("/petitions/mailbox/", form_data(client, website="http://spam"))
    assert "提交失败" in r.content.decode() and Petition.objects.count() == 0


@pytest.mark.django_db
def test_rate_limit_per_address(client, world):
    for _ in range(5):
        client.post("/petitions/mailbox/", form_data(client))
    assert Petition.objects.count() == 5
    r = client.post("/petitions/mailbox/", form_data(client))
    assert r.status_code == 429 and int(r["Retry-After"]) > 0
    assert "操作过于频繁" in r.content.decode() and Petition.objects.count() == 5
    other = client.__class__(REMOTE_ADDR="10.0.0.9")
    other.post("/petitions/mailbox/", form_data(other))
    assert Petition.objects.count() == 6


@pytest.mark.django_db
def test_real_name_needs_phone(client, world):
    r = client.post("/petitions/mailbox/", form_data(client, petitioner_phone=""))
    assert "实名反映请填写联系电话" in r.content.decode() and Petition.objects.count() == 0


@pytest.mark.django_db
def test_wrong_number_or_code_same_answer_and_limited(client, world):
    p, code = submit(world)
    wrong_code = client.get("/petitions/lookup/", {"number": p.number, "code": "AAAAAAAA"}).content.decode()
    wrong_number = client.get("/petitions/lookup/", {"number": "SQ2099000001", "code": code}).content.decode()
    message = "诉求编号或查询码不正确"
    assert message in wrong_code and message in wrong_number
    assert p.title not in wrong_code
    for _ in range(20):
        client.get("/petitions/lookup/", {"number": p.number, "code": "BBBBBBBB"})
    response = client.get("/petitions/lookup/", {"number": p.number, "code": code})
    r = response.content.decode()
    assert response.status_code == 429 and "查询过于频繁" in r and p.title not in r


@pytest.mark.django_db
def test_lookup_query_budget(client, world, django_assert_max_num_queries):
    p, code = submit(world)
    with django_assert_max_num_queries(6):  # 5 + the shared failure counter
        r = client.get("/petitions/lookup/", {"number": p.number, "code": code})
    assert p.title in r.content.decode()


@pytest.mark.django_db
def test_rate_from_lookup_dissatisfied_reopens(client, world):
    p, code = submit(world)
    services.petition_dispatch(actor=world.clerk, petition=p, target=world.yanhu)
    services.petition_accept(actor=world.yanhu_officer, petition=p)
    services.petition_reply(actor=world.yanhu_officer, petition=p, reply="已核实处理")
    services.petition_close(actor=world.clerk, petition=p)
    page = client.get("/petitions/lookup/", {"number": p.number, "code": code}).content.decode()
    assert "请对办理结果评价" in page
    r = client.post("/petitions/lookup/rate/", {"number": p.number, "code": "WRONG123", "level": 1})
    assert "不正确" in r.content.decode() and Petition.objects.get(pk=p.pk).state == "closed"
    # 好差评: a bad rating names at least one 差评原因 (国办发〔2019〕51号; feedback.rules.check_reasons)
    r = client.post("/petitions/lookup/rate/", {"number": p.number, "code": code, "level": 2, "comment": "没解决"})
    assert "差评原因" in r.content.decode() and Petition.objects.get(pk=p.pk).state == "closed"
    r = client.post("/petitions/lookup/rate/", {"number": p.number, "code": code, "level": 2, "comment": "没解决",
                                                "reasons": ["result"]})
    assert "重新交办" in r.content.decode()
    assert [x.code for x in ratings_of("petitions.petition", p.pk).get().reasons.all()] == ["result"]
    assert Petition.objects.get(pk=p.pk).state == "reopened"


@pytest.mark.django_db
def test_cached_lookup_forgotten_on_transition(client, world, django_capture_on_commit_callbacks,
                                               django_assert_max_num_queries):
    p, code = submit(world)
    assert "已受理" in client.get("/petitions/lookup/", {"number": p.number, "code": code}).content.decode()
    with django_assert_max_num_queries(1):  # served from the cache; the shared failure counter is read
        client.get("/petitions/lookup/", {"number": p.number, "code": code})
    wrong = client.get("/petitions/lookup/", {"number": p.number, "code": "ZZZZZZZZ"}).content.decode()
    assert "不正确" in wrong  # a cached ticket still checks the code
    with django_capture_on_commit_callbacks(execute=True):
        services.petition_dispatch(actor=world.clerk, petition=p, target=world.yanhu)
    assert "已派单" in client.get("/petitions/lookup/", {"number": p.number, "code": code}).content.decode()
