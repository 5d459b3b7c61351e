"""The home dashboard: the KPIs and charts the loaded modules contribute, those the
user may see, computed for him (his own work and that of colleagues he stands in for)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from flask import current_app

from app import insights
from app.charts import render as draw_chart
from app.insights import Chart, Context, Kpi
from app.policy import COSTS, Actor
from app.security import ADMIN
from modules.dashboard.services import fmt

log = logging.getLogger("aftersales.dashboard")


@dataclass
class KpiValue:
    key: str
    label: str
    value: Any
    display: str
    link: str | None
    unit: str
    warn: bool
    error: bool = False


@dataclass
class KpiGroup:
    label: str
    kpis: list[KpiValue]


@dataclass
class ChartView:
    key: str
    label: str
    kind: str
    svg: str | None  # escaped SVG, inserted with |safe
    link: str | None
    empty: bool
    error: bool = False


def context(actor: Actor, today: date | None = None) -> Context:
    """The dashboard context of a reader: who he is, whose work he holds today, and his
    policy (a figure counts what his lists show)."""
    return Context(
        today=today or date.today(),
        user_id=actor.user_id,
        roles=actor.roles,
        acting_for=actor.acting_for,
        actor=actor,
    )


def visible(item: Kpi | Chart, ctx: Context, can_read: Callable[[str], bool]) -> bool:
    if item.resource is not None and not can_read(item.resource):
        return False
    if item.costs and not (ctx.actor is None or ctx.actor.can(*COSTS)):
        return False
    if item.roles is not None and ADMIN not in ctx.roles:
        return bool(ctx.roles & set(item.roles))
    return True


def _group_labels() -> dict[str, str]:
    loaded = current_app.extensions["aftersales"]
    return {m.name: str(m.category_label or m.name) for m in loaded.manifests}


def compute_kpi(session, kpi: Kpi, ctx: Context) -> KpiValue:
    """One KPI's figure, display and link; a contributor's bug shows as an error on
    that figure and never takes the page (or the API) down."""
    try:
        value = kpi.compute(session, ctx)
        warn = (
            value is not None
            and kpi.warn_above is not None
            and Decimal(str(value)) > Decimal(str(kpi.warn_above))
        )
        return KpiValue(
            key=kpi.key,
            label=str(kpi.label),
            value=value,
            display=fmt.number(value, kpi.unit),
            link=kpi.link_for(ctx),
            unit=kpi.unit,
            warn=warn,
        )
    except Exception:
        log.exception("KPI %s failed", kpi.key)
        session.rollback()
        return KpiValue(kpi.key, str(kpi.label), None, "—", None, kpi.unit, False, error=True)


def kpi_groups(session, ctx: Context, can_read: Callable[[str], bool]) -> list[KpiGroup]:
    """Visible KPIs, computed, grouped by module (or the KPI's own group)."""
    labels = _group_labels()
    groups: dict[str, list[KpiValue]] = {}
    items = [(m, k) for m, k in insights.collect("kpis") if visible(k, ctx, can_read)]
    items.sort(key=lambda mk: mk[1].order)
    for module, kpi in items:
        label = str(kpi.group) if kpi.group is not None else labels.get(module, module)
        groups.setdefault(label, []).append(compute_kpi(session, kpi, ctx))
    return [KpiGroup(label, values) for label, values in groups.items()]


def compute_chart(session, chart: Chart, ctx: Context) -> tuple[ChartView, Any]:
    label = str(chart.label)
    try:
        data = chart.compute(session, ctx)
        drawing = (
            None
            if data.empty
            else draw_chart(chart.kind, data, chart.unit, label, figures=fmt, css_class="dsh-chart")
        )
        view = ChartView(chart.key, label, chart.kind, drawing, chart.link_for(ctx), data.empty)
        return view, data
    except Exception:
        log.exception("chart %s failed", chart.key)
        session.rollback()
        return ChartView(chart.key, label, chart.kind, None, None, True, error=True), None


def charts(session, ctx: Context, can_read: Callable[[str], bool]) -> list[ChartView]:
    items = [(m, c) for m, c in insights.collect("charts") if visible(c, ctx, can_read)]
    items.sort(key=lambda mc: mc[1].order)
    return [compute_chart(session, c, ctx)[0] for _m, c in items]


def chart_data(session, ctx: Context, can_read: Callable[[str], bool]) -> list[dict]:
    """The charts' figures as JSON-ready data (the API)."""
    out = []
    for _m, chart in insights.collect("charts"):
        if not visible(chart, ctx, can_read):
            continue
        view, data = compute_chart(session, chart, ctx)
        out.append(
            {
                "key": chart.key,
                "label": view.label,
                "kind": chart.kind,
                "unit": chart.unit,
                "link": view.link,
                "error": view.error,
                "labels": list(data.labels) if data else [],
                "series": [
                    {"label": str(s.label), "values": [_json_number(v) for v in s.values]}
                    for s in (data.series if data else [])
                ],
            }
        )
    return out


def _json_number(value):
    if isinstance(value, Decimal):
        return float(value)
    return value
