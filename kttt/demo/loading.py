"""The demo installation (DOMAIN.md §8): Huyện Phong Thổ, 2021–2025.

The 27 cooperatives are fictional (every name says "minh họa"), but their 2021 figures
reproduce the plan's section II exactly:

    sector              HTX  members  workers  capital (triệu đồng)
    nông nghiệp           9       74       27   18.590
    thương mại - dịch vụ 10       78       22   19.000
    xây dựng              8       61       30   25.500
    total                27      213       79   63.090

and revenue 19.682, average income 46,5 (weighted by workers), taxes 1.152, 54 managers of
whom 15 trained, 12 trained workers. The plan's text says "khoảng 90 lao động" while its
sector figures sum to 79: the data follow the sector figures. Years 2022–2025 are
illustrative: new cooperatives, one dissolved, one paused, one missing report, OCOP
products, three cooperative groups (THT), and the July 2025 reform applied.
"""

import datetime as dt
import secrets
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from kttt.accounts.models import Membership, Role
from kttt.areas.models import Succession
from kttt.areas.reference import REFORM_DAY
from kttt.areas.services import record_succession, unit_at
from kttt.changes.services import data_changed
from kttt.demo.seed import load_phong_tho_execution, load_phong_tho_plan
from kttt.documents.models import Issuer
from kttt.plans.models import ImplementingUnit
from kttt.plans.units import carried_on_by
from kttt.registry import services
from kttt.registry.models import (
    Entity,
    Grade,
    Kind,
    OcopLevel,
    Sector,
    Status,
    YearlyReport,
    YearlyReview,
)

SOURCE = "demo"
BEFORE_REFORM = dt.date(2021, 1, 1)


@dataclass(frozen=True)
class Coop:
    name: str
    sector: str
    commune: str  # old commune code (before 01/7/2025)
    established: dt.date
    members: int
    workers: int
    capital: int
    revenue: int
    income: str
    tax: int
    trained_workers: int
    manager_level: str  # "", "primary", "intermediate", "college", "university"
    grade: str
    hightech: bool = False
    value_chain: bool = False


NN, TM, XD = Sector.NONG_NGHIEP, Sector.THUONG_MAI_DICH_VU, Sector.XAY_DUNG
T, K, B, Y = Grade.TOT, Grade.KHA, Grade.TRUNG_BINH, Grade.YEU
D = dt.date

