"""The deal board: service contracts by deal stage, as the contract list shows them
(app.board); stuck deals and contracts past their end stand out."""

from __future__ import annotations

from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from app import formats
from app.board import BoardView, CardField
from app.db import utcnow
from modules.contracts.models import CLOSED_STATES, CONTRACT_KINDS, ServiceContract
from modules.contracts.services import life
from modules.contracts.views import ServiceContractView

# stages whose contract runs to its end date
RUNNING = ("active", "expiring")


class DealBoardView(BoardView):
    route_base = "/dealboard"
    list_view = ServiceContractView
    title = _l("Deal board")
    closed_states = CLOSED_STATES
    card_fields = (
        CardField("title"),
        CardField("partner"),
        CardField("kind", format=CONTRACT_KINDS.label),
        CardField("end_date"),
        CardField("manager"),
    )

    def card_order(self, model):
        # the deal waiting longest first
        return [model.state_since, model.id]

    def card_title(self, item: ServiceContract) -> str:
        return item.number or f"#{item.id}"

    def card_badge(self, item: ServiceContract, today: date):
        if item.state not in RUNNING or item.end_date is None:
            return ""
        left = (item.end_date - today).days
        kind = "danger" if left < 0 else "warning" if left <= item.notice_days else "default"
        return Markup('<span class="label label-{}" title="{}">{}</span>').format(
            kind, _l("Days to the end: %(num)s", num=left), left
        )

    def card_flag(self, item: ServiceContract, today: date):
        if item.state in RUNNING and item.end_date is not None and item.end_date < today:
            return "overdue", _l("Past its end: %(date)s", date=formats.day(item.end_date))
        since = item.state_since
        if item.state in life.EDITABLE_STATES and since is not None:
            idle = utcnow() - since
            if idle > timedelta(days=life.stuck_days()):
                return "stuck", _l("Stuck: no step for %(num)s days", num=idle.days)
        return None
