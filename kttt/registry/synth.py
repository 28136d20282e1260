"""A synthetic national-size data set for benchmarks (`kttt synth`).

A tree of 62 synthetic provinces (codes 20–81; Lai Châu's real 12 is left alone) with
districts and communes that end on 30/06/2025, merged three-to-one into new communes from
01/07/2025 with the successions recorded and applied; entities spread over the old communes
with status histories (dissolved, paused), moves, and yearly data with gaps. Deterministic
for a given seed. No audit entries: the rows are not anyone's work.
"""

import datetime as dt
import itertools
import random
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from django.db import connection, transaction

from kttt.areas.models import Level, Succession, Unit
from kttt.areas.reference import LAST_OLD_DAY, REFORM_DAY
from kttt.lib.text import sort_key
from kttt.registry.grading import attach_years
from kttt.registry.models import (
    Entity,
    Grade,
    Kind,
    Location,
    Sector,
    Status,
    StatusChange,
    YearlyReport,
)

PROVINCES = [code for code in range(20, 82) if code != 12]
BATCH = 2000
SOURCE = "Dữ liệu tổng hợp (kttt synth), không phải số liệu thật."
SECTOR_WEIGHTS = {
    Sector.NONG_NGHIEP: 55,
    Sector.THUONG_MAI_DICH_VU: 15,
    Sector.XAY_DUNG: 8,
    Sector.CONG_NGHIEP: 8,
    Sector.VAN_TAI: 6,
    Sector.TIN_DUNG: 4,
    Sector.MOI_TRUONG: 2,
    Sector.KHAC: 2,
}


def _unit(code: str, name: str, level: str, **extra: Any) -> Unit:
    unit = Unit(code=code, name=name, level=level, source=SOURCE, **extra)
    unit.division_type = {"province": "tỉnh", "district": "huyện"}.get(level, "xã")
    unit.sort_name = sort_key(name)
    return unit


@transaction.atomic
def build_units(rng: random.Random) -> tuple[list[Unit], dict[int, Unit]]:
    """Old communes (to place entities in) and the new commune each one merged into."""
    if Unit.objects.filter(code=f"{PROVINCES[0]:02d}", level=Level.PROVINCE).exists():
        old: list[Unit] = list(
            Unit.objects.filter(level=Level.COMMUNE, valid_to=LAST_OLD_DAY, source=SOURCE)
        )
        successor = {
            o.pk: n
            for s in Succession.objects.filter(source=SOURCE).prefetch_related(
                "old_units", "new_units"
            )
            for n in s.new_units.all()
            for o in s.old_units.all()
        }
        return old, successor
    provinces = Unit.objects.bulk_create(
        [_unit(f"{p:02d}", f"Tỉnh Tổng hợp {p}", Level.PROVINCE) for p in PROVINCES]
    )
    districts: list[Unit] = []
    next_district = 200
    for province in provinces:
        for _ in range(rng.randint(8, 12)):
            districts.append(
                _unit(
                    f"{next_district:03d}",
                    f"Huyện Tổng hợp {next_district}",
                    Level.DISTRICT,
                    parent=province,
                    province=province,
                    valid_to=LAST_OLD_DAY,
                )
            )
            next_district += 1
    districts = Unit.objects.bulk_create(districts, batch_size=BATCH)
    old = []
    next_commune = 10000
    for district in districts:
        for _ in range(rng.randint(10, 18)):
            old.append(
                _unit(
                    f"{next_commune:05d}",
                    f"Xã Tổng hợp {next_commune}",
                    Level.COMMUNE,
                    parent=district,
                    province=district.province,
                    district=district,
                    valid_to=LAST_OLD_DAY,
                )
            )
            next_commune += 1
    old = Unit.objects.bulk_create(old, batch_size=BATCH)
    # The 2025 reform: every three old communes of a district become one new commune.
    groups: list[list[Unit]] = []
    for district in districts:
        mine = [u for u in old if u.district_id == district.pk]
        groups += [mine[i : i + 3] for i in range(0, len(mine), 3)]
    new = Unit.objects.bulk_create(
        [
            _unit(
                f"{20000 + i:05d}",
                f"Xã Mới Tổng hợp {20000 + i}",
                Level.COMMUNE,
                parent=g[0].province,
                province=g[0].province,
                valid_from=REFORM_DAY,
            )
            for i, g in enumerate(groups)
        ],
        batch_size=BATCH,
    )
    successions = Succession.objects.bulk_create(
        [
            Succession(date=REFORM_DAY, only_old_territory=True, verified=False, source=SOURCE)
            for _ in groups
        ],
        batch_size=BATCH,
    )
    Succession.old_units.through.objects.bulk_create(
        [
            Succession.old_units.through(succession_id=s.pk, unit_id=u.pk)
            for s, g in zip(successions, groups, strict=True)
            for u in g
        ],
        batch_size=BATCH,
    )
    Succession.new_units.through.objects.bulk_create(
        [
            Succession.new_units.through(succession_id=s.pk, unit_id=n.pk)
            for s, n in zip(successions, new, strict=True)
        ],
        batch_size=BATCH,
    )
    successor = {u.pk: n for g, n in zip(groups, new, strict=True) for u in g}
    return old, successor


