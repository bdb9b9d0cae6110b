"""The geometry of the analytics page's charts: plain numbers that templates/sessions_app/_chart_*.html draw.

Inline SVG from a template rather than matplotlib (docs/architecture.md): a page holds dozens of charts,
and matplotlib takes tens of milliseconds for each. Plain Python, no Django.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

BAR_WIDTH = 320  # the drawing's width in SVG units; the page scales it to its column
ROW = 30  # label line + bar
LINE_WIDTH, LINE_HEIGHT, LINE_LEFT, LINE_BOTTOM = 640, 220, 36, 40


@dataclass(frozen=True)
class BarRow:
    label: str
    count: int
    share: float | None  # percent of the total given, or None
    y: int
    width: float
    value_x: float


@dataclass(frozen=True)
class BarChart:
    rows: tuple[BarRow, ...]
    width: int
    height: int


@dataclass(frozen=True)
class Series:
    name: str
    css: str
    points: str  # SVG polyline points
    dots: tuple[tuple[float, float, int], ...]


@dataclass(frozen=True)
class LineChart:
    series: tuple[Series, ...]
    ticks: tuple[tuple[float, int], ...]  # (y, value) of the horizontal lines
    labels: tuple[tuple[float, str], ...]  # (x, text) under the axis, thinned to fit
    width: int
    height: int
    baseline: float


def bar_chart(items: Sequence[tuple[str, int]], *, total: int | None = None) -> BarChart:
    """Lay out a horizontal bar per (label, count); ``total`` gives each bar its percentage."""
    largest = max((count for _, count in items), default=0) or 1
    room = BAR_WIDTH - 48  # the count is written after the bar
    rows = []
    for index, (label, count) in enumerate(items):
        width = round(room * count / largest, 1)
        share = round(100 * count / total, 1) if total else None
        rows.append(BarRow(label, count, share, index * ROW, width, width + 4))
    return BarChart(tuple(rows), BAR_WIDTH, max(len(rows) * ROW, ROW))


def _nice_ceiling(value: int) -> int:
    """Return a round number at least ``value`` (1, 2, 5, 10, 20, 50…), for the vertical axis."""
    step = 1
    while True:
        for factor in (1, 2, 5):
            if step * factor >= value:
                return step * factor
        step *= 10


def line_chart(labels: Sequence[str], series: Sequence[tuple[str, str, Sequence[int]]]) -> LineChart:
    """Lay out one line per (name, css class, values), the values one per label, over a shared axis."""
    top = _nice_ceiling(max((max(values, default=0) for _, _, values in series), default=0) or 1)
    plot_width, plot_height = LINE_WIDTH - LINE_LEFT - 40, LINE_HEIGHT - LINE_BOTTOM - 8  # room for a label
    count = len(labels)

    def x(i: int) -> float:
        return round(LINE_LEFT + (plot_width * i / (count - 1) if count > 1 else plot_width / 2), 1)

    def y(value: int) -> float:
        return round(8 + plot_height * (1 - value / top), 1)

    drawn = []
    for name, css, values in series:
        dots = tuple((x(i), y(v), v) for i, v in enumerate(values))
        points = " ".join(f"{px},{py}" for px, py, _ in dots)
        drawn.append(Series(name, css, points, dots if count <= 40 else ()))  # dots only where they fit
    every = max(1, -(-count // 8))  # at most eight labels under the axis
    shown = tuple((x(i), label) for i, label in enumerate(labels) if i % every == 0)
    ticks = tuple((y(value), value) for value in sorted({top * part // 4 for part in range(5)}))
    return LineChart(tuple(drawn), ticks, shown, LINE_WIDTH, LINE_HEIGHT, y(0))
