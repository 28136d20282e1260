"""The two reports as content (kttt.documents.content): the annual report on a year and an
area (Báo cáo kết quả thực hiện Đề án … năm Y) and the final report on a plan's period
(Báo cáo tổng kết … giai đoạn …).

Every figure comes from the indicator engine (`compute`, `series`), the target evaluation
(`evaluate`, `final_evaluation`) and the budget summary: this module only lays them out.
The sections follow the plan's own reporting duty (section III.6): I. hiện trạng, II. kết
quả thực hiện các mục tiêu, III. nhiệm vụ, giải pháp đã triển khai, IV. kinh phí, V. tồn tại,
hạn chế, nguyên nhân, VI. phương hướng, kiến nghị, and a phụ lục of the cooperatives."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from kttt.areas.services import resolve_area
from kttt.documents.content import (
    Block,
    Column,
    Document,
    Figure,
    Header,
    Paragraph,
    Section,
    Table,
)
from kttt.documents.issuers import IssuerData
from kttt.indicators.charts import sector_chart, years_chart
from kttt.indicators.definitions import BY_CODE
from kttt.indicators.engine import compute, population, reports_of, series
from kttt.indicators.narrative import paragraphs
from kttt.lib.charts import Chart
from kttt.lib.dates import document_date, format_date, year_end
from kttt.lib.numbers import format_number
from kttt.plans import budget
from kttt.plans.charts import target_charts
from kttt.plans.evaluation import evaluate
from kttt.plans.final import final_evaluation
from kttt.plans.models import Activity, ActivityStatus, Plan
from kttt.plans.text import plan_text
from kttt.registry.models import Entity, Kind, Sector
from kttt.registry.queries import current_locations

# How many years the annual report's series and chart look back (with the plan: from its
# baseline year).
SERIES_YEARS = 5
ROMAN = ("I", "II", "III", "IV", "V", "VI")
# The main figures of section I, in the order of the plan's own section II.1.
MAIN_INDICATORS = (
    "coops_active",
    "coops_new",
    "coops_dissolved",
    "members",
    "workers",
    "capital",
    "revenue",
    "profit",
    "income_avg",
    "income_growth_pct",
    "tax",
    "managers",
    "managers_trained_pct",
    "coops_effective_pct",
    "ocop_coops",
    "reporting_rate_pct",
)


@dataclass
class Request:
    """What the author chose: everything a report is built from besides the data."""

    kind: str  # "annual" | "final"
    area_code: str
    issued_on: dt.date
    issuer: IssuerData
    year: int | None = None
    plan: Plan | None = None
    number: str = ""
    coop_kind: str = Kind.HTX
    problems: str = ""  # section V as written; blank: what the data say
    directions: str = ""  # section VI as written; blank: what the data say
    extra: dict[str, Any] = field(default_factory=dict)


def n(value: Any, decimals: int = 2) -> str:
    return "–" if value is None else format_number(value, decimals)


def _lines(text: str) -> list[Paragraph]:
    """An author's text: one paragraph per non-blank line."""
    return [Paragraph(line.strip()) for line in text.splitlines() if line.strip()]


def header(request: Request, subject: str) -> Header:
    issuer = request.issuer
    number = request.number.strip() or "      "
    return Header(
        superior=issuer.superior,
        agency=issuer.agency,
        number=_("Số: %(number)s/%(symbol)s") % {"number": number, "symbol": issuer.symbol},
        place_date=f"{issuer.place}, {document_date(request.issued_on)}"
        if issuer.place
        else document_date(request.issued_on).capitalize(),
        title=_("BÁO CÁO"),
        subject=subject,
        recipients=[r if r.startswith("-") else f"- {r}" for r in issuer.recipients],
        signer_authority=issuer.signer_authority,
        signer_title=issuer.signer_title,
        signer_name=issuer.signer_name,
    )


# --- section I: the state of the collective economy ------------------------------------


