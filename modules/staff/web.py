"""Helpers shared by the staff views and APIs: the current user and record rules."""

from __future__ import annotations

from datetime import date

from flask_appbuilder.models.filters import BaseFilter
from sqlalchemy import or_

from app.db import db
from app.web import current_user_id  # noqa: F401 - re-exported
from modules.staff import services
from modules.staff.models import Employee, Task, TimeLog, TrainingRecord


def my_ids() -> set[int]:
    """Me and the people I deputise for today; never empty (no match for anonymous)."""
    return services.acting_for(db.session, current_user_id(), date.today()) or {-1}


class MyTasksFilter(BaseFilter):
    """Tasks assigned to (or under the responsibility of) me or someone I deputise for."""

    name = "mine"
    arg_name = "mine"

    def apply(self, query, value):
        ids = my_ids()
        return query.filter(or_(Task.assignee_id.in_(ids), Task.responsible_id.in_(ids)))


class MyIntakeFilter(BaseFilter):
    """Requests routed to me, or whose responsible is me or someone I deputise for."""

    name = "mine"
    arg_name = "mine"

    def apply(self, query, value):
        from modules.staff.models import Intake

        ids = my_ids()
        return query.filter(or_(Intake.assignee_id.in_(ids), Intake.responsible_id.in_(ids)))


class MyTimeLogsFilter(BaseFilter):
    name = "mine"
    arg_name = "mine"

    def apply(self, query, value):
        return query.filter(TimeLog.user_id == (current_user_id() or -1))


class MyTrainingFilter(BaseFilter):
    name = "mine"
    arg_name = "mine"

    def apply(self, query, value):
        uid = current_user_id() or -1
        return query.filter(
            TrainingRecord.employee_id.in_(
                db.session.query(Employee.id).filter(Employee.user_id == uid)
            )
        )


class IntakeQueueFilter(BaseFilter):
    name = "unrouted"
    arg_name = "unrouted"

    def apply(self, query, value):
        from modules.staff.models import Intake

        return query.filter(Intake.assignee_id.is_(None), Intake.closed.is_(False))
