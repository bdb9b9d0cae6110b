"""Charts drawn on the server with matplotlib: SVG for the PDF, PNG at print resolution for Word.

``chart_draw`` draws the ``ChartData`` a content block asks for (documents/rendering.py): levels on a
scale as bars or a radar, figures over periods as lines, initiatives over phases as a timeline. A matrix
answer (engineering practices rated from "Not in place" to "Optimised") becomes a bar chart of the level
each row reached. Charts come in the organization's colour (or the document family's). Every chart
keeps its figures as words too (``alt``), and the documents show the same figures as a table beside
it, so a reader who cannot see the chart loses nothing. matplotlib is imported on first use, in the
worker that renders, never by web processes.

Odd data never raises here: values are clamped or skipped, and a chart with nothing left to draw is None.
"""

from __future__ import annotations

import dataclasses
import functools
import io
import math
import textwrap
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from documents.rendering import Answer, ChartData, format_number

PRINT_DPI = 200
FAMILY_COLORS = {"CTO": "#1f5fbf", "CFO": "#1e7a3c", "BA": "#8a4b08"}
_lock = threading.Lock()  # rcParams are global to the process; one chart at a time

WIDTH = 6.2  # inches: the text width of an A4 page with the documents' margins
GRID = "#d5d9e0"
# Series after the first stay in the background: greys, each drawn differently so that a print in
# black and white still tells them apart.
MUTED = (("#7a8599", "--"), ("#a3acbb", ":"), ("#4d5566", "-."))
_RC = {
    "svg.fonttype": "none",  # text stays text in the SVG: selectable, searchable, read aloud
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "svg.hashsalt": "acqs",  # with no date in the metadata, the same data gives the same bytes
}

Series = list[tuple[str, list[float | None]]]


@dataclass(frozen=True)
class Chart:
    caption: str
    alt: str  # the figures in words
    svg: bytes
    png: bytes


@dataclass(frozen=True)
class _Plan:
    """A chart ready to draw: its height in inches, what draws it on a figure, its figures in words."""

    height: float
    draw: Callable[[Any], None]
    alt: str
    tight: bool = True  # False: ``draw`` places its axes itself


# ----------------------------------------------------------------- public


def chart_draw(data: ChartData, *, color: str, formats: tuple[str, ...] = ("svg", "png")) -> Chart | None:
    """Return ``data`` drawn as its ``kind`` asks, or None when there is nothing to draw.

    ``formats`` says which drawings to make: the PDF needs only the SVG, Word only the PNG.
    """
    planner = _PLANNERS.get(data.kind)
    plan = planner(data, color) if planner else None
    if plan is None:
        return None
    svg, png = _drawn_once(_Figures(dataclasses.replace(data, key="", caption="")), color, tuple(formats))
    return Chart(caption=data.caption, alt=plan.alt, svg=svg, png=png)


def chart_cache_clear() -> None:
    """Forget the drawings kept by this process (a benchmark timing the drawing itself needs this)."""
    _drawn_once.cache_clear()


def _alt(answer: Answer) -> str:
    top = len(answer.scale)
    parts = [
        f"{label}: {value} ({level} of {top})"
        for (label, value), level in zip(answer.rows, answer.levels, strict=True)
    ]
    return f"{answer.label}. " + "; ".join(parts) + "."


def matrix_chart(answer: Answer, *, color: str, formats: tuple[str, ...] = ("svg", "png")) -> Chart | None:
    """Return a bar chart of a matrix answer's levels, or None when the answer has none to draw.

    ``formats`` says which drawings to make: the PDF needs only the SVG, Word only the PNG.
    """
    if answer.kind != "table" or not answer.levels or len(answer.scale) < 2:
        return None
    data = ChartData(
        key=answer.chart_key,
        kind="bar",
        caption=answer.label,
        labels=tuple(label for label, _ in answer.rows),
        series=(("", tuple(answer.levels)),),
        scale=answer.scale,
    )
    chart = chart_draw(data, color=color, formats=formats)
    # The words come from the answer itself, as the client chose them, not from the scale.
    return dataclasses.replace(chart, alt=_alt(answer)) if chart else None


def document_charts(sections, *, color: str, formats: tuple[str, ...] = ("svg", "png")) -> dict[str, Chart]:
    """Return the charts of a document's content, by ``Answer.chart_key``."""
    charts = {}
    for section in sections:
        for answer in section.answers:
            chart = matrix_chart(answer, color=color, formats=formats)
            if chart is not None:
                charts[answer.chart_key] = chart
    return charts


