"""Identifiers: 统一社会信用代码 (GB 32100-2015) and 居民身份证号 (GB 11643-1999)."""

from __future__ import annotations

import datetime as dt

from stdnum.cn import ric

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = [pow(3, i, 31) for i in range(17)]  # GB 32100-2015 §5: W_i = 3^(i-1) mod 31
# GB 32100-2015 §4.1: registration-authority codes and their organisation-type codes.
_USCC_AUTHORITIES = {
    "1": "123459",
    "2": "19",
    "3": "12345",
    "4": "19",
    "5": "1239",
    "6": "129",
    "7": "1239",
    "8": "19",
    "9": "123",
    "A": "19",
    "N": "12349",
    "Y": "1",
}


class IdentifierError(ValueError):
    """A malformed identifier; the message is in Chinese for the user."""


def uscc_check_char(first17: str) -> str:
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def validate_uscc(value: str) -> str:
    """Return the normalised code or raise IdentifierError.

    Implemented here rather than with python-stdnum, whose validator wrongly rejects letters in positions 1–8
    that the standard allows (domain §8).
    """
    code = (value or "").strip().upper()
    if len(code) != 18:
        raise IdentifierError("统一社会信用代码应为18位")
    bad = [c for c in code if c not in USCC_ALPHABET]
    if bad:
        raise IdentifierError(f"统一社会信用代码含有不允许的字符：{''.join(sorted(set(bad)))}（不使用I、O、Z、S、V）")
    authority, kind = code[0], code[1]
    if authority not in _USCC_AUTHORITIES or kind not in _USCC_AUTHORITIES[authority]:
        raise IdentifierError("统一社会信用代码的登记管理部门码或机构类别码无效")
    if not code[2:8].isdigit():
        raise IdentifierError("统一社会信用代码第3—8位应为登记管理机关行政区划码")
    if uscc_check_char(code[:17]) != code[17]:
        raise IdentifierError("统一社会信用代码校验位错误")
    return code


def make_uscc(body17: str) -> str:
    """Append the check character to 17 characters (used by the demo data and tests)."""
    return body17 + uscc_check_char(body17)


def validate_id_number(value: str) -> str:
    """Check a 18-digit resident ID number: format, birth date and check digit (GB 11643-1999).

    The region part is checked only for shape: python-stdnum flags real numbers whose region code postdates the
    birth year (domain §8), so its region check is not used.
    """
    number = (value or "").strip().upper()
    if len(number) != 18 or not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise IdentifierError("身份证号码应为18位，前17位为数字，末位为数字或X")
    if ric.calc_check_digit(number) != number[17]:
        raise IdentifierError("身份证号码校验位错误")
    try:
        birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise IdentifierError("身份证号码中的出生日期无效")
    if birth > dt.date.today() or birth.year < 1900:
        raise IdentifierError("身份证号码中的出生日期无效")
    return number


def make_id_number(body17: str) -> str:
    return body17 + ric.calc_check_digit(body17 + "0")


def validate_mobile(value: str) -> str:
    number = (value or "").strip()
    if len(number) != 11 or not number.isdigit() or number[0] != "1" or number[1] not in "3456789":
        raise IdentifierError("手机号码应为11位，以1开头")
    return number
