"""Helpers shared by the contract views and APIs: the current user and the visit rules."""

from __future__ import annotations

from datetime import date

from flask import current_app
from flask_appbuilder.models.filters import BaseFilter
from flask_babel import lazy_gettext as _l
from sqlalchemy import inspect

from app.db import db
from app.errors import DomainError
from modules.contracts.models import ScheduledVisit
from modules.contracts.services import visits
from modules.staff.services import acting_for
from modules.staff.web import current_user_id

__all__ = ["VisitRecordRule", "VisitRules", "current_user_id", "my_ids", "sees_all_visits"]


def sees_all_visits() -> bool:
    return current_app.appbuilder.sm.has_access("can_see_all", "ScheduledVisit")


def plans_visits() -> bool:
    return current_app.appbuilder.sm.has_access("can_plan", "ScheduledVisit")


def my_ids() -> set[int]:
    """Me and the colleagues I stand in for today; never empty (no match for anonymous)."""
    return acting_for(db.session, current_user_id(), date.today()) or {-1}


class VisitRecordRule(BaseFilter):
    """Visits a technician may see: his own and those of colleagues he deputises for."""

    name = "visible"
    arg_name = "visible"

    def apply(self, query, value):
        if sees_all_visits():
            return query
        return query.filter(ScheduledVisit.technician_id.in_(my_ids()))


# what a technician may change on his own visit; the plan is the manager's
WORK_FIELDS = ("work_done", "hours", "done_on", "notes")


class VisitRules:
    """The visit hooks shared by the visit screens and the visit API."""

    def apply_transition(self, session, item, action, comment):
        if action == "cancel" and not plans_visits():
            raise DomainError(_l("Only the service manager cancels visits."), status=403)
        visits.transition(session, item, action, comment)

    def pre_add(self, item):
        if not plans_visits():
            raise DomainError(_l("Only the service manager plans visits."), status=403)
        visits.add_visit(db.session, item)

    def pre_update(self, item):
        state = inspect(item)
        planned = [
            a.key
            for a in state.attrs
            if a.key not in WORK_FIELDS and a.history.has_changes() and a.key != "state"
        ]
        if planned and not plans_visits():
            raise DomainError(
                _l("A technician records the work; the plan is the service manager's."),
                status=403,
            )
        visits.check_visit(db.session, item)

    def pre_delete(self, item):
        raise DomainError(_l("Visits are not deleted: cancel them."), status=409)
