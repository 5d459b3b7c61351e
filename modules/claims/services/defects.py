"""The defect registry on claims and repairs, and independent expert examinations."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from app.amounts import money
from app.errors import Conflict, DomainError
from app.rules import Archived, Rules
from app.statemachine import StateMachine, Transition
from modules.claims.models import (
    EXAM_PAYERS,
    EXAM_STATES,
    ROOT_CAUSES,
    Claim,
    ClaimDefect,
    DefectCode,
    ExpertExamination,
)
from modules.claims.models.claims import SELLER_CAUSES
from modules.claims.services import claims as claim_services
from modules.claims.services.claims import CLAIM_MACHINE
from modules.warranty.models import RepairOrder

EXAM_MACHINE = StateMachine(
    doc_type="clm_expert_examination",
    states=EXAM_STATES.labels,
    transitions=[
        Transition("conclude", ("sent",), "concluded", _l("Record the conclusion")),
        Transition("cancel", ("sent",), "cancelled", _l("Cancel"), needs_comment=True),
    ],
    initial="sent",
)


def check_defect_code(code: DefectCode) -> None:
    code.code = (code.code or "").strip()
    code.name = (code.name or "").strip()
    if not code.code:
        raise DomainError(_l("This field is required."), field="code")
    if not code.name:
        raise DomainError(_l("This field is required."), field="name")


def check_defect(session: Session, defect: ClaimDefect) -> ClaimDefect:
    """A defect belongs to a claim or a repair; its equipment model is the unit's."""
    claim = defect.claim or (session.get(Claim, defect.claim_id) if defect.claim_id else None)
    repair = defect.repair_order or (
        session.get(RepairOrder, defect.repair_order_id) if defect.repair_order_id else None
    )
    if claim is None and repair is None:
        raise DomainError(
            _l("Name the claim or the repair that carries the defect."), field="claim"
        )
    if defect.root_cause not in ROOT_CAUSES:
        raise DomainError(_l("Choose a root cause."), field="root_cause")
    if claim is not None and claim.state == "closed":
        raise Conflict(_l("A closed claim cannot be changed."))
    if repair is None and claim is not None and claim.repair_order is not None:
        repair = claim.repair_order
        defect.repair_order = repair
    model_id = None
    if claim is not None:
        model_id = claim.equipment_model_id
    if model_id is None and repair is not None:
        model_id = repair.unit.equipment_model_id
    defect.equipment_model_id = model_id
    defect.found_on = defect.found_on or date.today()
    if defect.found_on > date.today():
        raise DomainError(_l("A defect cannot be found in the future."), field="found_on")
    if (
        defect.root_cause == "supplier_part"
        and defect.supplier_id is None
        and defect.supplier is None
    ):
        raise DomainError(_l("Name the supplier of the faulty part."), field="supplier")
    return defect


def check_defect_deletion(defect: ClaimDefect) -> None:
    if defect.claim is not None and defect.claim.state == "closed":
        raise Conflict(_l("A closed claim cannot be changed."))


def add_defect(session: Session, **fields) -> ClaimDefect:
    defect = ClaimDefect(**fields)
    check_defect(session, defect)
    session.add(defect)
    session.flush()
    return defect


# -- expert examinations ---------------------------------------------------------------------


def check_examination(session: Session, exam: ExpertExamination) -> None:
    exam.organisation = (exam.organisation or "").strip()
    exam.questions = (exam.questions or "").strip()
    if not exam.organisation:
        raise DomainError(_l("Name the expert organisation."), field="organisation")
    if not exam.questions:
        raise DomainError(_l("Put the questions to the expert."), field="questions")
    if exam.cause_found is not None and exam.cause_found not in ROOT_CAUSES:
        raise DomainError(_l("Choose a root cause."), field="cause_found")
    if exam.paid_by is not None and exam.paid_by not in EXAM_PAYERS:
        raise DomainError(_l("Choose who pays."), field="paid_by")
    if exam.cost is not None:
        exam.cost = money(exam.cost, "cost", label=_l("Cost"))
    claim = exam.claim
    if exam.sent_on is not None and claim is not None and exam.sent_on < claim.received_on:
        raise DomainError(_l("The item cannot be sent before the claim."), field="sent_on")
    if exam.concluded_on is not None and exam.sent_on and exam.concluded_on < exam.sent_on:
        raise DomainError(_l("The conclusion cannot precede the sending."), field="concluded_on")


