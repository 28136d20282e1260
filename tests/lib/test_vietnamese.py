import datetime as dt
from decimal import Decimal

import pytest
from django.utils import formats, translation

from kttt.lib.dates import InvalidDate, add_months, document_date, parse_date
from kttt.lib.numbers import format_number, parse_number
from kttt.lib.text import fold, sort_key


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("63.090", "63090"),
        ("46,5", "46.5"),
        ("1.234,5", "1234.5"),
        ("46.5", "46.5"),
        ("1.234", "1234"),
        ("1.234.567", "1234567"),
        (" 12 ", "12"),
        ("-3,25", "-3.25"),
        ("0", "0"),
    ],
)
def test_it_reads_vietnamese_and_plain_numbers(text, value):
    assert parse_number(text) == Decimal(value)


@pytest.mark.parametrize("text", ["abc", "1,2,3", "1.23.4", "12a", "1e5", "", "--1"])
def test_it_refuses_what_is_not_a_number(text):
    assert parse_number(text) is None


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (63090, "63.090"),
        (Decimal("46.5"), "46,5"),
        (27.7777, "27,78"),
        (0, "0"),
        (Decimal("-1234.5"), "-1.234,5"),
        (1152, "1.152"),
        (Decimal("19682.000"), "19.682"),
    ],
)
def test_it_writes_numbers_the_vietnamese_way(value, text):
    assert format_number(value) == text


def test_it_overrides_djangos_vi_locale_to_group_thousands():
    with translation.override("vi"):
        assert formats.number_format(63090, use_l10n=True, force_grouping=False) == "63.090"
        assert formats.number_format(Decimal("46.5"), 1, use_l10n=True) == "46,5"
        assert formats.date_format(dt.date(2025, 3, 5), "SHORT_DATE_FORMAT") == "05/03/2025"


def test_it_reads_dates_and_refuses_impossible_ones():
    assert parse_date("05/03/2025") == dt.date(2025, 3, 5)
    assert parse_date("2025-03-05") == dt.date(2025, 3, 5)
    assert parse_date("hôm qua") is None
    with pytest.raises(InvalidDate):
        parse_date("31/02/2021")


def test_it_writes_document_dates_per_decree_30():
    assert document_date(dt.date(2025, 3, 5)) == "ngày 05 tháng 3 năm 2025"
    assert document_date(dt.date(2025, 2, 15)) == "ngày 15 tháng 02 năm 2025"
    assert document_date(dt.date(2025, 12, 1)) == "ngày 01 tháng 12 năm 2025"


def test_it_adds_calendar_months():
    assert add_months(dt.date(2022, 6, 15), 36) == dt.date(2025, 6, 15)
    assert add_months(dt.date(2023, 1, 31), 1) == dt.date(2023, 2, 28)


def test_it_folds_case_and_diacritics():
    assert fold("  Phúc   HƯNG ") == "phuc hung"
    assert fold("Đoàn Kết") == "doan ket"
    # Decomposed input (NFD, as some keyboards send it) folds the same.
    assert fold("Phu\u0301c") == fold("Phúc")


def test_it_sorts_in_vietnamese_alphabetical_order():
    names = ["Đông", "Bình", "Ăn", "Dương", "An", "Ân", "Ơn", "Ông", "Uyên", "Ưng", "Hà", "Ha"]
    assert sorted(names, key=sort_key) == [
        "An",
        "Ăn",
        "Ân",
        "Bình",
        "Dương",
        "Đông",
        "Ha",
        "Hà",
        "Ông",
        "Ơn",
        "Uyên",
        "Ưng",
    ]


@pytest.mark.django_db
def test_an_english_browser_still_gets_vietnamese_pages(client):
    response = client.get("/dang-nhap/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response["Content-Language"] == "vi"
    response = client.post(
        "/dang-nhap/", {"username": "", "password": ""}, HTTP_ACCEPT_LANGUAGE="en-US"
    )
    assert "This field is required" not in response.content.decode()
