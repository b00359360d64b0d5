"""Which items an enterprise applies for here: `ItemEligibility` rows (industry, sub-sector, issuing level, source,
effective date; maintained by administrators) read for a day and judged by `rules.eligibility_refusal`. Used on
the item list (which items apply, the others explained) and again at submission (a coal mine gets no
安全生产许可证 from the city bureau: 《安全生产许可证条例》第三条)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, Protocol, TypeVar

from django.db.models import Q
from django.utils import timezone

from bureau.enterprises.models import Industry
from bureau.licensing import rules
from bureau.licensing.models import ItemEligibility, PermitItem


def _in_force(on: dt.date) -> Q:
    return Q(effective_from__lte=on) & (Q(effective_until__isnull=True) | Q(effective_until__gte=on))


def _rows(item_ids: Iterable[int], on: dt.date) -> dict[int, list[rules.EligibilityRow]]:
    found: dict[int, list[rules.EligibilityRow]] = {}
    for r in ItemEligibility.objects.filter(_in_force(on), item_id__in=list(item_ids)).order_by("-effective_from"):
        found.setdefault(r.item_id, []).append(
            rules.EligibilityRow(r.industry, r.sub_sector, r.issuing_level, r.note, r.source))
    return found


class Judged(Protocol):
    """What the judgement reads of an item (a PermitItem, or the item list's queries.ListedItem)."""

    @property
    def pk(self) -> Any: ...

    @property
    def name(self) -> str: ...

    @property
    def level(self) -> str: ...


J = TypeVar("J", bound=Judged)


def _judge(item: Judged, rows: list[rules.EligibilityRow], enterprise: Any) -> str | None:
    return rules.eligibility_refusal(rows, item_name=item.name, item_level=item.level, industry=enterprise.industry,
                                     industry_label=enterprise.get_industry_display(),
                                     sub_sector=enterprise.sub_sector, labels=dict(Industry.choices))


def refusal(item: PermitItem, enterprise: Any, *, on: dt.date | None = None) -> str | None:
    """Why `enterprise` cannot apply for `item` here today, or None."""
    on = on or timezone.localdate()
    return _judge(item, _rows([item.pk], on).get(item.pk, []), enterprise)


def catalogue_for(enterprise: Any, items: Iterable[J], *, on: dt.date | None = None
                  ) -> list[tuple[J, str | None]]:
    """(item, refusal or None) for each item, in one query for all rows."""
    items = list(items)
    rows = _rows([i.pk for i in items], on or timezone.localdate())
    return [(i, _judge(i, rows.get(i.pk, []), enterprise)) for i in items]