def indicator_table(years: list[dict[str, Any]], sheet: str) -> Table:
    """The main indicators by year: one row per indicator, one column per year."""
    columns = [Column(_("Chỉ tiêu"), "text", 6.0), Column(_("Đơn vị"), "text", 2.4)]
    columns += [Column(str(r["year"]), "decimal", 1.9) for r in years]
    rows = []
    for code in MAIN_INDICATORS:
        ind = BY_CODE[code]
        rows.append(
            [str(ind.name), str(ind.unit)]
            + [_number(r["indicators"].get(code), ind.percent) for r in years]
        )
    return Table(_("Các chỉ tiêu chủ yếu theo năm"), columns, rows, sheet)


def _number(value: Any, percent: bool = False) -> Any:
    """A figure as the tables store it: Decimal for exactness, None when unknown."""
    if value is None:
        return None
    d = Decimal(str(value))
    return d.quantize(Decimal("0.01")) if percent or d != d.to_integral_value() else d


def sector_table(result: dict[str, Any], sheet: str) -> Table:
    i = result["indicators"]
    columns = [
        Column(_("Lĩnh vực"), "text", 4.2),
        Column(_("Số HTX"), "count", 1.6),
        Column(_("Tỷ lệ (%)"), "percent", 1.6),
        Column(_("Thành viên"), "count", 1.9),
        Column(_("Lao động"), "count", 1.7),
        Column(_("Vốn điều lệ (triệu đồng)"), "money", 2.4),
        Column(_("Doanh thu (triệu đồng)"), "money", 2.4),
        Column(_("Thu nhập BQ (triệu đồng/người/năm)"), "decimal", 2.4),
    ]
    rows = []
    for code, s in result["by_sector"].items():
        if not s["coops_active"]:
            continue
        rows.append(
            [
                str(Sector(code).label),
                s["coops_active"],
                _number(s["coops_active_pct"], True),
                s["members"],
                s["workers"],
                _number(s["capital"]),
                _number(s["revenue"]),
                _number(s["income_avg"]),
            ]
        )
    rows.append(
        [
            _("Tổng cộng"),
            i["coops_active"],
            Decimal(100) if i["coops_active"] else None,
            i["members"],
            i["workers"],
            _number(i["capital"]),
            _number(i["revenue"]),
            _number(i["income_avg"]),
        ]
    )
    return Table(
        _("Hợp tác xã theo lĩnh vực năm %(year)s") % {"year": result["year"]},
        columns,
        rows,
        sheet,
        bold_rows=frozenset({len(rows) - 1}),
    )


def figure(chart: Chart, data: dict[str, Any]) -> Figure:
    """A chart as a figure of the report: PNG at the document's width, SVG on pages."""
    return Figure(chart.title, lambda width: chart.sized(width).png(), chart.svg, data)


def figures(years: list[dict[str, Any]], result: dict[str, Any]) -> list[Figure]:
    """The charts of section I, drawn by the same code as the pages (kttt.indicators.charts):
    cooperatives and income by year, and the sector breakdown."""
    out = []
    if len(years) > 1:
        out.append(
            figure(
                years_chart(years),
                {
                    "years": [r["year"] for r in years],
                    "coops": [r["indicators"]["coops_active"] for r in years],
                    "income": [r["indicators"]["income_avg"] for r in years],
                },
            )
        )
    out.append(
        figure(
            sector_chart(result),
            {c: s["coops_active"] for c, s in result["by_sector"].items()},
        )
    )
    return out


def state_section(
    number: str, result: dict[str, Any], years: list[dict[str, Any]], sheet_prefix: str = ""
) -> Section:
    section = Section(_("%(n)s. HIỆN TRẠNG KINH TẾ TẬP THỂ") % {"n": number})
    section.blocks += [Paragraph(p) for p in paragraphs(result)]
    section.blocks += [Paragraph(note, "note") for note in result["area"].get("notes", [])]
    if result["area"].get("approximate"):
        section.blocks.append(
            Paragraph(
                _(
                    "Số liệu của địa bàn là gần đúng: một phần địa giới đã được chia cho nhiều "
                    "đơn vị kế thừa."
                ),
                "note",
            )
        )
    section.blocks.append(sector_table(result, sheet_prefix + _("Lĩnh vực")))
    section.blocks.append(indicator_table(years, sheet_prefix + _("Chỉ tiêu theo năm")))
    section.blocks += figures(years, result)
    return section


# --- section II: the targets ------------------------------------------------------------