# 2021 figures, one row per cooperative. Sector sums are checked by tests/registry/test_demo.py
# against DOMAIN.md §8, computed by hand there.
# One row per cooperative reads as a table: keep the formatter from exploding it.
# fmt: off
COOPS_2021 = [
    Coop("HTX Nông nghiệp Phúc Hưng (minh họa)", NN, "03549", D(2012, 3, 5), 10, 4, 3000, 900, "48.5", 40, 1, "intermediate", T, hightech=True, value_chain=True),
    Coop("HTX Chè Shan tuyết Sì Lở Lầu (minh họa)", NN, "03550", D(2014, 6, 12), 8, 3, 2500, 650, "44.5", 30, 1, "primary", K),
    Coop("HTX Thảo quả Mù Sang (minh họa)", NN, "03568", D(2015, 9, 1), 9, 3, 2200, 700, "47", 30, 1, "primary", K),
    Coop("HTX Chăn nuôi Bản Lang (minh họa)", NN, "03577", D(2018, 4, 20), 7, 2, 1500, 400, "40", 15, 0, "", Y),
    Coop("HTX Dược liệu Dào San (minh họa)", NN, "03571", D(2016, 11, 8), 8, 3, 2000, 550, "45.5", 25, 1, "primary", B),
    Coop("HTX Lúa gạo Mường So (minh họa)", NN, "03589", D(2013, 1, 15), 9, 4, 2590, 800, "52", 35, 1, "college", T),
    Coop("HTX Nuôi cá Nậm Xe (minh họa)", NN, "03586", D(2021, 3, 15), 7, 2, 1300, 350, "42", 10, 0, "", ""),
    Coop("HTX Rau an toàn Khổng Lào (minh họa)", NN, "03583", D(2017, 7, 3), 8, 3, 1800, 500, "46", 20, 1, "", B),
    Coop("HTX Chuối Hoang Thèn (minh họa)", NN, "03580", D(2019, 10, 10), 8, 3, 1700, 450, "44", 20, 0, "primary", B),
    Coop("HTX Thương mại Phong Thổ (minh họa)", TM, "03549", D(2010, 5, 18), 9, 3, 2500, 800, "50", 45, 1, "university", T, value_chain=True),
    Coop("HTX Dịch vụ Ma Ly Pho (minh họa)", TM, "03574", D(2014, 2, 25), 8, 2, 2000, 600, "45", 35, 0, "primary", K),
    Coop("HTX Dịch vụ Huổi Luông (minh họa)", TM, "03490", D(2016, 8, 30), 7, 2, 1800, 550, "43.5", 30, 0, "", B),
    Coop("HTX Thương mại Lả Nhì Thàng (minh họa)", TM, "03391", D(2015, 12, 1), 8, 3, 2200, 700, "48", 40, 1, "intermediate", K),
    Coop("HTX Dịch vụ Sin Suối Hồ (minh họa)", TM, "03592", D(2018, 6, 6), 7, 2, 1500, 450, "41", 25, 0, "", Y),
    Coop("HTX Du lịch cộng đồng Sin Suối Hồ (minh họa)", TM, "03592", D(2019, 3, 22), 9, 2, 2500, 750, "47.5", 45, 1, "primary", K),
    Coop("HTX Dịch vụ Vàng Ma Chải (minh họa)", TM, "03562", D(2017, 10, 16), 8, 2, 1700, 500, "44", 30, 0, "", B),
    Coop("HTX Thương mại Tông Qua Lìn (minh họa)", TM, "03565", D(2021, 8, 20), 7, 2, 1600, 480, "42.5", 27, 0, "", ""),
    Coop("HTX Dịch vụ Pa Vây Sử (minh họa)", TM, "03559", D(2016, 4, 4), 8, 2, 1700, 520, "46", 30, 1, "primary", T),
    Coop("HTX Dịch vụ Mồ Sì San (minh họa)", TM, "03553", D(2019, 9, 9), 7, 2, 1500, 450, "43", 25, 0, "", Y),
    Coop("HTX Xây dựng Phong Thổ (minh họa)", XD, "03549", D(2008, 9, 12), 9, 5, 5000, 1500, "49.5", 110, 1, "intermediate", T),
    Coop("HTX Vật liệu xây dựng Khổng Lào (minh họa)", XD, "03583", D(2011, 4, 1), 8, 4, 4000, 1200, "47", 90, 0, "primary", K),
    Coop("HTX Gạch không nung Mường So (minh họa)", XD, "03589", D(2014, 7, 7), 7, 3, 3000, 950, "45", 65, 0, "", B),
    Coop("HTX Xây dựng Dào San (minh họa)", XD, "03571", D(2012, 10, 25), 8, 4, 3500, 1100, "48.5", 80, 1, "intermediate", K),
    Coop("HTX Khai thác cát Nậm Xe (minh họa)", XD, "03586", D(2015, 5, 5), 7, 3, 2500, 900, "44", 60, 0, "", B),
    Coop("HTX Xây dựng Ma Ly Pho (minh họa)", XD, "03574", D(2013, 11, 11), 8, 4, 3000, 1050, "46.5", 75, 0, "", B),
    Coop("HTX Vật liệu Hoang Thèn (minh họa)", XD, "03580", D(2017, 2, 14), 7, 4, 2500, 1000, "45", 65, 0, "", Y),
    Coop("HTX Xây dựng Sì Lở Lầu (minh họa)", XD, "03550", D(2018, 12, 3), 7, 3, 2000, 882, "55", 50, 0, "intermediate", B),
]

# Cooperatives founded after 2021 (illustrative), with their first yearly figures.
NEW_COOPS = [
    Coop("HTX Nông sản Ma Lù Thàng (minh họa)", NN, "03562", D(2022, 4, 12), 7, 3, 1500, 420, "47", 12, 1, "primary", "", value_chain=True),
    Coop("HTX Mắc ca Sì Lở Lầu (minh họa)", NN, "03550", D(2022, 9, 1), 8, 2, 1200, 300, "45", 8, 0, "", ""),
    Coop("HTX Dịch vụ vận tải Phong Thổ (minh họa)", Sector.VAN_TAI, "03549", D(2023, 5, 20), 9, 4, 2000, 800, "52", 30, 1, "intermediate", ""),
    Coop("HTX Chè Dào San (minh họa)", NN, "03571", D(2024, 2, 26), 10, 3, 1600, 380, "49", 10, 1, "primary", "", hightech=True),
    Coop("HTX Mây tre đan Khổng Lào (minh họa)", Sector.CONG_NGHIEP, "03583", D(2024, 8, 8), 7, 3, 900, 260, "44", 6, 0, "", ""),
    Coop("HTX Sâm Lai Châu Mù Sang (minh họa)", NN, "03568", D(2025, 3, 10), 8, 3, 2500, 150, "50", 5, 1, "college", ""),
]
# Founded after the reform, directly in a new commune (code read on its establishment date).
POST_REFORM_COOP = Coop("HTX Nông nghiệp xanh Dào San (minh họa)", NN, "03571", D(2025, 9, 5), 7, 2, 800, 60, "48", 0, 0, "", "", hightech=True)

