"""The public products page (/gioi-thieu-san-pham/): open without log-in, only the
cooperatives that agreed, only their name, commune, sector, valid OCOP products and contact."""

import datetime as dt

import pytest
from django.test import Client

from kttt.access.scope import today
from kttt.accounts.models import Role
from kttt.registry import services
from tests import factories
from tests.web import PLAIN_STORAGES, client_for, coop, person

pytestmark = pytest.mark.django_db
URL = "/gioi-thieu-san-pham/"


@pytest.fixture(autouse=True)
def _plain_static(settings):
    settings.STORAGES = PLAIN_STORAGES


def listed(code, u, name, **extra):
    return coop(code, u.tt_phong_tho, u.xa_phong_tho, name=name, listed_publicly=True, **extra)


def product(entity, name, stars, recognized_on):
    return services.save_ocop(
        entity=entity,
        name=name,
        values={"stars": stars, "recognized_on": recognized_on, "level": "tinh"},
    )


def test_it_shows_a_listed_cooperative_and_none_of_its_private_fields(phong_tho):
    u = phong_tho
    recent = today() - dt.timedelta(days=100)
    phuc = listed(
        "PRIV-CODE-77",
        u,
        "HTX Chè Phúc Hưng",
        address="Bản Pa So, xã Phong Thổ",
        phone="0912 345 678",
        representative="Giàng A Bí Mật",
        is_model_coop=True,
        established=dt.date(2013, 4, 17),
    )
    product(phuc, "Chè Shan tuyết Pa So", 4, recent)
    product(phuc, "Mật ong hết hạn", 3, dt.date(2015, 1, 5))  # certificate expired
    factories.yearly(
        phuc,
        2024,
        members=48_731,
        workers=9_137,
        charter_capital=71_234,
        revenue=65_432,
        profit=-4_321,
        income_avg=87.65,
        tax=3_579,
        grade="kha",
    )
    services.change_status(
        entity=phuc, status="paused", date=dt.date(2016, 1, 1), note="Ghi chú nội bộ XYZ"
    )
    services.change_status(entity=phuc, status="active", date=dt.date(2017, 1, 1))
    coop("HIDDEN1", u.tt_phong_tho, u.xa_phong_tho, name="HTX Không Đồng Ý")

    page = Client().get(URL)

    assert page.status_code == 200
    text = page.text
    for shown in (
        "HTX Chè Phúc Hưng",
        "Xã Phong Thổ",
        "Nông - lâm nghiệp, thủy sản",
        "Chè Shan tuyết Pa So",
        "OCOP 4 sao",
        "Bản Pa So, xã Phong Thổ",
        "0912 345 678",
    ):
        assert shown in text
    for private in (
        "PRIV-CODE-77",  # the registration code: not shown, the contact is enough
        "Giàng A Bí Mật",  # a person's name
        "Mật ong hết hạn",  # an expired certificate is no longer a star rating
        "HTX Không Đồng Ý",  # did not agree
        "48.731",
        "48731",
        "9.137",
        "71.234",
        "65.432",
        "4.321",
        "87,65",
        "3.579",
        "Khá",
        "Ghi chú nội bộ XYZ",
        "Tạm ngừng",
        "17/04/2013",
        "QĐ 167",
        "kiểu mới",
    ):
        assert private not in text, private


def test_a_dissolved_cooperative_is_not_listed(phong_tho):
    gone = listed("GONE1", phong_tho, "HTX Đã Giải Thể")
    services.change_status(entity=gone, status="dissolved", date=today() - dt.timedelta(days=3))

    assert "HTX Đã Giải Thể" not in Client().get(URL).text


def test_it_searches_without_diacritics(phong_tho):
    listed("A1", phong_tho, "HTX Chè Phúc Hưng")
    listed("A2", phong_tho, "HTX Dệt thổ cẩm Sì Lở Lầu")

    found = Client().get(URL, {"q": "phuc hung"}).text

    assert "HTX Chè Phúc Hưng" in found
    assert "Sì Lở Lầu" not in found


def test_the_planning_office_lists_a_cooperative_on_its_edit_form(phong_tho):
    entity = coop("B1", phong_tho.tt_phong_tho, phong_tho.xa_phong_tho, name="HTX Bản Bo")
    client = client_for(person(Role.PLANNING, "109"))
    form = client.get("/htx/B1/sua/")
    assert "đồng ý giới thiệu sản phẩm" in form.text

    data = {
        "name": "HTX Bản Bo",
        "kind": "htx",
        "sector": "nong_nghiep",
        "established_on": "01/01/2015",
        "listed_publicly": "on",
    }
    client.post("/htx/B1/sua/", data)

    entity.refresh_from_db()
    assert entity.listed_publicly
    assert "HTX Bản Bo" in Client().get(URL).text


def test_its_queries_do_not_grow_with_the_cooperatives(phong_tho, django_assert_max_num_queries):
    recent = today() - dt.timedelta(days=10)
    product(listed("C1", phong_tho, "HTX Một"), "Sản phẩm 1", 3, recent)
    with django_assert_max_num_queries(10) as one:
        Client().get(URL)
    for i in (2, 3):
        product(listed(f"C{i}", phong_tho, f"HTX Số {i}"), f"Sản phẩm {i}", 4, recent)
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert "HTX Số 3" in Client().get(URL).text
