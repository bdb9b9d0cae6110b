"""Charts drawn on the server with matplotlib: SVG for the PDF, PNG at print resolution for Word.

A matrix answer (engineering practices rated from "Not in place" to "Optimised") becomes a bar chart of
the level each row reached, in the organization's colour (or the document family's). Every chart keeps
its figures as words too (``alt``), and the documents show the same figures as a table beside it, so a
reader who cannot see the chart loses nothing. matplotlib is imported on first use, in the worker
that renders, never by web processes.
"""

from __future__ import annotations

import io
import threading
from dataclasses import dataclass

from documents.rendering import Answer

PRINT_DPI = 200
FAMILY_COLORS = {"CTO": "#1f5fbf", "CFO": "#1e7a3c", "BA": "#8a4b08"}
_lock = threading.Lock()  # pyplot's state is global; one chart at a time per process


@dataclass(frozen=True)
class Chart:
    caption: str
    alt: str  # the figures in words
    svg: bytes
    png: bytes


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
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    rows = [label for label, _ in answer.rows]
    with (
        _lock,
        matplotlib.rc_context(
            {"svg.fonttype": "none", "font.family": "DejaVu Sans", "font.size": 9, "svg.hashsalt": "acqs"}
        ),
    ):
        figure = Figure(figsize=(6.2, 0.45 * len(rows) + 1.1))
        axes = figure.add_subplot()
        positions = list(range(len(rows)))[::-1]
        axes.barh(positions, answer.levels, color=color, height=0.55)
        axes.set_yticks(positions, rows)
        axes.set_xlim(0, len(answer.scale))
        axes.set_xticks(range(1, len(answer.scale) + 1), answer.scale, rotation=20, ha="right")
        axes.grid(axis="x", color="#d5d9e0", linewidth=0.6)
        axes.set_axisbelow(True)
        for side in ("top", "right"):
            axes.spines[side].set_visible(False)
        figure.tight_layout()
        svg, png = io.BytesIO(), io.BytesIO()
        if "svg" in formats:
            figure.savefig(svg, format="svg", metadata={"Date": None})
        if "png" in formats:
            figure.savefig(png, format="png", dpi=PRINT_DPI)
    return Chart(caption=answer.label, alt=_alt(answer), svg=svg.getvalue(), png=png.getvalue())


def document_charts(sections, *, color: str, formats: tuple[str, ...] = ("svg", "png")) -> dict[str, Chart]:
    """Return the charts of a document's content, by ``Answer.chart_key``."""
    charts = {}
    for section in sections:
        for answer in section.answers:
            chart = matrix_chart(answer, color=color, formats=formats)
            if chart is not None:
                charts[answer.chart_key] = chart
    return charts
