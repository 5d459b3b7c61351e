"""Quality control of repairs: checklists and their items, which checklist applies,
inspections (the final one by another person, answering every required item), failed
inspections by technician; their rules."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from app.audit import current_actor
from app.errors import Conflict, DomainError
from app.rules import Archived, Rules
from modules.warranty.models import (
    CHECKLIST_KINDS,
    REPAIR_TYPES,
    Checklist,
    ChecklistItem,
    Inspection,
    InspectionItem,
    RepairOrder,
)
from modules.warranty.services.access import check_repair_visible

MAX_SEQUENCE = 100000


def checklist_for(session: Session, repair: RepairOrder, kind: str) -> Checklist | None:
    """The most specific active checklist: model and type, model, type, then general."""
    rows = session.scalars(
        select(Checklist).where(Checklist.active.is_(True), Checklist.kind == kind)
    ).all()
    model_id = repair.unit.equipment_model_id

    def score(c: Checklist) -> int | None:
        if c.equipment_model_id not in (None, model_id):
            return None
        if c.repair_type not in (None, repair.repair_type):
            return None
        return (2 if c.equipment_model_id else 0) + (1 if c.repair_type else 0)

    scored = [(score(c), -c.id, c) for c in rows if score(c) is not None]
    return max(scored, key=lambda t: (t[0], t[1]))[2] if scored else None


def signing_refusal(repair: RepairOrder, kind: str, inspector_id: int | None) -> DomainError | None:
    """Why `inspector_id` may not sign an inspection of `kind` on the repair now, or
    None: a final inspection is made during the repair (in repair), by someone other
    than its technician; the intake check once; no inspection once the repair is
    closed."""
    if kind == "final":
        if repair.state != "in_repair":
            return DomainError(
                _l("The final inspection is made when the repair is done (in repair)."),
                status=409,
            )
        if inspector_id is None or inspector_id == repair.technician_id:
            return DomainError(
                _l("The final inspection must be signed by someone other than the technician."),
                status=403,
            )
    elif repair.state in ("returned", "cancelled"):
        return DomainError(_l("This repair is closed."), status=409)
    elif any(i.kind == "intake" for i in repair.inspections):
        return DomainError(_l("The intake check of this repair is already signed."), status=409)
    return None


def record_inspection(
    session: Session,
    repair: RepairOrder,
    kind: str = "final",
    *,
    results: dict[int, bool] | None = None,
    passed: bool | None = None,
    notes: str | None = None,
    inspector_id: int | None = None,
) -> Inspection:
    """Record an intake check or a final inspection against the checklist.

    `results` maps checklist item ids to ok/not ok: every required item is answered
    (an inspection that answers none, or leaves a required one out, is refused, not
    recorded as a failure that would count against the technician); a required item
    not ok fails the inspection, and so does `passed=False`. An optional item left
    out is recorded as not checked. Without a checklist, `passed` says the result.
    A final inspection is signed by someone other than the repair's technician,
    during the repair (state in_repair)."""
    if kind not in CHECKLIST_KINDS:
        raise DomainError(_l("Not a valid choice."), field="kind")
    if inspector_id is None:
        inspector_id = current_actor()[0]
    refusal = signing_refusal(repair, kind, inspector_id)
    if refusal is not None:
        raise refusal
    checklist = checklist_for(session, repair, kind)
    results = results or {}
    items: list[InspectionItem] = []
    ok_all = True
    if checklist is not None and checklist.items:
        known = {it.id for it in checklist.items}
        unknown = [k for k in results if k not in known]
        if unknown:
            raise DomainError(_l("Unknown checklist item."), field="results")
        # no answer at all, or a required item left out: not an inspection yet
        unanswered = [
            it.text
            for it in checklist.items
            if it.id not in results and (it.required or not results)
        ]
        if unanswered:
            raise DomainError(
                _l(
                    "Answer every item of the checklist “%(checklist)s”: %(items)s.",
                    checklist=checklist.name,
                    items=", ".join(unanswered),
                ),
                field="results",
            )
        for it in checklist.items:
            ok = bool(results.get(it.id, False))
            items.append(InspectionItem(checklist_item_id=it.id, text=it.text, ok=ok))
            if it.required and not ok:
                ok_all = False
        if passed is False:
            ok_all = False
    else:
        if passed is None:
            raise DomainError(_l("Say whether the inspection passed."), field="passed")
        ok_all = bool(passed)
    insp = Inspection(
        repair=repair,
        kind=kind,
        checklist_id=checklist.id if checklist else None,
        result="passed" if ok_all else "failed",
        inspector_id=inspector_id,
        technician_id=repair.technician_id,
        notes=(notes or "").strip() or None,
        items=items,
    )
    session.add(insp)
    session.flush()
    return insp


def check_checklist(checklist: Checklist) -> None:
    checklist.name = (checklist.name or "").strip()
    if not checklist.name:
        raise DomainError(_l("The name is required."), field="name")
    if (checklist.kind or "final") not in CHECKLIST_KINDS:
        raise DomainError(_l("Not a valid choice."), field="kind")
    checklist.repair_type = checklist.repair_type or None
    if checklist.repair_type is not None and checklist.repair_type not in REPAIR_TYPES:
        raise DomainError(_l("Not a valid choice."), field="repair_type")


def check_checklist_item(item: ChecklistItem) -> None:
    item.text = (item.text or "").strip()
    if not item.text:
        raise DomainError(_l("Write the item to check."), field="text")
    if item.sequence is not None and not 0 <= item.sequence <= MAX_SEQUENCE:
        raise DomainError(
            _l("Give an order between 0 and %(max)s.", max=MAX_SEQUENCE), field="sequence"
        )


def failed_inspections_by_technician(
    session: Session, date_from: date | None = None, date_to: date | None = None
) -> list[dict]:
    """Final inspections per technician: total, failed, and the failure rate."""
    from flask_appbuilder.security.sqla.models import User

    failed = func.sum(case((Inspection.result == "failed", 1), else_=0))
    stmt = (
        select(
            Inspection.technician_id,
            User.first_name,
            User.last_name,
            User.username,
            func.count(Inspection.id),
            failed,
        )
        .join(User, User.id == Inspection.technician_id)
        .where(Inspection.kind == "final")
        .group_by(Inspection.technician_id, User.first_name, User.last_name, User.username)
    )
    if date_from:
        stmt = stmt.where(func.date(Inspection.at) >= date_from)
    if date_to:
        stmt = stmt.where(func.date(Inspection.at) <= date_to)
    out = []
    for uid, first, last, username, total, nfail in session.execute(stmt):
        nfail = int(nfail or 0)
        out.append(
            {
                "technician_id": uid,
                "technician": f"{first or ''} {last or ''}".strip() or username,
                "inspections": int(total),
                "failed": nfail,
                "failed_pct": round(100 * nfail / total, 1) if total else 0.0,
            }
        )
    out.sort(key=lambda r: (-r["failed"], r["technician"]))
    return out


# -- rules ----------------------------------------------------------------------------------


class ChecklistRules(Archived):
    """A checklist has a name, a kind (intake or final) and maybe a repair type; it is
    retired (untick Active), never deleted: inspections name it."""

    not_deleted_message = _l("Checklists are not deleted: untick Active.")

    def create(self, session, item, actor) -> None:
        check_checklist(item)

    update = create


class ChecklistItemRules(Rules):
    """An item to check, in its order; one already answered by an inspection stays (the
    inspection records what was checked)."""

    def create(self, session, item, actor) -> None:
        check_checklist_item(item)

    update = create

    def delete(self, session, item, actor) -> None:
        answered = session.scalar(
            select(InspectionItem.id).where(InspectionItem.checklist_item_id == item.id).limit(1)
        )
        if answered is not None:
            raise Conflict(_l("Inspections answered this item: it stays. Untick Required instead."))


class InspectionRules(Archived):
    """Inspections are signed on the repair (`record`), by the actor; never written or
    deleted as records."""

    not_deleted_message = _l("Inspections are not deleted: they are signed records.")

    def create(self, session, item, actor) -> None:
        raise Conflict(_l("Sign inspections on the repair order."))

    update = create

    def may_sign(self, repair: RepairOrder, kind: str, actor) -> bool:
        """Whether the actor's signature on an inspection of `kind` would be taken now
        (the page offers him only the forms he may sign)."""
        return signing_refusal(repair, kind, actor.user_id) is None

    def record(self, session, repair: RepairOrder, data: dict, actor) -> Inspection:
        """`data`: kind (final by default), results (checklist item id -> ok), passed,
        notes; signed by the actor."""
        check_repair_visible(repair, actor)
        return record_inspection(
            session,
            repair,
            data.get("kind") or "final",
            results=data.get("results") or {},
            passed=data.get("passed"),
            notes=data.get("notes"),
            inspector_id=actor.user_id,
        )
