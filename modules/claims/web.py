"""Helpers shared by the claims views and APIs: the current user, the record rule, bodies."""

from __future__ import annotations

from datetime import date

from flask import current_app, request
from flask_appbuilder.models.filters import BaseFilter
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.db import db
from app.errors import DomainError
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


def json_body() -> dict:
    body = request.get_json(silent=True) if request.data else {}
    if not isinstance(body, dict):
        raise DomainError(_l("The request body must be a JSON object."), status=400)
    return body


def date_value(value, field: str) -> date | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise DomainError(_l("Give a date as YYYY-MM-DD."), field=field)
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise DomainError(_l("Give a date as YYYY-MM-DD."), field=field) from None
