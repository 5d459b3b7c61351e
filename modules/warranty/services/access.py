"""The repair's record rule as the rules of writing: a technician works on the repairs
assigned to him or to a colleague he stands in for (app.policy applies the same rule to
every read); what he may not see does not exist for him."""

from __future__ import annotations

from flask_appbuilder.security.sqla.models import User
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from app import policy
from app.errors import DomainError, NotFound
from modules.warranty.models import RepairOrder


def repair_visible(repair: RepairOrder | None, actor: policy.Actor) -> bool:
    """Whether the actor may see (and so work on) the repair."""
    if repair is None:
        return False
    if repair.id is None:
        return True  # not stored yet: being created by this actor
    return policy.visible(RepairOrder, repair.id, actor)


def check_repair_visible(repair: RepairOrder | None, actor: policy.Actor) -> RepairOrder:
    """The repair a line, an inspection or a loan is for: 404 when the actor may not
    see it (a technician and another technician's repair)."""
    if repair is None or not repair_visible(repair, actor):
        raise NotFound(_l("No such repair order."), field="repair")
    return repair


def check_technician(session: Session, repair: RepairOrder, actor: policy.Actor) -> None:
    """A technician opens and keeps repairs for himself or whom he stands in for (his
    own by default): what the record rule lets him see, he may write."""
    if not policy.book().restricted(RepairOrder, actor):
        return
    if repair.technician_id is None and repair.technician is None:
        # the relation, not the key: a form sets `technician` to None, which wins at flush
        repair.technician = session.get(User, actor.user_id)
    tech_id = repair.technician_id if repair.technician is None else repair.technician.id
    if tech_id not in actor.acting_for:
        raise DomainError(
            _l("You may only take repair orders for yourself or whom you stand in for."),
            field="technician",
            status=403,
        )
