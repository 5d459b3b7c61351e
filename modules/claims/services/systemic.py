"""Systemic defects: defect rates per equipment model and defect code with a Wilson
score interval, alerts when the interval's lower bound crosses the threshold, and
proposals to production.

The rate over a rolling window of `window_days` ending on the run date is a cohort
rate: units of the model sold in the window (wty_unit.sale_date) are the trials,
and those of them carrying the defect (on a claim or a warranty repair, found in
the window; a unit counted once however many claims and repairs carry it) are the
events. Claims that name no unit count as one event each. An alert opens when the
lower bound of the interval at the installation's confidence is above the
threshold: the rate is then above it with that confidence, not by chance on few
units. An alert opens once per model and code while it is not closed; a re-run
refreshes its figures.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from statistics import NormalDist

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from app.errors import Conflict, DomainError
from app.numbering import next_number
from app.rules import Archived, Rules
from app.statemachine import StateMachine, Transition
from modules.claims.models import (
    ALERT_STATES,
    PROPOSAL_KINDS,
    PROPOSAL_STATES,
    Claim,
    ClaimDefect,
    ClaimSettings,
    ProductionProposal,
    SystemicAlert,
)
from modules.inventory.models import EquipmentModel
from modules.warranty.models import RepairOrder, Unit

ALERT_MACHINE = StateMachine(
    doc_type="clm_systemic_alert",
    states=ALERT_STATES.labels,
    transitions=[
        Transition("acknowledge", ("open",), "acknowledged", _l("Acknowledge")),
        Transition("close", ("open", "acknowledged"), "closed", _l("Close"), needs_comment=True),
    ],
    initial="open",
)
PROPOSAL_MACHINE = StateMachine(
    doc_type="clm_production_proposal",
    states=PROPOSAL_STATES.labels,
    transitions=[
        Transition("submit", ("draft",), "submitted", _l("Submit to production")),
        Transition("accept", ("submitted",), "accepted", _l("Accepted by production")),
        Transition(
            "reject",
            ("submitted",),
            "rejected",
            _l("Rejected by production"),
            needs_comment=True,
        ),
    ],
    initial="draft",
)


def get_settings(session: Session) -> ClaimSettings:
    row = session.execute(select(ClaimSettings).order_by(ClaimSettings.id).limit(1)).scalar()
    if row is None:
        row = ClaimSettings(
            window_days=365,
            threshold_pct=Decimal("2"),
            confidence_pct=Decimal("95"),
            min_units=20,
        )
        session.add(row)
        session.flush()
    return row


def check_new_settings(session: Session, row: ClaimSettings) -> None:
    """The settings are one row: a second is refused (edit the first)."""
    if session.execute(select(ClaimSettings.id).limit(1)).first() is not None:
        raise Conflict(_l("The settings exist already: edit them."))
    check_settings(row)


def check_settings(row: ClaimSettings) -> None:
    if row.window_days is None or not 0 < row.window_days <= 3660:
        raise DomainError(_l("The window is 1 to 3660 days."), field="window_days")
    if row.threshold_pct is None or not 0 < row.threshold_pct <= 100:
        raise DomainError(_l("The threshold is a percentage above 0."), field="threshold_pct")
    if row.confidence_pct is None or not 50 <= row.confidence_pct < 100:
        raise DomainError(
            _l("The confidence is a percentage from 50 to below 100."), field="confidence_pct"
        )
    if row.min_units is None or row.min_units < 1:
        raise DomainError(_l("At least one unit."), field="min_units")


def wilson_interval(events: int, trials: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval of a proportion (events out of trials)."""
    if trials <= 0:
        return 0.0, 1.0
    z = NormalDist().inv_cdf(1 - (1 - confidence) / 2)
    p = events / trials
    denom = 1 + z * z / trials
    centre = p + z * z / (2 * trials)
    margin = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials))
    return max(0.0, (centre - margin) / denom), min(1.0, (centre + margin) / denom)


