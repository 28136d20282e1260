"""Chart drawing benchmark (issue 8). Not a test: prints timings.

    .venv/bin/python benchmarks/charts_bench.py

Times the lazy matplotlib import (paid once per process, on the first chart), the first
chart of a process (fonts loaded), then for each chart as a PNG for a document (16 × 8 cm at
200 dpi) and as an inline SVG for a page: the median and worst wall time of 10 draws and
the median processor time; last, a chart served again from the kept drawings.
"""

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kttt.lib.charts import Series, bar_line, bars, clear_cache, target_path

YEARS = ["2021", "2022", "2023", "2024", "2025"]
SECTORS = [
    "Nông - lâm nghiệp, thủy sản",
    "Thương mại - dịch vụ",
    "Xây dựng, sản xuất vật liệu xây dựng",
    "Công nghiệp, tiểu thủ công nghiệp",
    "Vận tải",
    "Quỹ tín dụng nhân dân",
    "Vệ sinh môi trường",
    "Khác",
]
CHARTS = {
    "bar_line (HTX + thu nhập, 5 năm)": bar_line(
        "Số HTX đang hoạt động và thu nhập bình quân, 2021–2025",
        YEARS,
        Series("Số HTX đang hoạt động", [27, 30, 33, 36, 40], "HTX"),
        Series("Thu nhập bình quân", [46.5, 48.2, None, 55.25, 63.09], "triệu đồng/người/năm"),
    ),
    "bars (8 lĩnh vực, ngang)": bars(
        "Số HTX theo lĩnh vực, năm 2025",
        SECTORS,
        [Series("Số HTX", [20, 8, 5, 4, 3, 0, 1, 2], "HTX")],
        "HTX",
        horizontal=True,
    ),
    "target_path (6 năm)": target_path(
        "Thu nhập bình quân đạt 60 triệu đồng/người/năm",
        [2020, 2021, 2022, 2023, 2024, 2025],
        [40, 42, None, 47, 50, 58],
        [40, 44, 48, 52, 56, 60],
        60,
        "triệu đồng/người/năm",
    ),
}


def timed(fn) -> float:
    clear_cache()  # time the drawing, not the kept copy
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def cpu(fn) -> float:
    """Processor time of this process: what a draw costs, whatever else the machine runs."""
    clear_cache()
    start = time.process_time()
    fn()
    return time.process_time() - start


def main() -> None:
    first = next(iter(CHARTS.values()))
    start = time.perf_counter()
    import matplotlib.figure  # noqa: F401  the import the first chart pays

    print(f"matplotlib import: {time.perf_counter() - start:.2f} s")
    print(f"first PNG of the process: {timed(first.png):.2f} s")
    print(f"first SVG of the process: {timed(first.svg):.2f} s")
    for name, chart in CHARTS.items():
        for kind, fn in (("png 200 dpi", chart.png), ("svg", chart.svg)):
            runs = [(timed(fn), cpu(fn)) for _ in range(10)]
            wall, proc = [r[0] for r in runs], [r[1] for r in runs]
            print(
                f"{name:36} {kind:12} wall median {statistics.median(wall) * 1000:4.0f} ms "
                f"(worst {max(wall) * 1000:4.0f}), processor median "
                f"{statistics.median(proc) * 1000:4.0f} ms"
            )
    fn()
    print(f"the same chart again (kept drawing): {timed_kept(fn) * 1e6:.0f} µs")


def timed_kept(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


if __name__ == "__main__":
    main()
