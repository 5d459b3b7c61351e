"""A stand-in for what a warranty module contributes (costs by model, region and
contract, recoveries, sold units and failures), plugged into the running app's
registry for one test."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date
from decimal import Decimal

from app.insights import (
    COST,
    RECOVERY,
    Failure,
    Insights,
    MoneyLine,
    MoneySource,
    PlanningSource,
    UnitsSold,
)

D = Decimal


def lines_for(items):
    def collect(session, date_from, date_to):
        return [ln for ln in items if date_from <= ln.on <= date_to]

    return collect


def fake_warranty(day: date, units=(), failures=(), terms=None) -> Insights:
    """Parts at cost: WM-1 100.00 (North, contract C-1) and WM-2 50.00 (South);
    labour: WM-1 30.00 (North); a supplier recovery on WM-1: 20.00 (North)."""
    parts = [
        MoneyLine(day, D("100.00"), model="WM-1", region="North", contract="C-1", warranty=True),
        MoneyLine(day, D("50.00"), model="WM-2", region="South", warranty=True),
    ]
    labour = [MoneyLine(day, D("30.00"), model="WM-1", region="North", warranty=True)]
    recovery = [MoneyLine(day, D("20.00"), model="WM-1", region="North")]
    return Insights(
        money=[
            MoneySource("fake.parts", None, COST, lines_for(parts), component="parts"),
            MoneySource("fake.labour", None, COST, lines_for(labour), component="labour"),
            MoneySource("fake.recovery", None, RECOVERY, lines_for(recovery), component="supplier"),
        ],
        planning=[
            PlanningSource(
                "fake.planning",
                "Fake warranty",
                units=lambda s, f, t: [
                    u for u in units if (f is None or u.month >= f) and u.month <= t
                ],
                failures=lambda s: list(failures),
                warranty_months=lambda s: dict(terms or {}),
            )
        ],
    )


@contextmanager
def plugged(app, insights: Insights, name: str = "fake"):
    loaded = app.extensions["aftersales"]
    loaded.insights.append((name, insights))
    try:
        yield
    finally:
        loaded.insights.remove((name, insights))


__all__ = ["Failure", "UnitsSold", "fake_warranty", "plugged"]
