"""Each registry rule (kttt/registry/rules.py) run through every path that writes: the
service, the web form (POSTed by an administrator, who may write everywhere, so that only
the rule can refuse) and the Excel import. Every path must refuse with the same message
and write nothing. The API only reads (docs/api.md), so it has no path here.

The message is the rule's clause: the import prints it as is after its sheet, row and
column; the page and the service's refusal show it as a sentence (first letter capital)."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst

from kttt.lib.dates import format_date
from kttt.registry import services
from kttt.registry.excel import plan_import, run_import
from kttt.registry.models import (
    AuditEntry,
    Entity,
    Kind,
    Location,
    OcopProduct,
    Status,
    StatusChange,
    YearlyReport,
)
from tests import factories
from tests.registry.test_import import (
    HTX_HEADER,
    OCOP_HEADER,
    YEARLY_HEADER,
    htx,
    ocop,
    workbook,
    yearly,
)
from tests.web import PLAIN_STORAGES, admin, client_for

pytestmark = pytest.mark.django_db
D = dt.date
CODE = "0101"
FOUNDED = D(2018, 3, 15)


@pytest.fixture(autouse=True)
def _plain_static(settings):
    settings.STORAGES = PLAIN_STORAGES


def snapshot() -> tuple[Any, ...]:
    return (
        list(Entity.objects.order_by("code").values_list("code", "kind", "established_on")),
        list(Location.objects.order_by("pk").values_list("entity", "unit", "valid_from")),
        list(StatusChange.objects.order_by("pk").values_list("entity", "status", "date")),
        list(YearlyReport.objects.order_by("pk").values_list("entity", "year", "grade")),
        list(OcopProduct.objects.order_by("pk").values_list("entity", "name", "stars", "level")),
        AuditEntry.objects.count(),
    )


def coop(u: Any, **extra: Any) -> Entity:
    """Founded 15/03/2018 in Thị trấn Phong Thổ and never moved (so it is still located in
    that unit, which ended with Huyện Phong Thổ on 30/06/2025)."""
    return factories.entity(CODE, u.tt_phong_tho, established=extra.pop("established", FOUNDED))


def future() -> dt.date:
    return timezone.localdate() + dt.timedelta(days=10)


def edit_post(entity: Entity, **over: Any) -> dict[str, Any]:
    data = {
        "name": entity.name,
        "kind": entity.kind,
        "sector": entity.sector,
        "established_on": format_date(entity.established_on),
        "address": "",
        "phone": "",
        "representative": "",
    }
    return {**data, **over}


@dataclass
class Case:
    """One rule broken the same way on each path. `setup` makes the records the write is
    about and returns the entity (or None); the others build each path's write."""

    setup: Callable[[Any], Entity | None]
    service: Callable[[Any, Entity | None], object]
    form: Callable[[Any, Entity | None], tuple[str, dict[str, Any]]]
    sheets: Callable[[Any, Entity | None], dict[str, list[list[Any]]]]
    message: Callable[[], str]


def new_entity_post(unit: Any, established: dt.date) -> dict[str, Any]:
    return {
        "code": "0202",
        "name": "HTX Mới",
        "kind": "htx",
        "sector": "nong_nghiep",
        "established_on": format_date(established),
        "unit": str(unit.pk),
    }


def paused(u: Any) -> Entity:
    entity = coop(u)
    services.change_status(entity=entity, status=Status.PAUSED, date=D(2021, 5, 1))
    return entity