def _target_text(target: dict[str, Any], plan_targets: dict[str, Any]) -> str:
    return plan_targets[target["code"]].description if target["code"] in plan_targets else ""


def _goal(described: dict[str, Any]) -> str:
    comparison = {"gt": ">", "gte": "≥", "lt": "<", "lte": "≤"}.get(described["comparison"])
    ind = BY_CODE.get(described["indicator"])
    unit = f" {ind.unit}" if ind is not None and not ind.percent else ""
    pct = "%" if ind is not None and ind.percent else ""
    if comparison is None:
        return f"{n(described['value'])}–{n(described['value_high'])}{pct}{unit}"
    return f"{comparison} {n(described['value'])}{pct}{unit}"


def _with_basis(row: dict[str, Any]) -> str:
    """A target's description, with the grading rule and denominator its figure stands on
    when it has one (the "effective" targets): "(Theo Thông tư 01/2020/TT-BKHĐT (Tốt, Khá);
    mẫu số: 18 HTX được xếp loại)"."""
    basis = row.get("basis")
    if not basis or not basis.get("text"):
        return str(row["description"])
    return f"{row['description']} ({basis['text']})"


def annual_targets_section(number: str, plan: Plan, year: int) -> tuple[Section, list[str]]:
    ev = evaluate(plan, year)
    achieved = sum(1 for r in ev["targets"] if r["status_code"] == "achieved")
    section = Section(_("%(n)s. KẾT QUẢ THỰC HIỆN CÁC MỤC TIÊU") % {"n": number})
    section.blocks.append(
        Paragraph(
            _("Năm %(year)s đạt %(n)s/%(total)s chỉ tiêu của %(plan)s.")
            % {"year": year, "n": achieved, "total": len(ev["targets"]), "plan": plan.name}
        )
    )
    columns = [
        Column(_("TT"), "count", 1.0),
        Column(_("Mục tiêu"), "text", 7.0),
        Column(_("Chỉ tiêu"), "text", 2.6),
        Column(_("Kết quả năm %(year)s") % {"year": year}, "decimal", 2.6),
        Column(_("Đánh giá"), "text", 2.8),
    ]
    rows = []
    lagging = []
    for i, row in enumerate(ev["targets"], start=1):
        ind = BY_CODE.get(row["target"]["indicator"])
        rows.append(
            [
                i,
                _with_basis(row),
                _goal(row["target"]),
                _number(row["value"], bool(ind and ind.percent)),
                row["status"],
            ]
        )
        if row["status_code"] in ("not_achieved", "behind"):
            lagging.append(row["description"])
    section.blocks.append(
        Table(
            _("Kết quả thực hiện các mục tiêu năm %(year)s") % {"year": year},
            columns,
            rows,
            _("Mục tiêu"),
        )
    )
    section.blocks += [Paragraph(note, "note") for note in ev["notes"]]
    return section, lagging


# --- section III: tasks and solutions ----------------------------------------------------


def tasks_section(number: str, plan: Plan, first: int, last: int) -> Section:
    """The tasks and solutions with the activities carried out between the years (both
    included): done or under way, their results and the cooperatives they supported."""
    section = Section(
        _("%(n)s. NHIỆM VỤ, GIẢI PHÁP ĐÃ TRIỂN KHAI") % {"n": number},
    )
    activities = (
        Activity.objects.filter(
            task__plan=plan,
            start_date__lte=dt.date(last, 12, 31),
            end_date__gte=dt.date(first, 1, 1),
        )
        .exclude(status=ActivityStatus.CANCELLED)
        .select_related("task", "unit")
        .prefetch_related("cooperatives")
        .order_by("start_date", "pk")
    )
    by_task: dict[int, list[Activity]] = {}
    for activity in activities:
        by_task.setdefault(activity.task_id, []).append(activity)
    columns = [
        Column(_("Mục"), "text", 1.4),
        Column(_("Nhiệm vụ, giải pháp"), "text", 5.0),
        Column(_("Hoạt động"), "count", 1.8),
        Column(_("Hoàn thành"), "count", 1.8),
        Column(_("HTX được hỗ trợ"), "count", 1.8),
        Column(_("Kinh phí (triệu đồng)"), "money", 2.2),
    ]
    rows = []
    for task in plan.tasks.order_by("-kind", "order", "code"):
        done = [a for a in by_task.get(task.pk, []) if a.status == ActivityStatus.DONE]
        supported = {c.pk for a in done for c in a.cooperatives.all()}
        cost = sum((a.cost for a in done if a.cost is not None), Decimal(0))
        rows.append(
            [
                task.code,
                task.title,
                len(by_task.get(task.pk, [])),
                len(done),
                len(supported),
                cost if done else None,
            ]
        )
        for a in done:
            text = _("%(code)s – %(title)s (%(unit)s, %(date)s)") % {
                "code": task.code,
                "title": a.title,
                "unit": a.unit.name if a.unit_id else "",
                "date": format_date(a.end_date),
            }
            if a.result:
                text += ": " + a.result.strip()
            section.blocks.append(Paragraph(text, "bullet"))
    if not by_task:
        section.blocks.append(
            Paragraph(_("Chưa ghi nhận hoạt động nào trong thời gian báo cáo."), "note")
        )
    section.blocks.insert(
        0,
        Table(_("Các nhiệm vụ, giải pháp và hoạt động"), columns, rows, _("Nhiệm vụ")),
    )
    return section


