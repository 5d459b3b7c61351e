"""Charts drawn on the server as inline SVG: no JavaScript, no CDN, the app works
offline, and every label (categories, legend, axis figures) is in the reader's
language because it is rendered with the page.

    svg = charts.render(BAR, ChartData(labels, [Series(_l("Parts sold"), values)]), MONEY,
                        title=_l("Parts sold"), figures=fmt)

`kind` is one of app.insights' BAR, LINE and PIE; `unit` is one of its units (COUNT
puts the gridlines on whole numbers when every value is whole). A value of None is
no figure: no bar, no point. Figures are written by `figures`, an object (or module)
with `number(value, unit)` and `axis(value, unit)` returning text in the reader's
language; the default, PLAIN, writes plain quantities with Babel.

Every text put into the drawing goes through `escape`; templates insert the
result with `|safe`."""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any, Protocol

from babel.numbers import format_percent
from flask_babel import format_decimal, get_locale
from markupsafe import escape

from app.insights import BAR, COUNT, LINE, PERCENT, PIE, ChartData

PALETTE = (
    "#3a76b8",
    "#e0823d",
    "#4d9c55",
    "#c9463d",
    "#8a66b5",
    "#8c6d5a",
    "#d77fb8",
    "#7f7f7f",
    "#b5b43a",
    "#3bb4c4",
)
WIDTH, HEIGHT = 520, 260
LEFT, RIGHT, TOP, BOTTOM = 56, 12, 14, 58
CSS_CLASS = "as-chart"


class Figures(Protocol):
    """How a chart writes its figures: a tooltip or legend value, and an axis tick."""

    def number(self, value: Any, unit: str = ...) -> str: ...

    def axis(self, value: float, unit: str = ...) -> str: ...


class Plain:
    """Plain quantities (pieces, litres, counts) in the current language: 1,234.5 or
    1 234,5; a percentage with the language's sign; "—" for no figure."""

    @staticmethod
    def number(value: Any, unit: str = COUNT) -> str:
        if value is None:
            return "—"
        if unit == PERCENT:  # 83.2 -> "83.2%", "83,2 %": the language's sign and place
            share = (Decimal(str(value)) / 100).quantize(Decimal("0.001")).normalize()
            return format_percent(share, locale=get_locale(), decimal_quantization=False)
        return format_decimal(value, format="#,##0.###")

    @staticmethod
    def axis(value: float, unit: str = COUNT) -> str:
        return format_decimal(value, format="#,##0.##")


PLAIN = Plain()


def render(
    kind: str,
    data: ChartData,
    unit: str,
    title: str = "",
    *,
    figures: Figures = PLAIN,
    css_class: str = CSS_CLASS,
) -> str:
    if kind == PIE:
        return pie(data, unit, title, figures=figures, css_class=css_class)
    if kind == LINE:
        return lines(data, unit, title, figures=figures, css_class=css_class)
    if kind == BAR:
        return bars(data, unit, title, figures=figures, css_class=css_class)
    raise ValueError(f"unknown chart kind {kind!r}")


def _open(title: str, css_class: str, height: int = HEIGHT) -> list[str]:
    label = escape(title)
    return [
        f'<svg class="{escape(css_class)}" xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="0 0 {WIDTH} {height}" width="100%" role="img" aria-label="{label}" '
        'font-family="Helvetica, Arial, sans-serif" font-size="11">',
        f"<title>{label}</title>",
    ]


def _nice_top(top: float) -> float:
    if top <= 0:
        return 1.0
    exp = 10 ** math.floor(math.log10(top))
    for step in (1, 2, 2.5, 5, 10):
        if step * exp >= top:
            return step * exp
    return 10 * exp


def _top(values: list[list[float]], unit: str) -> float:
    """The axis' top: a round number; for whole counts four times a whole step, so the
    gridlines fall on whole numbers (no "3.75 defects")."""
    top = max([v for row in values for v in row] + [0])
    if unit == COUNT and all(v == int(v) for row in values for v in row):
        return 4 * _nice_top(max(1, math.ceil(top / 4)))
    return _nice_top(top)


def _values(data: ChartData) -> list[list[float]]:
    return [[float(v or 0) for v in s.values] for s in data.series]


def _axes(
    out: list[str], top: float, unit: str, labels: list[str], slot: float, figures: Figures
) -> None:
    plot_h = HEIGHT - TOP - BOTTOM
    for i in range(5):
        value = top * i / 4
        y = TOP + plot_h - plot_h * i / 4
        out.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" '
            f'stroke="{"#888" if i == 0 else "#e3e3e3"}"/>'
        )
        out.append(
            f'<text x="{LEFT - 4}" y="{y + 4:.1f}" text-anchor="end" fill="#555">'
            f"{escape(figures.axis(value, unit))}</text>"
        )
    every = max(1, math.ceil(len(labels) / 12))
    rotate = len(labels) > 6
    for i, label in enumerate(labels):
        if i % every:
            continue
        x = LEFT + slot * (i + 0.5)
        y = TOP + plot_h + 14
        text = escape(label if len(label) <= 16 else label[:15] + "…")
        if rotate:
            out.append(
                f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="end" fill="#333" '
                f'transform="rotate(-35 {x:.1f} {y:.1f})">{text}</text>'
            )
        else:
            out.append(
                f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="middle" fill="#333">{text}</text>'
            )