CASES = {
    "founding in the future": Case(
        setup=lambda u: None,
        service=lambda u, e: services.create_entity(
            code="0202",
            unit=u.xa_phong_tho,
            values={
                "name": "HTX Mới",
                "kind": Kind.HTX,
                "sector": "nong_nghiep",
                "established_on": future(),
            },
        ),
        form=lambda u, e: ("/them-htx/", new_entity_post(u.xa_phong_tho, future())),
        sheets=lambda u, e: {
            "HTX": [HTX_HEADER, htx("0202", commune="3549", established=format_date(future()))]
        },
        message=lambda: (
            f"ngày thành lập {format_date(future())} sau ngày hôm nay "
            f"({format_date(timezone.localdate())})"
        ),
    ),
    "founding after a recorded status change": Case(
        setup=paused,
        service=lambda u, e: services.update_entity(
            entity=e, values={"established_on": D(2021, 6, 1)}
        ),
        form=lambda u, e: (
            reverse("registry:entity_edit", args=[CODE]),
            edit_post(e, established_on="01/06/2021"),
        ),
        sheets=lambda u, e: {
            "HTX": [
                HTX_HEADER,
                htx(
                    CODE,
                    commune=None,
                    established="01/06/2021",
                    status="Tạm ngừng hoạt động",
                    status_date="01/05/2021",
                ),
            ]
        },
        message=lambda: (
            "ngày thành lập 01/06/2021 sau lần đổi trạng thái đã ghi nhận ngày 01/05/2021"
        ),
    ),
    "status change before the latest one": Case(
        setup=paused,
        service=lambda u, e: services.change_status(
            entity=e, status=Status.ACTIVE, date=D(2021, 4, 1)
        ),
        form=lambda u, e: (
            reverse("registry:entity_status", args=[CODE]),
            {"status": "active", "date": "01/04/2021"},
        ),
        sheets=lambda u, e: {
            "HTX": [
                HTX_HEADER,
                htx(CODE, commune=None, status="Đang hoạt động", status_date="01/04/2021"),
            ]
        },
        message=lambda: (
            "ngày đổi trạng thái phải sau lần đổi trạng thái đã ghi nhận gần nhất "
            "(01/05/2021); lịch sử trạng thái không được sửa"
        ),
    ),
    "grade younger than 12 months at the year's end": Case(
        setup=lambda u: coop(u, established=D(2024, 1, 1)),
        service=lambda u, e: services.save_yearly(
            entity=e, year=2024, values={"members": 7, "grade": "kha"}
        ),
        form=lambda u, e: (
            reverse("registry:yearly_create", args=[CODE]),
            {"year": "2024", "members": "7", "grade": "kha"},
        ),
        sheets=lambda u, e: {
            "HTX": [HTX_HEADER],
            "Số liệu năm": [YEARLY_HEADER, yearly(CODE, 2024)],
        },
        message=lambda: (
            "HTX thành lập ngày 01/01/2024 chưa đủ 12 tháng tính đến 31/12/2024 nên không "
            "được xếp loại năm 2024 (để trống)"
        ),
    ),
    "more trained workers than workers": Case(
        setup=coop,
        service=lambda u, e: services.save_yearly(
            entity=e, year=2021, values={"workers": 3, "workers_trained": 4}
        ),
        form=lambda u, e: (
            reverse("registry:yearly_create", args=[CODE]),
            {"year": "2021", "workers": "3", "workers_trained": "4"},
        ),
        sheets=lambda u, e: {
            "HTX": [HTX_HEADER],
            "Số liệu năm": [YEARLY_HEADER, yearly(CODE, 2021, workers=3, workers_trained=4)],
        },
        message=lambda: "lao động qua đào tạo (4) nhiều hơn lao động thường xuyên (3)",
    ),
    "5-star OCOP at the provincial level": Case(
        setup=coop,
        service=lambda u, e: services.save_ocop(
            entity=e,
            name="Chè Shan tuyết",
            values={"stars": 5, "recognized_on": D(2022, 10, 20), "level": "tinh"},
        ),
        form=lambda u, e: (
            reverse("registry:ocop_create", args=[CODE]),
            {
                "name": "Chè Shan tuyết",
                "stars": "5",
                "recognized_on": "20/10/2022",
                "level": "tinh",
            },
        ),
        sheets=lambda u, e: {"HTX": [HTX_HEADER], "OCOP": [OCOP_HEADER, ocop(CODE, stars=5)]},
        message=lambda: "sản phẩm 5 sao chỉ do cấp Trung ương công nhận (không phải cấp “Tỉnh”)",
    ),
    "OCOP by the district on 15/11/2025": Case(
        setup=coop,
        service=lambda u, e: services.save_ocop(
            entity=e,
            name="Chè Shan tuyết",
            values={"stars": 4, "recognized_on": D(2025, 11, 15), "level": "huyen"},
        ),
        form=lambda u, e: (
            reverse("registry:ocop_create", args=[CODE]),
            {
                "name": "Chè Shan tuyết",
                "stars": "4",
                "recognized_on": "15/11/2025",
                "level": "huyen",
            },
        ),
        sheets=lambda u, e: {
            "HTX": [HTX_HEADER],
            "OCOP": [OCOP_HEADER, ocop(CODE, recognized="15/11/2025", level="Huyện")],
        },
        message=lambda: (
            "ngày 15/11/2025 địa bàn của HTX không còn cấp huyện nên không thể có cấp công "
            "nhận “Huyện”"
        ),
    ),
    "move to a unit that no longer exists": Case(
        setup=coop,
        service=lambda u, e: services.move_entity(
            entity=e, unit=factories.unit("3550"), date=D(2025, 12, 31)
        ),
        form=lambda u, e: (
            reverse("registry:entity_move", args=[CODE]),
            {"unit": str(factories.unit("3550").pk), "date": "31/12/2025"},
        ),
        # Mã xã of a yearly row records the location at 31/12 of the year.
        sheets=lambda u, e: {
            "HTX": [HTX_HEADER],
            "Số liệu năm": [YEARLY_HEADER, yearly(CODE, 2025, commune="3550")],
        },
        message=lambda: "Xã Sì Lở Lầu không tồn tại vào ngày 31/12/2025",
    ),
    "founding in a unit that no longer exists": Case(
        setup=lambda u: None,
        service=lambda u, e: services.create_entity(
            code="0202",
            unit=factories.unit("3550"),
            values={
                "name": "HTX Mới",
                "kind": Kind.HTX,
                "sector": "nong_nghiep",
                "established_on": D(2026, 2, 1),
            },
        ),
        form=lambda u, e: ("/them-htx/", new_entity_post(factories.unit("3550"), D(2026, 2, 1))),
        sheets=lambda u, e: {
            "HTX": [HTX_HEADER, htx("0202", commune="3550", established="01/02/2026")]
        },
        message=lambda: "Xã Sì Lở Lầu không tồn tại vào ngày 01/02/2026",
    ),
}


