"""Charts drawn on the server with matplotlib: plain data in, a PNG (documents) or an inline
SVG (pages) out, from the same drawing code.

- Framework-free: the caller passes every label already translated (titles, series names,
  units, the "no data" sentence).
- Numbers are written the Vietnamese way (63.090; 46,5), axis ticks included.
- Matplotlib is imported on the first drawing, not when this module is imported (it costs
  about half a second; Django's start-up must not pay it). Only the object API is used
  (`Figure` with an explicit Agg or SVG canvas, no pyplot state): safe under threads.
- Deterministic: the same data gives byte-identical PNG and SVG (no dates or software name
  in the metadata, a fixed SVG hash salt), so a report regenerated from the same figures is
  the same file.
- A missing value (None) is a gap: no bar, a break in the line, never a 0.
"""

from __future__ import annotations

import hashlib
import html
import io
import math
import re
import textwrap
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeVar, cast

from kttt.lib.numbers import format_number

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

Number = float | int | Decimal
T = TypeVar("T")
NO_DATA = "Chưa có số liệu"
# An A4 page with 3 cm and 2 cm margins leaves a 16 cm text column.
WIDTH_CM = 16.0
HEIGHT_CM = 8.0
CM_PER_INCH = 2.54
# The palette of the pages (kttt/static/kttt/app.css), readable by colour-blind readers:
# blue bars, an orange line, the path grey, the target red.
COLOURS = ["#0b5cad", "#e08a00", "#1e7b34", "#7b3fa0", "#5b6473", "#b3261e", "#2aa1b3"]
LINE_COLOUR = "#e08a00"
PATH_COLOUR = "#5b6473"
TARGET_COLOUR = "#b3261e"
GRID_COLOUR = "#d9dee6"
TEXT_COLOUR = "#1d2430"
# Documents prefer a Times-like serif (fonts-liberation2, scripts/system-deps.sh); matplotlib
# bundles DejaVu, which has every Vietnamese letter, as the fallback.
DOCUMENT_FONTS = ("Liberation Serif", "Times New Roman")
DOCUMENT_FALLBACK = "DejaVu Serif"
PAGE_FONT = "sans-serif"  # DejaVu Sans in the layout; the browser's own sans-serif on screen

_setup_lock = threading.Lock()
_ready = False


def _matplotlib() -> None:
    """Import matplotlib once, with the settings that are read at save time rather than
    per figure (set once, never changed afterwards, so threads may draw at the same time)."""
    global _ready
    if _ready:
        return
    with _setup_lock:
        if _ready:
            return
        import matplotlib

        matplotlib.use("Agg")  # no display, whatever the environment says
        matplotlib.rcParams["svg.hashsalt"] = "kttt"  # stable ids in the SVG
        matplotlib.rcParams["svg.fonttype"] = "none"  # real <text>: readable, searchable
        _ready = True


def _document_font() -> str:
    from matplotlib import font_manager

    installed = {f.name for f in font_manager.fontManager.ttflist}
    return next((name for name in DOCUMENT_FONTS if name in installed), DOCUMENT_FALLBACK)


@dataclass(frozen=True)
class Series:
    """One named row of values, one per category; None is a missing value."""

    name: str
    values: Sequence[Number | None]
    unit: str = ""

    def floats(self) -> list[float]:
        """The values as floats, NaN where a value is missing (matplotlib leaves a gap)."""
        return [math.nan if v is None else float(v) for v in self.values]


@dataclass(frozen=True)
class _Style:
    font: str
    size: float = 9.0  # points; the title is a little larger

    @property
    def title_size(self) -> float:
        return self.size + 2


Draw = Callable[["Figure", _Style], None]


