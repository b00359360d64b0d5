"""Fast-track eligibility (I.2, I.4, I.6, I.7) and the 容缺 rules (I.3)."""

from __future__ import annotations

import datetime as dt

from bureau.licensing.rules import check_materials, commitment_deadline_refusal, fast_track, tolerance_refusal


def track(**kw):
    base = dict(kind="promised", needs_site=True, needs_expert=False, grade_skips_site=True, grade="3",
                grade_label="三级", special_evaluation_allowed=False, partial_renovation=False, is_gas_station=False,
                merged_review_allowed=False, merged_review=False, joint_completion_visit=False)
    base.update(kw)
    return fast_track(**base)


def test_grade_one_or_two_skips_site_verification_with_reason():
    for grade, label in (("1", "一级"), ("2", "二级")):
        t = track(grade=grade, grade_label=label)
        assert t.site_required is False
        assert t.fast_track == "grade_skip_site"
        assert label in t.reason and "免于现场核查" in t.reason and "措施" not in t.reason  # no measure numbers on screen


def test_grade_three_keeps_site_verification():
    t = track(grade="3")
    assert t.site_required is True and t.fast_track == ""


def test_grade_skip_only_for_items_that_allow_it():
    assert track(grade="1", grade_skips_site=False).site_required is True


def test_instant_item_without_site_or_expert_is_decided_on_the_spot():
    t = track(kind="instant", needs_site=False, grade_skips_site=False)
    assert t.fast_track == "instant"


def test_instant_item_needing_site_check_is_not_instant():
    assert track(kind="instant", needs_site=True, grade_skips_site=False).fast_track != "instant"


def test_gas_station_partial_renovation_takes_special_evaluation():
    t = track(special_evaluation_allowed=True, partial_renovation=True, is_gas_station=True, needs_expert=True)
    assert t.fast_track == "special_evaluation" and not t.expert_required and not t.site_required


def test_partial_renovation_of_a_non_gas_station_is_not_special():
    assert track(special_evaluation_allowed=True, partial_renovation=True).fast_track != "special_evaluation"


def test_merged_condition_and_design_review():
    assert track(merged_review_allowed=True, merged_review=True).fast_track == "merged_review"
    assert track(merged_review_allowed=False, merged_review=True).fast_track != "merged_review"


def test_completion_acceptance_joined_with_first_licence_site_check():
    t = track(joint_completion_visit=True, grade_skips_site=False)
    assert t.fast_track == "joint_completion" and t.site_required


def test_shared_materials_are_never_missing():
    check = check_materials([("营业执照", "shared", False), ("申请书", "required", True)])
    assert check.complete


def test_tolerance_only_when_required_materials_are_complete():
    check = check_materials([("申请书", "required", False), ("预案", "tolerable", False)])
    assert "主要材料不齐全" in tolerance_refusal(allowed=True, check=check)
    check = check_materials([("申请书", "required", True), ("预案", "tolerable", False)])
    assert tolerance_refusal(allowed=True, check=check) is None
    assert tolerance_refusal(allowed=False, check=check) == "该事项不适用容缺受理"


def test_tolerance_refused_when_nothing_is_missing():
    check = check_materials([("申请书", "required", True)])
    assert "无需容缺" in tolerance_refusal(allowed=True, check=check)


def test_commitment_deadline_may_not_exceed_promised_limit():
    today, latest = dt.date(2026, 11, 2), dt.date(2026, 11, 20)
    assert commitment_deadline_refusal(dt.date(2026, 11, 21), today=today, latest=latest)
    assert commitment_deadline_refusal(today, today=today, latest=latest)
    assert commitment_deadline_refusal(None, today=today, latest=latest)
    assert commitment_deadline_refusal(dt.date(2026, 11, 20), today=today, latest=latest) is None
