"""Charts drawn on the server (kttt/lib/charts.py): what a reader of a page or a document
sees: the Vietnamese title and numbers, gaps for missing values, "Chưa có số liệu" for no
data, a PNG of the stated size, an SVG that needs nothing from outside, the same bytes from
the same data."""

import io
import re
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from kttt.lib.charts import Series, bar_line, bars, clear_cache, target_path

ROOT = Path(__file__).resolve().parent.parent.parent
YEARS = ["2021", "2022", "2023", "2024", "2025"]
SECTORS = [
    "Nông - lâm nghiệp, thủy sản",
    "Thương mại - dịch vụ",
    "Công nghiệp, tiểu thủ công nghiệp",
    "Khác",
]
BLUE = "#0b5cad"  # the actual values and the bars
ORANGE = "#e08a00"  # bar_line's line
NAMESPACES = {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}


def coops_and_income(income=(46.5, 48.2, 50, 55.25, 63.09)):
    return bar_line(
        "Số HTX đang hoạt động và thu nhập bình quân",
        YEARS,
        Series("Số HTX đang hoạt động", [27, 30, 33, 36, 40], "HTX"),
        Series("Thu nhập bình quân", list(income), "triệu đồng/người/năm"),
    )


def sectors(horizontal=True, values=(63090, 8, 4, 2)):
    return bars(
        "Số HTX theo lĩnh vực",
        SECTORS,
        [Series("Số HTX", list(values), "HTX")],
        "HTX",
        horizontal=horizontal,
    )


def texts(svg: str) -> list[str]:
    """The words drawn in the SVG (its <text> elements)."""
    return [t.strip() for t in re.findall(r"<text[^>]*>([^<]*)</text>", svg)]


def paths_in(svg: str, colour: str) -> list[str]:
    """The `d` of every line of that colour in the plot (clipped to it, unlike the legend's)."""
    return re.findall(rf'<path d="([^"]*)" clip-path="[^"]*" fill="none" stroke="{colour}"', svg)


def markers_in(svg: str, colour: str) -> int:
    """The points of that colour in the plot (the legend's sample is not clipped)."""
    plotted = "".join(re.findall(r'<g clip-path="[^"]*">(.*?)</g>', svg, re.DOTALL))
    return len(re.findall(rf'<use [^>]* fill="{colour}" stroke="{colour}"', plotted))


def bars_in(svg: str, colour: str) -> int:
    return len(re.findall(rf'<path d="[^"]*"[^>]* fill="{colour}"/>', svg))


def test_the_svg_shows_the_vietnamese_title_units_and_numbers():
    svg = coops_and_income().svg()
    words = texts(svg)
    assert "Số HTX đang hoạt động và thu nhập bình quân" in words
    assert {"2021", "2025", "HTX", "triệu đồng/người/năm"} <= set(words)
    assert {"46,5", "55,25", "63,09", "27", "40"} <= set(words)  # the values, Vietnamese style
    assert "Số HTX đang hoạt động" in words  # the legend
    assert "Thu nhập bình quân" in words


def test_axis_ticks_are_written_the_vietnamese_way():
    words = texts(sectors().svg())
    assert "63.090" in words  # the bar's value
    assert {"0", "20.000", "40.000", "60.000"} <= set(words)  # the ticks
    assert "63090" not in words
    assert "60,000" not in words


def test_the_svg_is_self_contained_scalable_and_titled():
    svg = coops_and_income().svg()
    assert svg.startswith("<svg ")
    head = svg[: svg.index(">")]
    assert 'viewBox="0 0 ' in head
    assert "width=" not in head
    assert "height=" not in head
    assert 'role="img"' in head
    assert "<title" in svg
    assert "Số HTX đang hoạt động và thu nhập bình quân</title>" in svg
    assert "2021: 27 HTX" in svg  # the figures in words (<desc>), for screen readers
    assert "<script" not in svg
    assert "<!DOCTYPE" not in svg
    assert "<?xml" not in svg
    assert "@import" not in svg
    assert "<image" not in svg
    assert set(re.findall(r"https?://[^\"')\s]+", svg)) <= NAMESPACES
    assert not re.search(r'href="(?!#)', svg)  # only references inside the SVG itself


def test_two_charts_on_one_page_share_no_id():
    ids = [set(re.findall(r'\sid="([^"]+)"', c.svg())) for c in (coops_and_income(), sectors())]
    assert ids[0]
    assert ids[1]
    assert ids[0].isdisjoint(ids[1])


def test_texts_are_escaped():
    svg = bars("<b>Tổng & cộng</b>", ["<i>x</i>"], [Series("s", [1])], "HTX").svg()
    assert "<b>" not in svg
    assert "<i>" not in svg
    assert "&lt;b&gt;Tổng &amp; cộng&lt;/b&gt;" in svg


def test_the_png_has_the_stated_size_for_an_a4_column():
    chart = coops_and_income()
    image = Image.open(io.BytesIO(chart.png(dpi=200)))
    assert image.format == "PNG"
    assert image.size == chart.pixel_size(200) == (1260, 630)  # 16 × 8 cm at 200 dpi
    image.load()
    assert image.info["dpi"] == pytest.approx((200, 200), abs=0.1)  # docx reads its size


@pytest.mark.parametrize(
    ("width_cm", "dpi", "size"), [(8, 100, (315, 157)), (12.5, 150, (738, 369))]
)
def test_the_width_in_centimetres_can_be_set(width_cm, dpi, size):
    chart = sectors().sized(width_cm)
    assert Image.open(io.BytesIO(chart.png(dpi=dpi))).size == size