# ----------------------------------------------------------------- drawing


class _Figures:
    """A chart's figures as a cache key, compared by their ``repr``: 1, 1.0 and True are equal in Python
    but not drawn alike (a bool is no figure), and figures given in lists, which cannot be hashed, are
    keys too."""

    __slots__ = ("data", "_text")

    def __init__(self, data: ChartData):
        self.data = data
        self._text = repr(data)

    def __hash__(self) -> int:
        return hash(self._text)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Figures) and other._text == self._text


# A drawing is a few kilobytes (SVG) to about a hundred (a PNG at print resolution): 64 of them are a
# few megabytes at most, and they hold the distinct charts of a few sessions' documents.
@functools.lru_cache(maxsize=64)
def _drawn_once(figures: _Figures, color: str, formats: tuple[str, ...]) -> tuple[bytes, bytes]:
    """Return the drawing of these figures, kept in this process for the next chart that shows them.

    A session's documents show the same charts again and again: several types show the same matrix
    answer, and a regenerated version the same figures as the one before. The drawing depends on the
    figures, the colour and the formats only (the caption and the key are the document's, not the
    picture's), and the same inputs give the same bytes (no date, a fixed hash salt), so a kept drawing
    is the one that would be drawn.
    """
    return _render(_PLANNERS[figures.data.kind](figures.data, color), formats)


def _render(plan: _Plan, formats: tuple[str, ...]) -> tuple[bytes, bytes]:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    svg, png = io.BytesIO(), io.BytesIO()
    with _lock, matplotlib.rc_context(_RC):
        figure = Figure(figsize=(WIDTH, plan.height))
        plan.draw(figure)
        if plan.tight:
            figure.tight_layout()
        if "svg" in formats:
            figure.savefig(svg, format="svg", metadata={"Date": None})
        if "png" in formats:
            figure.savefig(png, format="png", dpi=PRINT_DPI)
    return svg.getvalue(), png.getvalue()


def _text(text: Any, width: int, lines: int = 3) -> str:
    """Return ``text`` wrapped to fit beside a chart, safe to hand to matplotlib.

    A very long label is cut after ``lines`` lines rather than squeezing the plot to nothing, and a
    dollar sign is escaped: two of them ("US$ and CA$") would otherwise start matplotlib's mathtext.
    """
    wrapped = textwrap.fill(
        " ".join(str(text).split()), width=width, max_lines=lines, placeholder=" …", break_on_hyphens=False
    )
    return wrapped.replace("$", r"\$")


def _legend_name(name: str, index: int) -> str:
    # matplotlib leaves out of the legend any label that starts with an underscore.
    name = _series_name(name, index)
    return _text(name if not name.startswith("_") else f" {name}", 30, 1)


def _style(index: int, color: str) -> tuple[str, str]:
    """Return the colour and line style of the ``index``-th series: the first in ``color``."""
    return (color, "-") if index == 0 else MUTED[(index - 1) % len(MUTED)]


def _plain_axes(axes) -> None:
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    axes.set_axisbelow(True)


def _label_lines(labels: list[str], width: int) -> int:
    return sum(_text(label, width).count("\n") + 1 for label in labels)


# ----------------------------------------------------------------- data


def _number(value: Any) -> float | None:
    """Return ``value`` as a finite number, or None when it is none (missing, text, NaN, infinite)."""
    if isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _series(data: ChartData, top: float | None = None) -> Series:
    """Return the named series of ``data``, one value per label, each clamped to 0..``top`` if given.

    A series shorter than the labels is padded with gaps; one without a single value is left out.
    """
    count = len(data.labels)
    kept = []
    for entry in data.series or ():
        try:
            name, raw = entry
            raw = list(raw)
        except (TypeError, ValueError):
            continue
        values = [_number(value) for value in raw[:count]] + [None] * max(0, count - len(raw))
        if top is not None:
            values = [None if value is None else float(min(max(value, 0.0), top)) for value in values]
        if any(value is not None for value in values):
            kept.append((str(name or ""), values))
    return kept


def _series_name(name: str, index: int) -> str:
    return name.strip() or f"Series {index + 1}"


def _sentence(caption: str, parts: list[str]) -> str:
    text = "; ".join(parts) + "."
    return f"{caption}. {text}" if caption else text


# ----------------------------------------------------------------- bar and radar: levels on a scale


