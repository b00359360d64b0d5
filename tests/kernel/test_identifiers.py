"""统一社会信用代码 (GB 32100-2015) and 居民身份证号 (GB 11643-1999) validation."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bureau.kernel.identifiers import (
    USCC_ALPHABET,
    IdentifierError,
    make_id_number,
    make_uscc,
    validate_id_number,
    validate_mobile,
    validate_uscc,
)

body = st.tuples(
    st.sampled_from(["91", "92", "93", "11", "12", "52", "Y1", "N1"]),
    st.text(alphabet="0123456789", min_size=6, max_size=6),
    st.text(alphabet=USCC_ALPHABET, min_size=9, max_size=9),
).map("".join)


def test_standard_example_is_valid():
    assert validate_uscc("91350100M000100Y43") == "91350100M000100Y43"


def test_lower_case_is_normalised():
    assert validate_uscc("91350100m000100y43") == "91350100M000100Y43"


@given(body)
def test_every_code_with_its_check_character_is_valid(first17):
    assert validate_uscc(make_uscc(first17)) == make_uscc(first17)


@given(body, st.integers(0, 17), st.sampled_from(list(USCC_ALPHABET)))
def test_changing_one_character_is_caught(first17, position, replacement):
    code = make_uscc(first17)
    changed = code[:position] + replacement + code[position + 1:]
    if changed != code:
        with pytest.raises(IdentifierError):
            validate_uscc(changed)


def test_letters_in_the_organisation_code_are_allowed():
    # python-stdnum wrongly rejects letters in positions 1–8; GB 32100 allows them in position 1–2 (Y1, N1…)
    code = make_uscc("Y1140802MA0K12345")
    assert validate_uscc(code) == code


@pytest.mark.parametrize("value, message", [
    ("", "18位"), ("9135010", "18位"), ("91350100M000100Y4I", "不允许的字符"), ("91350100M000100Y44", "校验位"),
    ("Z1350100M000100Y43", "不允许的字符"), ("9A350100M000100Y43", "机构类别码"),
])
def test_bad_codes_get_a_chinese_reason(value, message):
    with pytest.raises(IdentifierError, match=message):
        validate_uscc(value)


def test_id_number_check_digit_and_birth_date():
    number = make_id_number("14080219800101123")
    assert validate_id_number(number) == number
    wrong = number[:-1] + ("0" if number[-1] != "0" else "1")
    with pytest.raises(IdentifierError, match="校验位"):
        validate_id_number(wrong)
    with pytest.raises(IdentifierError, match="出生日期"):
        validate_id_number(make_id_number("14080219801301123"))


def test_id_number_region_is_not_rejected_for_being_newer_than_the_birth_year():
    # 140899 is an internal code; real numbers with codes newer than the birth year must pass as well
    number = make_id_number("14089919600101123")
    assert validate_id_number(number) == number


def test_mobile_numbers():
    assert validate_mobile("13912345678") == "13912345678"
    for bad in ["1391234567", "23912345678", "1291234567a"]:
        with pytest.raises(IdentifierError):
            validate_mobile(bad)
