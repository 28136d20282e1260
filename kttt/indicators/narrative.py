"""The status narrative ("hiện trạng"): the kind of text in the plan's section II, written
from the data for any year and area. Where the data and a typed figure disagree (the plan
says "khoảng 90" workers; its sectors sum to 79), the data win."""

from typing import Any

from django.utils.translation import gettext as _

from kttt.indicators.engine import compute
from kttt.lib.numbers import format_number
from kttt.registry.models import Kind, Sector


def n(value: Any, decimals: int = 2) -> str:
    return format_number(value, decimals)


def _sector_paragraph(code: str, s: dict[str, Any], total: dict[str, Any]) -> str:
    name = str(Sector(code).label)
    parts = [
        _(
            "- Lĩnh vực %(name)s: có %(n)s/%(total)s HTX, chiếm %(pct)s%% so với tổng số HTX "
            "đang hoạt động"
        )
        % {
            "name": name[0].lower() + name[1:],
            "n": s["coops_active"],
            "total": total["coops_active"],
            "pct": n(s["coops_active_pct"]),
        }
    ]
    if s["capital"] is not None:
        parts.append(
            _("vốn điều lệ %(cap)s/%(total)s triệu đồng, chiếm %(pct)s%% tổng số vốn")
            % {"cap": n(s["capital"]), "total": n(total["capital"]), "pct": n(s["capital_pct"])}
        )
    if s["members"] is not None:
        parts.append(
            _("số thành viên %(m)s/%(total)s, chiếm %(pct)s%% tổng số thành viên HTX")
            % {"m": n(s["members"]), "total": n(total["members"]), "pct": n(s["members_pct"])}
        )
    if s["workers"] is not None:
        parts.append(_("%(w)s lao động tham gia") % {"w": n(s["workers"])})
    if s["income_avg"] is not None:
        parts.append(
            _("thu nhập bình quân của lao động đạt %(inc)s triệu đồng/người/năm")
            % {"inc": n(s["income_avg"])}
        )
    return "; ".join(parts) + "."


def paragraphs(result: dict[str, Any]) -> list[str]:
    """The narrative as paragraphs (a document builder lays them out)."""
    i = result["indicators"]
    area = result["area"]
    kind = str(Kind(result["kind"]).label).lower()
    values = {
        "year": result["year"],
        "area": area["name"],
        "n": i["coops_active"],
        "kind": kind,
        "members": n(i["members"] or 0),
        "workers": n(i["workers"] or 0),
    }
    if i["reports_received"]:
        opening = _(
            "Năm %(year)s, trên địa bàn %(area)s có %(n)s %(kind)s đang hoạt động, tổng số thành "
            "viên %(members)s thành viên; số lao động làm việc thường xuyên %(workers)s lao động."
        )
    else:
        opening = _("Năm %(year)s, trên địa bàn %(area)s có %(n)s %(kind)s đang hoạt động.")
    out = [opening % values]
    if area["approximate"]:
        out.append(
            _(
                "(Số liệu theo địa bàn %(area)s là gần đúng: đơn vị kế thừa còn gồm địa bàn "
                "nơi khác.)"
            )
            % {"area": area["name"]}
        )
    out.extend(f"({note})" for note in area.get("notes", ()))
    if not i["reports_received"]:
        out.append(_("Chưa có HTX nào báo cáo số liệu năm %(year)s.") % {"year": result["year"]})
        return out
    if i["reports_received"] < i["coops_active"]:
        out.append(
            _("Số liệu dưới đây tổng hợp từ %(r)s/%(p)s HTX đã báo cáo.")
            % {"r": i["reports_received"], "p": i["coops_active"]}
        )
    if i["capital"] is not None:
        out.append(
            _("- Tổng số vốn điều lệ của các HTX đang hoạt động là %(v)s triệu đồng.")
            % {"v": n(i["capital"])}
        )
    money = []
    if i["revenue"] is not None:
        money.append(_("tổng doanh thu đạt %(v)s triệu đồng/năm") % {"v": n(i["revenue"])})
    if i["income_avg"] is not None:
        money.append(
            _(
                "thu nhập bình quân của lao động thường xuyên trong HTX đạt %(v)s triệu "
                "đồng/người/năm"
            )
            % {"v": n(i["income_avg"])}
        )
    if i["income_growth_pct"] is not None:
        money.append(_("tăng %(v)s%% so với năm trước") % {"v": n(i["income_growth_pct"])})
    if i["tax"] is not None:
        money.append(_("tổng số nộp ngân sách nhà nước là %(v)s triệu đồng") % {"v": n(i["tax"])})
    if money:
        text = "; ".join(money)
        out.append("- " + text[0].upper() + text[1:] + ".")
    if i["managers"]:
        out.append(
            _(
                "- Tổng số cán bộ quản lý HTX %(m)s người, số người đã qua đào tạo %(t)s người, "
                "chiếm %(pct)s%%."
            )
            % {
                "m": n(i["managers"]),
                "t": n(i["managers_trained"] or 0),
                "pct": n(i["managers_trained_pct"]),
            }
        )
    if i["workers"]:
        out.append(
            _(
                "- Số lao động qua đào tạo nghề %(t)s người, chiếm %(pct)s%% số lao động "
                "thường xuyên."
            )
            % {"t": n(i["workers_trained"] or 0), "pct": n(i["workers_trained_pct"])}
        )
    for code, s in result["by_sector"].items():
        if s["coops_active"]:
            out.append(_sector_paragraph(code, s, i))
    return out


def narrative(year: int, area_code: str | None = None, kind: str = Kind.HTX) -> list[str]:
    return paragraphs(compute(year, area_code, kind))
