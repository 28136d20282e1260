"""Indicators over figures that arrived through the Excel import as Vietnamese text
("63.090", "46,5"), worked out by hand."""

import pytest

from kttt.indicators.engine import compute
from tests.registry.test_import import htx as htx_row
from tests.registry.test_import import run, standard, yearly

pytestmark = pytest.mark.django_db


def test_it_computes_from_text_form_numbers(tmp_path, phong_tho):
    path = standard(
        tmp_path,
        htx_rows=[
            htx_row(code="A", commune="3549", established="01/01/2015"),
            htx_row(
                code="B", commune="3568", established="01/01/2016", sector="Thương mại - dịch vụ"
            ),
        ],
        yearly_rows=[
            yearly(
                "A",
                2021,
                capital="63.090",
                revenue="1.234,5",
                income="46,5",
                workers="4",
                members="10",
            ),
            yearly(
                "B",
                2021,
                capital="910",
                revenue="765.5",
                income="40",
                workers=2,
                workers_trained=1,
                members="8",
            ),
        ],
    )
    code, _out, err = run(path)
    assert code == 0, err
    got = compute(2021, "109")["indicators"]
    assert got["capital"] == 64000  # 63.090 + 910
    assert got["revenue"] == 2000  # 1.234,5 + 765,5
    assert got["members"] == 18
    assert got["income_avg"] == pytest.approx((46.5 * 4 + 40 * 2) / 6)  # 44,33…
