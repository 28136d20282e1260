"""The Phong Thổ plan 2021–2025 (shared/seed, section III.2) as data, for the demo."""

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from kttt.plans.models import Comparison, Plan, Schedule, Target

PHONG_THO_TARGETS = [
    # code, text as written, indicator, comparison, value, expected range, check
    (
        "a_new_coops",
        "Hằng năm thành lập mới từ 1-2 HTX trở lên",
        "coops_new",
        Comparison.GTE,
        1,
        (1, 2),
        Schedule.EVERY_YEAR,
    ),
    (
        "b_effective",
        "Tỷ lệ HTX hoạt động hiệu quả đạt trên 50%",
        "coops_effective_pct",
        Comparison.GT,
        50,
        None,
        Schedule.EVERY_YEAR,
    ),
    (
        "c_income_growth",
        "Thu nhập bình quân tăng 7-10% hằng năm",
        "income_growth_pct",
        Comparison.GTE,
        7,
        (7, 10),
        Schedule.EVERY_YEAR,
    ),
    (
        "d_hightech",
        "Trên 10% HTX nông nghiệp ứng dụng công nghệ cao",
        "agri_hightech_pct",
        Comparison.GT,
        10,
        None,
        Schedule.EVERY_YEAR,
    ),
    (
        "d_value_chain",
        "5-10% HTX liên kết với doanh nghiệp theo chuỗi giá trị",
        "value_chain_pct",
        Comparison.GTE,
        5,
        (5, 10),
        Schedule.EVERY_YEAR,
    ),
    (
        "d_ocop",
        "8-10 HTX có sản phẩm OCOP",
        "ocop_coops",
        Comparison.GTE,
        8,
        (8, 10),
        Schedule.END_OF_PERIOD,
    ),
    (
        "dd_mgr_primary",
        "Trên 55% HTX có cán bộ quản lý trình độ sơ cấp trở lên",
        "coops_mgr_primary_pct",
        Comparison.GT,
        55,
        None,
        Schedule.EVERY_YEAR,
    ),
    (
        "dd_mgr_intermediate",
        "Ít nhất 30% HTX có cán bộ quản lý trình độ trung cấp trở lên",
        "coops_mgr_intermediate_pct",
        Comparison.GTE,
        30,
        None,
        Schedule.EVERY_YEAR,
    ),
]


@transaction.atomic
def load_phong_tho_plan() -> Plan:
    plan = Plan.objects.create(
        name="Đề án phát triển kinh tế tập thể huyện Phong Thổ giai đoạn 2021-2025",
        area_code="109",
        start_year=2021,
        end_year=2025,
        baseline_year=2021,
        description="Mục tiêu cụ thể theo mục III.2 của Đề án.",
        # Sections I, II.3 and III.1 as written in the seed. The seed gives no decision
        # number or date: they stay blank; the agency is the one the text names (III.6,
        # Nơi nhận), the legal bases the documents the text cites (see the JSON's source).
        purpose=PLAN_TEXT["text"]["purpose"],
        assessment=PLAN_TEXT["text"]["assessment"],
        general_objective=PLAN_TEXT["text"]["general_objective"],
        legal_bases="\n".join(PLAN_TEXT["text"]["legal_bases"]),
        decision_agency=PLAN_TEXT["text"]["decision_agency"],
    )
    for order, (code, text, indicator, comparison, value, expected, check) in enumerate(
        PHONG_THO_TARGETS, start=1
    ):
        Target.objects.create(
            plan=plan,
            code=code,
            description=text,
            indicator=indicator,
            comparison=comparison,
            value=Decimal(value),
            schedule=check,
            order=order,
            expected_low=Decimal(expected[0]) if expected else None,
            expected_high=Decimal(expected[1]) if expected else None,
        )
    return plan


# --- execution (III.3–III.6) ------------------------------------------------------------------

