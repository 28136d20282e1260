"""Reference units of Tỉnh Lai Châu before and after the 2025 reform, with provenance.

Loaded by a data migration (so every installation has them) through historical models:
nothing here may use the current models' methods.
"""

import datetime as dt
import json
from pathlib import Path
from typing import Any

from kttt.lib.text import sort_key

DATA_DIR = Path(__file__).resolve().parent / "data"
REFORM_DAY = dt.date(2025, 7, 1)
LAST_OLD_DAY = dt.date(2025, 6, 30)
SOURCE_BEFORE = (
    "Danh mục ĐVHC của Tổng cục Thống kê (danhmuchanhchinh.gso.gov.vn), qua gói PyPI "
    "vietnam-provinces==0.6.0, phiên bản dữ liệu 2025-01-04."
)
SOURCE_AFTER = (
    "Danh mục ĐVHC của Tổng cục Thống kê, qua gói PyPI vietnam-provinces==2025.10.1, phiên bản "
    "dữ liệu 2025-10-18. Sắp xếp theo Nghị quyết 1670/NQ-UBTVQH15 (16/6/2025), hiệu lực 01/7/2025."
)
PREFIXES = ["Thành phố", "Thị xã", "Thị trấn", "Huyện", "Phường", "Tỉnh", "Xã"]


def division_type(name: str) -> str:
    """The GSO package labels every commune-level unit "xã": the name says what it is."""
    for prefix in PREFIXES:
        if name.startswith(prefix + " "):
            return prefix.lower()
    return "xã"


def _load(name: str) -> dict[str, Any]:
    return json.loads((DATA_DIR / name).read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def load_lai_chau(apps: Any, schema_editor: Any) -> None:
    Unit = apps.get_model("areas", "Unit")
    Succession = apps.get_model("areas", "Succession")
    before = _load("lai-chau-units-before-2025-07-01.json")
    after = _load("lai-chau-units-from-2025-07-01.json")

    def make(code: int, name: str, level: str, width: int, **extra: Any) -> Any:
        return Unit.objects.create(
            code=str(code).zfill(width),
            name=name,
            level=level,
            division_type=division_type(name),
            sort_name=sort_key(name),
            **extra,
        )

    province = make(
        before["code"],
        before["name"],
        "province",
        2,
        source=SOURCE_BEFORE + " " + SOURCE_AFTER,
    )
    old: dict[int, Any] = {}
    for district_data in before["districts"]:
        district = make(
            district_data["code"],
            district_data["name"],
            "district",
            3,
            parent=province,
            province=province,
            valid_to=LAST_OLD_DAY,
            source=SOURCE_BEFORE,
        )
        old[district_data["code"]] = district
        for ward in district_data["wards"]:
            old[ward["code"]] = make(
                ward["code"],
                ward["name"],
                "commune",
                5,
                parent=district,
                province=province,
                district=district,
                valid_to=LAST_OLD_DAY,
                source=SOURCE_BEFORE,
            )
    new: dict[int, Any] = {}
    for ward in after["wards"]:
        new[ward["code"]] = make(
            ward["code"],
            ward["name"],
            "commune",
            5,
            parent=province,
            province=province,
            valid_from=REFORM_DAY,
            source=SOURCE_AFTER,
        )

    def succession(
        olds: list[int], news: list[int], only_old: bool, source: str, note: str
    ) -> None:
        s = Succession.objects.create(
            date=REFORM_DAY, only_old_territory=only_old, verified=False, source=source, note=note
        )
        s.old_units.set([old[c] for c in olds])
        s.new_units.set([new[c] for c in news])

    succession(
        [109],
        [3549, 3394, 3571, 3562, 3583],
        False,
        SOURCE_AFTER,
        "Huyện Phong Thổ (109) chấm dứt ngày 30/6/2025; địa bàn thuộc 5 xã mới. Xã Sin Suối Hồ "
        "còn nhận Xã Thèn Sin của Huyện Tam Đường nên số liệu theo địa bàn huyện cũ là gần đúng. "
        "Chưa đối chiếu phụ lục Nghị quyết 1670.",
    )
    succession(
        [3592, 3394],
        [3394],
        True,
        SOURCE_AFTER,
        "Xã Sin Suối Hồ mới (3394) gồm Xã Sin Suối Hồ cũ (3592) và Xã Thèn Sin (3394 cũ, Huyện "
        "Tam Đường). CHƯA XÁC MINH: danh sách xã cũ có thể chưa đầy đủ.",
    )
    succession(
        [3580, 3577, 3583],
        [3583],
        True,
        "Nguồn thứ cấp, chưa đối chiếu phụ lục Nghị quyết 1670/NQ-UBTVQH15.",
        "Xã Khổng Lào mới = Hoang Thèn + Bản Lang + Khổng Lào. CHƯA XÁC MINH.",
    )


def unload_lai_chau(apps: Any, schema_editor: Any) -> None:
    apps.get_model("areas", "Succession").objects.all().delete()
    Unit = apps.get_model("areas", "Unit")
    for level in ("commune", "district", "province"):
        Unit.objects.filter(level=level).delete()
