"""The registry's rules, once: every path that writes (the services, the web forms, the Excel
import) asks these functions, so a rule refuses the same thing with the same words
everywhere (docs/registry-rules.md lists them).

Convention: a rule function is pure (no database; it takes plain values, dates and objects
already loaded) and **returns** a list of `Breach`, empty when the write may go ahead; it
never raises. The caller decides how to refuse: the services raise `RegistryError` with
the first breach (`services.enforce`), the forms attach each breach to its field, the
import records one problem per breach at the breach's cell. A message is a Vietnamese
clause starting in lower case, like the cell parsers' messages of `validation.py`: the
import prints it after "trang …, dòng …, cột …:", the pages and the services' refusals
show it with its first letter capitalised (`Breach.sentence`).

"Today" is `django.utils.timezone.localdate()`, read when a rule runs, unless the caller
passes `today`.
"""

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from kttt.areas.models import Level
from kttt.lib.dates import add_months, format_date, year_end
from kttt.lib.numbers import format_number
from kttt.registry import validation
from kttt.registry.models import (
    COUNT_FIELDS,
    MANAGER_LEVEL_FIELDS,
    MONEY_FIELDS,
    OcopLevel,
    Status,
)

# An HTX is graded only once it is this many months old at 31/12 of the year (DOMAIN.md §2).
GRADE_MIN_MONTHS = 12


@dataclass(frozen=True)
class Breach:
    """One broken rule: the field it is about (the model's field name) and the message."""

    field: str
    message: str

    @property
    def sentence(self) -> str:
        """The message as a page or a refusal shows it: first letter capitalised."""
        return str(capfirst(self.message))


class UnitLike(Protocol):
    """What the rules read of an administrative unit (kttt.areas.models.Unit has it)."""

    name: str
    level: str
    valid_from: dt.date | None
    valid_to: dt.date | None


def _today(today: dt.date | None) -> dt.date:
    return today if today is not None else timezone.localdate()


def is_valid_at(unit: UnitLike, on: dt.date) -> bool:
    return (unit.valid_from is None or unit.valid_from <= on) and (
        unit.valid_to is None or on <= unit.valid_to
    )


# --- an entity's timeline ---------------------------------------------------------------


def founding(
    established_on: dt.date,
    *,
    status_dates: Iterable[dt.date] = (),
    move_dates: Iterable[dt.date] = (),
    today: dt.date | None = None,
) -> list[Breach]:
    """The founding date: not in the future, on or before the first recorded status change,
    and strictly before the first move (the location row dated on the founding day is the
    founding record itself; a move on that day would be a second row the same day).
    `move_dates` are the dates of the location rows after the first."""
    breaches = []
    now = _today(today)
    if established_on > now:
        breaches.append(
            Breach(
                "established_on",
                _("ngày thành lập %(date)s sau ngày hôm nay (%(today)s)")
                % {"date": format_date(established_on), "today": format_date(now)},
            )
        )
    first_change = min(status_dates, default=None)
    if first_change is not None and established_on > first_change:
        breaches.append(
            Breach(
                "established_on",
                _("ngày thành lập %(date)s sau lần đổi trạng thái đã ghi nhận ngày %(change)s")
                % {"date": format_date(established_on), "change": format_date(first_change)},
            )
        )
    first_move = min(move_dates, default=None)
    if first_move is not None and established_on >= first_move:
        breaches.append(
            Breach(
                "established_on",
                _("ngày thành lập %(date)s phải trước lần chuyển địa bàn đã ghi nhận ngày %(move)s")
                % {"date": format_date(established_on), "move": format_date(first_move)},
            )
        )
    return breaches


def placement(unit: UnitLike, on: dt.date) -> list[Breach]:
    """A location row: a commune-level unit, valid (valid_from..valid_to) on the day the
    row starts (the founding date, or the date of a move)."""
    if unit.level != Level.COMMUNE:
        return [Breach("unit", _("địa bàn phải là đơn vị cấp xã, phường, thị trấn"))]
    if not is_valid_at(unit, on):
        return [
            Breach(
                "unit",
                _("%(unit)s không tồn tại vào ngày %(date)s")
                % {"unit": unit.name, "date": format_date(on)},
            )
        ]
    return []