@dataclass(frozen=True)
class Chart:
    """A chart ready to be drawn: `.png()` for documents, `.svg()` for pages."""

    title: str
    description: str  # the figures in words, for screen readers (<desc>)
    draw: Draw = field(repr=False)
    width_cm: float = WIDTH_CM
    height_cm: float = HEIGHT_CM
    # Everything the drawing depends on (hashable): the same key draws the same image, so a
    # drawing is kept (_CACHE) and a page shown again costs no drawing.
    key: tuple[Any, ...] = ()

    def sized(self, width_cm: float, height_cm: float | None = None) -> Chart:
        """The same chart at another size (the height keeps the proportion if not given)."""
        height = height_cm if height_cm is not None else self.height_cm * width_cm / self.width_cm
        return replace(self, width_cm=width_cm, height_cm=height)

    def pixel_size(self, dpi: int = 200) -> tuple[int, int]:
        """The PNG's width and height in pixels at `dpi`."""
        return (
            round(self.width_cm / CM_PER_INCH * dpi),
            round(self.height_cm / CM_PER_INCH * dpi),
        )

    def figure(self, *, document: bool, dpi: int = 100) -> Figure:
        """The drawn matplotlib figure (a document's serif font, or the page's sans-serif)."""
        _matplotlib()
        from matplotlib.figure import Figure

        width, height = self.pixel_size(dpi)
        # Agg truncates width × dpi to whole pixels: a hair more keeps 1260 from being 1259.
        size = ((width + 0.01) / dpi, (height + 0.01) / dpi)
        figure = Figure(figsize=size, dpi=dpi, layout="constrained")
        figure.set_facecolor("white")
        self.draw(figure, _Style(_document_font() if document else PAGE_FONT))
        return figure

    def png(self, dpi: int = 200) -> bytes:
        """A PNG of `width_cm` × `height_cm` at `dpi` (pixel_size(dpi)), for a document."""
        return _cached(self, ("png", dpi), lambda: self._png(dpi))

    def svg(self) -> str:
        """A self-contained inline <svg> element: no external reference, sized by its
        viewBox (it takes the width of its container), with <title> and <desc>."""
        return _cached(self, ("svg",), self._svg)

    def _png(self, dpi: int) -> bytes:
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        figure = self.figure(document=True, dpi=dpi)
        FigureCanvasAgg(figure)
        out = io.BytesIO()
        figure.savefig(out, format="png", dpi=dpi, metadata={"Software": None})
        return out.getvalue()

    def _svg(self) -> str:
        from matplotlib.backends.backend_svg import FigureCanvasSVG

        figure = self.figure(document=False, dpi=72)
        FigureCanvasSVG(figure)
        out = io.StringIO()
        none = dict.fromkeys(("Creator", "Date", "Format", "Type"))
        figure.savefig(out, format="svg", metadata=none)
        return _inline(out.getvalue(), self.title, self.description)


_CACHE: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
_CACHE_SIZE = 128  # a few MB at most: an SVG is about 30 KB, a 200 dpi PNG about 80 KB
_cache_lock = threading.Lock()


def _cached(chart: Chart, how: tuple[Any, ...], render: Callable[[], T]) -> T:
    if not chart.key:
        return render()
    key = (*chart.key, chart.width_cm, chart.height_cm, *how)
    with _cache_lock:
        if key in _CACHE:
            _CACHE.move_to_end(key)
            return cast(T, _CACHE[key])
    value = render()
    with _cache_lock:
        _CACHE[key] = value
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return value


def clear_cache() -> None:
    """Forget every kept drawing (the next draw runs matplotlib again)."""
    with _cache_lock:
        _CACHE.clear()


_ID = re.compile(r'(\sid="|url\(#|href="#)([^")]+)')


# Matplotlib styles its SVG with style="" attributes and one <style> element, which a
# Content-Security-Policy without 'unsafe-inline' in style-src blocks on a page (the chart
# would lose its colours). Every property it writes is also an SVG presentation attribute,
# which no policy blocks: fill, stroke, stroke-width, font-size, text-anchor... The <style>
# element's rule for every element becomes two attributes of the root, which its children
# inherit unless they set their own, as they did with the rule.
_STYLE_ELEMENT = '<style type="text/css">*{stroke-linejoin: round; stroke-linecap: butt}</style>'
_ROOT_STYLE = 'stroke-linejoin="round" stroke-linecap="butt"'
_STYLE_ATTRIBUTE = re.compile(r'\sstyle="([^"]*)"')


def _without_inline_styles(svg: str) -> str:
    if "<style" in svg.replace(_STYLE_ELEMENT, ""):
        raise ValueError("matplotlib wrote a <style> element this module does not know")
    svg = svg.replace(_STYLE_ELEMENT, "")
    return _STYLE_ATTRIBUTE.sub(_as_attributes, svg)


def _as_attributes(match: re.Match[str]) -> str:
    declarations = (d.partition(":") for d in match.group(1).split(";") if d.strip())
    return "".join(f' {name.strip()}="{value.strip()}"' for name, _, value in declarations)