THT_GROUPS = [
    ("THT-PT-001", "Tổ hợp tác trồng chè Phong Thổ (minh họa)", NN, "03549", D(2019, 5, 5)),
    ("THT-PT-002", "Tổ hợp tác dệt thổ cẩm Sin Suối Hồ (minh họa)", Sector.CONG_NGHIEP, "03592", D(2020, 10, 1)),
    ("THT-PT-003", "Tổ hợp tác chăn nuôi Dào San (minh họa)", NN, "03571", D(2022, 6, 15)),
]
# fmt: on

OCOP = [  # (coop index in COOPS_2021, product, stars, recognised, level)
    (0, "Gạo Séng Cù Phúc Hưng", 3, D(2021, 11, 20), OcopLevel.HUYEN),
    (1, "Chè Shan tuyết Sì Lở Lầu", 4, D(2022, 6, 15), OcopLevel.TINH),
    (2, "Thảo quả sấy Mù Sang", 3, D(2023, 4, 10), OcopLevel.HUYEN),
    (4, "Trà dược liệu Dào San", 3, D(2023, 9, 5), OcopLevel.HUYEN),
    (5, "Gạo nếp Mường So", 3, D(2023, 12, 1), OcopLevel.HUYEN),
    (0, "Miến dong Phúc Hưng", 4, D(2024, 5, 22), OcopLevel.TINH),
    (8, "Chuối sấy Hoang Thèn", 3, D(2024, 8, 30), OcopLevel.HUYEN),
    (14, "Rượu ngô Sin Suối Hồ", 3, D(2024, 11, 11), OcopLevel.HUYEN),
    (7, "Rau cải mèo Khổng Lào", 3, D(2025, 4, 18), OcopLevel.HUYEN),
    (1, "Hồng trà Sì Lở Lầu", 4, D(2025, 10, 2), OcopLevel.TINH),
]

# Cooperatives (index in COOPS_2021) listed on the public products page.
LISTED_PUBLICLY = (0, 1, 2, 7, 8)

# Commune-level mapping for the demo's July 2025 move. Only Khổng Lào and Sin Suối Hồ are
# shipped as reference data (kttt/areas/reference.py); these others are ILLUSTRATIVE, made up
# for the demo and labelled unverified, pending the annex of Nghị quyết 1670/NQ-UBTVQH15.
DEMO_SUCCESSIONS = [
    (["03549", "03490", "03574", "03391"], "03549"),  # -> Xã Phong Thổ
    (["03550", "03562", "03553", "03559"], "03562"),  # -> Xã Sì Lở Lầu
    (["03571", "03565", "03568"], "03571"),  # -> Xã Dào San
    (["03586"], "03394"),  # -> Xã Sin Suối Hồ
    (["03589"], "03583"),  # -> Xã Khổng Lào
]

ACCOUNTS = [  # username, role, area, department, full name
    ("admin", Role.ADMIN, "", "", "Quản trị hệ thống"),
    ("tonghop", Role.PLANNING, "109", "Phòng Tài chính - Kế hoạch", "Cán bộ tổng hợp"),
    ("phongnn", Role.DEPARTMENT, "109", "Phòng Nông nghiệp và PTNT", "Phòng Nông nghiệp"),
    ("phongkt", Role.DEPARTMENT, "109", "Phòng Kinh tế - Hạ tầng", "Phòng Kinh tế - Hạ tầng"),
    ("canboxa", Role.COMMUNE, "03549", "", "Cán bộ UBND xã Phong Thổ"),
    ("daidienhtx", Role.COOPERATIVE, "", "", "Đại diện HTX Nông nghiệp Phúc Hưng"),
    ("xem", Role.VIEWER, "109", "", "Lãnh đạo (chỉ xem)"),
]

LEVEL_FIELD = {
    "primary": "managers_primary",
    "intermediate": "managers_intermediate",
    "college": "managers_college",
    "university": "managers_university",
}
GROWTH = {2022: "1.08", 2023: "1.085", 2024: "1.075", 2025: "1.09"}
DISSOLVED = (24, D(2023, 10, 20))  # HTX Khai thác cát Nậm Xe
PAUSED = (18, D(2024, 5, 2))  # HTX Dịch vụ Mồ Sì San
MISSING_REPORT = (12, 2024)  # HTX Thương mại Lả Nhì Thàng did not report for 2024