# The plan's own text of III.3, III.4 and III.6, with its provenance.
PLAN_TEXT = json.loads(
    (Path(__file__).resolve().parent / "data" / "phong-tho-2021-2025.json").read_text("utf-8")
)
TC_KH = "Phòng Tài chính - Kế hoạch"
NN = "Phòng Nông nghiệp và PTNT"
KT_HT = "Phòng Kinh tế - Hạ tầng"
XA = "UBND các xã, thị trấn"
TT_PHONG_THO = "UBND thị trấn Phong Thổ"
XA_PHONG_THO = "UBND xã Phong Thổ"
SO_TC = "Sở Tài chính tỉnh Lai Châu"
SO_NN = "Sở Nông nghiệp và Môi trường tỉnh Lai Châu"
SO_CT = "Sở Công Thương tỉnh Lai Châu"
UNITS = [  # name, short name, kind, area
    (TC_KH, "TC-KH", "department", ""),
    (NN, "NN&PTNT", "department", ""),
    (KT_HT, "KT-HT", "department", ""),
    (XA, "UBND xã", "other", ""),
    (TT_PHONG_THO, "UBND TT Phong Thổ", "commune", "03549"),
    (XA_PHONG_THO, "UBND xã Phong Thổ", "commune", "03549"),
    ("UBND xã Dào San", "UBND xã Dào San", "commune", "03571"),
    ("UBND xã Sì Lở Lầu", "UBND xã Sì Lở Lầu", "commune", "03562"),
    ("UBND xã Sin Suối Hồ", "UBND xã Sin Suối Hồ", "commune", "03394"),
    ("UBND xã Khổng Lào", "UBND xã Khổng Lào", "commune", "03583"),
    (SO_TC, "Sở TC", "department", ""),
    (SO_NN, "Sở NN&MT", "department", ""),
    (SO_CT, "Sở CT", "department", ""),
]
# The 2025 reform (DOMAIN.md §3): the district's offices and the pre-reform communes end on
# 30/06/2025, the new communes' committees begin on 01/07/2025. The group "UBND các xã, thị
# trấn" (III.6) stays open: it names whichever commune committees the area has at the time.
REFORM_DAY = dt.date(2025, 7, 1)
LAST_OLD_DAY = dt.date(2025, 6, 30)
BEGIN_AT_REFORM = [
    XA_PHONG_THO,
    "UBND xã Dào San",
    "UBND xã Sì Lở Lầu",
    "UBND xã Sin Suối Hồ",
    "UBND xã Khổng Lào",
]
# MINH HỌA, CHƯA XÁC MINH: who took over each office's open work on 01/07/2025, recorded as
# transfers (kttt.plans.units.end_unit). The district's state management of the collective
# economy went up to the province's departments (Sở Tài chính, which took over Sở Kế hoạch
# và Đầu tư on 01/03/2025; Sở Nông nghiệp và Môi trường; Sở Công Thương for trade); work
# held in one commune goes to that commune's committee, named per activity. The first
# successor takes everything not named.
DEMO_TRANSFERS = [  # ended unit, successors, {activity title: successor}
    (TC_KH, [SO_TC, XA_PHONG_THO], {"Tập huấn kế toán HTX": XA_PHONG_THO}),
    (NN, [SO_NN], {}),
    (KT_HT, [SO_CT], {}),
    (TT_PHONG_THO, [XA_PHONG_THO], {}),
]
TRANSFER_NOTE = (
    "MINH HỌA, CHƯA XÁC MINH: dữ liệu mẫu; cơ quan nhận việc sau sắp xếp 2025 do quản trị "
    "viên chỉ định theo văn bản của tỉnh."
)

