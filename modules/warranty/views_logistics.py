"""Shipment and substitute-unit (loaner) screens."""

from __future__ import annotations

from flask_appbuilder.fieldwidgets import DatePickerWidget
from flask_babel import lazy_gettext as _l
from wtforms import DateField
from wtforms.validators import Optional

from app.datamodel import AppInterface
from app.views import AppModelView, StateMachineViewMixin
from modules.warranty.models import (
    LOANER_STATES,
    PAYERS,
    SHIPMENT_DIRECTIONS,
    SHIPMENT_STATES,
    Loaner,
    LoanerLoan,
    Shipment,
)
from modules.warranty.services import logistics
from modules.warranty.views_repairs import LABELS as REPAIR_LABELS

LABELS = {
    **REPAIR_LABELS,
    "direction": _l("Direction"),
    "workshop": _l("Outside workshop"),
    "carrier": _l("Carrier"),
    "tracking_number": _l("Tracking number"),
    "shipped_on": _l("Shipped on"),
    "delivered_on": _l("Delivered on"),
    "cost": _l("Cost"),
    "paid_by": _l("Paid by"),
    "code": _l("Code"),
    "loaner": _l("Substitute unit"),
    "requested_on": _l("Requested on"),
    "lent_on": _l("Lent on"),
    "condition_out": _l("Condition when lent"),
    "condition_back": _l("Condition on return"),
}


class ShipmentView(StateMachineViewMixin, AppModelView):
    datamodel = AppInterface(Shipment)
    class_permission_name = "Shipment"
    state_machine = logistics.SHIPMENT_MACHINE
    rules = logistics.ShipmentRules()
    list_title = _l("Shipments")
    show_title = _l("Shipment")
    add_title = _l("New shipment")
    edit_title = _l("Edit shipment")
    label_columns = LABELS
    list_columns = [
        "number",
        "direction",
        "repair",
        "unit",
        "carrier",
        "tracking_number",
        "shipped_on",
        "delivered_on",
        "cost",
        "paid_by",
        "state",
    ]
    add_columns = [
        "direction",
        "repair",
        "unit",
        "workshop",
        "carrier",
        "tracking_number",
        "shipped_on",
        "delivered_on",
        "cost",
        "paid_by",
        "notes",
    ]
    edit_columns = [c for c in add_columns if c not in ("direction", "repair", "unit")]
    show_columns = ["number", "state", *add_columns]
    search_columns = ["number", "direction", "tracking_number", "shipped_on", "paid_by", "state"]
    base_order = ("id", "desc")
    formatters_columns = {
        "direction": SHIPMENT_DIRECTIONS.label,
        "paid_by": PAYERS.label,
        "state": SHIPMENT_STATES.label,
    }
    add_form_extra_fields = {
        "direction": SHIPMENT_DIRECTIONS.select_field(_l("Direction")),
        "paid_by": PAYERS.select_field(_l("Paid by")),
    }
    edit_form_extra_fields = {"paid_by": PAYERS.select_field(_l("Paid by"))}


class LoanerView(AppModelView):
    datamodel = AppInterface(Loaner)
    class_permission_name = "Loaner"
    rules = logistics.LoanerRules()
    list_title = _l("Substitute units")
    show_title = _l("Substitute unit")
    add_title = _l("Add a substitute unit")
    edit_title = _l("Edit substitute unit")
    label_columns = LABELS
    list_columns = ["code", "name", "equipment_model", "serial_number", "state", "condition"]
    add_columns = ["code", "name", "equipment_model", "serial_number", "condition", "notes"]
    edit_columns = [*add_columns, "state", "active"]
    show_columns = [*add_columns, "state", "active"]
    search_columns = ["code", "name", "serial_number", "state", "active"]
    formatters_columns = {"state": LOANER_STATES.label}
    edit_form_extra_fields = {"state": LOANER_STATES.select_field(_l("State"))}


class LoanerLoanView(AppModelView):
    """Substitute units lent (also from the repair's page, where their return is
    recorded)."""

    datamodel = AppInterface(LoanerLoan)
    class_permission_name = "LoanerLoan"
    rules = logistics.LoanRules()
    list_title = _l("Substitute units lent")
    show_title = _l("Loan of a substitute unit")
    label_columns = LABELS
    list_columns = [
        "loaner",
        "repair",
        "customer",
        "requested_on",
        "due_date",
        "lent_on",
        "returned_on",
        "condition_back",
    ]
    show_columns = [*list_columns, "condition_out", "notes"]
    add_columns = ["repair", "loaner", "requested_on", "lent_on", "condition_out", "notes"]
    edit_columns = ["notes"]
    search_columns = ["requested_on", "lent_on", "returned_on"]
    base_order = ("id", "desc")
    add_form_extra_fields = {
        "requested_on": DateField(
            LABELS["requested_on"],
            validators=[Optional()],
            widget=DatePickerWidget(),
            description=_l("Empty: the day it is lent."),
        ),
        "lent_on": DateField(
            LABELS["lent_on"],
            validators=[Optional()],
            widget=DatePickerWidget(),
            description=_l("Empty: today."),
        ),
    }
