import pytest

from kttt.access.registry import entities_visible_to, entities_writable_by
from kttt.access.scope import Scope
from kttt.accounts.models import Membership, Role
from tests.factories import UserFactory, entity

pytestmark = pytest.mark.django_db


def test_a_cooperative_representative_sees_only_its_cooperative_even_with_an_area(phong_tho):
    import datetime as dt

    founded = dt.date(2025, 8, 1)  # in today's Xã Phong Thổ, inside the area set below
    own = entity("OWN", phong_tho.xa_phong_tho, established=founded)
    entity("NEIGHBOUR", phong_tho.xa_phong_tho, established=founded)
    user = UserFactory()
    # The Django admin would let someone set an area on this role; it must grant nothing.
    Membership.objects.create(user=user, role=Role.COOPERATIVE, cooperative=own, area_code="03549")
    scope = Scope.of(user)
    assert list(entities_visible_to(scope).values_list("code", flat=True)) == ["OWN"]
    assert list(entities_writable_by(scope, {Role.COOPERATIVE}).values_list("code", flat=True)) == [
        "OWN"
    ]


# --- may_read_area: which area selectors a user may ask figures for ---------------------


def scope_with(role, area_code=""):
    user = UserFactory()
    Membership.objects.create(user=user, role=role, area_code=area_code)
    return Scope.of(user)


def end_of(year):
    import datetime as dt

    return dt.date(year, 12, 31)


@pytest.mark.parametrize(
    ("code", "year", "allowed"),
    [
        ("109", 2021, True),
        ("03549", 2021, True),  # Thị trấn Phong Thổ, a commune of the district then
        ("3568", 2021, True),  # Xã Mù Sang, written without its leading zero
        ("106", 2021, False),  # Huyện Tam Đường
        ("12", 2021, False),  # the province is larger
        ("VN", 2021, False),
        ("109", 2026, True),  # the district has ended: matched by its code
        ("03549", 2026, True),  # today's Xã Phong Thổ succeeded the district
        ("03394", 2026, True),  # Xã Sin Suối Hồ, a successor too (with Thèn Sin)
        ("12", 2026, False),
        ("abc", 2021, False),
        ("99999", 2021, False),
    ],
)
def test_it_lets_a_district_role_read_the_district_and_what_lies_in_it(
    phong_tho, code, year, allowed
):
    assert scope_with(Role.PLANNING, "109").may_read_area(code, end_of(year)) is allowed


@pytest.mark.parametrize(
    ("code", "year", "allowed"),
    [
        ("3549", 2021, True),  # the code read in 2021: Thị trấn Phong Thổ
        ("03549", 2026, True),
        ("109", 2021, False),
        ("03568", 2021, False),
        ("109", 2026, False),  # five communes, not only this one
    ],
)
def test_it_lets_a_commune_role_read_only_its_commune(phong_tho, code, year, allowed):
    assert scope_with(Role.COMMUNE, "03549").may_read_area(code, end_of(year)) is allowed


def test_it_lets_an_administrator_read_any_area(phong_tho):
    scope = scope_with(Role.ADMIN)
    assert scope.may_read_area("VN", end_of(2021))
    assert scope.may_read_area("106", end_of(2026))


def test_it_gives_a_cooperative_representative_no_area(phong_tho):
    own = entity("OWN", phong_tho.tt_phong_tho)
    user = UserFactory()
    Membership.objects.create(user=user, role=Role.COOPERATIVE, cooperative=own)
    scope = Scope.of(user)
    assert not scope.reads_area_figures()
    assert not scope.may_read_area("03549", end_of(2021))


def test_it_counts_only_the_roles_asked_for(phong_tho):
    from kttt.access.scope import PLAN_WRITERS

    assert not scope_with(Role.VIEWER, "109").may_read_area("109", end_of(2021), roles=PLAN_WRITERS)
    assert scope_with(Role.PLANNING, "109").may_read_area("109", end_of(2021), roles=PLAN_WRITERS)
