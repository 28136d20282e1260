"""Factories over real models (no mocks of our own code). Reference units come from the
data migration, so tests use the real Lai Châu codes."""

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import factory
from django.contrib.auth.models import User

from kttt.accounts.models import Membership
from kttt.areas.models import Unit
from kttt.areas.services import record_succession, unit_at
from kttt.registry import services
from kttt.registry.models import Entity, Kind, Sector, YearlyReport

BEFORE = dt.date(2021, 1, 1)
AFTER = dt.date(2025, 7, 1)


def unit(code: str, on: dt.date = BEFORE) -> Unit:
    found = unit_at(code, on)
    assert found is not None, f"no unit {code} at {on}"
    return found


def units() -> SimpleNamespace:
    """Units every test talks about, read at the right dates, with the commune-level
    succession of Xã Phong Thổ recorded as the demo records it (the shipped data has only
    the district's and those of Khổng Lào and Sin Suối Hồ): Thị trấn Phong Thổ, Huổi Luông,
    Ma Ly Pho and Lả Nhì Thàng went into Xã Phong Thổ on 01/7/2025."""
    record_succession(
        date=AFTER,
        old_codes=["03549", "03490", "03574", "03391"],
        new_codes=["03549"],
        only_old_territory=True,
        source="test",
    )
    return SimpleNamespace(
        province=unit("12"),
        phong_tho=unit("109"),
        tam_duong=unit("106"),
        tt_phong_tho=unit("3549"),  # Thị trấn Phong Thổ (old)
        sin_suoi_ho_old=unit("3592"),
        then_sin=unit("3394"),  # Xã Thèn Sin, Huyện Tam Đường (old 3394)
        khong_lao_old=unit("3583"),
        ban_lang=unit("3577"),
        mu_sang=unit("3568"),
        xa_phong_tho=unit("3549", AFTER),  # Xã Phong Thổ (new 3549)
        sin_suoi_ho_new=unit("3394", AFTER),
        khong_lao_new=unit("3583", AFTER),
        dao_san_new=unit("3571", AFTER),
    )


def entity(
    code: str,
    commune: Unit,
    *,
    established: dt.date = dt.date(2015, 1, 1),
    kind: str = Kind.HTX,
    sector: str = Sector.NONG_NGHIEP,
    name: str | None = None,
    **extra: Any,
) -> Entity:
    return services.create_entity(
        code=code,
        unit=commune,
        values={
            "name": name or f"HTX {code}",
            "kind": kind,
            "sector": sector,
            "established_on": established,
            **extra,
        },
        source="test",
    )


def yearly(e: Entity, year: int, **values: Any) -> YearlyReport:
    for key in ("charter_capital", "revenue", "profit", "income_avg", "tax"):
        if key in values and values[key] is not None:
            values[key] = Decimal(str(values[key]))
    return services.save_yearly(entity=e, year=year, values=values, source="test")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")

    @factory.post_generation
    def password(obj, create, extracted, **kwargs):
        obj.set_password(extracted or "mat-khau-thu-nghiem")
        if create:
            obj.save(update_fields=["password"])


def user_with_role(
    role: str, area_code: str = "", cooperative: Entity | None = None, username: str | None = None
) -> User:
    u = UserFactory(**({"username": username} if username else {}))
    Membership.objects.create(user=u, role=role, area_code=area_code, cooperative=cooperative)
    return u


class ImplementingUnitFactory(factory.django.DjangoModelFactory):
    """A plan's implementing unit; pass valid_from / valid_to for one that lives an interval."""

    class Meta:
        model = "plans.ImplementingUnit"

    name = factory.Sequence(lambda n: f"Phòng {n}")
    kind = "department"