# --- section IV: money --------------------------------------------------------------------


def money_section(number: str, plan: Plan, year: int | None) -> Section:
    summary = budget.summary(plan)
    section = Section(_("%(n)s. KINH PHÍ THỰC HIỆN") % {"n": number})
    total = summary.total
    section.blocks.append(
        Paragraph(
            _(
                "Tổng kinh phí của đề án %(total)s triệu đồng; đã giao %(allocated)s triệu "
                "đồng, đã giải ngân %(spent)s triệu đồng, còn lại %(left)s triệu đồng."
            )
            % {
                "total": n(total.total),
                "allocated": n(total.allocated),
                "spent": n(total.disbursed),
                "left": n(total.remaining),
            }
        )
    )
    if year is not None:
        y = summary.by_year.get(year)
        section.blocks.append(
            Paragraph(
                _(
                    "Năm %(year)s: giao %(allocated)s triệu đồng, giải ngân %(spent)s triệu "
                    "đồng, còn lại %(left)s triệu đồng."
                )
                % {
                    "year": year,
                    "allocated": n(y.allocated if y else 0),
                    "spent": n(y.disbursed if y else 0),
                    "left": n(y.remaining if y else 0),
                }
            )
        )
    money = [
        Column(_("Dự toán"), "money", 2.2),
        Column(_("Đã giao"), "money", 2.2),
        Column(_("Đã giải ngân"), "money", 2.2),
        Column(_("Còn lại"), "money", 2.2),
    ]
    rows: list[list[Any]] = [
        [s.name, m.total, m.allocated, m.disbursed, m.remaining]
        for s, m in summary.by_source.items()
    ]
    rows.append([_("Tổng cộng"), total.total, total.allocated, total.disbursed, total.remaining])
    section.blocks.append(
        Table(
            _("Kinh phí theo nguồn (triệu đồng)"),
            [Column(_("Nguồn"), "text", 5.0), *money],
            rows,
            _("Kinh phí theo nguồn"),
            bold_rows=frozenset({len(rows) - 1}),
        )
    )
    by_year: list[list[Any]] = [
        [y, m.requested, m.allocated, m.disbursed, m.remaining]
        for y, m in sorted(summary.by_year.items())
    ]
    section.blocks.append(
        Table(
            _("Kinh phí theo năm (triệu đồng)"),
            [Column(_("Năm"), "year", 1.6), *money],
            by_year,
            _("Kinh phí theo năm"),
        )
    )
    return section


# --- sections V and VI ----------------------------------------------------------------------


def data_problems(checks: list[dict[str, Any]]) -> list[str]:
    """What the data-quality checks found, as sentences for section V."""
    return [c["message"] for c in checks if c["severity"] in ("error", "warning")]


def text_section(key: str, heading: str, written: str, default: list[str]) -> Section:
    """Section V ("problems") or VI ("directions"): the author's text, or what the data say."""
    blocks: list[Block] = [*(_lines(written) or [Paragraph(p) for p in default])]
    return Section(heading, blocks or [Paragraph("…")], key=key)


