"""Quality screens: systemic-defect alerts, defect rates, proposals, supplier claims."""

from __future__ import annotations

from flask import redirect, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from wtforms.validators import Optional

from app.datamodel import AppInterface
from app.db import db
from app.security import WRITE
from app.views import AppModelView, StateMachineViewMixin, commit_step
from app.widgets import LookupField
from modules.claims.models import (
    ALERT_STATES,
    BREACHES,
    PROPOSAL_KINDS,
    PROPOSAL_STATES,
    SUPPLIER_CLAIM_STATES,
    DefectCode,
    ProductionProposal,
    SupplierClaim,
    SystemicAlert,
)
from modules.claims.services import suppliers, systemic
from modules.claims.views_claims import LABELS, TEMPLATES, IntPkMixin
from modules.inventory.models import EquipmentModel


class SystemicAlertView(StateMachineViewMixin, AppModelView):
    datamodel = AppInterface(SystemicAlert)
    class_permission_name = "SystemicAlert"
    state_machine = systemic.ALERT_MACHINE
    rules = systemic.AlertRules()
    include_route_methods = {"list", "show", "add", "transition", "api_read", "api_get"}
    list_title = _l("Systemic defect alerts")
    show_title = _l("Systemic defect alert")
    label_columns = LABELS
    list_columns = [
        "opened_on",
        "equipment_model",
        "defect_code",
        "defects",
        "units_sold",
        "rate_pct",
        "lower_pct",
        "threshold_pct",
        "state",
    ]
    show_columns = [
        "equipment_model",
        "defect_code",
        "state",
        "opened_on",
        "window_start",
        "window_end",
        "defects",
        "units_sold",
        "rate_pct",
        "lower_pct",
        "upper_pct",
        "confidence_pct",
        "threshold_pct",
    ]
    search_columns = ["state", "opened_on"]
    base_order = ("opened_on", "desc")
    formatters_columns = {"state": ALERT_STATES.label}

    @expose("/add", methods=["GET"])
    @has_access
    def add(self):
        """Alerts are opened by the detection: "add" leads to the page that runs it."""
        return redirect(url_for("DefectRatesView.rates"))


class DefectRatesView(BaseView):
    """Defect rates with their confidence interval; the manager runs the detection here."""

    route_base = "/defectrates"
    template_folder = TEMPLATES
    class_permission_name = "SystemicAlert"
    method_permission_name = {"rates": "read", "detect": "write"}
    base_permissions = ["can_read", "can_write"]
    default_view = "rates"

    @expose("/rates")
    @has_access
    def rates(self):
        from modules.inventory.models import EquipmentModel

        rows = systemic.defect_rates(db.session)[:200]
        settings = systemic.get_settings(db.session)
        db.session.commit()
        models = {m.id: str(m) for m in db.session.query(EquipmentModel).all()}
        codes = {c.id: str(c) for c in db.session.query(DefectCode).all()}
        return self.render_template(
            "claims/rates.html",
            rows=rows,
            settings=settings,
            models=models,
            codes=codes,
            can_detect=self.appbuilder.sm.has_access(WRITE, "SystemicAlert"),
        )

    @expose("/detect", methods=["POST"])
    @has_access
    def detect(self):
        commit_step(
            lambda: systemic.detect(db.session),
            lambda opened: ngettext(
                "Detection done: %(num)s new alert.",
                "Detection done: %(num)s new alerts.",
                len(opened),
            ),
        )
        return redirect(url_for(f"{self.endpoint}.rates"))


class ProductionProposalView(StateMachineViewMixin, AppModelView):
    datamodel = AppInterface(ProductionProposal)
    class_permission_name = "ProductionProposal"
    state_machine = systemic.PROPOSAL_MACHINE
    rules = systemic.ProposalRules()
    list_title = _l("Proposals to production")
    show_title = _l("Proposal to production")
    add_title = _l("Draft a proposal to production")
    edit_title = _l("Edit proposal")
    label_columns = LABELS
    list_columns = ["number", "equipment_model", "defect_code", "kind", "title", "state"]
    add_columns = ["alert", "equipment_model", "defect_code", "kind", "title", "rationale"]
    edit_columns = ["kind", "title", "rationale"]
    show_columns = [
        "number",
        "alert",
        "equipment_model",
        "defect_code",
        "kind",
        "title",
        "rationale",
        "state",
        "submitted_on",
        "decided_on",
        "decision_note",
        "author",
    ]
    search_columns = ["number", "kind", "state", "title"]
    base_order = ("id", "desc")
    formatters_columns = {"kind": PROPOSAL_KINDS.label, "state": PROPOSAL_STATES.label}
    add_form_extra_fields = {
        "kind": PROPOSAL_KINDS.select_field(_l("Proposal")),
        # optional here: the alert names it (the rules refuse a proposal with neither)
        "equipment_model": LookupField(
            LABELS["equipment_model"],
            validators=[Optional()],
            model=EquipmentModel,
            description=_l("Taken from the alert when one is chosen."),
        ),
    }
    edit_form_extra_fields = {"kind": add_form_extra_fields["kind"]}
    description_columns = {
        "equipment_model": _l("Taken from the alert when one is chosen."),
    }


class SupplierClaimView(IntPkMixin, StateMachineViewMixin, AppModelView):
    datamodel = AppInterface(SupplierClaim)
    class_permission_name = "SupplierClaim"
    state_machine = suppliers.SUPPLIER_CLAIM_MACHINE
    rules = suppliers.SupplierClaimRules()
    attachments = True
    list_title = _l("Supplier claims")
    show_title = _l("Supplier claim")
    add_title = _l("New supplier claim")
    edit_title = _l("Edit supplier claim")
    label_columns = LABELS
    list_columns = ["number", "supplier", "breach", "amount", "due_date", "state"]
    add_columns = [
        "supplier",
        "breach",
        "description",
        "amount",
        "opened_on",
        "due_date",
        "defects",
        "repairs",
        "notes",
    ]
    edit_columns = [*add_columns, "recovered_amount"]
    show_columns = [
        "number",
        "state",
        *add_columns,
        "sent_on",
        "recovered_amount",
        "settled_on",
    ]
    search_columns = ["number", "breach", "state", "opened_on", "due_date"]
    base_order = ("id", "desc")
    formatters_columns = {"breach": BREACHES.label, "state": SUPPLIER_CLAIM_STATES.label}
    add_form_extra_fields = {"breach": BREACHES.select_field(_l("Breach"))}
    edit_form_extra_fields = add_form_extra_fields
    description_columns = {
        "due_date": _l("Empty: 30 days from sending, on a working day."),
        "defects": _l("Defects found on this supplier's parts, from claims and repairs."),
    }