def test_the_same_data_gives_the_same_bytes():
    first_png, first_svg = coops_and_income().png(), coops_and_income().svg()
    clear_cache()  # draw again rather than serve the kept drawing
    assert coops_and_income().png() == first_png
    assert coops_and_income().svg() == first_svg
    assert b"Matplotlib" not in first_png
    assert b"Software" not in first_png
    assert "<metadata" not in first_svg
    assert "Matplotlib" not in first_svg


def test_other_data_or_size_is_drawn_anew():
    chart = coops_and_income()
    assert coops_and_income(income=(1, 2, 3, 4, 5)).svg() != chart.svg()
    assert chart.sized(8).png(dpi=50) != chart.png(dpi=50)


def test_the_same_data_gives_the_same_bytes_in_another_process():
    script = (
        "import hashlib, sys; sys.path.insert(0, '.');"
        "from tests.lib.test_charts import coops_and_income as c;"
        "h = lambda b: hashlib.sha256(b).hexdigest();"
        "print(h(c().png()), h(c().svg().encode()))"
    )
    runs = [
        subprocess.run(
            [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout
        for _ in range(2)
    ]
    assert runs[0] == runs[1]
    here = coops_and_income()
    import hashlib

    assert runs[0].split() == [
        hashlib.sha256(here.png()).hexdigest(),
        hashlib.sha256(here.svg().encode()).hexdigest(),
    ]


def test_a_missing_value_breaks_the_line_rather_than_dropping_to_zero():
    whole = coops_and_income().svg()
    gap = coops_and_income(income=(46.5, 48.2, None, 55.25, 63.09)).svg()
    [line] = paths_in(whole, ORANGE)
    assert line.count("M") == 1
    assert markers_in(whole, ORANGE) == 5
    [broken] = paths_in(gap, ORANGE)
    assert broken.count("M") == 2  # two pieces: 2021–2022, 2024–2025
    assert markers_in(gap, ORANGE) == 4  # no point for 2023, not one at 0
    assert "50" not in texts(gap)


def test_a_missing_value_draws_no_bar():
    assert bars_in(sectors(horizontal=False, values=(5, 8, 4, 2)).svg(), BLUE) == 4
    svg = sectors(horizontal=False, values=(5, None, 4, 2)).svg()
    assert bars_in(svg, BLUE) == 3


def test_a_target_against_its_path():
    chart = target_path(
        "Thu nhập bình quân đạt 60 triệu đồng/người/năm",
        [2020, 2021, 2022, 2023, 2024, 2025],
        [40, 42, None, 47, 50, None],
        [40, 44, 48, 52, 56, 60],
        60,
        "triệu đồng/người/năm",
        actual_name="Thực hiện",
        path_name="Lộ trình",
        target_name="Mục tiêu",
    )
    svg = chart.svg()
    words = texts(svg)
    assert {"Thực hiện", "Lộ trình", "Mục tiêu", "2020", "2025", "60"} <= set(words)
    assert "2.020" not in words  # years are not numbers with thousands
    [actual] = paths_in(svg, BLUE)
    assert actual.count("M") == 2
    assert markers_in(svg, BLUE) == 4
    assert "Mục tiêu: 60 triệu đồng/người/năm" in svg  # in <desc>


@pytest.mark.parametrize(
    "chart",
    [
        bars("Số HTX theo lĩnh vực", [], [], "HTX"),
        bars("Số HTX theo lĩnh vực", SECTORS, [Series("Số HTX", [None] * 4)], "HTX"),
        bar_line("Số HTX", YEARS, Series("Số HTX", [None] * 5, "HTX"), None),
        target_path("Mục tiêu", [2021, 2022], [None, None], [1, 2], 2, "HTX"),
    ],
)
def test_no_data_says_so(chart):
    svg = chart.svg()
    assert "Chưa có số liệu" in texts(svg)
    assert Image.open(io.BytesIO(chart.png(dpi=50))).size == chart.pixel_size(50)


def test_the_no_data_sentence_is_the_callers():
    svg = bars("Số HTX", [], [], "HTX", empty_text="Không có dữ liệu").svg()
    assert "Không có dữ liệu" in texts(svg)


def test_values_and_categories_must_agree():
    with pytest.raises(ValueError, match="Số HTX"):
        bars("x", ["a", "b"], [Series("Số HTX", [1])], "HTX")


def test_documents_use_a_serif_font_when_installed():
    from matplotlib import font_manager

    if "Liberation Serif" not in {f.name for f in font_manager.fontManager.ttflist}:
        pytest.skip("fonts-liberation2 is not installed (scripts/system-deps.sh)")
    chart = coops_and_income()
    assert chart.figure(document=True).axes[0].title.get_fontname() == "Liberation Serif"
    assert chart.figure(document=False).axes[0].title.get_fontname() == "DejaVu Sans"


def test_matplotlib_is_imported_only_when_a_chart_is_drawn():
    script = (
        "import sys, django, os;"
        "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'kttt.settings');"
        "django.setup(); import kttt.urls;"  # every view, hence every chart builder
        "import kttt.lib.charts, kttt.plans.charts, kttt.indicators.charts;"
        "print('matplotlib' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "False"


def test_the_svg_has_no_inline_style_a_content_security_policy_would_block():
    # The pages' policy has no 'unsafe-inline' in style-src (kttt/settings.py): matplotlib's
    # style="" attributes and <style> element become presentation attributes.
    for chart in (coops_and_income(), sectors(), sectors(horizontal=False)):
        svg = chart.svg()
        assert "style=" not in svg
        assert "<style" not in svg
        assert svg.startswith("<svg ")
        assert 'stroke-linejoin="round" stroke-linecap="butt"' in svg.partition(">")[0]
    lines = paths_in(coops_and_income().svg(), ORANGE)
    assert len(lines) == 1  # the income line keeps its colour, as an attribute
