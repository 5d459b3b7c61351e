"""Helpers shared by the dashboard's screens and APIs: the current user, his rights."""

from __future__ import annotations

from datetime import date

from flask_appbuilder.models.filters import BaseFilter

from app.insights import Context
from app.policy import current_actor
from app.web import current_user_id  # noqa: F401 - the dashboard's pages import it here
from modules.dashboard.models import Notification
from modules.dashboard.services import board, fmt

# Formatting functions the dashboard's templates use.
HELPERS = {
    "cell": fmt.cell,
    "num": fmt.number,
    "money": lambda value: "" if value is None else fmt.number(value, "money"),
}


def json_value(value):
    """A figure as JSON carries it: Decimal as a number, a date as ISO text."""
    if value is None or isinstance(value, (int, float, str, bool)):
        return value
    if hasattr(value, "quantize"):
        return float(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def can_read(resource: str) -> bool:
    return current_actor().reads(resource)


def user_context(today: date | None = None) -> Context:
    return board.context(current_actor(), today)


class MyNotificationsFilter(BaseFilter):
    name = "mine"
    arg_name = "mine"

    def apply(self, query, value):
        return query.filter(Notification.user_id == (current_user_id() or -1))