def load_issuers() -> None:
    """Who issues the district's reports (illustrative): the district's finance-planning
    office until the district ended, the province's finance department after (the plan's
    reporting duty, section III.6, passes to the new level)."""
    Issuer.objects.create(
        area_code="109",
        valid_from=None,
        superior="UBND HUYỆN PHONG THỔ",
        agency="PHÒNG TÀI CHÍNH - KẾ HOẠCH",
        place="Phong Thổ",
        symbol="BC-TCKH",
        signer_authority="",
        signer_title="TRƯỞNG PHÒNG",
        recipients="UBND huyện (b/c);\nPhòng NN&PTNT, Phòng KT-HT;\nUBND các xã, thị trấn;\n"
        "Lưu: VT, TCKH.",
    )
    Issuer.objects.create(
        area_code="109",
        valid_from=REFORM_DAY,
        superior="UBND TỈNH LAI CHÂU",
        agency="SỞ TÀI CHÍNH",
        place="Lai Châu",
        symbol="BC-STC",
        signer_authority="KT. GIÁM ĐỐC",
        signer_title="PHÓ GIÁM ĐỐC",
        recipients="UBND tỉnh (b/c);\nUBND các xã Phong Thổ, Dào San, Sì Lở Lầu, Khổng Lào, "
        "Sin Suối Hồ;\nLưu: VT, KTTT.",
    )


def code_for(index: int) -> str:
    """Ten-digit codes like Lai Châu tax codes (62…), fictional."""
    return f"62{index + 1:08d}"


def _commune(code: str, on: dt.date):  # type: ignore[no-untyped-def]
    unit = unit_at(code, on, levels=["commune"])
    assert unit is not None, code
    return unit


def _figures(c: Coop, year: int, step: int) -> dict[str, object]:
    """The coop's figures for `year`, `step` years after its first (growth is illustrative)."""
    growth = Decimal(1)
    for y in range(year - step + 1, year + 1):
        growth *= Decimal(GROWTH.get(y, "1"))
    figures: dict[str, object] = {
        "members": c.members + step // 2,
        "workers": c.workers,
        "workers_trained": c.trained_workers,
        "managers": 2,
        "charter_capital": Decimal(c.capital),
        "revenue": Decimal(c.revenue) * growth if step else Decimal(c.revenue),
        "profit": (Decimal(c.revenue) * growth * Decimal("0.08")),
        "income_avg": Decimal(c.income) * growth if step else Decimal(c.income),
        "tax": Decimal(c.tax) * growth if step else Decimal(c.tax),
        "grade": c.grade if step == 0 else (c.grade or Grade.KHA),
        "hightech": c.hightech,
        "value_chain": c.value_chain,
    }
    if c.manager_level:
        figures[LEVEL_FIELD[c.manager_level]] = 1
    # Training pays off over the years: one more manager at intermediate level from 2023.
    if step >= 2 and c.manager_level == "primary" and year >= 2023:
        figures["managers_primary"] = 0
        figures["managers_intermediate"] = 1
    for key in ("revenue", "profit", "income_avg", "tax"):
        figures[key] = Decimal(figures[key]).quantize(Decimal("0.1"))  # type: ignore[arg-type]
    return figures


