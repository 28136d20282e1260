"""The indicator charts the pages and reports share (kttt/indicators/charts.py), drawn from
the engine's own figures: two cooperatives of Huyện Phong Thổ, one of which reports."""

import datetime as dt
import io
import re

import pytest
from PIL import Image

from kttt.indicators.charts import area_years_chart, sector_chart
from kttt.indicators.engine import compute
from kttt.registry.models import Sector
from tests.factories import entity, yearly

pytestmark = pytest.mark.django_db
D = dt.date


def words(svg: str) -> list[str]:
    return [t.strip() for t in re.findall(r"<text[^>]*>([^<]*)</text>", svg)]


@pytest.fixture
def data(phong_tho):
    a = entity("A", phong_tho.tt_phong_tho, established=D(2015, 1, 1), sector=Sector.NONG_NGHIEP)
    yearly(a, 2021, workers=4, income_avg=36)
    yearly(a, 2023, workers=4, income_avg=46.5)
    entity("B", phong_tho.mu_sang, established=D(2022, 3, 1), sector=Sector.VAN_TAI)


def test_cooperatives_and_income_by_year(data):
    chart = area_years_chart("109", 2021, 2023)
    assert chart.title == "Số HTX đang hoạt động và thu nhập bình quân của lao động, 2021–2023"
    svg = chart.svg()
    shown = words(svg)
    assert {"2021", "2022", "2023", "HTX", "triệu đồng/người/năm"} <= set(shown)
    assert {"36", "46,5"} <= set(shown)  # the incomes; 2022 has no report: no point
    assert "2022: –" in svg  # said so to a screen reader
    assert "1" in shown
    assert "2" in shown


def test_cooperatives_by_sector(data):
    svg = sector_chart(compute(2022, "109")).svg()
    shown = words(svg)
    assert "Số HTX đang hoạt động theo lĩnh vực, năm 2022" in shown
    assert {"Nông - lâm nghiệp, thủy sản", "Vận tải"} <= set(shown)
    assert "Thương mại - dịch vụ" not in shown  # a sector without cooperatives is left out


def test_an_area_without_cooperatives_says_no_data(phong_tho):
    chart = sector_chart(compute(2022, "109"))
    assert "Chưa có số liệu" in words(chart.svg())
    assert Image.open(io.BytesIO(chart.png(dpi=100))).size == chart.pixel_size(100)