@dataclass
class DefectRate:
    equipment_model_id: int
    defect_code_id: int
    events: int
    units: int
    rate: float
    lower: float
    upper: float

    def pct(self, value: float) -> Decimal:
        return Decimal(str(value * 100)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)

    def as_dict(self) -> dict:
        return {
            "equipment_model_id": self.equipment_model_id,
            "defect_code_id": self.defect_code_id,
            "events": self.events,
            "units_sold": self.units,
            "rate_pct": str(self.pct(self.rate)),
            "lower_pct": str(self.pct(self.lower)),
            "upper_pct": str(self.pct(self.upper)),
        }


def defect_rates(
    session: Session,
    on: date | None = None,
    *,
    window_days: int | None = None,
    confidence_pct: Decimal | None = None,
) -> list[DefectRate]:
    """Rates per (equipment model, defect code) over the window ending on `on`."""
    settings = get_settings(session)
    on = on or date.today()
    window_days = window_days or settings.window_days
    confidence = float(confidence_pct or settings.confidence_pct) / 100
    start = on - timedelta(days=window_days)
    sold = dict(
        session.execute(
            select(Unit.equipment_model_id, func.count(Unit.id))
            .where(Unit.sale_date > start, Unit.sale_date <= on)
            .group_by(Unit.equipment_model_id)
        ).all()
    )
    claim_unit = aliased(Unit)
    repair_unit = aliased(Unit)
    rows = session.execute(
        select(
            ClaimDefect.equipment_model_id,
            ClaimDefect.defect_code_id,
            ClaimDefect.claim_id,
            Claim.unit_id,
            claim_unit.sale_date,
            RepairOrder.unit_id,
            repair_unit.sale_date,
        )
        .select_from(ClaimDefect)
        .outerjoin(Claim, Claim.id == ClaimDefect.claim_id)
        .outerjoin(claim_unit, claim_unit.id == Claim.unit_id)
        .outerjoin(RepairOrder, RepairOrder.id == ClaimDefect.repair_order_id)
        .outerjoin(repair_unit, repair_unit.id == RepairOrder.unit_id)
        .where(
            ClaimDefect.found_on > start,
            ClaimDefect.found_on <= on,
            ClaimDefect.equipment_model_id.is_not(None),
        )
    ).all()
    events: dict[tuple[int, int], set] = {}
    for model_id, code_id, claim_id, c_unit, c_sold, r_unit, r_sold in rows:
        if model_id is None:
            continue  # left out by the query: a defect of no model has no rate
        unit_id, sale = (c_unit, c_sold) if c_unit is not None else (r_unit, r_sold)
        if unit_id is not None:
            if not start < sale <= on:
                continue  # outside the cohort of units sold in the window
            key = ("unit", unit_id)
        else:
            key = ("claim", claim_id)
        events.setdefault((model_id, code_id), set()).add(key)
    out = []
    for (model_id, code_id), keys in events.items():
        n = sold.get(model_id, 0)
        x = min(len(keys), n) if n else len(keys)
        if n == 0:
            continue
        lo, hi = wilson_interval(x, n, confidence)
        out.append(DefectRate(model_id, code_id, x, n, x / n, lo, hi))
    out.sort(key=lambda r: -r.lower)
    return out


def detect(session: Session, on: date | None = None) -> list[SystemicAlert]:
    """Open an alert for each model and code whose rate's lower bound is above the
    threshold (with at least `min_units` sold). Returns the alerts opened now."""
    settings = get_settings(session)
    on = on or date.today()
    threshold = Decimal(settings.threshold_pct)
    opened: list[SystemicAlert] = []
    start = on - timedelta(days=settings.window_days)
    for rate in defect_rates(session, on):
        if rate.units < settings.min_units or rate.pct(rate.lower) <= threshold:
            continue
        alert = session.execute(
            select(SystemicAlert).where(
                SystemicAlert.equipment_model_id == rate.equipment_model_id,
                SystemicAlert.defect_code_id == rate.defect_code_id,
                SystemicAlert.state != "closed",
            )
        ).scalar()
        new = alert is None
        if alert is None:
            alert = SystemicAlert(
                equipment_model_id=rate.equipment_model_id,
                defect_code_id=rate.defect_code_id,
                opened_on=on,
            )
            session.add(alert)
        alert.window_start, alert.window_end = start + timedelta(days=1), on
        alert.defects, alert.units_sold = rate.events, rate.units
        alert.rate_pct = rate.pct(rate.rate)
        alert.lower_pct, alert.upper_pct = rate.pct(rate.lower), rate.pct(rate.upper)
        alert.threshold_pct, alert.confidence_pct = threshold, settings.confidence_pct
        if new:
            ALERT_MACHINE.start(session, alert)
            opened.append(alert)
    session.flush()
    return opened


