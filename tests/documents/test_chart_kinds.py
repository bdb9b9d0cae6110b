"""Chart kinds: bars, radar, lines and a timeline drawn from ChartData, each with its figures in words.

Pure drawing on plain data: no database.
"""

import dataclasses
import io
import re

import pytest
from PIL import Image

from documents.charts import PRINT_DPI, chart_draw
from documents.rendering import ChartData

RED = "#c8102e"
SCALE = ("Not in place", "Ad hoc", "Defined", "Measured", "Optimised")

MATURITY = ChartData(
    key="maturity",
    kind="radar",
    caption="Engineering maturity",
    labels=("Continuous integration", "Automated testing", "Code review"),
    series=(("Current", (1, 2, 4)),),
    scale=SCALE,
)
BARS = dataclasses.replace(MATURITY, kind="bar")
REVENUE = ChartData(
    key="revenue",
    kind="line",
    caption="Revenue projection",
    labels=("Year 1", "Year 2", "Year 3"),
    series=(("Revenue", (1_250_000, 1_800_000, 2_400_000)), ("Costs", (900_000, None, 1_300_000))),
    unit="US$",
)
ROADMAP = ChartData(
    key="roadmap",
    kind="timeline",
    caption="Roadmap",
    labels=("Introduce CI", "Replace billing"),
    phases=("Now", "Next quarter", "This year"),
    spans=((0, 0), (1, 2)),
)
KINDS = [BARS, MATURITY, REVENUE, ROADMAP]


def _kind(data: ChartData) -> str:
    return data.kind


def _texts(svg: str) -> list[str]:
    return re.findall(r"<text[^>]*>([^<]*)</text>", svg)


@pytest.mark.parametrize("data", KINDS, ids=_kind)
def test_each_kind_is_drawn_as_svg_with_its_labels_as_text_in_the_colour_given(data):
    chart = chart_draw(data, color=RED)
    svg = chart.svg.decode()
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    assert set(data.labels) <= set(_texts(svg))  # text, not paths: selectable and read aloud
    assert RED in svg
    assert chart.caption == data.caption


@pytest.mark.parametrize("data", KINDS, ids=_kind)
def test_each_kind_is_drawn_as_png_at_print_resolution(data):
    image = Image.open(io.BytesIO(chart_draw(data, color=RED).png))
    assert image.format == "PNG" and round(image.info["dpi"][0]) == PRINT_DPI
    assert image.width == round(6.2 * PRINT_DPI)  # the text width of the page


@pytest.mark.parametrize("data", KINDS, ids=_kind)
def test_only_the_drawings_asked_for_are_made(data):
    for_pdf = chart_draw(data, color=RED, formats=("svg",))
    assert for_pdf.svg and for_pdf.png == b""
    for_word = chart_draw(data, color=RED, formats=("png",))
    assert for_word.png and for_word.svg == b""


@pytest.mark.parametrize("data", KINDS, ids=_kind)
def test_the_same_figures_give_the_same_drawing(data):
    assert chart_draw(data, color=RED).svg == chart_draw(data, color=RED).svg


@pytest.mark.parametrize("data", [BARS, MATURITY], ids=_kind)
def test_levels_are_told_in_words_by_the_names_of_the_scale(data):
    assert chart_draw(data, color=RED).alt == (
        "Engineering maturity. Continuous integration: Not in place (1 of 5); "
        "Automated testing: Ad hoc (2 of 5); Code review: Measured (4 of 5)."
    )


def test_several_series_of_levels_are_told_one_after_the_other_and_drawn_with_a_legend():
    data = dataclasses.replace(BARS, series=(("Current", (1, 2, 4)), ("Target", (4, 4, 5))))
    chart = chart_draw(data, color=RED)
    assert chart.alt == (
        "Engineering maturity. Current: Continuous integration Not in place (1 of 5); "
        "Automated testing Ad hoc (2 of 5); Code review Measured (4 of 5); "
        "Target: Continuous integration Measured (4 of 5); Automated testing Measured (4 of 5); "
        "Code review Optimised (5 of 5)."
    )
    assert {"Current", "Target"} <= set(_texts(chart.svg.decode()))


def test_a_radar_with_several_series_draws_the_second_in_a_muted_grey_with_a_legend():
    data = dataclasses.replace(MATURITY, series=(("Current", (1, 2, 4)), ("Target", (4, 4, 5))))
    svg = chart_draw(data, color=RED).svg.decode()
    assert RED in svg and "#7a8599" in svg
    assert {"Current", "Target", "Optimised"} <= set(_texts(svg))  # the legend and the scale's levels