def default_directions(lagging: list[str]) -> list[str]:
    out = []
    if lagging:
        out.append(
            _("Tập trung chỉ đạo thực hiện các mục tiêu chưa đạt: %(list)s.")
            % {"list": "; ".join(lagging)}
        )
    out.append(
        _(
            "Đề nghị các phòng, ban chuyên môn và UBND các xã tiếp tục theo dõi, hướng dẫn các "
            "hợp tác xã báo cáo số liệu đầy đủ, đúng hạn."
        )
    )
    return out


# --- the appendix ---------------------------------------------------------------------------


def appendix(number: str, area_code: str, year: int, coop_kind: str) -> Section:
    """The cooperatives active at 31/12 of the year in the area (P) with their figures (R);
    one without figures for the year says so."""
    area = resolve_area(area_code, year_end(year))
    people = population(area, coop_kind)
    reports = {r.entity_id: r for r in reports_of(people, year)}
    places = dict(
        current_locations(area.location_date)
        .filter(entity__in=people.values("pk"))
        .values_list("entity_id", "unit__name")
    )
    entities = (
        Entity.objects.filter(pk__in=people.values("pk"))
        .order_by("sort_name", "code")
        .only("code", "name", "sector")
    )
    columns = [
        Column(_("TT"), "count", 1.0),
        Column(_("Mã số"), "text", 2.2),
        Column(_("Tên hợp tác xã"), "text", 5.2),
        Column(_("Xã, phường"), "text", 3.0),
        Column(_("Lĩnh vực"), "text", 2.8),
        Column(_("Thành viên"), "count", 1.6),
        Column(_("Lao động"), "count", 1.5),
        Column(_("Vốn điều lệ"), "money", 1.9),
        Column(_("Doanh thu"), "money", 1.9),
        Column(_("Lợi nhuận"), "money", 1.8),
        Column(_("Thu nhập BQ"), "decimal", 1.7),
        Column(_("Xếp loại"), "text", 1.7),
    ]
    rows = []
    for i, e in enumerate(entities, start=1):
        r = reports.get(e.pk)
        rows.append(
            [
                i,
                e.code,
                e.name,
                places.get(e.pk, ""),
                str(Sector(e.sector).label) if e.sector else "",
                r.members if r else None,
                r.workers if r else None,
                r.charter_capital if r else None,
                r.revenue if r else None,
                r.profit if r else None,
                r.income_avg if r else None,
                (r.get_grade_display() if r.grade else "") if r else _("Chưa báo cáo"),
            ]
        )
    table = Table(
        _("Danh sách hợp tác xã và số liệu năm %(year)s (tiền: triệu đồng)") % {"year": year},
        columns,
        rows,
        _("Phụ lục HTX"),
        landscape=True,
        note=_("HTX đang hoạt động tại ngày %(date)s trên địa bàn %(area)s: %(n)s.")
        % {"date": format_date(area.as_of), "area": area.name, "n": len(rows)},
    )
    return Section(_("PHỤ LỤC %(n)s") % {"n": number}, [table], appendix=True)


# --- the two reports --------------------------------------------------------------------------


def opening(request: Request, area_name: str, what: str) -> list[Block]:
    """The legal bases of the plan (one "Căn cứ …" a line) and the sentence that opens the
    report, citing the plan's approving decision when it is known."""
    text = plan_text(request.plan) if request.plan is not None else None
    out: list[Block] = [
        Paragraph(
            line if line.lower().startswith("căn cứ") else _("Căn cứ %(law)s") % {"law": line}
        )
        for line in (text["legal_bases"] if text else [])
    ]
    sentence = _("Báo cáo %(what)s trên địa bàn %(area)s như sau:") % {
        "what": what,
        "area": area_name,
    }
    if text and text["decision"]:
        sentence = (
            _("Thực hiện %(decision)s phê duyệt %(plan)s, ")
            % {"decision": text["decision"], "plan": request.plan.name}  # type: ignore[union-attr]
            + sentence[0].lower()
            + sentence[1:]
        )
    out.append(Paragraph(sentence))
    return out


