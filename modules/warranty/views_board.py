"""The repair board: repair orders by state, as the repair list shows them (its record
rule, quick filters and steps: app.board)."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l

from app.board import BoardView, CardField
from modules.warranty.models import CLOSED_STATES, RepairOrder
from modules.warranty.views_repairs import LABELS, RepairOrderView, days_left_badge


class RepairBoardView(BoardView):
    route_base = "/repairboard"
    list_view = RepairOrderView
    title = _l("Repair board")
    closed_states = CLOSED_STATES
    card_fields = (
        CardField("customer"),
        CardField("unit"),
        CardField("unit.equipment_model", LABELS["equipment_model"]),
        CardField("technician"),
    )
    # what the offered steps read: a paid repair's total against its quote
    extra_loads = ("part_lines", "labour_lines")

    def card_order(self, model):
        # the nearest legal deadline first, repairs without one last
        return [model.due_date.is_(None), model.due_date, model.id]

    def card_badge(self, item: RepairOrder, today: date):
        return days_left_badge(item.days_left_on(today))

    def card_flag(self, item: RepairOrder, today: date):
        left = item.days_left_on(today)
        # the badge says by how many days
        return ("overdue", "") if left is not None and left < 0 else None