# The plan's section III.3 (tasks) and III.4 (solutions); the lead and cooperating units
# follow III.6 (who does what). Text shortened to the first clause; the full text is kept.
TASKS = [
    (
        "task",
        "III.3.a",
        "Tập huấn, tư vấn thành lập HTX; tuyên truyền; củng cố HTX yếu kém",
        TC_KH,
        [XA],
        ["a_new_coops"],
    ),
    (
        "task",
        "III.3.b",
        "Nâng cao năng lực, nhận thức cho khu vực kinh tế tập thể",
        TC_KH,
        [NN],
        ["dd_mgr_primary", "dd_mgr_intermediate"],
    ),
    (
        "task",
        "III.3.c",
        "Hỗ trợ xúc tiến thương mại, mở rộng thị trường",
        KT_HT,
        [NN],
        ["d_ocop", "d_value_chain"],
    ),
    (
        "task",
        "III.3.d",
        "Lựa chọn, nhân rộng mô hình HTX kiểu mới hiệu quả (QĐ 167)",
        TC_KH,
        [NN],
        ["b_effective"],
    ),
    (
        "task",
        "III.3.đ",
        "Hỗ trợ đầu tư kết cấu hạ tầng, nhà xưởng, thiết bị chế biến (QĐ 1804)",
        NN,
        [TC_KH, KT_HT],
        ["d_hightech", "c_income_growth"],
    ),
    ("task", "III.3.e", "Đề nghị giao kinh phí hằng năm; bổ sung ngân sách huyện", TC_KH, [], []),
    (
        "solution",
        "III.4.a",
        "Tăng cường lãnh đạo, chỉ đạo; tuyên truyền về HTX kiểu mới",
        XA,
        [TC_KH],
        [],
    ),
    ("solution", "III.4.b", "Củng cố cơ quan quản lý nhà nước; thanh tra, kiểm tra", TC_KH, [], []),
    (
        "solution",
        "III.4.c",
        "Tập trung nguồn lực cho HTX gắn với chuỗi giá trị",
        NN,
        [KT_HT],
        ["d_value_chain"],
    ),
    (
        "solution",
        "III.4.d",
        "Bảo vệ tài nguyên, môi trường, thích ứng biến đổi khí hậu",
        NN,
        [XA],
        [],
    ),
    ("solution", "III.4.đ", "Nâng cao trách nhiệm của Liên minh HTX tỉnh", TC_KH, [], []),
    ("solution", "III.4.e", "Phát huy vai trò Mặt trận Tổ quốc, các đoàn thể", XA, [], []),
    ("solution", "III.4.g", "Tăng cường hợp tác quốc tế về kinh tế tập thể", KT_HT, [], []),
    (
        "solution",
        "III.4.h",
        "Đẩy mạnh phong trào thi đua trong lĩnh vực kinh tế tập thể",
        TC_KH,
        [XA],
        [],
    ),
]

# Each year's allocation per task (triệu đồng): provincial 300 a year (1.500 over five years),
# district 100 a year (500). Requests are a little above. Disbursed: 90 % in 2021–2024,
# 50 % in 2025 (the demo's "today" is after the plan; 2025's money is partly unspent).
ALLOCATIONS = {
    "Ngân sách tỉnh": {"III.3.a": 40, "III.3.b": 80, "III.3.c": 60, "III.3.d": 60, "III.3.đ": 60},
    "Ngân sách huyện": {"III.3.a": 20, "III.3.b": 40, "III.3.c": 20, "III.3.e": 20},
}
SOURCES = [("Ngân sách huyện", 500), ("Ngân sách tỉnh", 1500)]