def test_a_radar_of_two_areas_is_drawn_as_bars():
    two = dataclasses.replace(MATURITY, labels=MATURITY.labels[:2], series=(("Current", (1, 2)),))
    as_bars = dataclasses.replace(two, kind="bar")
    assert chart_draw(two, color=RED).svg == chart_draw(as_bars, color=RED).svg


def test_figures_over_periods_are_told_with_their_unit_and_gaps_left_out():
    assert chart_draw(REVENUE, color=RED).alt == (
        "Revenue projection. Revenue: Year 1 US$1,250,000; Year 2 US$1,800,000; Year 3 US$2,400,000; "
        "Costs: Year 1 US$900,000; Year 3 US$1,300,000."
    )


def test_a_line_shows_its_figures_abbreviated_at_each_point_and_on_its_axis():
    texts = _texts(chart_draw(REVENUE, color=RED).svg.decode())
    assert {"US$1.25M", "US$1.8M", "US$2.4M", "US$0.9M", "US$1.3M"} <= set(texts)  # at the points
    assert "US$0" in texts and "US$2M" in texts  # on the axis


def test_a_line_with_a_missing_figure_is_drawn_with_a_gap():
    data = dataclasses.replace(REVENUE, labels=("Y1", "Y2", "Y3", "Y4"), series=(("", (1, None, 3, 4)),))
    chart = chart_draw(data, color=RED)
    line = re.search(r'<path d="([^"]*)"[^>]*stroke: #c8102e', chart.svg.decode()).group(1)
    assert line.count("M") == 2  # two pieces: Y1 alone, then Y3 to Y4; nothing bridges Y2
    assert chart.alt == "Revenue projection. Y1 US$1; Y3 US$3; Y4 US$4."


def _bars(svg: str, color: str) -> list[tuple[float, float]]:
    """Return the left and right edge of each rectangle filled with ``color``, top to bottom."""
    found = []
    for path in re.findall(rf'<path d="([^"]*)"[^>]*style="fill: {color}"', svg):
        xs = [float(x) for x in re.findall(r"[ML] ([\d.]+) ", path)]
        found.append((min(xs), max(xs)))
    return found


def test_a_timeline_draws_each_initiative_across_the_phases_it_spans():
    svg = chart_draw(ROADMAP, color=RED).svg.decode()
    columns = {name: float(x) for x, name in re.findall(r'<text[^>]* x="([\d.]+)"[^>]*>([^<]*)</text>', svg)}
    (ci_from, ci_to), (billing_from, billing_to) = _bars(svg, RED)
    assert ci_from < columns["Now"] < ci_to < columns["Next quarter"]
    assert columns["Now"] < billing_from < columns["Next quarter"] < columns["This year"] < billing_to


def test_a_timeline_tells_each_initiative_with_its_phases():
    assert chart_draw(ROADMAP, color=RED).alt == (
        "Roadmap. Introduce CI: Now; Replace billing: Next quarter to This year."
    )


def test_a_long_initiative_is_wrapped_to_fit_beside_the_timeline():
    name = "Migrate the customer database to a managed PostgreSQL service with point-in-time recovery"
    data = dataclasses.replace(ROADMAP, labels=(name,), spans=((0, 2),))
    chart = chart_draw(data, color=RED)
    lines = [text for text in _texts(chart.svg.decode()) if text in name]
    assert len(lines) > 1 and all(len(line) <= 38 for line in lines)
    assert " ".join(lines) == name
    assert chart.alt == f"Roadmap. {name}: Now to This year."


def test_a_timeline_keeps_spans_within_its_phases_and_leaves_out_initiatives_without_one():
    data = dataclasses.replace(
        ROADMAP, labels=("Backwards", "Too far", "Unplanned"), spans=((2, 1), (1, 9), (None, 1))
    )
    assert chart_draw(data, color=RED).alt == (
        "Roadmap. Backwards: Next quarter to This year; Too far: Next quarter to This year."
    )