def check_proposal(session: Session, proposal: ProductionProposal) -> None:
    proposal.title = (proposal.title or "").strip()
    proposal.rationale = (proposal.rationale or "").strip()
    if proposal.alert is None and proposal.alert_id is not None:
        proposal.alert = session.get(SystemicAlert, proposal.alert_id)
    alert = proposal.alert
    if alert is not None:
        # the alert names the model and the defect (relations: a form sets them to None)
        proposal.equipment_model = alert.equipment_model
        proposal.defect_code = alert.defect_code
    if proposal.equipment_model_id is None and proposal.equipment_model is None:
        raise DomainError(_l("Name the equipment model."), field="equipment_model")
    if proposal.equipment_model_id is not None and (
        session.get(EquipmentModel, proposal.equipment_model_id) is None
    ):
        raise DomainError(_l("Name the equipment model."), field="equipment_model")
    if proposal.kind not in PROPOSAL_KINDS:
        raise DomainError(_l("Choose what is proposed."), field="kind")
    if not proposal.title:
        raise DomainError(_l("This field is required."), field="title")
    if not proposal.rationale:
        raise DomainError(_l("Explain the proposal."), field="rationale")


def create_proposal(
    session: Session, proposal: ProductionProposal, author_id: int | None = None
) -> ProductionProposal:
    check_proposal(session, proposal)
    proposal.author_id = proposal.author_id or author_id
    proposal.number = next_number(session, "PP")
    session.add(proposal)
    PROPOSAL_MACHINE.start(session, proposal)
    session.flush()
    return proposal


def draft_proposal(
    session: Session, alert: SystemicAlert, kind: str, title: str, rationale: str, author_id=None
) -> ProductionProposal:
    proposal = ProductionProposal(alert=alert, kind=kind, title=title, rationale=rationale)
    return create_proposal(session, proposal, author_id)


def update_proposal(session: Session, proposal: ProductionProposal) -> None:
    if proposal.state != "draft":
        raise Conflict(_l("Only a draft proposal can be changed."))
    check_proposal(session, proposal)


def proposal_transition(
    session: Session, proposal: ProductionProposal, action: str, comment=None, today=None
) -> ProductionProposal:
    today = today or date.today()
    PROPOSAL_MACHINE.apply(session, proposal, action, comment)
    if action == "submit":
        proposal.submitted_on = today
    else:
        proposal.decided_on = today
        proposal.decision_note = comment
    session.flush()
    return proposal


class SettingsRules(Rules):
    """The detection settings: one row, with sensible bounds; edited, never deleted."""

    def create(self, session, item, actor) -> None:
        check_new_settings(session, item)

    def update(self, session, item, actor) -> None:
        check_settings(item)

    def delete(self, session, item, actor) -> None:
        raise Conflict(_l("The settings are edited, not deleted."))


class AlertRules(Archived):
    """Alerts are opened by the detection; a user acknowledges or closes them."""

    state_machine = ALERT_MACHINE


class ProposalRules(Archived):
    """A proposal to production: its alert names the model and the defect (else the
    user names the model); its author the user who drafts it; changed while a draft;
    never deleted (rejected)."""

    state_machine = PROPOSAL_MACHINE
    not_deleted_message = _l("Proposals are not deleted: they are rejected.")

    def create(self, session, item, actor) -> None:
        create_proposal(session, item, actor.user_id)

    def update(self, session, item, actor) -> None:
        update_proposal(session, item)

    def transition(self, session, item, action, comment, actor) -> None:
        proposal_transition(session, item, action, comment)