# task, unit, kind, title, start, end, place, participants, of whom coop staff, cost, source,
# cooperatives supported (indexes into the demo's list)
ACTIVITIES = [
    (
        "III.3.a",
        TC_KH,
        "founding",
        "Tư vấn thành lập HTX cho sáng lập viên",
        "2021-04-12",
        "2021-04-13",
        "Thị trấn Phong Thổ",
        45,
        30,
        15,
        "Ngân sách huyện",
        [6],
    ),
    (
        "III.3.b",
        TC_KH,
        "training",
        "Bồi dưỡng kỹ năng quản trị HTX",
        "2021-09-20",
        "2021-09-22",
        "Hội trường UBND huyện",
        60,
        52,
        40,
        "Ngân sách tỉnh",
        [0, 1, 2, 9],
    ),
    (
        "III.3.c",
        KT_HT,
        "fair",
        "Tham gia Hội chợ nông sản vùng Tây Bắc",
        "2022-10-05",
        "2022-10-09",
        "TP Lai Châu",
        12,
        10,
        35,
        "Ngân sách tỉnh",
        [0, 1, 14],
    ),
    (
        "III.3.d",
        TC_KH,
        "model_167",
        "Hỗ trợ HTX kiểu mới theo QĐ 167",
        "2022-03-01",
        "2022-11-30",
        "Thị trấn Phong Thổ",
        None,
        None,
        50,
        "Ngân sách tỉnh",
        [0, 9],
    ),
    (
        "III.3.đ",
        NN,
        "infra_1804",
        "Hỗ trợ nhà sơ chế chè theo QĐ 1804",
        "2023-04-01",
        "2023-09-30",
        "Xã Sì Lở Lầu",
        None,
        None,
        54,
        "Ngân sách tỉnh",
        [1],
    ),
    (
        "III.3.b",
        NN,
        "young_staff",
        "Đưa cán bộ trẻ tốt nghiệp đại học về HTX",
        "2023-07-01",
        "2023-12-31",
        "Các xã",
        3,
        3,
        30,
        "Ngân sách tỉnh",
        [0, 4],
    ),
    (
        "III.3.c",
        NN,
        "quality",
        "Hỗ trợ đăng ký nhãn hiệu, chứng nhận OCOP",
        "2024-03-15",
        "2024-08-30",
        "Các xã",
        None,
        None,
        25,
        "Ngân sách tỉnh",
        [8, 14],
    ),
    (
        "III.3.a",
        TT_PHONG_THO,
        "propaganda",
        "Tuyên truyền Luật Hợp tác xã 2023",
        "2024-06-10",
        "2024-06-10",
        "Thị trấn Phong Thổ",
        120,
        25,
        5,
        "Ngân sách huyện",
        [],
    ),
    (
        "III.4.b",
        TC_KH,
        "inspection",
        "Kiểm tra hoạt động các HTX",
        "2024-11-04",
        "2024-11-15",
        "Các xã",
        8,
        0,
        None,
        None,
        [3, 13, 18],
    ),
    (
        "III.3.b",
        TC_KH,
        "training",
        "Tập huấn kế toán HTX",
        "2025-08-18",
        "2025-08-20",
        "Xã Phong Thổ",
        50,
        44,
        30,
        "Ngân sách tỉnh",
        [0, 2, 5],
    ),
    (
        "III.3.c",
        KT_HT,
        "fair",
        "Kết nối HTX với doanh nghiệp xuất khẩu qua Ma Lù Thàng",
        "2025-11-10",
        "2025-12-20",
        "Cửa khẩu Ma Lù Thàng",
        None,
        None,
        None,
        None,
        [0, 9],
    ),
]
LINKS = [  # coop index, enterprise, product, contract, value, via Ma Lù Thàng
    (0, "Công ty CP Nông sản Tây Bắc (minh họa)", "Gạo Séng Cù", "2021-03-01", 350, False),
    (9, "Công ty TNHH XNK Ma Lù Thàng (minh họa)", "Nông sản tổng hợp", "2021-06-15", 800, True),
    (
        27,
        "Công ty TNHH Thương mại Biên giới (minh họa)",
        "Chuối, thảo quả",
        "2022-05-10",
        420,
        True,
    ),
]