def _date(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randrange(max((end - start).days, 1)))


def _yearly(rng: random.Random, entity: Entity, year: int) -> YearlyReport:
    workers = rng.randint(0, 40)
    managers = rng.randint(1, 6)
    levels = [0, 0, 0, 0]
    for _ in range(rng.randint(0, managers)):
        levels[rng.randrange(4)] += 1
    revenue = Decimal(rng.randint(0, 20_000))
    return YearlyReport(
        entity=entity,
        year=year,
        members=rng.randint(5, 300),
        workers=workers,
        workers_trained=rng.randint(0, workers),
        managers=managers,
        managers_primary=levels[0],
        managers_intermediate=levels[1],
        managers_college=levels[2],
        managers_university=levels[3],
        charter_capital=Decimal(rng.randint(50, 50_000)),
        revenue=revenue,
        profit=(revenue * Decimal(rng.randint(-10, 20)) / 100).quantize(Decimal("0.001")),
        income_avg=Decimal(rng.randint(200, 1200)) / 10 if workers else None,
        tax=Decimal(rng.randint(0, 500)),
        grade=rng.choice([Grade.TOT, Grade.KHA, Grade.TRUNG_BINH, Grade.YEU, ""]),
        hightech=rng.random() < 0.1,
        value_chain=rng.random() < 0.08,
    )


def _chunks(items: list[Any]) -> Iterator[list[Any]]:
    for i in range(0, len(items), BATCH):
        yield items[i : i + BATCH]


@transaction.atomic
def synthesize(entities: int, first_year: int, last_year: int, seed: int) -> dict[str, int]:
    rng = random.Random(seed)
    old, successor = build_units(rng)
    sectors: list[str] = list(SECTOR_WEIGHTS)
    weights = list(SECTOR_WEIGHTS.values())
    start = Entity.objects.count()
    made = Entity.objects.bulk_create(
        [_entity(rng, start + i, sectors, weights) for i in range(entities)],
        batch_size=BATCH,
    )
    locations, statuses, reports = [], [], []
    for entity in made:
        commune = rng.choice(old)
        mine = [Location(entity=entity, unit=commune, valid_from=entity.established_on)]
        if rng.random() < 0.02 and entity.established_on < dt.date(2024, 1, 1):
            commune = rng.choice(old)
            moved_on = _date(rng, entity.established_on + dt.timedelta(days=1), dt.date(2025, 6, 1))
            mine.append(Location(entity=entity, unit=commune, valid_from=moved_on))
        if entity.established_on <= LAST_OLD_DAY:
            mine.append(
                Location(
                    entity=entity,
                    unit=successor[commune.pk],
                    valid_from=REFORM_DAY,
                    note="Theo sắp xếp ĐVHC",
                )
            )
        # The derived end of each row (kttt.registry.history), set here rather than by a
        # second pass over a few hundred thousand rows.
        for before, after in itertools.pairwise(mine):
            before.valid_to = after.valid_from - dt.timedelta(days=1)
        locations += mine
        ended_year = 9999
        roll = rng.random()
        if roll < 0.06:
            day = _date(rng, entity.established_on + dt.timedelta(days=1), dt.date(2026, 6, 1))
            statuses.append(StatusChange(entity=entity, status=Status.DISSOLVED, date=day))
            ended_year = day.year
        elif roll < 0.10:
            day = _date(rng, entity.established_on + dt.timedelta(days=1), dt.date(2026, 6, 1))
            statuses.append(StatusChange(entity=entity, status=Status.PAUSED, date=day))
        for year in range(max(first_year, entity.established_on.year), last_year + 1):
            if year <= ended_year and rng.random() < 0.85:
                reports.append(_yearly(rng, entity, year))
    for chunk in _chunks(locations):
        Location.objects.bulk_create(chunk)
    for chunk in _chunks(statuses):
        StatusChange.objects.bulk_create(chunk)
    for chunk in _chunks(reports):
        YearlyReport.objects.bulk_create(chunk)
    attach_years()  # the grades' rules, as every writer of yearly rows does; records the change
    # Fresh statistics for the query planner after a bulk load (both databases have ANALYZE).
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {
        "entities": len(made),
        "locations": len(locations),
        "status_changes": len(statuses),
        "yearly_reports": len(reports),
        "old_communes": len(old),
    }


def _entity(rng: random.Random, index: int, sectors: list[str], weights: list[int]) -> Entity:
    roll = rng.random()
    kind = Kind.HTX if roll < 0.85 else Kind.THT if roll < 0.97 else Kind.LHHTX
    entity = Entity(
        code=f"S{index:09d}",
        name=f"HTX Tổng hợp {index}",
        kind=kind,
        sector=rng.choices(sectors, weights)[0],
        established_on=_date(rng, dt.date(1995, 1, 1), dt.date(2025, 12, 1)),
    )
    entity.derive()
    return entity
