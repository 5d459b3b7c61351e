"""Job descriptions: versions of a position's description, published and superseded,
and each holder's acknowledgement ("read and understood") of the current one."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, inspect, select
from sqlalchemy.orm import Session

from app.db import utcnow
from app.errors import Conflict, DomainError, NotFound
from app.rules import Rules
from app.statemachine import StateMachine, Transition
from modules.staff.models import Acknowledgement, Employee, JobDescription
from modules.staff.models.jobs import JD_STATES
from modules.staff.services.people import employee_of_user

JD_TEXT = (
    "title",
    "reports_to",
    "appointed_by",
    "qualification",
    "experience",
    "must_know",
    "duties",
    "rights",
    "responsibilities",
    "working_conditions",
)

JD_MACHINE = StateMachine(
    doc_type="stf_job_description",
    states=JD_STATES.labels,
    transitions=[
        Transition("publish", ("draft",), "published", _l("Publish")),
        Transition("supersede", ("published",), "superseded", _l("Supersede")),
    ],
    initial="draft",
)


def current_job_description(session: Session, position_id: int | None) -> JobDescription | None:
    if position_id is None:
        return None
    return session.scalar(
        select(JobDescription)
        .where(JobDescription.position_id == position_id, JobDescription.state == "published")
        .order_by(JobDescription.version.desc())
        .limit(1)
    )


def prepare_job_description(session: Session, jd: JobDescription) -> None:
    """A new job description is a draft with the next version number of its position."""
    jd.title = (jd.title or "").strip()
    if not jd.title:
        raise DomainError(_l("A job description needs a title."), field="title")
    pos_id = jd.position.id if jd.position is not None else jd.position_id
    if pos_id is None:
        raise DomainError(_l("Choose the position."), field="position")
    if jd.id is None:
        last = session.scalar(
            select(func.max(JobDescription.version)).where(JobDescription.position_id == pos_id)
        )
        jd.version = (last or 0) + 1
        jd.state = "draft"


def check_job_description_edit(jd: JobDescription) -> None:
    hist: Any = inspect(jd).attrs.state.history
    original = hist.deleted[0] if hist.deleted else jd.state
    if original != "draft":
        raise DomainError(
            _l("A published version cannot be changed; make a new version."), status=409
        )
    jd.title = (jd.title or "").strip()
    if not jd.title:
        raise DomainError(_l("A job description needs a title."), field="title")


def publish_job_description(session: Session, jd: JobDescription, who: str | None = None):
    """Publish a draft: it becomes the current version; the previous one is superseded.
    Every holder of the position then has to acknowledge it."""
    if jd.state != "draft":
        raise DomainError(_l("Only a draft can be published."), status=409)
    newest = session.scalar(
        select(func.max(JobDescription.version)).where(
            JobDescription.position_id == jd.position_id, JobDescription.state == "published"
        )
    )
    if newest is not None and newest > jd.version:
        raise DomainError(
            _l("A newer version is already published; make a new version from it."), status=409
        )
    for old in session.scalars(
        select(JobDescription).where(
            JobDescription.position_id == jd.position_id,
            JobDescription.state == "published",
            JobDescription.id != jd.id,
        )
    ):
        JD_MACHINE.apply(session, old, "supersede", comment=f"v{jd.version}")
    JD_MACHINE.apply(session, jd, "publish")
    jd.published_at = utcnow()
    jd.published_by = who
    return jd


def new_version(session: Session, jd: JobDescription) -> JobDescription:
    """A draft copy of `jd` to edit and publish as the next version."""
    copy = JobDescription(position_id=jd.position_id, position=jd.position)
    for col in JD_TEXT:
        setattr(copy, col, getattr(jd, col))
    prepare_job_description(session, copy)
    session.add(copy)
    session.flush()
    return copy


def acknowledge(session: Session, user_id: int | None, jd_id: int | None = None):
    """The current user signs “read and understood” the current version of his position."""
    emp = employee_of_user(session, user_id)
    if emp is None:
        raise NotFound(_l("You are not registered as an employee."))
    current = current_job_description(session, emp.position_id)
    if current is None:
        raise NotFound(_l("Your position has no published job description."))
    if jd_id is not None and jd_id != current.id:
        raise DomainError(
            _l("Only the current version of your own job description can be acknowledged."),
            field="job_description",
        )
    exists = session.scalar(
        select(Acknowledgement).where(
            Acknowledgement.job_description_id == current.id,
            Acknowledgement.employee_id == emp.id,
        )
    )
    if exists is not None:
        raise Conflict(_l("You have already acknowledged this version."))
    ack = Acknowledgement(
        job_description=current, employee=emp, signed_name=emp.name, acknowledged_at=utcnow()
    )
    session.add(ack)
    session.flush()
    return ack


def holders(session: Session, jd: JobDescription, employee_id: int | None = None):
    """Active holders of the position of `jd` with their acknowledgement of it (or None)."""
    stmt = (
        select(Employee, Acknowledgement)
        .outerjoin(
            Acknowledgement,
            (Acknowledgement.employee_id == Employee.id)
            & (Acknowledgement.job_description_id == jd.id),
        )
        .where(Employee.position_id == jd.position_id, Employee.active.is_(True))
        .order_by(Employee.name)
    )
    if employee_id is not None:
        stmt = stmt.where(Employee.id == employee_id)
    return [(e, a) for e, a in session.execute(stmt).all()]


# ------------------------------------------------------------------ rules objects


class JobDescriptionRules(Rules):
    """A new job description is the next draft version of its position; only a draft is
    changed or deleted; publishing supersedes the version before."""

    def create(self, session, item, actor) -> None:
        prepare_job_description(session, item)

    def update(self, session, item, actor) -> None:
        check_job_description_edit(item)

    def delete(self, session, item, actor) -> None:
        if item.state != "draft":
            raise DomainError(_l("A published version cannot be deleted."), status=409)

    def publish(self, session, item, actor):
        return publish_job_description(session, item, actor.username or None)

    def new_version(self, session, item, actor):
        return new_version(session, item)


class AcknowledgementRules(Rules):
    """An acknowledgement is signed by the employee himself (`acknowledge`, from “My job
    description”); nobody writes or changes one for him."""

    def create(self, session, item, actor) -> None:
        raise DomainError(_l("Use “My job description” to acknowledge."))

    def update(self, session, item, actor) -> None:
        raise DomainError(_l("An acknowledgement cannot be changed."))

    def acknowledge(self, session, actor, jd_id: int | None = None):
        return acknowledge(session, actor.user_id, jd_id)
