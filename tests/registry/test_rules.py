"""The registry's rules as pure functions: no database, every boundary worked out by hand.
tests/registry/test_rules_paths.py runs the same rules through every path that writes."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.utils import timezone

from kttt.registry import rules
from kttt.registry.models import OcopLevel, Status

D = dt.date
TODAY = D(2026, 3, 10)
FOUNDED = D(2018, 3, 15)


@dataclass(frozen=True)
class U:
    """A unit as the rules read it."""

    name: str
    level: str = "commune"
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None


TT_PHONG_THO = U("Thị trấn Phong Thổ", valid_to=D(2025, 6, 30))
XA_PHONG_THO = U("Xã Phong Thổ", valid_from=D(2025, 7, 1))
HUYEN_PHONG_THO = U("Huyện Phong Thổ", level="district", valid_to=D(2025, 6, 30))


def messages(breaches):
    return [(b.field, b.message) for b in breaches]


# --- founding ---------------------------------------------------------------------------


def test_it_accepts_a_founding_today_and_refuses_tomorrow():
    assert rules.founding(TODAY, today=TODAY) == []
    assert messages(rules.founding(TODAY + dt.timedelta(days=1), today=TODAY)) == [
        ("established_on", "ngày thành lập 11/03/2026 sau ngày hôm nay (10/03/2026)")
    ]


def test_it_reads_today_from_the_local_clock(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: D(2027, 1, 1))
    assert rules.founding(D(2026, 12, 31)) == []
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: D(2026, 12, 30))
    assert [b.field for b in rules.founding(D(2026, 12, 31))] == ["established_on"]


def test_it_allows_a_founding_on_the_day_of_the_first_status_change_not_after():
    changes = [D(2021, 5, 1), D(2020, 5, 1)]
    assert rules.founding(D(2020, 5, 1), status_dates=changes, today=TODAY) == []
    assert messages(rules.founding(D(2020, 5, 2), status_dates=changes, today=TODAY)) == [
        (
            "established_on",
            "ngày thành lập 02/05/2020 sau lần đổi trạng thái đã ghi nhận ngày 01/05/2020",
        )
    ]


def test_it_requires_a_founding_strictly_before_the_first_move():
    moves = [D(2025, 7, 1)]
    assert rules.founding(D(2025, 6, 30), move_dates=moves, today=TODAY) == []
    assert messages(rules.founding(D(2025, 7, 1), move_dates=moves, today=TODAY)) == [
        (
            "established_on",
            "ngày thành lập 01/07/2025 phải trước lần chuyển địa bàn đã ghi nhận ngày 01/07/2025",
        )
    ]


# --- placements and moves ---------------------------------------------------------------


def test_it_places_only_in_a_commune_valid_on_the_day():
    assert rules.placement(TT_PHONG_THO, D(2025, 6, 30)) == []
    assert messages(rules.placement(TT_PHONG_THO, D(2025, 7, 1))) == [
        ("unit", "Thị trấn Phong Thổ không tồn tại vào ngày 01/07/2025")
    ]
    assert rules.placement(XA_PHONG_THO, D(2025, 7, 1)) == []
    assert messages(rules.placement(XA_PHONG_THO, D(2025, 6, 30))) == [
        ("unit", "Xã Phong Thổ không tồn tại vào ngày 30/06/2025")
    ]
    assert messages(rules.placement(HUYEN_PHONG_THO, D(2020, 1, 1))) == [
        ("unit", "địa bàn phải là đơn vị cấp xã, phường, thị trấn")
    ]


def move(date, unit=XA_PHONG_THO, in_force=TT_PHONG_THO, dates=(FOUNDED,)):
    return messages(
        rules.move(
            unit=unit,
            unit_in_force=in_force,
            date=date,
            established_on=FOUNDED,
            location_dates=dates,
        )
    )


def test_it_moves_after_the_founding_on_a_free_day_to_another_unit():
    assert move(D(2025, 7, 1)) == []
    assert move(FOUNDED, unit=TT_PHONG_THO, in_force=None) == [
        ("date", "ngày chuyển địa bàn 15/03/2018 phải sau ngày thành lập 15/03/2018")
    ]
    assert move(D(2025, 7, 1), dates=(FOUNDED, D(2025, 7, 1))) == [
        ("date", "đã có một lần chuyển địa bàn ngày 01/07/2025")
    ]
    assert move(D(2025, 8, 1), in_force=XA_PHONG_THO) == [
        ("unit", "HTX đã ở Xã Phong Thổ vào ngày 01/08/2025")
    ]
    assert move(D(2025, 6, 1)) == [("unit", "Xã Phong Thổ không tồn tại vào ngày 01/06/2025")]


# --- status changes ---------------------------------------------------------------------


def status(new, date, current=Status.ACTIVE, latest=None):
    return messages(
        rules.status_change(
            status=new,
            date=date,
            established_on=FOUNDED,
            current_status=current,
            latest_date=latest,
        )
    )


def test_it_accepts_a_status_change_from_the_founding_day_on():
    assert status(Status.PAUSED, FOUNDED) == []
    assert status(Status.PAUSED, D(2018, 3, 14)) == [
        ("date", "ngày đổi trạng thái 14/03/2018 trước ngày thành lập 15/03/2018")
    ]


def test_it_requires_a_status_change_strictly_after_the_latest_one():
    latest = D(2021, 5, 1)
    assert status(Status.ACTIVE, D(2021, 5, 2), Status.PAUSED, latest) == []
    refusal = (
        "date",
        "ngày đổi trạng thái phải sau lần đổi trạng thái đã ghi nhận gần nhất (01/05/2021); "
        "lịch sử trạng thái không được sửa",
    )
    assert status(Status.ACTIVE, latest, Status.PAUSED, latest) == [refusal]
    assert status(Status.DISSOLVED, D(2020, 1, 1), Status.PAUSED, latest) == [refusal]


def test_it_refuses_an_unchanged_status_and_a_missing_date():
    assert status(Status.ACTIVE, D(2020, 1, 1)) == [
        ("status", "trạng thái không thay đổi (đang là “Đang hoạt động”)")
    ]
    assert status(Status.DISSOLVED, None) == [
        ("date", "chưa nhập ngày đổi trạng thái (bắt buộc khi trạng thái là “Giải thể”)")
    ]
    assert status(Status.ACTIVE, None, Status.PAUSED) == [
        ("date", "chưa nhập ngày đổi trạng thái (bắt buộc khi chuyển lại “Đang hoạt động”)")
    ]


# --- the yearly row ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("founded", "year", "graded"),
    [
        # 31/12/2023 + 12 months = 31/12/2024: exactly 12 months old at the year's end.
        (D(2023, 12, 31), 2024, True),
        # 01/01/2024 is 11 months and 30 days old at 31/12/2024.
        (D(2024, 1, 1), 2024, False),
        (D(2024, 1, 1), 2025, True),
        (D(2024, 12, 31), 2025, True),
        (D(2025, 1, 1), 2025, False),
        (D(2024, 2, 29), 2025, True),
    ],
)
def test_it_grades_only_from_12_months_old_at_the_years_end(founded, year, graded):
    assert rules.may_be_graded(founded, year) is graded
    breaches = rules.yearly(year=year, established_on=founded, values={"grade": "kha"})
    assert (breaches == []) is graded
    assert rules.yearly(year=year, established_on=founded, values={"grade": ""}) == []


def test_it_says_why_a_young_cooperative_is_not_graded():
    breaches = rules.yearly(year=2024, established_on=D(2024, 1, 1), values={"grade": "tot"})
    assert messages(breaches) == [
        (
            "grade",
            "HTX thành lập ngày 01/01/2024 chưa đủ 12 tháng tính đến 31/12/2024 nên không "
            "được xếp loại năm 2024 (để trống)",
        )
    ]


def test_it_refuses_a_year_before_the_founding_year():
    assert rules.yearly(year=2018, established_on=FOUNDED, values={}) == []
    assert messages(rules.yearly(year=2017, established_on=FOUNDED, values={})) == [
        ("year", "năm 2017 trước năm thành lập của HTX (15/03/2018)")
    ]


def test_it_checks_the_ranges_of_section_6(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: TODAY)
    assert messages(rules.yearly(year=1949, established_on=None, values={})) == [
        ("year", "năm phải từ 1950 đến 2027")
    ]
    assert rules.yearly(year=2027, established_on=None, values={}) == []
    values = {
        "members": 1_000_001,
        "workers": 0,
        "charter_capital": Decimal("-1"),
        "profit": Decimal("-5"),
        "tax": Decimal("1000000000.001"),
    }
    assert messages(rules.yearly_figures(values)) == [
        ("members", "vượt quá giới hạn 1.000.000"),
        ("charter_capital", "không được âm"),
        ("tax", "vượt quá giới hạn ±1.000.000.000 triệu đồng"),
    ]


def test_it_ties_trained_workers_and_manager_levels_to_their_totals():
    assert rules.yearly_figures({"workers": 9, "workers_trained": 9}) == []
    assert messages(rules.yearly_figures({"workers": 9, "workers_trained": 12})) == [
        ("workers_trained", "lao động qua đào tạo (12) nhiều hơn lao động thường xuyên (9)")
    ]
    levels = {"managers_primary": 1, "managers_intermediate": 1, "managers_university": 1}
    assert rules.yearly_figures({"managers": 3, **levels}) == []
    assert messages(rules.yearly_figures({"managers": 2, **levels})) == [
        ("managers", "tổng cán bộ quản lý theo trình độ (3) nhiều hơn số cán bộ quản lý (2)")
    ]
    assert messages(rules.yearly_figures(levels)) == [
        ("managers", "có cán bộ quản lý theo trình độ nhưng chưa nhập số cán bộ quản lý")
    ]


# --- OCOP -------------------------------------------------------------------------------


RECOGNIZED = D(2022, 10, 20)


def ocop(stars=4, on=RECOGNIZED, level=OcopLevel.TINH, district=True, founded=FOUNDED):
    return messages(
        rules.ocop(
            stars=stars,
            recognized_on=on,
            level=level,
            established_on=founded,
            district_level=district,
            today=TODAY,
        )
    )


def test_it_accepts_3_to_5_stars():
    assert ocop(stars=3) == ocop(stars=4) == ocop(stars=5, level=OcopLevel.TRUNG_UONG) == []
    assert ocop(stars=2) == [("stars", "số sao phải là 3, 4 hoặc 5")]
    assert ocop(stars=6) == [("stars", "số sao phải là 3, 4 hoặc 5")]
    assert ocop(stars=None) == [("stars", "chưa nhập số sao")]


@pytest.mark.parametrize("level", [OcopLevel.TINH, OcopLevel.HUYEN])
def test_it_recognises_5_stars_at_the_central_level_only(level):
    assert ocop(stars=5, level=level) == [
        (
            "level",
            f"sản phẩm 5 sao chỉ do cấp Trung ương công nhận (không phải cấp “{level.label}”)",
        )
    ]
    assert ocop(stars=5, level="") == []  # level unknown: not refused


def test_it_refuses_the_district_level_where_no_district_exists_that_day():
    assert ocop(level=OcopLevel.HUYEN, on=D(2025, 6, 30), district=True) == []
    assert ocop(level=OcopLevel.HUYEN, on=D(2025, 11, 15), district=False) == [
        (
            "level",
            "ngày 15/11/2025 địa bàn của HTX không còn cấp huyện nên không thể có cấp công "
            "nhận “Huyện”",
        )
    ]
    assert ocop(level=OcopLevel.TINH, on=D(2025, 11, 15), district=False) == []


def test_it_tells_from_data_whether_a_district_exists():
    assert rules.district_level_on(HUYEN_PHONG_THO, D(2025, 6, 30))
    assert not rules.district_level_on(HUYEN_PHONG_THO, D(2025, 7, 1))
    assert not rules.district_level_on(None, D(2020, 1, 1))


def test_it_refuses_a_recognition_in_the_future_or_before_the_founding():
    assert ocop(on=TODAY) == []
    assert ocop(on=D(2026, 3, 11)) == [
        ("recognized_on", "ngày công nhận 11/03/2026 sau ngày hôm nay (10/03/2026)")
    ]
    assert ocop(on=FOUNDED) == []
    assert ocop(on=D(2018, 3, 14)) == [
        ("recognized_on", "ngày công nhận 14/03/2018 trước ngày thành lập 15/03/2018")
    ]


def test_it_shows_a_breach_as_a_sentence():
    breach = rules.Breach("date", "đã có một lần chuyển địa bàn ngày 01/07/2025")
    assert breach.sentence == "Đã có một lần chuyển địa bàn ngày 01/07/2025"
