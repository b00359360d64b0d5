"""Reference data every installation needs (inserted after migrate when missing; never overwrites edits)."""

from __future__ import annotations

from typing import Any

from bureau.kernel.models import Region

# GB/T 2260 codes of 运城市 (domain §1). 运城经济开发区 has no GB code: 140899 is the platform's internal code.
REGIONS = [
    ("140800", "运城市", None, False),
    ("140802", "盐湖区", "140800", False),
    ("140821", "临猗县", "140800", False),
    ("140822", "万荣县", "140800", False),
    ("140823", "闻喜县", "140800", False),
    ("140824", "稷山县", "140800", False),
    ("140825", "新绛县", "140800", False),
    ("140826", "绛县", "140800", False),
    ("140827", "垣曲县", "140800", False),
    ("140828", "夏县", "140800", False),
    ("140829", "平陆县", "140800", False),
    ("140830", "芮城县", "140800", False),
    ("140881", "永济市", "140800", False),
    ("140882", "河津市", "140800", False),
    ("140899", "运城经济开发区", "140800", True),
]


def seed_regions(**_: Any) -> None:
    existing = set(Region.objects.values_list("code", flat=True))
    for sort, (code, name, parent, internal) in enumerate(REGIONS):
        if code not in existing:
            Region.objects.create(code=code, name=name, parent_id=parent, is_internal=internal, sort=sort)
