"""Helpers shared by the warranty views and APIs: the current user and the record rule."""

from __future__ import annotations

from datetime import date

from flask import current_app
from flask_appbuilder.models.filters import BaseFilter
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.db import db
from app.errors import DomainError
from app.web import date_value, json_body  # noqa: F401 - re-exported
from modules.inventory.web import current_user_id
from modules.warranty.models import RepairOrder
from modules.warranty.services.repairs import visible_technicians

__all__ = [
    "RepairLineRecordRule",
    "RepairRecordRule",
    "current_user_id",
    "date_value",
    "json_body",
    "my_ids",
    "sees_all_repairs",
]


def sees_all_repairs() -> bool:
    return current_app.appbuilder.sm.has_access("can_see_all", "RepairOrder")


def my_ids() -> set[int]:
    """Me and the colleagues I stand in for today; never empty (no match for anonymous)."""
    return visible_technicians(db.session, current_user_id(), date.today()) or {-1}


def can_see_repair(repair: RepairOrder | None) -> bool:
    if repair is None:
        return False
    return sees_all_repairs() or repair.technician_id in my_ids()


class RepairRecordRule(BaseFilter):
    """Repair orders a technician may see: his own and those of colleagues he deputises for."""

    name = "visible"
    arg_name = "visible"

    def apply(self, query, value):
        if sees_all_repairs():
            return query
        return query.filter(RepairOrder.technician_id.in_(my_ids()))


class RepairLineRecordRule(BaseFilter):
    """Lines (and loans, inspections) of the repair orders the user may see."""

    name = "visible"
    arg_name = "visible"

    def apply(self, query, value):
        if sees_all_repairs():
            return query
        model = self.datamodel.obj
        visible = select(RepairOrder.id).where(RepairOrder.technician_id.in_(my_ids()))
        return query.filter(model.repair_id.in_(visible))


def check_technician(item) -> None:
    """A technician opens and keeps repairs for himself or whom he stands in for."""
    if sees_all_repairs():
        return
    if item.technician_id is None and item.technician is None:
        item.technician_id = current_user_id()
    tech_id = item.technician_id if item.technician is None else item.technician.id
    if tech_id not in my_ids():
        raise DomainError(
            _l("You may only take repair orders for yourself or whom you stand in for."),
            field="technician",
            status=403,
        )