def errors_of(response: Any) -> list[str]:
    form = response.context["form"]
    return [message for messages in form.errors.values() for message in messages]


@pytest.mark.parametrize("path", ["service", "form", "import"])
@pytest.mark.parametrize("name", CASES)
def test_each_path_refuses_with_the_rules_message_and_writes_nothing(
    name: str, path: str, phong_tho: Any, tmp_path: Path
) -> None:
    case = CASES[name]
    entity = case.setup(phong_tho)
    message = case.message()
    before = snapshot()
    if path == "service":
        with pytest.raises(services.RegistryError) as refusal:
            case.service(phong_tho, entity)
        assert str(refusal.value) == capfirst(message)
    elif path == "form":
        address, data = case.form(phong_tho, entity)
        response = client_for(admin()).post(address, data)
        assert response.status_code == 400
        assert capfirst(message) in errors_of(response)
    else:
        plan = plan_import(workbook(tmp_path, case.sheets(phong_tho, entity)))
        assert message in [problem.message for problem in plan.problems]
    assert snapshot() == before


def test_the_cases_are_allowed_just_inside_their_boundaries(phong_tho: Any) -> None:
    """Guards the cases above: the same writes a step inside each rule go through."""
    entity = paused(phong_tho)
    services.update_entity(entity=entity, values={"established_on": D(2021, 5, 1)})
    services.change_status(entity=entity, status=Status.ACTIVE, date=D(2021, 5, 2))
    young = factories.entity("0303", phong_tho.tt_phong_tho, established=D(2023, 12, 31))
    services.save_yearly(entity=young, year=2024, values={"grade": "kha"})
    values = {"stars": 5, "recognized_on": D(2022, 10, 20), "level": "trung_uong"}
    services.save_ocop(entity=entity, name="Chè", values=values)
    values = {"stars": 4, "recognized_on": D(2025, 6, 30), "level": "huyen"}
    services.save_ocop(entity=entity, name="Mật ong", values=values)
    services.move_entity(entity=entity, unit=factories.unit("3550"), date=D(2025, 6, 30))


# --- Loại hình: every form a person types means the kind --------------------------------

SHORT_FORMS = {
    "HTX": Kind.HTX,
    "htx": Kind.HTX,
    "LHHTX": Kind.LHHTX,
    "THT": Kind.THT,
    "hop tac xa": Kind.HTX,
    "Tổ hợp tác": Kind.THT,
}


@pytest.mark.parametrize("path", ["service", "form", "import"])
@pytest.mark.parametrize("typed", SHORT_FORMS)
def test_each_path_stores_a_kind_typed_in_short_as_the_kind(
    typed: str, path: str, phong_tho: Any, tmp_path: Path
) -> None:
    if path == "service":
        values = {"name": "HTX Mới", "kind": typed, "sector": "nong_nghiep"}
        services.create_entity(
            code="0202",
            unit=phong_tho.xa_phong_tho,
            values={**values, "established_on": D(2025, 8, 1)},
        )
    elif path == "form":
        data = {**new_entity_post(phong_tho.xa_phong_tho, D(2025, 8, 1)), "kind": typed}
        assert client_for(admin()).post("/them-htx/", data).status_code == 302
    else:
        path_ = workbook(
            tmp_path,
            {
                "HTX": [
                    HTX_HEADER,
                    htx("0202", kind=typed, commune="3549", established="01/08/2025"),
                ]
            },
        )
        assert run_import(path_).applied
    assert Entity.objects.get(code="0202").kind == SHORT_FORMS[typed]


@pytest.mark.parametrize("typed", ["HTX", "htx", "hop tac xa"])
def test_the_list_and_the_api_read_a_kind_typed_in_short(typed: str, phong_tho: Any) -> None:
    factories.entity("0202", phong_tho.xa_phong_tho, established=D(2025, 8, 1))
    factories.entity("0303", phong_tho.xa_phong_tho, established=D(2025, 8, 1), kind=Kind.THT)
    client = client_for(admin())
    listed = client.get(reverse("registry:entity_list"), {"kind": typed})
    assert [e.code for e in listed.context["page"]] == ["0202"]
    answer = client.get(reverse("api:indicators"), {"year": 2025, "kind": typed})
    assert answer.status_code == 200
    assert answer.json()["kind"] == Kind.HTX