@pytest.mark.parametrize(
    "data",
    [
        dataclasses.replace(BARS, labels=(), series=()),
        dataclasses.replace(MATURITY, series=()),
        dataclasses.replace(MATURITY, series=(("Current", (None, None, None)),)),
        dataclasses.replace(REVENUE, series=(("Revenue", (None, None, None)),)),
        dataclasses.replace(REVENUE, labels=()),
        dataclasses.replace(ROADMAP, phases=()),
        dataclasses.replace(ROADMAP, spans=()),
        dataclasses.replace(BARS, kind="pie"),
    ],
    ids=[
        "no labels",
        "no series",
        "every level missing",
        "every figure missing",
        "no periods",
        "no phases",
        "no spans",
        "unknown kind",
    ],
)
def test_nothing_to_draw_gives_no_chart(data):
    assert chart_draw(data, color=RED) is None


def test_levels_beyond_the_scale_are_clamped_and_missing_ones_told():
    data = dataclasses.replace(BARS, series=(("", (9, None, -2)),))
    assert chart_draw(data, color=RED).alt == (
        "Engineering maturity. Continuous integration: Optimised (5 of 5); "
        "Automated testing: not assessed; Code review: 0 of 5."
    )


@pytest.mark.parametrize("kind", ["bar", "radar", "line", "timeline"])
def test_odd_data_is_drawn_without_error(kind):
    data = ChartData(
        key="odd",
        kind=kind,
        caption="Odd",
        labels=("x" * 400, "US$ or CA$", "", "d"),
        series=(("", (float("nan"), "text", 10**12, True)), ("_hidden", (1, 2)), "not a series"),
        scale=SCALE,
        unit="US$",
        phases=("Now", "Later"),
        spans=((0, 1), (5, -5), ("a", "b"), (1,)),
    )
    chart = chart_draw(data, color=RED)
    assert chart.svg and chart.png
    assert "US$ or CA$" in chart.svg.decode()  # dollars stay dollars, not mathematics


@pytest.fixture
def drawings(monkeypatch):
    """Count the drawings matplotlib makes, starting with none kept."""
    from documents import charts

    made = []
    render = charts._render

    def counted(plan, formats):
        made.append(formats)
        return render(plan, formats)

    monkeypatch.setattr(charts, "_render", counted)
    charts.chart_cache_clear()
    yield made
    charts.chart_cache_clear()


def test_the_same_figures_are_drawn_once_whatever_document_shows_them(drawings):
    first = chart_draw(MATURITY, color=RED)
    elsewhere = dataclasses.replace(MATURITY, key="practices", caption="Practices, as rated")
    second = chart_draw(elsewhere, color=RED)
    assert len(drawings) == 1
    assert (second.svg, second.png) == (first.svg, first.png)
    assert second.caption == "Practices, as rated" and second.alt.startswith("Practices, as rated. ")

    chart_draw(MATURITY, color="#1e7a3c")  # another colour is another picture
    chart_draw(MATURITY, color=RED, formats=("svg",))  # and another set of formats
    chart_draw(dataclasses.replace(MATURITY, series=(("Current", (1, 2, 5)),)), color=RED)  # other figures
    assert len(drawings) == 4


def test_a_kept_drawing_is_the_one_that_would_be_drawn(drawings):
    from documents.charts import chart_cache_clear

    kept = [chart_draw(data, color=RED) for data in (MATURITY, BARS, REVENUE, ROADMAP)]
    chart_cache_clear()
    fresh = [chart_draw(data, color=RED) for data in (MATURITY, BARS, REVENUE, ROADMAP)]
    assert [(c.svg, c.png) for c in kept] == [(c.svg, c.png) for c in fresh]
    assert len(drawings) == 8


def test_figures_given_as_lists_are_kept_too(drawings):
    listed = dataclasses.replace(MATURITY, labels=list(MATURITY.labels), series=[["Current", [1, 2, 4]]])
    first, second = chart_draw(listed, color=RED), chart_draw(listed, color=RED)
    assert first.svg == second.svg == chart_draw(MATURITY, color=RED).svg
    assert len(drawings) == 2  # the lists, then the tuples: equal figures, drawn alike


def test_a_yes_is_not_kept_as_the_figure_one(drawings):
    # True == 1 in Python, but a bool is no figure: the bar is not drawn, and the words say so.
    ones = dataclasses.replace(BARS, series=(("Current", (1, 2, 4)),))
    yes = dataclasses.replace(BARS, series=(("Current", (True, 2, 4)),))
    drawn_ones, drawn_yes = chart_draw(ones, color=RED), chart_draw(yes, color=RED)
    assert len(drawings) == 2 and drawn_ones.svg != drawn_yes.svg
    assert "not assessed" in drawn_yes.alt and "not assessed" not in drawn_ones.alt