def send_examination(session: Session, exam: ExpertExamination) -> ExpertExamination:
    """Record an examination; the claim moves to "expert examination" (its replacement
    deadline becomes the one with a quality check)."""
    claim = exam.claim or (session.get(Claim, exam.claim_id) if exam.claim_id else None)
    if claim is None:
        raise DomainError(_l("No such claim."), field="claim")
    exam.claim = claim
    if claim.state not in ("new", "under_review", "expert_examination"):
        raise Conflict(_l("Only a claim still under review goes to an expert examination."))
    with session.no_autoflush:
        pending = claim_services._pending_exam(session, claim)
    if pending is not None and pending is not exam:
        raise Conflict(_l("An examination of this claim is already pending."))
    exam.sent_on = exam.sent_on or date.today()
    check_examination(session, exam)
    exam.concluded_on = exam.cause_found = exam.conclusion = None
    exam.defect_confirmed = None
    session.add(exam)
    EXAM_MACHINE.start(session, exam)
    if claim.state != "expert_examination":
        CLAIM_MACHINE.apply(session, claim, "send_to_expert", str(exam.organisation))
    claim_services.refresh_due_date(session, claim)
    session.flush()
    return exam


def update_examination(session: Session, exam: ExpertExamination) -> None:
    if exam.state != "sent":
        raise Conflict(_l("A concluded or cancelled examination cannot be changed."))
    check_examination(session, exam)


def exam_transition(
    session: Session,
    exam: ExpertExamination,
    action: str,
    comment: str | None = None,
    *,
    today: date | None = None,
) -> ExpertExamination:
    """Conclude (the claim's outcome follows: accepted when the cause is the seller's,
    rejected otherwise) or cancel (the claim goes back to review)."""
    today = today or date.today()
    t = EXAM_MACHINE.transition(action)
    if exam.state not in t.sources:
        EXAM_MACHINE.apply(session, exam, action, comment)  # raises the 409
    claim = exam.claim
    if action == "conclude":
        exam.concluded_on = exam.concluded_on or today
        exam.conclusion = (exam.conclusion or comment or "").strip() or None
        if exam.cause_found is None:
            raise DomainError(_l("Record the cause the expert found."), field="cause_found")
        if not exam.conclusion:
            raise DomainError(_l("Record the expert's conclusion."), field="conclusion")
        check_examination(session, exam)
        founded = exam.cause_found in SELLER_CAUSES and exam.defect_confirmed is not False
        if exam.defect_confirmed is None:
            exam.defect_confirmed = exam.cause_found != "unknown"
        if exam.paid_by is None:
            # the seller pays; a consumer at fault reimburses it (RU Law 2300-1 art. 18 §5)
            exam.paid_by = "seller" if founded else "consumer"
        EXAM_MACHINE.apply(session, exam, action, comment)
        if claim.state == "expert_examination":
            answer = _l(
                "Expert conclusion of %(org)s on %(date)s: %(text)s",
                org=exam.organisation,
                date=exam.concluded_on.isoformat(),
                text=exam.conclusion,
            )
            claim.answer = claim.answer or str(answer)
            claim_services.transition(
                session, claim, "accept" if founded else "reject", str(answer), today=today
            )
    else:
        EXAM_MACHINE.apply(session, exam, action, comment)
        if claim.state == "expert_examination":
            claim_services.transition(session, claim, "back_to_review", comment, today=today)
    claim_services.refresh_due_date(session, claim)
    session.flush()
    return exam


class DefectCodeRules(Rules):
    """A defect code has a code and a name (trimmed)."""

    def create(self, session, item, actor) -> None:
        check_defect_code(item)

    update = create


class ClaimDefectRules(Rules):
    """A defect found belongs to a claim or a repair (its equipment model is the unit's);
    a closed claim's defects do not change."""

    def create(self, session, item, actor) -> None:
        check_defect(session, item)

    update = create

    def delete(self, session, item, actor) -> None:
        check_defect_deletion(item)


class ExaminationRules(Archived):
    """An expert examination is sent for a claim under review (the claim moves to
    "expert examination"), changed until it concludes, never deleted (cancelled);
    its conclusion decides the claim."""

    state_machine = EXAM_MACHINE
    not_deleted_message = _l("Examinations are not deleted: cancel them.")

    def create(self, session, item, actor) -> None:
        send_examination(session, item)

    def update(self, session, item, actor) -> None:
        update_examination(session, item)

    def transition(self, session, item, action, comment, actor) -> None:
        exam_transition(session, item, action, comment)
