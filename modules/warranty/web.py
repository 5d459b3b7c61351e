"""Helpers shared by the warranty views and APIs: the current user and the repair rule
(the record rule itself is declared in permissions.py and applied by every door)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app import policy
from app.errors import DomainError
from app.web import date_value, json_body  # noqa: F401 - re-exported
from modules.inventory.web import current_user_id
from modules.warranty.models import RepairOrder

__all__ = ["can_see_repair", "check_technician", "current_user_id", "date_value", "json_body"]


def can_see_repair(repair: RepairOrder | None) -> bool:
    return repair is not None and policy.visible(RepairOrder, repair.id)


def check_technician(item) -> None:
    """A technician opens and keeps repairs for himself or whom he stands in for (his
    repairs by default): what the record rule lets him see, he may write."""
    actor = policy.current_actor()
    if not policy.book().restricted(RepairOrder, actor):
        return
    if item.technician_id is None and item.technician is None:
        item.technician_id = actor.user_id
    tech_id = item.technician_id if item.technician is None else item.technician.id
    if tech_id not in actor.acting_for:
        raise DomainError(
            _l("You may only take repair orders for yourself or whom you stand in for."),
            field="technician",
            status=403,
        )
