"""Personal data is masked on screen, in exports and in logs (ID: first 6 + last 4; mobile: first 3 + last 4)."""

from __future__ import annotations

import logging

from bureau.kernel.masking import MaskingLogFilter, mask_id_number, mask_phone, mask_text


def test_id_number_keeps_first_six_and_last_four():
    assert mask_id_number("140802198001011234") == "140802********1234"


def test_mobile_keeps_first_three_and_last_four():
    assert mask_phone("13912345678") == "139****5678"


def test_free_text_is_masked():
    text = "联系人 张三 身份证 14080219800101123X 电话 13912345678"
    assert mask_text(text) == "联系人 张三 身份证 140802********123X 电话 139****5678"


def test_log_records_are_masked(caplog):
    logger = logging.getLogger("bureau.test.masking")
    logger.addFilter(MaskingLogFilter())
    with caplog.at_level(logging.INFO, logger="bureau.test.masking"):
        logger.info("SMS to %s about %s", "13912345678", "140802198001011234")
    assert "13912345678" not in caplog.text and "139****5678" in caplog.text
    assert "140802********1234" in caplog.text
