"""The Phong Thổ plan 2021–2025 (shared/seed, section III.2) as data, for the demo."""

from decimal import Decimal

from django.db import transaction

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
