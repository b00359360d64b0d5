"""一次性告知: every 办事指南 tells where, who, when, how to ask, the steps (a diagram), the material forms and
copies, the delivery, and offers the blank form and a filled sample drawn from the item's form fields
(行政许可法 第二十九、三十条); the apply form links back to the guide. Through the page and the public API."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from bureau.licensing import guide
from bureau.licensing.models import ItemField, ItemStep, PermitItem
from bureau.licensing.reference import item_steps
from tests.factories import skip_pdf_rendering

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


def test_every_item_carries_every_guide_element_as_data(world):
    for item in PermitItem.objects.prefetch_related("materials", "steps"):
        assert item.accepting_body and item.location and item.phone and item.office_hours and item.delivery, item.code
        assert item.steps.count() >= 3, item.code
        uploads = [m for m in item.materials.all() if not m.generated and m.requirement != "shared"]
        assert all(m.form and m.copies >= 1 for m in item.materials.all()), item.code
        assert all("电子件" in m.form for m in uploads), item.code
    county = PermitItem.objects.get(code="fireworks_retail")
    assert "县" in county.accepting_body  # a county item is accepted by the county bureau


def test_steps_follow_the_items_switches():
    class Item:
        kind, tolerance_allowed, parallel_departments, outcome, promised_days = "promised", True, "", "licence", 15
        needs_site_verification, grade_skips_site, joint_completion_visit, needs_expert_review = True, True, False, True

    names = [s[0] for s in item_steps(Item())]
    assert names == ["网上申请", "受理", "审查", "现场核查", "专家评审", "决定", "发证送达"]
    Item.kind = "instant"
    assert [s[0] for s in item_steps(Item())] == ["网上申请", "受理并当场办结", "送达"]


def test_guide_page_shows_where_who_when_the_flow_and_the_downloads(world, client):
    page = client.get("/licensing/guide/hazchem_operation/").content.decode()
    item = world.items["hazchem_operation"]
    for text in (item.accepting_body, item.location, item.phone, item.office_hours, item.delivery, "办理流程",
                 "现场核查", "份", "样表", "空白表格"):
        assert text in page, text
    assert 'aria-label="办理流程图"' in page  # the diagram is an ordered list: its own text alternative
    steps = list(ItemStep.objects.filter(item=item))
    assert page.index(steps[0].name) < page.index(steps[-1].name)
    assert "/licensing/guide/hazchem_operation/blank.pdf" in page and "/licensing/guide/hazchem_operation/sample.pdf" in page


def test_an_edited_step_shows_on_the_guide(world, client):
    item = world.items["hazchem_operation"]
    ItemStep.objects.filter(item=item, name="受理").update(limit="当场")
    page = client.get("/licensing/guide/hazchem_operation/").content.decode()
    assert "当场" in page


def test_blank_form_and_sample_are_real_pdfs_with_the_items_fields(world, client):
    r = client.get("/licensing/guide/hazchem_operation/blank.pdf")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf" and "attachment" in r["Content-Disposition"]
    assert r.content.startswith(b"%PDF-") and b"/FontFile2" in r.content and b"/ToUnicode" in r.content
    sample = client.get("/licensing/guide/hazchem_operation/sample.pdf")
    assert sample.content.startswith(b"%PDF-") and sample.content != r.content
    item = world.items["hazchem_operation"]
    text = "\n".join(str(getattr(b, "text", "")) + str(getattr(b, "rows", "")) for b in guide.form_spec(item, "blank").blocks)
    assert "经营方式" in text and "营业执照" in text and "储存设施安全评价报告" in text
    assert "申请书（网上填报自动生成）" not in text  # the generated 申请书 is the form itself, not an attachment
    sample_text = "\n".join(str(getattr(b, "rows", "")) for b in guide.form_spec(item, "sample").blocks)
    assert "运城市示例化工有限公司" in sample_text


def test_forms_follow_the_form_fields_and_unknown_kinds_are_404(world, client, monkeypatch):
    skip_pdf_rendering(monkeypatch)
    item = world.items["hazchem_operation"]
    ItemField.objects.filter(item=item, key="storage").update(label="储存设施情况", example="带储存设施")
    spec = guide.form_spec(PermitItem.objects.get(pk=item.pk), "sample")
    rows = dict(next(b for b in spec.blocks if hasattr(b, "rows")).rows)
    assert rows["储存设施情况（必填）"] == "带储存设施"
    blank = dict(next(b for b in guide.form_spec(item, "blank").blocks if hasattr(b, "rows")).rows)
    assert blank["经营方式（必填）"].startswith("□批发")  # a choice offers its boxes to tick
    assert client.get("/licensing/guide/hazchem_operation/other.pdf").status_code == 404
    assert client.get("/licensing/guide/no_such_item/blank.pdf").status_code == 404
    PermitItem.objects.filter(pk=item.pk).update(is_active=False)
    assert client.get("/licensing/guide/hazchem_operation/blank.pdf").status_code == 404


def test_public_api_carries_the_guide(world, client, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        items = client.get("/api/v1/licensing/public/items").json()
    one = next(i for i in items if i["code"] == "hazchem_operation")
    g = one["guide"]
    assert g["accepting_body"] and g["phone"] and g["office_hours"] and g["delivery"] and g["location"]
    assert [s["name"] for s in g["steps"]][0] == "网上申请"
    assert g["blank_form_url"] == "/licensing/guide/hazchem_operation/blank.pdf"
    assert all(m["form"] for m in one["materials"])


def test_apply_form_links_back_to_the_guide(world, client):
    client.force_login(world.qiye)
    page = client.get("/licensing/items/hazchem_operation/apply/").content.decode()
    assert 'href="/licensing/guide/hazchem_operation/"' in page


def test_guide_list_is_compact_on_phones(world, client):
    page = client.get("/licensing/guide/").content.decode()
    assert 'class="table responsive compact"' in page