def _inline(document: str, title: str, description: str) -> str:
    """Matplotlib's SVG file made an element to put in a page: no XML declaration nor
    DOCTYPE (which names an external DTD), no fixed width and height, ids prefixed by a hash
    of the content so that two charts on one page never share one."""
    svg = document[document.index("<svg") :]
    prefix = "c" + hashlib.sha256(svg.encode()).hexdigest()[:8] + "-"
    svg = _ID.sub(lambda m: m.group(1) + prefix + m.group(2), svg)
    svg = _without_inline_styles(svg)
    head, _, body = svg.partition(">")
    head = re.sub(r'\s(width|height)="[^"]*"', "", head)
    accessible = (
        f' {_ROOT_STYLE} class="chart" role="img" aria-labelledby="{prefix}title {prefix}desc">'
        f'<title id="{prefix}title">{html.escape(title)}</title>'
        f'<desc id="{prefix}desc">{html.escape(description)}</desc>'
    )
    return head + accessible + body.rstrip() + "\n"


# --- drawing helpers --------------------------------------------------------------------


def _number(value: float, _position: Any = None) -> str:
    return format_number(value)


def _frozen(series: Series | None) -> tuple[Any, ...] | None:
    if series is None:
        return None
    values = tuple(None if v is None else float(v) for v in series.values)
    return (series.name, values, series.unit)


def _is_empty(rows: Sequence[Sequence[Number | None]]) -> bool:
    return all(v is None for row in rows for v in row)


def _say(values: Sequence[Number | None], unit: str = "") -> list[str]:
    return ["–" if v is None else f"{format_number(v)} {unit}".rstrip() for v in values]


def _empty(figure: Figure, style: _Style, title: str, text: str) -> None:
    figure.suptitle(
        _wrap(title, int(figure.get_figwidth() * 14)),
        fontfamily=style.font,
        fontsize=style.title_size,
        color=TEXT_COLOUR,
    )
    figure.text(
        0.5,
        0.45,
        text,
        ha="center",
        va="center",
        fontfamily=style.font,
        fontsize=style.size + 1,
        color=PATH_COLOUR,
        fontstyle="italic",
    )


def _axes(figure: Figure, style: _Style, title: str) -> Axes:
    ax = figure.add_subplot()
    ax.set_title(
        _wrap(title, int(figure.get_figwidth() * 14)),
        fontfamily=style.font,
        fontsize=style.title_size,
        color=TEXT_COLOUR,
    )
    _style_axis(ax, style)
    ax.grid(axis="y", color=GRID_COLOUR, linewidth=0.6)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return ax


def _style_axis(ax: Axes, style: _Style, which: str = "y") -> None:
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    ax.tick_params(labelfontfamily=style.font, labelsize=style.size, colors=TEXT_COLOUR)
    axis = ax.yaxis if which == "y" else ax.xaxis
    axis.set_major_locator(MaxNLocator(nbins=6, steps=[1, 2, 2.5, 5, 10]))
    axis.set_major_formatter(FuncFormatter(_number))


def _unit_label(ax: Axes, style: _Style, unit: str, which: str = "y") -> None:
    if unit:
        setter = ax.set_ylabel if which == "y" else ax.set_xlabel
        setter(unit, fontfamily=style.font, fontsize=style.size, color=TEXT_COLOUR)


def _from_zero(ax: Axes, values: list[float], which: str = "y", room: float = 0.15) -> None:
    """Bars and counts start at 0; `room` (a share of the range) is left above the highest
    value for its label."""
    known = [v for v in values if not math.isnan(v)]
    low = min([0.0, *known])
    high = max([0.0, *known])
    span = (high - low) or 1.0
    limits = (low - (0.12 * span if low < 0 else 0), high + room * span)
    (ax.set_ylim if which == "y" else ax.set_xlim)(*limits)