def _level_words(value: float | None, scale: tuple[str, ...]) -> str:
    """Return a level in words: "Defined (3 of 5)", or the bare figure when there is no scale."""
    if value is None:
        return "not assessed"
    if not scale:
        return format_number(value)
    top = len(scale)
    if value.is_integer() and value >= 1:
        return f"{scale[int(value) - 1]} ({int(value)} of {top})"
    return f"{format_number(value)} of {top}"


def _levels_alt(data: ChartData, series: Series, scale: tuple[str, ...]) -> str:
    labels = [str(label) for label in data.labels]
    if len(series) == 1:
        parts = [f"{label}: {_level_words(v, scale)}" for label, v in zip(labels, series[0][1], strict=True)]
    else:
        parts = []
        for index, (name, values) in enumerate(series):
            points = [f"{label} {_level_words(v, scale)}" for label, v in zip(labels, values, strict=True)]
            parts.append(f"{_series_name(name, index)}: " + "; ".join(points))
    return _sentence(data.caption, parts)


def _levels(data: ChartData) -> tuple[Series, tuple[str, ...], float] | None:
    """Return the series of a bar or radar chart, its scale and the top of its axis, or None."""
    if not data.labels:
        return None
    scale = tuple(str(name) for name in data.scale)
    series = _series(data, top=len(scale) if scale else None)
    if not series:
        return None
    # Without a scale the figures are plain numbers; the axis reaches just past the largest.
    highest = max(value for _, values in series for value in values if value is not None)
    top = len(scale) if scale else max(highest * 1.1, 1.0)
    return series, scale, top


def _bar_plan(data: ChartData, color: str) -> _Plan | None:
    levels = _levels(data)
    if levels is None:
        return None
    series, scale, top = levels
    labels = [str(label) for label in data.labels]
    rows = len(labels) + 0.3 * (_label_lines(labels, 32) - len(labels))  # wrapped labels need room
    per_row = 0.45 if len(series) == 1 else 0.18 * len(series) + 0.2
    height = per_row * rows + 1.1 + (0.3 if len(series) > 1 else 0)

    def draw(figure) -> None:
        axes = figure.add_subplot()
        positions = list(range(len(labels)))[::-1]  # the first label on top, as a table reads
        if len(series) == 1:
            values = [value or 0 for value in series[0][1]]
            axes.barh(positions, values, color=color, height=0.55)
        else:
            # Grouped: each label's bars share 0.8 of its row, the first series on top.
            thickness = 0.8 / len(series)
            for index, (name, values) in enumerate(series):
                offset = 0.4 - thickness * (index + 0.5)
                fill = _style(index, color)[0]
                axes.barh(
                    [p + offset for p in positions],
                    [value or 0 for value in values],
                    height=thickness * 0.9,
                    color=fill,
                    label=_legend_name(name, index),
                )
            axes.legend(loc="lower left", bbox_to_anchor=(0, 1.01), ncols=min(len(series), 4), frameon=False)
        axes.set_yticks(positions, [_text(label, 32) for label in labels])
        axes.set_xlim(0, top)
        if scale:
            ticks = [_text(name, 18, 2) for name in scale]
            axes.set_xticks(range(1, len(scale) + 1), ticks, rotation=20, ha="right")
        else:
            axes.xaxis.set_major_formatter(lambda value, _: _text(format_number(value), 20, 1))
        axes.grid(axis="x", color=GRID, linewidth=0.6)
        _plain_axes(axes)

    return _Plan(height=height, draw=draw, alt=_levels_alt(data, series, scale))


