"""Quality control of repairs: which checklist applies, inspections (the final one by
another person), failed inspections by technician."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from app.audit import current_actor
from app.errors import DomainError
from modules.warranty.models import (
    CHECKLIST_KINDS,
    Checklist,
    Inspection,
    InspectionItem,
    RepairOrder,
)


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

    `results` maps checklist item ids to ok/not ok; a required item not ok, or
    missing, fails the inspection. Without a checklist, `passed` says the result.
    A final inspection is signed by someone other than the repair's technician,
    during the repair (state in_repair)."""
    if kind not in CHECKLIST_KINDS:
        raise DomainError(_l("Not a valid choice."), field="kind")
    if inspector_id is None:
        inspector_id = current_actor()[0]
    if kind == "final":
        if repair.state != "in_repair":
            raise DomainError(
                _l("The final inspection is made when the repair is done (in repair)."),
                status=409,
            )
        if inspector_id is None or inspector_id == repair.technician_id:
            raise DomainError(
                _l("The final inspection must be signed by someone other than the technician."),
                status=403,
            )
    elif repair.state in ("returned", "cancelled"):
        raise DomainError(_l("This repair is closed."), status=409)
    checklist = checklist_for(session, repair, kind)
    results = results or {}
    items: list[InspectionItem] = []
    ok_all = True
    if checklist is not None and checklist.items:
        known = {it.id for it in checklist.items}
        unknown = [k for k in results if k not in known]
        if unknown:
            raise DomainError(_l("Unknown checklist item."), field="results")
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