def status_date_missing(status: str) -> Breach:
    """A status change needs its date; going back to active too."""
    if status == Status.ACTIVE:
        message = _("chưa nhập ngày đổi trạng thái (bắt buộc khi chuyển lại “%(status)s”)")
    else:
        message = _("chưa nhập ngày đổi trạng thái (bắt buộc khi trạng thái là “%(status)s”)")
    return Breach("date", message % {"status": Status(status).label})


def status_change(
    *,
    status: str,
    date: dt.date | None,
    established_on: dt.date,
    current_status: str,
    latest_date: dt.date | None,
) -> list[Breach]:
    """A new status change: a date, a status other than the current one, not before the
    founding, and strictly after the latest recorded change (history is appended to,
    never rewritten: a change dated on or before the latest one is refused)."""
    if date is None:
        return [status_date_missing(status)]
    breaches = []
    if status == current_status:
        breaches.append(
            Breach(
                "status",
                _("trạng thái không thay đổi (đang là “%(status)s”)")
                % {"status": Status(status).label},
            )
        )
    if date < established_on:
        breaches.append(
            Breach(
                "date",
                _("ngày đổi trạng thái %(date)s trước ngày thành lập %(established)s")
                % {"date": format_date(date), "established": format_date(established_on)},
            )
        )
    if latest_date is not None and date <= latest_date:
        breaches.append(
            Breach(
                "date",
                _(
                    "ngày đổi trạng thái phải sau lần đổi trạng thái đã ghi nhận gần nhất "
                    "(%(date)s); lịch sử trạng thái không được sửa"
                )
                % {"date": format_date(latest_date)},
            )
        )
    return breaches


def move(
    *,
    unit: UnitLike,
    unit_in_force: UnitLike | None,
    date: dt.date,
    established_on: dt.date,
    location_dates: Iterable[dt.date],
) -> list[Breach]:
    """A move (a location row after the founding one): the unit valid on the date, the
    date after the founding, no other row that day, and a unit other than the one in
    force that day. A move may be recorded between earlier rows (a late report of a
    past move): location history is kept in date order by its dates, not by entry order."""
    breaches = placement(unit, date)
    if date <= established_on:
        breaches.append(
            Breach(
                "date",
                _("ngày chuyển địa bàn %(date)s phải sau ngày thành lập %(established)s")
                % {"date": format_date(date), "established": format_date(established_on)},
            )
        )
    elif date in set(location_dates):
        breaches.append(
            Breach(
                "date",
                _("đã có một lần chuyển địa bàn ngày %(date)s") % {"date": format_date(date)},
            )
        )
    elif unit_in_force is not None and unit_in_force == unit:
        breaches.append(
            Breach(
                "unit",
                _("HTX đã ở %(unit)s vào ngày %(date)s")
                % {"unit": unit.name, "date": format_date(date)},
            )
        )
    return breaches


# --- the yearly row ---------------------------------------------------------------------


def may_be_graded(established_on: dt.date, year: int) -> bool:
    """At least 12 months old at 31/12 of the year: founded on or before 31/12 of the year
    before (founded 31/12/2023 is exactly 12 months old at 31/12/2024; founded 01/01/2024
    is 11 months and 30 days old then)."""
    return add_months(established_on, GRADE_MIN_MONTHS) <= year_end(year)


def yearly_figures(values: Mapping[str, Any]) -> list[Breach]:
    """The §6 ranges of each figure (the cell parsers of `validation.py`, which also read
    values that are already numbers) and the rules tying figures together."""
    breaches = []
    for field in COUNT_FIELDS:
        breaches += _parsed(field, values.get(field), validation.count)
    for field in MONEY_FIELDS:
        breaches += _parsed(
            field, values.get(field), lambda v, f=field: validation.money(v, negative=f == "profit")
        )
    if values.get("grade"):
        breaches += _parsed("grade", values["grade"], validation.grade)
    if breaches:
        return breaches
    workers, trained = values.get("workers"), values.get("workers_trained")
    if workers is not None and trained is not None and trained > workers:
        breaches.append(
            Breach(
                "workers_trained",
                _(
                    "lao động qua đào tạo (%(trained)s) nhiều hơn lao động thường xuyên "
                    "(%(workers)s)"
                )
                % {"trained": format_number(trained), "workers": format_number(workers)},
            )
        )
    managers = values.get("managers")
    levels = sum(values.get(f) or 0 for f in MANAGER_LEVEL_FIELDS)
    if managers is not None and levels > managers:
        breaches.append(
            Breach(
                "managers",
                _(
                    "tổng cán bộ quản lý theo trình độ (%(levels)s) nhiều hơn số cán bộ quản lý "
                    "(%(managers)s)"
                )
                % {"levels": format_number(levels), "managers": format_number(managers)},
            )
        )
    elif managers is None and levels:
        breaches.append(
            Breach(
                "managers",
                _("có cán bộ quản lý theo trình độ nhưng chưa nhập số cán bộ quản lý"),
            )
        )
    return breaches