def _radar_plan(data: ChartData, color: str) -> _Plan | None:
    if len(data.labels) < 3:
        return _bar_plan(data, color)  # two spokes make a line, not a shape: bars read better
    levels = _levels(data)
    if levels is None:
        return None
    series, scale, top = levels
    count = len(data.labels)
    angles = [2 * math.pi * index / count for index in range(count)]  # clockwise from the top
    names = [_text(label, 22, 3) for label in data.labels]
    # A polar axes is square, which tight_layout cannot plan around, so the room for the areas' names
    # is reckoned here: at 9 pt a character is ~0.07 in wide and a line ~0.16 in high.
    widest = max((len(line) for name in names for line in name.split("\n")), default=0)
    side = min(0.25 + 0.07 * widest, 1.85)
    above = 0.2 + 0.16 * max(
        name.count("\n") + 1 for name, a in zip(names, angles, strict=True) if math.cos(a) > 0.1
    )
    below = 0.2 + 0.16 * max(
        (name.count("\n") + 1 for name, a in zip(names, angles, strict=True) if math.cos(a) < -0.1), default=0
    )
    below += 0.35 if len(series) > 1 else 0  # the legend
    diameter = min(WIDTH - 2 * side, 3.6)
    height = diameter + above + below

    def draw(figure) -> None:
        rect = ((WIDTH - diameter) / 2 / WIDTH, below / height, diameter / WIDTH, diameter / height)
        axes = figure.add_axes(rect, projection="polar")
        axes.set_theta_offset(math.pi / 2)  # the first area at the top, the others clockwise
        axes.set_theta_direction(-1)
        closed = [*angles, angles[0]]
        for index, (name, values) in enumerate(series):
            stroke, dash = _style(index, color)
            # A shape needs every spoke: an area not assessed sits at the centre (the alt text says so).
            points = [value or 0 for value in values]
            points.append(points[0])
            axes.plot(
                closed, points, color=stroke, linestyle=dash, linewidth=1.6, label=_legend_name(name, index)
            )
            axes.fill(closed, points, color=stroke, alpha=0.25 if index == 0 else 0.08)
        axes.set_ylim(0, top)
        if scale:
            levels = [_text(name, 16, 1) for name in scale]
            axes.set_yticks(range(1, len(scale) + 1), levels, fontsize=6.5, color="#5b6475")
            for level in axes.get_yticklabels():
                # A shape may cross a level's name; a light backing keeps the name legible.
                level.set_bbox({"facecolor": "white", "alpha": 0.8, "edgecolor": "none", "pad": 0.6})
        axes.set_rlabel_position(180 / count)  # between the first two spokes, clear of the names
        axes.set_xticks(angles, names)
        for text, angle in zip(axes.get_xticklabels(), angles, strict=True):
            # Names grow away from the circle, so a long one never runs over it.
            across, up = math.sin(angle), math.cos(angle)
            text.set_horizontalalignment("left" if across > 0.1 else "right" if across < -0.1 else "center")
            text.set_verticalalignment("bottom" if up > 0.1 else "top" if up < -0.1 else "center")
        axes.tick_params(axis="x", pad=0)
        axes.grid(color=GRID, linewidth=0.6)
        axes.set_axisbelow(False)  # the levels' names over the shapes, on their backing
        axes.spines["polar"].set_color(GRID)
        if len(series) > 1:
            figure.legend(loc="lower center", ncols=min(len(series), 4), frameon=False)

    return _Plan(height=height, draw=draw, alt=_levels_alt(data, series, scale), tight=False)


# ----------------------------------------------------------------- line: figures over periods


def _money(value: float, unit: str) -> str:
    """Return a figure in full with its unit: -1250000, "US$" → "-US$1,250,000"."""
    sign = "-" if value < 0 else ""
    return f"{sign}{unit}{format_number(abs(value))}"


def _short_money(value: float, unit: str, divisor: float, suffix: str) -> str:
    """Return a figure abbreviated for an axis or a point: 1250000 → "US$1.25M"."""
    if value == 0:
        return f"{unit}0"
    sign = "-" if value < 0 else ""
    figure = round(abs(value) / divisor, 2)
    return f"{sign}{unit}{format_number(figure)}{suffix}"


def _magnitude(highest: float) -> tuple[float, str]:
    """Return the divisor and suffix every figure of a chart shares, so its ticks read alike."""
    if highest >= 1e9:
        return 1e9, "B"
    if highest >= 1e6:
        return 1e6, "M"
    if highest >= 1e4:
        return 1e3, "K"  # below 10,000 the figure in full ("US$9,500") reads as well as "US$9.5K"
    return 1.0, ""


