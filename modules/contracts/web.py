"""Helpers shared by the contract views and APIs: the current user and the visit rules."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import inspect

from app import policy
from app.db import db
from app.errors import DomainError
from modules.contracts.services import visits
from modules.staff.web import current_user_id

__all__ = ["VisitRules", "current_user_id", "plans_visits"]


def plans_visits() -> bool:
    return policy.current_actor().can("can_plan", "ScheduledVisit")


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