def load_phong_tho_execution(plan: Plan, coops: list[Any]) -> None:
    """The plan's tasks, solutions, responsibilities, budget and illustrative work."""
    from kttt.plans import activities, budget
    from kttt.plans.models import ImplementingUnit, Responsibility, Task

    units = {
        name: ImplementingUnit.objects.create(
            name=name,
            short_name=short,
            kind=kind,
            area_code=area,
            valid_from=REFORM_DAY if name in BEGIN_AT_REFORM else None,
        )
        for name, short, kind, area in UNITS
    }
    targets = {t.code: t for t in plan.targets.all()}
    tasks = {}
    for order, (kind, code, title, lead, helpers, serves) in enumerate(TASKS, start=1):
        letter = code.rsplit(".", 1)[-1]
        task = Task.objects.create(
            plan=plan,
            kind=kind,
            code=code,
            title=title,
            text=PLAN_TEXT["tasks" if kind == "task" else "solutions"][letter],
            responsible=units[lead],
            start_year=plan.start_year,
            end_year=plan.end_year,
            order=order,
        )
        task.cooperating.set([units[h] for h in helpers])
        task.targets.set([targets[t] for t in serves])
        tasks[code] = task
    for unit_name, text in PLAN_TEXT["responsibilities"].items():
        Responsibility.objects.create(plan=plan, unit=units[unit_name], text=text)
    sources = {
        name: budget.set_source(plan=plan, name=name, total=Decimal(total))
        for name, total in SOURCES
    }
    for year in range(plan.start_year, plan.end_year + 1):
        share = Decimal("0.5") if year == plan.end_year else Decimal("0.9")
        for source_name, per_task in ALLOCATIONS.items():
            for code, amount in per_task.items():
                line = budget.set_line(
                    task=tasks[code],
                    source=sources[source_name],
                    year=year,
                    requested=Decimal(amount) + 10,
                    allocated=Decimal(amount),
                )
                budget.disburse(
                    line=line,
                    date=dt.date(year, 11, 30),
                    amount=Decimal(amount) * share,
                    document=f"{year}/{code[-1]}/{source_name[-4:]}",
                )
    today = timezone.localdate()  # the demo's statuses, as every page reads "today"
    saved: dict[str, Any] = {}
    later: list[tuple[dict[str, Any], list[Any]]] = []
    for (
        task_code,
        unit,
        kind,
        title,
        start,
        end,
        place,
        people,
        coop,
        cost,
        source,
        coop_ids,
    ) in ACTIVITIES:
        start_d, end_d = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
        status = (
            "done"
            if end_d < dt.date(2025, 10, 1)
            else "in_progress"
            if start_d <= today
            else "planned"
        )
        values: dict[str, Any] = {
            "task": tasks[task_code],
            "unit": units[unit],
            "kind": kind,
            "title": title,
            "start_date": start_d,
            "end_date": end_d,
            "place": place,
            "status": status,
            "participants": people,
            "participants_coop": coop,
            "cost": None if cost is None else Decimal(cost),
            "fund_source": sources.get(source) if source else None,
            "result": "Đã thực hiện theo kế hoạch (minh họa)." if status == "done" else "",
        }
        if end_d > LAST_OLD_DAY and status != "planned":
            # Planned by the office before the reform; carried out by its successor.
            later.append((values, [coops[i] for i in coop_ids]))
            values = values | {"status": "planned", "result": ""}
        saved[title] = activities.save_activity(
            values=values, cooperatives=[coops[i] for i in coop_ids]
        )
    _apply_demo_transfers(units, saved)
    for values, supported in later:
        activity = saved[values["title"]]
        activity.refresh_from_db()  # the transfer moved it
        activities.save_activity(
            values=values | {"unit": activity.unit}, cooperatives=supported, activity=activity
        )
    for index, enterprise, product, contract, value, export in LINKS:
        activities.save_link(
            entity=coops[index],
            values={
                "enterprise": enterprise,
                "product": product,
                "contract_date": dt.date.fromisoformat(contract),
                "value": Decimal(value),
                "exports_via_ma_lu_thang": export,
            },
        )


def _apply_demo_transfers(units: dict[str, Any], saved: dict[str, Any]) -> None:
    """End the district's offices and the pre-reform commune committee on 30/06/2025,
    passing their open work on as DEMO_TRANSFERS says (MINH HỌA)."""
    from kttt.plans.units import end_unit

    for name, successors, named in DEMO_TRANSFERS:
        end_unit(
            unit=units[name],
            date=LAST_OLD_DAY,
            successors=[units[s] for s in successors],
            assignments={saved[title]: units[s] for title, s in named.items()},
            source="Dữ liệu minh họa",
            note=TRANSFER_NOTE,
        )