def _line_plan(data: ChartData, color: str) -> _Plan | None:
    if not data.labels:
        return None
    series = _series(data)
    if not series:
        return None
    labels = [str(label) for label in data.labels]
    unit = str(data.unit or "")
    highest = max(abs(value) for _, values in series for value in values if value is not None)
    divisor, suffix = _magnitude(highest)

    def short(value: float) -> str:
        return _text(_short_money(value, unit, divisor, suffix), 24, 1)

    def draw(figure) -> None:
        axes = figure.add_subplot()
        positions = list(range(len(labels)))
        for index, (name, values) in enumerate(series):
            stroke, dash = _style(index, color)
            points = [math.nan if value is None else value for value in values]  # NaN leaves a gap
            axes.plot(
                positions,
                points,
                color=stroke,
                linestyle=dash,
                linewidth=2 if index == 0 else 1.5,
                marker="o",
                markersize=4.5,
                label=_legend_name(name, index),
            )
            # Figures of alternate series sit above and below their points, so neighbours' don't collide;
            # past a dozen periods they would crowd each other, and the alt text and table carry them.
            lift = 7 if index % 2 == 0 else -13
            for x, value in zip(positions, values, strict=True):
                if value is not None and len(labels) <= 12:
                    axes.annotate(
                        short(value),
                        (x, value),
                        textcoords="offset points",
                        xytext=(0, lift),
                        ha="center",
                        fontsize=7,
                        color=stroke,
                    )
        crowded = len(labels) > 8  # slanted, many periods' names still fit side by side
        axes.set_xticks(
            positions,
            [_text(label, 14, 2) for label in labels],
            rotation=30 if crowded else 0,
            ha="right" if crowded else "center",
        )
        axes.margins(x=0.08, y=0.18)
        if all(value >= 0 for _, values in series for value in values if value is not None):
            axes.set_ylim(bottom=0)  # a figure's height from zero is what the eye compares
        axes.yaxis.set_major_formatter(lambda value, _: short(value))
        axes.grid(axis="y", color=GRID, linewidth=0.6)
        _plain_axes(axes)
        if len(series) > 1:
            axes.legend(loc="lower left", bbox_to_anchor=(0, 1.01), ncols=min(len(series), 4), frameon=False)

    parts = []
    for index, (name, values) in enumerate(series):
        # A gap is left out of the words as it is out of the line.
        points = [
            f"{label} {_money(v, unit)}" for label, v in zip(labels, values, strict=True) if v is not None
        ]
        if len(series) == 1 and not name.strip():
            parts.extend(points)  # one unnamed line: the caption names it
        else:
            parts.append(f"{_series_name(name, index)}: " + "; ".join(points))
    return _Plan(height=3.4 + (0.3 if len(series) > 1 else 0), draw=draw, alt=_sentence(data.caption, parts))


# ----------------------------------------------------------------- timeline: initiatives over phases


def _spans(data: ChartData) -> list[tuple[str, int, int]]:
    """Return each initiative with its first and last phase, clamped to the phases there are.

    An initiative without a span is left out; a span given backwards is turned round.
    """
    last_phase = len(data.phases) - 1
    rows = []
    for label, span in zip(data.labels, data.spans or (), strict=False):
        try:
            first, last = (_number(end) for end in span)
        except (TypeError, ValueError):
            continue
        if first is None or last is None:
            continue
        first, last = sorted(min(max(int(end), 0), last_phase) for end in (first, last))
        rows.append((str(label), first, last))
    return rows


def _timeline_plan(data: ChartData, color: str) -> _Plan | None:
    phases = [str(phase) for phase in data.phases]
    rows = _spans(data) if phases else []
    if not rows:
        return None
    height = 0.22 * _label_lines([label for label, _, _ in rows], 38) + 0.22 * len(rows) + 0.9

    def draw(figure) -> None:
        axes = figure.add_subplot()
        positions = list(range(len(rows)))[::-1]  # the first initiative on top
        # Each bar covers its phases' columns, short of the column edges so neighbours stay apart.
        axes.barh(
            positions,
            [last - first + 0.8 for _, first, last in rows],
            left=[first - 0.4 for _, first, _ in rows],
            height=0.5,
            color=color,
        )
        axes.set_yticks(positions, [_text(label, 38) for label, _, _ in rows])
        axes.set_ylim(-0.6, len(rows) - 0.4)
        axes.set_xlim(-0.5, len(phases) - 0.5)
        axes.xaxis.tick_top()  # phases head their columns, as in a plan on paper
        axes.set_xticks(range(len(phases)), [_text(phase, 16, 2) for phase in phases])
        axes.set_xticks([index + 0.5 for index in range(len(phases) - 1)], minor=True)
        axes.tick_params(axis="both", which="both", length=0)
        axes.grid(axis="x", which="minor", color=GRID, linewidth=0.8)
        axes.set_axisbelow(True)
        for side in ("right", "bottom", "top"):
            axes.spines[side].set_visible(False)

    parts = []
    for label, first, last in rows:
        when = phases[first] if first == last else f"{phases[first]} to {phases[last]}"
        parts.append(f"{label}: {when}")
    return _Plan(height=height, draw=draw, alt=_sentence(data.caption, parts))


_PLANNERS = {"bar": _bar_plan, "radar": _radar_plan, "line": _line_plan, "timeline": _timeline_plan}