def _legend(out: list[str], data: ChartData, y: float) -> None:
    if len(data.series) < 2:
        return
    x = LEFT
    for i, s in enumerate(data.series):
        color = PALETTE[i % len(PALETTE)]
        out.append(f'<rect x="{x}" y="{y - 9}" width="10" height="10" fill="{color}"/>')
        label = escape(str(s.label))
        out.append(f'<text x="{x + 14}" y="{y}" fill="#333">{label}</text>')
        x += 24 + 7 * len(str(s.label))


def bars(
    data: ChartData,
    unit: str,
    title: str = "",
    *,
    figures: Figures = PLAIN,
    css_class: str = CSS_CLASS,
) -> str:
    """Bars side by side in each category, one colour a series. A category's bars are
    those of the series with a figure there, centred: series that never share a
    category (history, then forecast) draw full-width bars in their own colours."""
    values = _values(data)
    top = _top(values, unit)
    n = max(len(data.labels), 1)
    slot = (WIDTH - LEFT - RIGHT) / n
    out = _open(title, css_class)
    _axes(out, top, unit, data.labels, slot, figures)
    plot_h = HEIGHT - TOP - BOTTOM
    present = [
        [si for si, s in enumerate(data.series) if i < len(s.values) and s.values[i] is not None]
        for i in range(len(data.labels))
    ]
    k = max([len(p) for p in present] + [1])
    bar_w = max(2.0, slot * 0.8 / k)
    several = len(data.series) > 1
    for i, shown in enumerate(present):
        x = LEFT + slot * i + slot * 0.1 + bar_w * (k - len(shown)) / 2
        for si in shown:
            h = plot_h * max(values[si][i], 0) / top
            tip = escape(f"{data.labels[i]}: {figures.number(data.series[si].values[i], unit)}")
            if several:
                tip = escape(f"{data.series[si].label} — ") + tip
            out.append(
                f'<rect x="{x:.1f}" y="{TOP + plot_h - h:.1f}" width="{bar_w:.1f}" '
                f'height="{h:.1f}" fill="{PALETTE[si % len(PALETTE)]}"><title>{tip}</title></rect>'
            )
            x += bar_w
    _legend(out, data, HEIGHT - 4)
    out.append("</svg>")
    return "".join(out)


def lines(
    data: ChartData,
    unit: str,
    title: str = "",
    *,
    figures: Figures = PLAIN,
    css_class: str = CSS_CLASS,
) -> str:
    values = _values(data)
    top = _top(values, unit)
    n = max(len(data.labels), 1)
    slot = (WIDTH - LEFT - RIGHT) / n
    out = _open(title, css_class)
    _axes(out, top, unit, data.labels, slot, figures)
    plot_h = HEIGHT - TOP - BOTTOM
    for si, row in enumerate(data.series):
        color = PALETTE[si % len(PALETTE)]
        points = []
        dots = []
        for i, raw in enumerate(row.values):
            if raw is None:
                continue
            x = LEFT + slot * (i + 0.5)
            y = TOP + plot_h - plot_h * float(raw) / top
            points.append(f"{x:.1f},{y:.1f}")
            tip = escape(f"{data.labels[i]}: {figures.number(raw, unit)}")
            dots.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{color}"><title>{tip}</title>'
                "</circle>"
            )
        if len(points) > 1:
            out.append(
                f'<polyline fill="none" stroke="{color}" stroke-width="2" '
                f'points="{" ".join(points)}"/>'
            )
        out.extend(dots)
    _legend(out, data, HEIGHT - 4)
    out.append("</svg>")
    return "".join(out)


def pie(
    data: ChartData,
    unit: str,
    title: str = "",
    *,
    figures: Figures = PLAIN,
    css_class: str = CSS_CLASS,
) -> str:
    values = [max(float(v or 0), 0.0) for v in (data.series[0].values if data.series else [])]
    total = sum(values)
    out = _open(title, css_class)
    cx, cy, r = 120, HEIGHT / 2, 100
    angle = -math.pi / 2
    for i, v in enumerate(values):
        if v <= 0:
            continue
        color = PALETTE[i % len(PALETTE)]
        share = v / total
        tip = escape(
            f"{data.labels[i]}: {figures.number(data.series[0].values[i], unit)} "
            f"({figures.number(round(share * 100, 1), PERCENT)})"
        )
        if share >= 0.9999:
            out.append(
                f'<circle cx="{cx}" cy="{cy}" r="{r}" fill="{color}"><title>{tip}</title></circle>'
            )
            continue
        end = angle + 2 * math.pi * share
        x1, y1 = cx + r * math.cos(angle), cy + r * math.sin(angle)
        x2, y2 = cx + r * math.cos(end), cy + r * math.sin(end)
        large = 1 if share > 0.5 else 0
        out.append(
            f'<path d="M{cx},{cy} L{x1:.2f},{y1:.2f} A{r},{r} 0 {large} 1 {x2:.2f},{y2:.2f} Z" '
            f'fill="{color}" stroke="#fff" stroke-width="1"><title>{tip}</title></path>'
        )
        angle = end
    y = 24
    for i, v in enumerate(values):
        color = PALETTE[i % len(PALETTE)]
        label = data.labels[i] if len(data.labels[i]) <= 28 else data.labels[i][:27] + "…"
        percent = figures.number(round(v / total * 100, 1), PERCENT) if total else ""
        out.append(f'<rect x="250" y="{y - 9}" width="10" height="10" fill="{color}"/>')
        out.append(
            f'<text x="265" y="{y}" fill="#333">{escape(label)}: '
            f"{escape(figures.number(data.series[0].values[i], unit))} ({escape(percent)})</text>"
        )
        y += 17
        if y > HEIGHT - 8:
            break
    out.append("</svg>")
    return "".join(out)
