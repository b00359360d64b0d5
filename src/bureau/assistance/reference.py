"""Shipped reference data of the area: the business fields (业务范围) of safety-evaluation agencies.

安全评价检测检验机构管理办法 (应急管理部令第1号, in force 2019-05-01) licenses an agency for listed business
fields; its annex kept only the fields for which the work-safety law requires an evaluation (煤炭开采业, 金属、非金属矿
及其他矿采选业, 陆地石油和天然气开采业, 陆上油气管道运输业, 石油加工业、化学原料、化学品及医药制造业, 烟花爆竹制造业,
金属冶炼). Each field lists the enterprise industries (`enterprises.Industry`) whose reports fall into it. Loaded by
the data migration and by `seed_scopes()` (tests build their database from the models)."""

from __future__ import annotations

import datetime as dt
from typing import Any

SOURCE = "安全评价检测检验机构管理办法（应急管理部令第1号）附件：安全评价机构业务范围"
EFFECTIVE_FROM = dt.date(2019, 5, 1)
SCOPES: list[tuple[str, str, list[str]]] = [
    ("coal_mining", "煤炭开采业", ["coal"]),
    ("metal_mining", "金属、非金属矿及其他矿采选业", ["non_coal_mine"]),
    ("oil_gas_extraction", "陆地石油和天然气开采业", []),
    ("oil_gas_pipeline", "陆上油气管道运输业", []),
    ("chemicals", "石油加工业，化学原料、化学品及医药制造业",
     ["hazchem_production", "hazchem_operation", "hazchem_use", "gas_station"]),
    ("fireworks", "烟花爆竹制造业", ["fireworks"]),
    ("metal_smelting", "金属冶炼", ["metallurgy_trade"]),
]


def seed_scopes(model: Any) -> None:
    """Create the business fields that are missing (an administrator's edits of existing rows are kept); `model` is
    `AgencyScope` (the migration passes its historical model)."""
    for order, (code, name, industries) in enumerate(SCOPES):
        model.objects.get_or_create(code=code, defaults={
            "name": name, "industries": industries, "source": SOURCE, "effective_from": EFFECTIVE_FROM,
            "order": order})
