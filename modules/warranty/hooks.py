"""Coverage providers: other modules (contracts) cover repairs without warranty
importing them. A provider is registered once, at start-up (in the providing
module's `signals:connect`), and asked when a repair's billing type is decided.

    from modules.warranty.hooks import Coverage, register_coverage_provider

    def contract_coverage(session, unit_id: int, on: date) -> Coverage | None: ...

    register_coverage_provider(contract_coverage)

The first provider answering a Coverage wins (in registration order).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session


@dataclass(frozen=True)
class Coverage:
    source: str  # e.g. "contract"
    ref_id: int  # the covering document's id in its own module
    label: str  # shown on the repair, e.g. "SC-2026-00012 Gold"
    covers_parts: bool = True
    covers_labour: bool = True
    covers_transport: bool = False


CoverageProvider = Callable[[Session, int, date], "Coverage | None"]

_providers: list[CoverageProvider] = []


def register_coverage_provider(fn: CoverageProvider) -> CoverageProvider:
    """Add a provider (idempotent); returns it, so it can be used as a decorator."""
    if fn not in _providers:
        _providers.append(fn)
    return fn


def unregister_coverage_provider(fn: CoverageProvider) -> None:
    if fn in _providers:
        _providers.remove(fn)


def coverage_providers() -> list[CoverageProvider]:
    return list(_providers)


def coverage_for(session: Session, unit_id: int, on: date) -> Coverage | None:
    """The first coverage a provider offers for the unit on that date, or None."""
    for fn in list(_providers):
        cov = fn(session, unit_id, on)
        if cov is not None:
            return cov
    return None