def plan_sections(plan: Plan) -> list[Paragraph]:
    """The plan's purpose (I) and general objective (III.1), restated at the head of the
    final report's section II."""
    text = plan_text(plan)
    out: list[Paragraph] = []
    if text["purpose"]:
        out.append(Paragraph(_("Mục đích, yêu cầu của đề án"), "heading"))
        out += [Paragraph(p) for p in text["purpose"]]
    if text["general_objective"]:
        out.append(Paragraph(_("Mục tiêu chung"), "heading"))
        out += [Paragraph(p) for p in text["general_objective"]]
    return out


def assessment_then(plan: Plan) -> list[Paragraph]:
    """The plan's own assessment when it was written (II.3), beside the state at the end."""
    text = plan_text(plan)
    if not text["assessment"]:
        return []
    return [
        Paragraph(
            _("Đánh giá khi xây dựng đề án (mục II.3, năm %(year)s)")
            % {"year": plan.baseline_year},
            "heading",
        ),
        *[Paragraph(p) for p in text["assessment"]],
    ]


def annual(request: Request) -> Document:
    """Báo cáo kết quả thực hiện Đề án … năm Y (or, without a plan, the state of the
    collective economy of the area in year Y)."""
    assert request.year is not None
    year, plan = request.year, request.plan
    result = compute(year, request.area_code, request.coop_kind)
    first = max(plan.baseline_year if plan else year - SERIES_YEARS + 1, year - 9)
    years = series(first, year, request.area_code, request.coop_kind)
    area_name = result["area"]["name"]
    if plan is not None:
        subject = _("Kết quả thực hiện %(plan)s năm %(year)s") % {
            "plan": plan.name,
            "year": year,
        }
    else:
        subject = _("Tình hình phát triển kinh tế tập thể %(area)s năm %(year)s") % {
            "area": area_name,
            "year": year,
        }
    sections = [state_section(ROMAN[0], result, years)]
    sections.insert(
        0, Section("", opening(request, area_name, _("kết quả năm %(year)s") % {"year": year}))
    )
    lagging: list[str] = []
    if plan is not None:
        targets, lagging = annual_targets_section(ROMAN[1], plan, year)
        sections += [
            targets,
            tasks_section(ROMAN[2], plan, year, year),
            money_section(ROMAN[3], plan, year),
        ]
    else:
        for i, heading in enumerate(
            (
                _("KẾT QUẢ THỰC HIỆN CÁC MỤC TIÊU"),
                _("NHIỆM VỤ, GIẢI PHÁP ĐÃ TRIỂN KHAI"),
                _("KINH PHÍ THỰC HIỆN"),
            ),
            start=1,
        ):
            sections.append(
                Section(
                    f"{ROMAN[i]}. {heading}",
                    [Paragraph(_("Địa bàn chưa có đề án trong năm báo cáo."), "note")],
                )
            )
    sections.append(
        text_section(
            "problems",
            _("%(n)s. TỒN TẠI, HẠN CHẾ, NGUYÊN NHÂN") % {"n": ROMAN[4]},
            request.problems,
            data_problems(result["checks"]),
        )
    )
    sections.append(
        text_section(
            "directions",
            _("%(n)s. PHƯƠNG HƯỚNG, KIẾN NGHỊ") % {"n": ROMAN[5]},
            request.directions,
            default_directions(lagging),
        )
    )
    sections.append(appendix("", request.area_code, year, request.coop_kind))
    return Document(
        header(request, subject),
        sections,
        slug=f"bao-cao-nam-{year}-{request.area_code}",
        inputs={
            "kind": "annual",
            "year": year,
            "area": request.area_code,
            "plan": plan.pk if plan else None,
        },
    )


