"""Helpers shared by the claims views and APIs: the current user, the record rule, bodies."""

from __future__ import annotations

from datetime import date

from flask import current_app
from flask_appbuilder.models.filters import BaseFilter
from sqlalchemy import select

from app.db import db
from app.web import date_value, json_body  # noqa: F401 - re-exported
from modules.claims.models import Claim
from modules.inventory.web import current_user_id
from modules.warranty.models import RepairOrder
from modules.warranty.services.repairs import visible_technicians

__all__ = ["ClaimRecordRule", "current_user_id", "date_value", "json_body", "sees_all_claims"]


def sees_all_claims() -> bool:
    return current_app.appbuilder.sm.has_access("can_see_all", "Claim")


def my_ids() -> set[int]:
    return visible_technicians(db.session, current_user_id(), date.today()) or {-1}


class ClaimRecordRule(BaseFilter):
    """A technician reads the claims of his own repairs (and those of colleagues he
    stands in for); claims staff, managers, accountants and viewers read all."""

    name = "visible"
    arg_name = "visible"

    def apply(self, query, value):
        if sees_all_claims():
            return query
        repairs = select(RepairOrder.id).where(RepairOrder.technician_id.in_(my_ids()))
        return query.filter(Claim.repair_order_id.in_(repairs))
