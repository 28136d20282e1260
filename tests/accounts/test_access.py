import pytest

from kttt.accounts.access import Scope
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
    assert list(scope.visible().values_list("code", flat=True)) == ["OWN"]
    assert list(scope.writable({Role.COOPERATIVE}).values_list("code", flat=True)) == ["OWN"]