def _label_points(ax: Axes, style: _Style, xs: Sequence[float], ys: list[float], colour: str):
    for x, y in zip(xs, ys, strict=True):
        if not math.isnan(y):
            ax.annotate(
                format_number(y),
                (x, y),
                xytext=(0, 6),
                textcoords="offset points",
                ha="center",
                fontfamily=style.font,
                fontsize=style.size - 0.5,
                color=colour,
                bbox={"boxstyle": "square,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.8},
            )


def _legend(figure: Figure, style: _Style, handles: list[Any]) -> None:
    figure.legend(
        handles=handles,
        loc="outside lower center",
        ncol=min(len(handles), 3),
        frameon=False,
        prop={"family": style.font, "size": style.size},
    )


def _wrap(label: str, width: int) -> str:
    return "\n".join(textwrap.wrap(label, width)) or label


# --- the charts -------------------------------------------------------------------------


def bar_line(
    title: str,
    categories: Sequence[str],
    bars: Series | None,
    line: Series | None,
    *,
    empty_text: str = NO_DATA,
) -> Chart:
    """Bars on the left axis and a line on the right one, over the same categories: e.g.
    cooperatives (HTX) and the average income (triệu đồng/người/năm) by year."""
    cats = list(categories)
    rows = [s for s in (bars, line) if s is not None]
    for s in rows:
        if len(s.values) != len(cats):
            raise ValueError(f"{s.name}: {len(s.values)} values for {len(cats)} categories")

    def draw(figure: Figure, style: _Style) -> None:
        if not cats or _is_empty([s.values for s in rows]):
            return _empty(figure, style, title, empty_text)
        ax = _axes(figure, style, title)
        xs = list(range(len(cats)))
        handles: list[Any] = []
        if bars is not None:
            ys = bars.floats()
            drawn = [(x, y) for x, y in zip(xs, ys, strict=True) if not math.isnan(y)]
            container = ax.bar(
                [x for x, _ in drawn], [y for _, y in drawn], width=0.6, color=COLOURS[0]
            )
            container.set_label(bars.name)
            ax.bar_label(
                container,
                labels=[format_number(y) for _, y in drawn],
                label_type="center",
                color="white",
                fontfamily=style.font,
                fontsize=style.size - 0.5,
            )
            # With a line, the bars keep to the lower part and the line runs above them.
            _from_zero(ax, ys, room=0.15 if line is None else 0.7)
            _unit_label(ax, style, bars.unit)
            handles.append(container)
        if line is not None:
            lax = ax.twinx() if bars is not None else ax
            if bars is not None:
                _style_axis(lax, style)
                lax.spines["top"].set_visible(False)
            ys = line.floats()
            (drawn_line,) = lax.plot(
                xs, ys, color=LINE_COLOUR, marker="o", markersize=4, linewidth=2, label=line.name
            )
            _label_points(lax, style, xs, ys, TEXT_COLOUR)
            _from_zero(lax, ys)
            _unit_label(lax, style, line.unit)
            handles.append(drawn_line)
        ax.set_xticks(xs, cats)
        ax.set_xlim(-0.6, len(cats) - 0.4)
        _legend(figure, style, handles)

    words = []
    for s in rows:
        said = _say(s.values, s.unit)
        words.append(
            f"{s.name}: " + "; ".join(f"{c}: {v}" for c, v in zip(cats, said, strict=True))
        )
    key = ("bar_line", title, tuple(cats), *(_frozen(s) for s in (bars, line)), empty_text)
    return Chart(title, ". ".join(words) or empty_text, draw, key=key)


def bars(
    title: str,
    categories: Sequence[str],
    series: Sequence[Series],
    unit: str,
    horizontal: bool = False,
    *,
    empty_text: str = NO_DATA,
) -> Chart:
    """Grouped bars, one group per category and one bar per series (a legend when there is
    more than one): e.g. the number of HTX by sector. `horizontal` suits long names."""
    cats = list(categories)
    rows = list(series)
    for s in rows:
        if len(s.values) != len(cats):
            raise ValueError(f"{s.name}: {len(s.values)} values for {len(cats)} categories")

    def draw(figure: Figure, style: _Style) -> None:
        if not cats or _is_empty([s.values for s in rows]):
            return _empty(figure, style, title, empty_text)
        ax = _axes(figure, style, title)
        value_axis = "x" if horizontal else "y"
        if horizontal:
            ax.grid(False)
            ax.grid(axis="x", color=GRID_COLOUR, linewidth=0.6)
            _style_axis(ax, style, "x")
        n = len(rows)
        width = 0.8 / n
        everything: list[float] = []
        for i, s in enumerate(rows):
            ys = s.floats()
            everything += ys
            drawn = [(x, y) for x, y in enumerate(ys) if not math.isnan(y)]
            positions = [x - 0.4 + width * (i + 0.5) for x, _ in drawn]
            heights = [y for _, y in drawn]
            colour = COLOURS[i % len(COLOURS)]
            if horizontal:
                container = ax.barh(positions, heights, height=width * 0.9, color=colour)
            else:
                container = ax.bar(positions, heights, width=width * 0.9, color=colour)
            container.set_label(s.name)
            ax.bar_label(
                container,
                labels=[format_number(y) for y in heights],
                padding=2,
                fontfamily=style.font,
                fontsize=style.size - 0.5,
                color=TEXT_COLOUR,
            )
        _from_zero(ax, everything, value_axis)
        _unit_label(ax, style, unit, value_axis)
        ticks = list(range(len(cats)))
        if horizontal:
            ax.set_yticks(ticks, [_wrap(c, 30) for c in cats])
            ax.set_ylim(len(cats) - 0.5, -0.5)  # the first category on top
            ax.spines["left"].set_visible(True)
        else:  # about 4 characters a centimetre of the category's slot
            chars = max(8, int(figure.get_figwidth() * CM_PER_INCH * 0.8 / len(cats) * 4))
            ax.set_xticks(ticks, [_wrap(c, chars) for c in cats])
            ax.set_xlim(-0.6, len(cats) - 0.4)
        if n > 1:
            _legend(figure, style, list(ax.containers))

    words = []
    for s in rows:
        said = _say(s.values, unit)
        words.append(
            f"{s.name}: " + "; ".join(f"{c}: {v}" for c, v in zip(cats, said, strict=True))
        )
    key = ("bars", title, tuple(cats), tuple(_frozen(s) for s in rows), unit, horizontal)
    return Chart(title, ". ".join(words) or empty_text, draw, key=(*key, empty_text))


def target_path(
    title: str,
    years: Sequence[int],
    actual: Sequence[Number | None],
    path: Sequence[Number | None],
    target_value: Number | None,
    unit: str,
    *,
    actual_name: str = "Thực hiện",
    path_name: str = "Lộ trình",
    target_name: str = "Mục tiêu",
    empty_text: str = NO_DATA,
) -> Chart:
    """A target's values year by year (solid) against its straight path from the baseline
    to the target (dashed), with the target itself as a horizontal line."""
    ys_years = list(years)
    if len(actual) != len(ys_years) or len(path) != len(ys_years):
        raise ValueError("actual and path need one value per year")
    real = Series(actual_name, actual, unit)
    planned = Series(path_name, path, unit)

    def draw(figure: Figure, style: _Style) -> None:
        if not ys_years or _is_empty([actual]):
            return _empty(figure, style, title, empty_text)
        from matplotlib.ticker import FixedLocator

        ax = _axes(figure, style, title)
        handles: list[Any] = []
        everything = real.floats()
        if not _is_empty([path]):
            (drawn,) = ax.plot(
                ys_years,
                planned.floats(),
                color=PATH_COLOUR,
                linestyle="--",
                linewidth=1.2,
                label=path_name,
            )
            handles.append(drawn)
            everything += planned.floats()
        if target_value is not None:
            level = float(target_value)
            drawn = ax.axhline(
                level, color=TARGET_COLOUR, linestyle=":", linewidth=1.5, label=target_name
            )
            handles.append(drawn)
            everything.append(level)
        (drawn,) = ax.plot(
            ys_years,
            real.floats(),
            color=COLOURS[0],
            marker="o",
            markersize=4,
            linewidth=2,
            label=actual_name,
        )
        handles.insert(0, drawn)
        _label_points(ax, style, ys_years, real.floats(), COLOURS[0])
        _from_zero(ax, everything)
        _unit_label(ax, style, unit)
        ax.xaxis.set_major_locator(FixedLocator(ys_years))
        ax.xaxis.set_major_formatter(lambda v, _pos: str(round(v)))
        ax.set_xlim(ys_years[0] - 0.5, ys_years[-1] + 0.5)
        _legend(figure, style, handles)

    words = [
        f"{actual_name}: "
        + "; ".join(f"{y}: {v}" for y, v in zip(ys_years, _say(actual, unit), strict=True))
    ]
    if target_value is not None:
        words.append(f"{target_name}: {format_number(target_value)} {unit}".rstrip())
    key = (
        "target_path",
        title,
        tuple(ys_years),
        _frozen(real),
        _frozen(planned),
        None if target_value is None else float(target_value),
        unit,
        target_name,
        empty_text,
    )
    return Chart(title, ". ".join(words), draw, key=key)