@transaction.atomic
def load(password: str | None = None) -> tuple[str, list[tuple[str, str]]]:
    """Load the demo; returns the accounts' password and (username, role label) pairs."""
    coops: list[Entity] = []
    for index, c in enumerate(COOPS_2021 + NEW_COOPS):
        coops.append(_create(code_for(index), c, Kind.HTX))
    post_reform = _create(code_for(len(coops)), POST_REFORM_COOP, Kind.HTX)
    groups = [
        services.create_entity(
            code=code,
            unit=_commune(commune, est),
            source=SOURCE,
            values={"name": name, "kind": Kind.THT, "sector": sector, "established_on": est},
        )
        for code, name, sector, commune, est in THT_GROUPS
    ]
    services.update_entity(entity=coops[0], values={"is_model_coop": True}, source=SOURCE)
    services.update_entity(entity=coops[9], values={"is_model_coop": True}, source=SOURCE)

    all_coops = COOPS_2021 + NEW_COOPS
    for year in range(2021, 2026):
        for index, (entity, c) in enumerate(zip(coops, all_coops, strict=True)):
            if c.established.year > year or (index, year) == MISSING_REPORT:
                continue
            if index == DISSOLVED[0] and year > DISSOLVED[1].year:
                continue
            step = year - max(c.established.year, 2021)
            services.save_yearly(
                entity=entity, year=year, values=_figures(c, year, step), source=SOURCE
            )
        for group in groups:
            if group.established_on.year <= year:
                services.save_yearly(
                    entity=group,
                    year=year,
                    source=SOURCE,
                    values={
                        "members": 12,
                        "workers": 6,
                        "revenue": Decimal(180 + 10 * (year - 2021)),
                        "income_avg": Decimal("38.5"),
                    },
                )
    services.save_yearly(
        entity=post_reform, year=2025, values=_figures(POST_REFORM_COOP, 2025, 0), source=SOURCE
    )
    _reported_by_deadline()

    services.change_status(
        entity=coops[DISSOLVED[0]],
        status=Status.DISSOLVED,
        date=DISSOLVED[1],
        source=SOURCE,
        note="Giải thể tự nguyện",
    )
    services.change_status(
        entity=coops[PAUSED[0]],
        status=Status.PAUSED,
        date=PAUSED[1],
        source=SOURCE,
        note="Tạm ngừng 12 tháng",
    )
    for index, product, stars, recognised, level in OCOP:
        services.save_ocop(
            entity=coops[index],
            name=product,
            source=SOURCE,
            values={"stars": stars, "recognized_on": recognised, "level": level},
        )

    # A few cooperatives with OCOP products agreed to the public products page
    # (/gioi-thieu-san-pham/); their telephone numbers are made up.
    for index in LISTED_PUBLICLY:
        services.update_entity(
            entity=coops[index],
            values={"listed_publicly": True, "phone": f"0213 000 {index:03d}"},
            source=SOURCE,
        )

    for olds, new in DEMO_SUCCESSIONS:
        record_succession(
            date=REFORM_DAY,
            old_codes=olds,
            new_codes=[new],
            only_old_territory=True,
            verified=False,
            source="Dữ liệu minh họa",
            note="MINH HỌA, CHƯA XÁC MINH: chỉ dùng cho dữ liệu mẫu.",
        )
    for succession in Succession.objects.filter(date=REFORM_DAY):
        services.apply_succession(succession=succession, source=SOURCE)

    plan = load_phong_tho_plan()
    load_phong_tho_execution(plan, coops)
    load_issuers()

    password = password or secrets.token_urlsafe(9)
    accounts = []
    for username, role, area, department, full_name in ACCOUNTS:
        user = User.objects.create_user(
            username=username,
            password=password,
            first_name=full_name,
            is_staff=role == Role.ADMIN,
            is_superuser=role == Role.ADMIN,
        )
        unit_name = department or ("UBND xã Phong Thổ" if role == Role.COMMUNE else "")
        # The district's offices ended on 30/06/2025: the account works today for the unit
        # that carries on its office's plan work (the recorded transfer).
        unit = ImplementingUnit.objects.filter(name=unit_name).first()
        Membership.objects.create(
            user=user,
            role=role,
            area_code=area,
            department=department,
            cooperative=coops[0] if role == Role.COOPERATIVE else None,
            implementing_unit=carried_on_by(unit, timezone.localdate()) if unit else None,
        )
        accounts.append((username, str(Role(role).label)))
    return password, accounts


def _reported_by_deadline() -> None:
    """The demo's years were reported on 10/01 of the next year, before the deadline
    (illustrative, like the figures), or now when that day is still to come."""
    now = timezone.now()
    reviews = YearlyReview.objects.filter(source=SOURCE)
    for year in reviews.order_by().values_list("report__year", flat=True).distinct():
        day = dt.datetime.combine(dt.date(year + 1, 1, 10), dt.time(8))
        at = min(now, timezone.make_aware(day))
        YearlyReport.objects.filter(year=year, reviews__source=SOURCE).update(reported_at=at)
        reviews.filter(report__year=year).update(at=at)
    data_changed()  # QuerySet.update sends no model signal (kttt.changes)


def _create(code: str, c: Coop, kind: str) -> Entity:
    return services.create_entity(
        code=code,
        unit=_commune(c.commune, c.established),
        source=SOURCE,
        values={
            "name": c.name,
            "kind": kind,
            "sector": c.sector,
            "established_on": c.established,
            "address": f"Bản trung tâm, {_commune(c.commune, c.established).name}",
            "representative": "Nguyễn Văn Minh Họa",
        },
    )