def final(request: Request) -> Document:
    """Báo cáo tổng kết thực hiện Đề án … giai đoạn start–end: the period verdicts, the
    series by year and the same sections as the annual report."""
    plan = request.plan
    assert plan is not None
    ev = final_evaluation(plan)
    end = plan.end_year
    result = compute(end, plan.area_code, request.coop_kind)
    years = series(min(plan.baseline_year, plan.start_year), end, plan.area_code, request.coop_kind)
    area_name = result["area"]["name"]
    subject = _("Tổng kết thực hiện %(plan)s") % {"plan": plan.name}
    state = state_section(ROMAN[0], result, years)
    preamble = opening(
        request,
        area_name,
        _("tổng kết giai đoạn %(start)s–%(end)s") % {"start": plan.start_year, "end": end},
    )
    state.blocks += assessment_then(plan)
    targets = Section(_("%(n)s. KẾT QUẢ THỰC HIỆN CÁC MỤC TIÊU") % {"n": ROMAN[1]})
    restated = plan_sections(plan)
    targets.blocks += restated
    targets.blocks.append(
        Paragraph(
            _("Kết thúc giai đoạn %(start)s–%(end)s: %(summary)s")
            % {"start": plan.start_year, "end": end, "summary": ev["summary"]}
        )
    )
    period = list(range(plan.start_year, end + 1))
    columns = [
        Column(_("TT"), "count", 1.0),
        Column(_("Mục tiêu"), "text", 5.6),
        Column(_("Chỉ tiêu"), "text", 2.3),
        Column(_("Năm cơ sở %(year)s") % {"year": plan.baseline_year}, "decimal", 2.2),
        Column(_("Năm %(year)s") % {"year": end}, "decimal", 2.2),
        Column(_("Đánh giá"), "text", 2.7),
    ]
    rows = []
    lagging = []
    for i, row in enumerate(ev["targets"], start=1):
        ind = BY_CODE.get(row["target"]["indicator"])
        pct = bool(ind and ind.percent)
        rows.append(
            [
                i,
                _with_basis(row),
                _goal(row["target"]),
                _number(row["baseline"], pct),
                _number(row["final"], pct),
                row["verdict"],
            ]
        )
        targets.blocks.append(
            Paragraph(f"{row['description']}: {row['verdict']}. {row['rule_text']}", "bullet")
        )
        if row["verdict_code"] != "achieved":
            lagging.append(row["description"])
    verdicts = Table(_("Đánh giá các mục tiêu cả giai đoạn"), columns, rows, _("Mục tiêu"))
    targets.blocks.insert(len(restated) + 1, verdicts)
    by_year_columns = [Column(_("Mục tiêu"), "text", 5.0)] + [
        Column(str(y), "decimal", 1.8) for y in period
    ]
    by_year_rows = []
    for row in ev["targets"]:
        ind = BY_CODE.get(row["target"]["indicator"])
        by_year_rows.append(
            [row["description"]]
            + [_number(row["by_year"].get(y), bool(ind and ind.percent)) for y in period]
        )
    targets.blocks.append(
        Table(_("Giá trị các mục tiêu theo năm"), by_year_columns, by_year_rows, _("Theo năm"))
    )
    charts = target_charts(plan, ev)
    for row in ev["targets"]:
        if row["code"] in charts:
            targets.blocks.append(
                figure(
                    charts[row["code"]],
                    {"target": row["code"], "by_year": row["by_year"], "base": row["baseline"]},
                )
            )
    problems = ev["problems"]
    default_problems = [
        _("Năm %(year)s: %(n)s HTX chưa báo cáo số liệu.") % {"year": m["year"], "n": m["missing"]}
        for m in problems["missing_reports"]
    ]
    default_problems += [f"{c['year']}: {c['message']}" for c in problems["checks"]]
    default_problems += [f"{t['year']}: {t['note']}" for t in problems["territory"]]
    sections = [
        Section("", [*preamble]),
        state,
        targets,
        tasks_section(ROMAN[2], plan, plan.start_year, end),
        money_section(ROMAN[3], plan, None),
        text_section(
            "problems",
            _("%(n)s. TỒN TẠI, HẠN CHẾ, NGUYÊN NHÂN") % {"n": ROMAN[4]},
            request.problems,
            default_problems,
        ),
        text_section(
            "directions",
            _("%(n)s. PHƯƠNG HƯỚNG, KIẾN NGHỊ") % {"n": ROMAN[5]},
            request.directions,
            default_directions(lagging),
        ),
        appendix("", plan.area_code, end, request.coop_kind),
    ]
    return Document(
        header(request, subject),
        sections,
        slug=f"bao-cao-tong-ket-de-an-{plan.pk}",
        inputs={"kind": "final", "year": None, "area": plan.area_code, "plan": plan.pk},
    )


def build(request: Request) -> Document:
    return final(request) if request.kind == "final" else annual(request)
