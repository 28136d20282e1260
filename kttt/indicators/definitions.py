"""Every indicator of DOMAIN.md §4, declared once: code, Vietnamese name, unit and the
definition as a person reads it. docs/indicators.md is generated from this table and a test
fails when the two disagree."""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Indicator:
    code: str
    name: str | Promise
    unit: str | Promise
    definition: str | Promise
    percent: bool = False
    # What a value is made of, for tracing it back (kttt indicators --explain): the set it
    # counts or sums over ("P", "R", "new", "dissolved", "ocop"), the rows of that set
    # that count (a filter over YearlyReport for R), and the figure summed, if any.
    basis: str = "R"
    rows: Q | Callable[[], Q] | None = None
    field: str | None = None

    @property
    def is_count(self) -> bool:
        """Counts cooperatives, people or products: a whole number, never a share or money."""
        return not self.percent and str(self.unit) in {str(HTX), str(PEOPLE), str(PRODUCTS)}

    def row_filter(self) -> Q:
        if self.rows is None:
            return Q()
        return self.rows() if callable(self.rows) else self.rows


# Row filters over YearlyReport, shared by the definitions below (see engine for the sums).
TRAINED_MANAGER = (
    Q(managers_primary__gt=0)
    | Q(managers_intermediate__gt=0)
    | Q(managers_college__gt=0)
    | Q(managers_university__gt=0)
)
INTERMEDIATE_MANAGER = (
    Q(managers_intermediate__gt=0) | Q(managers_college__gt=0) | Q(managers_university__gt=0)
)
WITH_INCOME = Q(workers__gt=0, income_avg__isnull=False)
AGRI = Q(entity__sector="nong_nghiep")


def effective() -> Q:
    """Rows counted as "hoạt động hiệu quả": each row by the grades its own grading rule
    counts (DOMAIN.md §2; the recorded rules are few), a graded row without a rule by the
    setting KTTT_EFFECTIVE_GRADES. Read per query, so a rule recorded today counts at once."""
    from django.conf import settings

    from kttt.registry.models import GradingRule

    condition = Q(
        grading_rule__isnull=True, grade__in=[g.strip() for g in settings.KTTT_EFFECTIVE_GRADES]
    )
    for pk, grades in GradingRule.objects.values_list("pk", "effective"):
        condition |= Q(grading_rule=pk, grade__in=grades)
    return condition


HTX = _("HTX")
PEOPLE = _("người")
PRODUCTS = _("sản phẩm")
MILLION = _("triệu đồng")
PCT = "%"

INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        "coops_active",
        _("Số HTX đang hoạt động"),
        HTX,
        _(
            "P: HTX thành lập đến ngày tham chiếu D, có địa bàn trong vùng tại D và trạng "
            "thái Đang hoạt động tại D."
        ),
        basis="P",
    ),
    Indicator(
        "coops_new",
        _("Số HTX thành lập mới"),
        HTX,
        _("HTX thành lập trong năm, có địa bàn trong vùng tại D, bất kể trạng thái."),
        basis="new",
    ),
    Indicator(
        "coops_dissolved",
        _("Số HTX giải thể, phá sản, bị thu hồi"),
        HTX,
        _(
            "HTX trong vùng chuyển sang Giải thể, Phá sản hoặc Bị thu hồi giấy chứng nhận "
            "trong năm."
        ),
        basis="dissolved",
    ),
    Indicator(
        "reports_received",
        _("Số HTX có báo cáo số liệu năm"),
        HTX,
        _(
            "R: các HTX của P có số liệu năm đã được duyệt (trang chỉ tiêu có thể gồm cả "
            "số liệu chưa duyệt khi người xem chọn)."
        ),
    ),
    Indicator(
        "reporting_rate_pct",
        _("Tỷ lệ HTX có báo cáo"),
        PCT,
        _("reports_received / coops_active × 100."),
        percent=True,
    ),
    Indicator(
        "reporting_ontime_pct",
        _("Tỷ lệ HTX báo cáo đúng hạn"),
        PCT,
        _(
            "Số HTX của P có số liệu năm được gửi hoặc được duyệt lần đầu chậm nhất vào hạn "
            "báo cáo (KTTT_REPORT_DEADLINE, mặc định 15/01 năm sau) / coops_active × 100. "
            "Số liệu do Phòng Tài chính - Kế hoạch nhập hoặc nhập từ Excel được tính tại "
            "thời điểm ghi; tình trạng duyệt hiện nay không thay đổi kết quả."
        ),
        percent=True,
        basis="ontime",
    ),
    Indicator(
        "members", _("Tổng số thành viên"), PEOPLE, _("Σ số thành viên trên R."), field="members"
    ),
    Indicator(
        "workers",
        _("Lao động thường xuyên"),
        PEOPLE,
        _("Σ lao động thường xuyên trên R."),
        field="workers",
    ),
    Indicator(
        "workers_trained",
        _("Lao động qua đào tạo nghề"),
        PEOPLE,
        _("Σ lao động qua đào tạo nghề trên R."),
        field="workers_trained",
    ),
    Indicator(
        "workers_trained_pct",
        _("Tỷ lệ lao động qua đào tạo nghề"),
        PCT,
        _("workers_trained / workers × 100."),
        percent=True,
        field="workers_trained",
    ),
    Indicator(
        "managers", _("Cán bộ quản lý"), PEOPLE, _("Σ cán bộ quản lý trên R."), field="managers"
    ),
    Indicator(
        "managers_trained",
        _("Cán bộ quản lý đã qua đào tạo"),
        PEOPLE,
        _("Σ (sơ cấp + trung cấp + cao đẳng + đại học trở lên) trên R."),
        rows=TRAINED_MANAGER,
    ),
    Indicator(
        "managers_trained_pct",
        _("Tỷ lệ cán bộ quản lý đã qua đào tạo"),
        PCT,
        _("managers_trained / managers × 100."),
        percent=True,
        rows=TRAINED_MANAGER,
    ),
    Indicator(
        "capital", _("Vốn điều lệ"), MILLION, _("Σ vốn điều lệ trên R."), field="charter_capital"
    ),
    Indicator("revenue", _("Doanh thu"), MILLION, _("Σ doanh thu trên R."), field="revenue"),
    Indicator(
        "revenue_avg",
        _("Doanh thu bình quân một HTX"),
        _("triệu đồng/HTX"),
        _("revenue / reports_received."),
        field="revenue",
    ),
    Indicator("profit", _("Lợi nhuận"), MILLION, _("Σ lợi nhuận trên R."), field="profit"),
    Indicator(
        "profit_avg",
        _("Lợi nhuận bình quân một HTX"),
        _("triệu đồng/HTX"),
        _("profit / reports_received."),
        field="profit",
    ),
    Indicator("tax", _("Nộp ngân sách"), MILLION, _("Σ nộp ngân sách trên R."), field="tax"),
    Indicator(
        "income_avg",
        _("Thu nhập bình quân của lao động thường xuyên"),
        _("triệu đồng/người/năm"),
        _(
            "Σ(thu nhập × lao động) / Σ lao động, trên các dòng của R có lao động > 0 và có "
            "thu nhập."
        ),
        rows=WITH_INCOME,
        field="income_avg",
    ),
    Indicator(
        "income_growth_pct",
        _("Tăng trưởng thu nhập bình quân"),
        PCT,
        _("(income_avg năm Y / income_avg năm Y−1 − 1) × 100, cùng vùng chọn."),
        percent=True,
        rows=WITH_INCOME,
        field="income_avg",
    ),
    Indicator(
        "coops_classified",
        _("Số HTX được xếp loại"),
        HTX,
        _("Các dòng của R có xếp loại."),
        rows=~Q(grade=""),
    ),
    Indicator(
        "coops_effective",
        _("Số HTX hoạt động hiệu quả"),
        HTX,
        _(
            "Các dòng của R có xếp loại được tính là hoạt động hiệu quả theo quy định xếp loại "
            "gắn với dòng (quy định có hiệu lực ngày 15/12 năm Y); dòng có xếp loại mà chưa "
            "gắn quy định: theo cấu hình KTTT_EFFECTIVE_GRADES."
        ),
        rows=effective,
    ),
    Indicator(
        "coops_effective_pct",
        _("Tỷ lệ HTX hoạt động hiệu quả"),
        PCT,
        _("coops_effective / coops_classified × 100 (mẫu số: HTX được xếp loại)."),
        percent=True,
        rows=effective,
    ),
    Indicator(
        "coops_effective_active_pct",
        _("Tỷ lệ HTX hoạt động hiệu quả trên tổng số HTX đang hoạt động"),
        PCT,
        _("coops_effective / coops_active × 100 (mẫu số: HTX đang hoạt động)."),
        percent=True,
        rows=effective,
    ),
    Indicator(
        "agri_coops",
        _("Số HTX nông nghiệp có báo cáo"),
        HTX,
        _("Các dòng của R thuộc lĩnh vực Nông - lâm nghiệp, thủy sản."),
        rows=AGRI,
    ),
    Indicator(
        "agri_hightech",
        _("Số HTX nông nghiệp ứng dụng công nghệ cao"),
        HTX,
        _("Trong agri_coops, các dòng có ứng dụng công nghệ cao = Có."),
        rows=AGRI & Q(hightech=True),
    ),
    Indicator(
        "agri_hightech_pct",
        _("Tỷ lệ HTX nông nghiệp ứng dụng công nghệ cao"),
        PCT,
        _("agri_hightech / agri_coops × 100."),
        percent=True,
        rows=AGRI & Q(hightech=True),
    ),
    Indicator(
        "value_chain_coops",
        _("Số HTX liên kết chuỗi giá trị"),
        HTX,
        _("Các dòng của R có liên kết chuỗi giá trị = Có."),
        rows=Q(value_chain=True),
    ),
    Indicator(
        "value_chain_pct",
        _("Tỷ lệ HTX liên kết chuỗi giá trị"),
        PCT,
        _("value_chain_coops / reports_received × 100."),
        percent=True,
        rows=Q(value_chain=True),
    ),
    Indicator(
        "ocop_coops",
        _("Số HTX có sản phẩm OCOP còn hiệu lực"),
        HTX,
        _(
            "Các HTX của P có ít nhất một sản phẩm OCOP công nhận đến D và D trước ngày "
            "công nhận + 36 tháng."
        ),
        basis="ocop",
    ),
    Indicator(
        "ocop_products",
        _("Số sản phẩm OCOP còn hiệu lực"),
        PRODUCTS,
        _("Các sản phẩm OCOP còn hiệu lực tại D của các HTX trên."),
        basis="ocop",
    ),
    Indicator(
        "coops_mgr_primary",
        _("Số HTX có CBQL trình độ sơ cấp trở lên"),
        HTX,
        _("Các dòng của R có ít nhất một cán bộ quản lý từ sơ cấp trở lên."),
        rows=TRAINED_MANAGER,
    ),
    Indicator(
        "coops_mgr_primary_pct",
        _("Tỷ lệ HTX có CBQL trình độ sơ cấp trở lên"),
        PCT,
        _("coops_mgr_primary / reports_received × 100."),
        percent=True,
        rows=TRAINED_MANAGER,
    ),
    Indicator(
        "coops_mgr_intermediate",
        _("Số HTX có CBQL trình độ trung cấp trở lên"),
        HTX,
        _("Các dòng của R có ít nhất một cán bộ quản lý từ trung cấp trở lên."),
        rows=INTERMEDIATE_MANAGER,
    ),
    Indicator(
        "coops_mgr_intermediate_pct",
        _("Tỷ lệ HTX có CBQL trình độ trung cấp trở lên"),
        PCT,
        _("coops_mgr_intermediate / reports_received × 100."),
        percent=True,
        rows=INTERMEDIATE_MANAGER,
    ),
)
BY_CODE = {i.code: i for i in INDICATORS}
SECTOR_FIELDS = (
    "coops_active",
    "members",
    "workers",
    "capital",
    "revenue",
    "income_avg",
    "coops_active_pct",
    "members_pct",
    "workers_pct",
    "capital_pct",
)


def markdown() -> str:
    """docs/indicators.md, generated from the declarations above (`kttt indicator_docs`)."""
    from django.utils import translation

    with translation.override("vi"):
        lines = [
            "# Indicators",
            "",
            "Generated from `kttt/indicators/definitions.py` by `kttt indicator_docs`; a test",
            "fails when this file and the declarations disagree. Contract: DOMAIN.md §4.",
            "",
            "For year Y and area A, D = 31/12/Y read through the area selector. **P** = entities",
            "of the asked kind (default HTX) established on or before D, located in A at D,",
            "with status Đang hoạt động at D. **R** = the members of P with a yearly row for Y.",
            "A ratio whose denominator is 0 or missing is `null`. Values are unrounded in JSON.",
            "",
            "| code | name | unit | definition |",
            "|---|---|---|---|",
        ]
        for i in INDICATORS:
            lines.append(f"| `{i.code}` | {i.name} | {i.unit} | {i.definition} |")
        lines += [
            "",
            "`by_sector[code]` gives, per sector: "
            + ", ".join(f"`{f}`" for f in SECTOR_FIELDS)
            + ".",
            "",
        ]
    return "\n".join(lines)