def _parsed(field: str, value: Any, parser: Any) -> list[Breach]:
    if value is None:
        return []
    try:
        parser(value)
    except validation.Invalid as exc:
        return [Breach(field, str(exc))]
    return []


def yearly(*, year: int, established_on: dt.date | None, values: Mapping[str, Any]) -> list[Breach]:
    """A yearly row: the year in range (1950 to next year), not before the founding year,
    a grade only from 12 months after founding, and the figures' own rules.
    `established_on` None: the entity is unknown (its own problem is reported elsewhere)."""
    breaches = _parsed("year", year, validation.year)
    if established_on is not None and not breaches:
        if year < established_on.year:
            breaches.append(
                Breach(
                    "year",
                    _("năm %(year)s trước năm thành lập của HTX (%(date)s)")
                    % {"year": year, "date": format_date(established_on)},
                )
            )
        elif values.get("grade") and not may_be_graded(established_on, year):
            breaches.append(
                Breach(
                    "grade",
                    _(
                        "HTX thành lập ngày %(date)s chưa đủ 12 tháng tính đến 31/12/%(year)s "
                        "nên không được xếp loại năm %(year)s (để trống)"
                    )
                    % {"date": format_date(established_on), "year": year},
                )
            )
    return breaches + yearly_figures(values)


# --- OCOP -------------------------------------------------------------------------------


def district_level_on(district: UnitLike | None, on: dt.date) -> bool:
    """Whether a district-level government exists on `on` where the cooperative is:
    `district` is the district of the commune the cooperative is located in on that day
    (None for a commune directly under its province, as every commune is since the 2025
    reform). Districts ended on 30/06/2025 as data (Unit.valid_to), not as a constant."""
    return district is not None and is_valid_at(district, on)


def ocop(
    *,
    stars: int | None,
    recognized_on: dt.date | None,
    level: str,
    established_on: dt.date | None,
    district_level: bool,
    today: dt.date | None = None,
) -> list[Breach]:
    """An OCOP product (QĐ 148/QĐ-TTg 2023): 3 to 5 stars; 5 stars only at the central
    level; the level in force on the recognition date (no "Huyện" where no district exists
    then: `district_level` is `district_level_on(...)` for the cooperative's location on
    that date); recognised neither in the future nor before the founding."""
    breaches = []
    if stars is None:
        breaches.append(Breach("stars", _("chưa nhập số sao")))
    else:
        breaches += _parsed("stars", stars, validation.stars)
    if recognized_on is None:
        breaches.append(Breach("recognized_on", _("chưa nhập ngày công nhận")))
    if stars == 5 and level in (OcopLevel.HUYEN, OcopLevel.TINH):
        breaches.append(
            Breach(
                "level",
                _("sản phẩm 5 sao chỉ do cấp Trung ương công nhận (không phải cấp “%(level)s”)")
                % {"level": OcopLevel(level).label},
            )
        )
    if recognized_on is None:
        return breaches
    if level == OcopLevel.HUYEN and not district_level:
        breaches.append(
            Breach(
                "level",
                _(
                    "ngày %(date)s địa bàn của HTX không còn cấp huyện nên không thể có cấp "
                    "công nhận “Huyện”"
                )
                % {"date": format_date(recognized_on)},
            )
        )
    now = _today(today)
    if recognized_on > now:
        breaches.append(
            Breach(
                "recognized_on",
                _("ngày công nhận %(date)s sau ngày hôm nay (%(today)s)")
                % {"date": format_date(recognized_on), "today": format_date(now)},
            )
        )
    if established_on is not None and recognized_on < established_on:
        breaches.append(
            Breach(
                "recognized_on",
                _("ngày công nhận %(date)s trước ngày thành lập %(established)s")
                % {"date": format_date(recognized_on), "established": format_date(established_on)},
            )
        )
    return breaches
