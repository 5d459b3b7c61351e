"""The one SVG chart renderer (app.charts): bars, lines and pies in the reader's
language, every text escaped, no script."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from flask_babel import force_locale

from app import charts
from app.insights import BAR, COUNT, LINE, PIE, ChartData, Series


def _ticks(svg: str) -> list[str]:
    return re.findall(r'text-anchor="end" fill="#555">([^<]*)<', svg)


def _tips(svg: str) -> list[str]:
    return re.findall(r"<title>([^<]*)</title>", svg)[1:]  # [0] is the chart's own title


@pytest.mark.parametrize(
    ("values", "unit", "ticks"),
    [
        ([4, 3, 2, 2, 1], "count", ["0", "1", "2", "3", "4"]),  # no "3.75 defects"
        ([5, 1], "count", ["0", "2", "4", "6", "8"]),
        ([13], "count", ["0", "5", "10", "15", "20"]),
        ([4.2, 3.9], "score", ["0", "1.25", "2.5", "3.75", "5"]),  # an average may be between
    ],
)
def test_count_charts_put_gridlines_on_whole_numbers(app, values, unit, ticks):
    data = ChartData(labels=[str(i) for i in range(len(values))], series=[Series("n", values)])
    with app.test_request_context():
        chart = charts.bars(data, unit)
    assert _ticks(chart) == ticks


@pytest.mark.parametrize("kind", [BAR, LINE, PIE])
def test_every_text_is_escaped(app, kind):
    evil = '<script>alert("x")</script>'
    data = ChartData(labels=[evil, "b & c"], series=[Series(evil, [1, 2]), Series("two", [3, 4])])
    with app.test_request_context():
        svg = charts.render(kind, data, COUNT, title=evil, css_class='x" onload="y')
    assert "<script" not in svg and 'alert("x")' not in svg
    assert "&lt;script&gt;" in svg and "b &amp; c" in svg
    assert 'onload="y"' not in svg
    assert svg.startswith('<svg class="x&#34; onload=&#34;y"') and svg.endswith("</svg>")


def test_figures_are_in_the_readers_language(app):
    data = ChartData(labels=["a", "b"], series=[Series("n", [Decimal("1234.5"), Decimal(250)])])
    with app.test_request_context(), force_locale("ru"):
        bars = charts.bars(data, COUNT)
        pie = charts.pie(data, COUNT)
    assert "a: 1\xa0234,5" in _tips(bars)
    assert _ticks(bars)[-1] == "2\xa0000"  # the axis tops at a round 2 000
    assert "a: 1\xa0234,5 (83,2\xa0%)" in _tips(pie)
    with app.test_request_context(), force_locale("en"):
        assert "a: 1,234.5" in _tips(charts.bars(data, COUNT))


def test_a_chart_writes_its_figures_with_the_formatter_it_is_given(app):
    class Units:
        @staticmethod
        def number(value, unit=COUNT):
            return f"{value} {unit}"

        @staticmethod
        def axis(value, unit=COUNT):
            return f"{value:g}{unit[0]}"

    data = ChartData(labels=["a"], series=[Series("n", [Decimal(8)])])
    with app.test_request_context():
        svg = charts.render(LINE, data, "money", figures=Units())
    assert _tips(svg) == ["a: 8 money"]
    assert _ticks(svg) == ["0m", "2.5m", "5m", "7.5m", "10m"]


def test_no_figure_draws_no_bar_and_series_apart_draw_full_bars(app):
    """History then forecast: two series that never share a month draw one bar a
    month, each in its colour, both named in the legend."""
    data = ChartData(
        labels=["2026-01", "2026-02", "2026-03", "2026-04"],
        series=[
            Series("History", [2, 0, None, None]),
            Series("Forecast", [None, None, Decimal("1.5"), Decimal("1.5")]),
        ],
    )
    with app.test_request_context():
        svg = charts.bars(data, COUNT)
    bars = re.findall(
        r'<rect x="[^"]*" y="[^"]*" width="([^"]*)" height="[^"]*" '
        r'fill="([^"]*)"><title>([^<]*)</title>',
        svg,
    )
    assert [tip for _w, _c, tip in bars] == [
        "History — 2026-01: 2",
        "History — 2026-02: 0",
        "Forecast — 2026-03: 1.5",
        "Forecast — 2026-04: 1.5",
    ]
    assert len({w for w, _c, _t in bars}) == 1  # every bar is a full slot's bar
    assert [c for _w, c, _t in bars] == [charts.PALETTE[0]] * 2 + [charts.PALETTE[1]] * 2
    assert ">History</text>" in svg and ">Forecast</text>" in svg  # the legend
    assert _ticks(svg)[-1] == "2"  # the top value is labelled


def test_series_side_by_side_when_they_share_a_category(app):
    data = ChartData(labels=["a", "b"], series=[Series("x", [1, 2]), Series("y", [3, None])])
    with app.test_request_context():
        svg = charts.bars(data, COUNT)
    xs = [
        float(x)
        for x in re.findall(
            r'<rect x="([^"]*)" y="[^"]*" width="[^"]*" '
            r'height="[^"]*" fill="[^"]*"><title>',
            svg,
        )
    ]
    assert len(xs) == 3  # b has no y
    slot = (charts.WIDTH - charts.LEFT - charts.RIGHT) / 2
    assert xs[1] - xs[0] == pytest.approx(slot * 0.4, abs=0.1)  # a: x then y, side by side
    assert xs[2] - charts.LEFT - slot == pytest.approx(slot * 0.3, abs=0.1)  # b: x centred


def test_a_line_skips_the_points_it_has_no_figure_for(app):
    data = ChartData(labels=["a", "b", "c"], series=[Series("n", [1, None, 3])])
    with app.test_request_context():
        svg = charts.lines(data, COUNT)
    assert svg.count("<circle") == 2 and _tips(svg) == ["a: 1", "c: 3"]


def test_an_unknown_kind_is_refused(app):
    with app.test_request_context(), pytest.raises(ValueError, match="radar"):
        charts.render("radar", ChartData(["a"], [Series("n", [1])]), COUNT)
