"""Tổng quan, the home page (issue 9): who sees what, the demo's 2021 figures (the plan's
section II, DOMAIN.md §8), the default year, and a number of queries that does not grow
with the cooperatives."""

import datetime as dt
import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kttt.accounts.models import Role
from kttt.plans.models import Plan
from tests.factories import UserFactory, entity, yearly
from tests.web import PASSWORD, client_for, person

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def demo(tmp_path, settings):
    settings.VAR_DIR = tmp_path
    call_command("load_demo", password=PASSWORD)
    return Plan.objects.get()


def login(client, username: str):
    from django.contrib.auth.models import User

    client.force_login(User.objects.get(username=username))
    return client


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def figure(html: str, code: str) -> str:
    """The figure shown in the key figure tile of `code`."""
    tile = re.search(rf'data-code="{code}">(.*?)</li>', html, re.S)
    assert tile, code
    value = re.search(r'class="kpi-value"[^>]*>([^<]*)<', tile.group(1))
    assert value, code
    return value.group(1).strip()


def test_it_sends_anonymous_visitors_to_log_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_demo_home_page_of_2021_shows_the_plans_section_ii(client, demo):
    page = login(client, "tonghop").get("/", {"year": "2021"}).text
    # Section II of the plan: 27 HTX, 213 members, 63.090 triệu đồng of charter capital,
    # average income 46,5 triệu đồng/người/năm, 1.152 triệu đồng of taxes.
    assert figure(page, "coops_active") == "27"
    assert figure(page, "members") == "213"
    assert figure(page, "capital") == "63.090"
    assert figure(page, "income_avg") == "46,5"
    assert figure(page, "tax") == "1.152"
    assert figure(page, "workers") == "79"
    text = text_of(page)
    assert "Tổng quan · Huyện Phong Thổ" in text
    # The plan's targets of 2021, the plan's baseline year itself.
    assert "Mục tiêu của đề án năm 2021" in text
    assert "So với năm cơ sở 2021: chính năm này" in text
    assert f'href="/de-an/{demo.pk}/?year=2021"' in page
    # Each key figure leads to the cooperatives behind it.
    assert 'href="/chi-tieu/members/?year=2021&amp;area=109&amp;kind=htx"' in page
    # The charts are drawn on the server, one inline <svg> each.
    assert page.count("<svg") == 4
    assert "Tỷ lệ HTX nộp báo cáo năm 2021 theo đơn vị, Huyện Phong Thổ" in page
    assert "Cảnh báo chất lượng số liệu" in text


def test_it_shows_the_change_from_the_year_before_and_the_baseline(client, demo):
    page = login(client, "tonghop").get("/", {"year": "2022"}).text
    tile = re.search(r'data-code="coops_active">(.*?)</li>', page, re.S).group(1)
    # The demo's figures: 27 HTX in 2021; the change is this page's figure minus that one.
    now = int(figure(page, "coops_active"))
    sign = "+" if now > 27 else ""
    expected = f"{sign}{now - 27} HTX" if now != 27 else "0 HTX"
    assert f"So với 2021: {expected}" in text_of(tile)
    assert f"So với năm cơ sở 2021: {expected}" in text_of(tile)


def test_a_commune_officer_sees_its_commune_without_the_district_plan(client, demo):
    page = login(client, "canboxa").get("/", {"year": "2021"})
    assert page.status_code == 200
    text = text_of(page.text)
    assert "Tổng quan · Thị trấn Phong Thổ" in text  # 03549 read at 31/12/2021
    assert "Mục tiêu của đề án" not in text


def test_a_cooperative_representative_is_sent_to_its_cooperative(client, demo):
    response = login(client, "daidienhtx").get("/")
    assert response.status_code == 302
    assert re.fullmatch(r"/htx/[^/]+/", response["Location"])


def test_an_area_outside_the_users_territory_is_not_found(client, demo):
    assert login(client, "canboxa").get("/", {"area": "109", "year": "2021"}).status_code == 404
    assert login(client, "canboxa").get("/", {"area": "106", "year": "2021"}).status_code == 404


def test_a_bad_year_is_answered_in_vietnamese(client, demo):
    response = login(client, "tonghop").get("/", {"year": "hai nghìn"})
    assert response.status_code == 400
    assert "Năm" in text_of(response.text)
    assert "Traceback" not in response.text


def test_it_opens_on_the_latest_year_with_half_of_the_reports(client, phong_tho):
    u = phong_tho
    a, b = entity("A", u.tt_phong_tho), entity("B", u.mu_sang)
    yearly(a, 2022, members=3)
    yearly(b, 2022, members=4)
    yearly(a, 2023, members=3)  # 1 of 2: half, so 2023 is shown
    page = client_for(person(Role.PLANNING, "109")).get("/").text
    assert "Số liệu chính năm 2023" in page
    assert figure(page, "members") == "3"


def test_the_number_of_queries_does_not_grow_with_the_cooperatives(phong_tho):
    user = person(Role.PLANNING, "109")
    u = phong_tho

    def queries() -> int:
        client = client_for(user)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get("/", {"year": "2023"})
        assert response.status_code == 200
        return len(ctx)

    first = entity("E1", u.tt_phong_tho)
    for year in (2022, 2023):
        yearly(first, year, members=2, workers=1, income_avg=40)
    one = queries()
    for i, commune in enumerate((u.mu_sang, u.ban_lang)):
        e = entity(f"E{i + 2}", commune)
        for year in (2022, 2023):
            yearly(e, year, members=2, workers=1, income_avg=40)
    assert queries() == one


def test_the_menu_leads_to_the_home_page_first(client, demo):
    page = login(client, "xem").get(reverse("registry:entity_list")).text
    nav = re.search(r'<nav class="nav".*?</nav>', page, re.S).group(0)
    assert re.findall(r'<a href="([^"]+)"', nav)[0] == "/"
    assert 'class="brand" href="/"' in page


def test_a_user_without_a_role_is_sent_to_the_list(client, phong_tho):
    response = client_for(UserFactory()).get("/")
    assert response.status_code == 302
    assert response["Location"] == reverse("registry:entity_list")
