"""Training: programs, the sessions held, and each participant's result and
certificate."""

from __future__ import annotations

from datetime import date

from dateutil.relativedelta import relativedelta
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.amounts import quantity
from app.errors import DomainError
from app.rules import Rules
from modules.staff.models import RESULTS, TrainingProgram, TrainingRecord, TrainingSession
from modules.staff.services.people import check_period

# The results a session must have taken place for: before it, a participant is enrolled.
OUTCOMES = frozenset({"passed", "failed", "absent"})


def check_program(program: TrainingProgram) -> None:
    program.topic = (program.topic or "").strip()
    if not program.topic:
        raise DomainError(_l("A program needs a topic."), field="topic")
    if program.hours is not None:
        hours = quantity(program.hours, "hours", label=_l("Hours"), positive=False)
        program.hours = hours
    if program.validity_months is not None and program.validity_months <= 0:
        raise DomainError(_l("Validity is a positive number of months."), field="validity_months")


def check_session(session: Session, ts: TrainingSession, today: date | None = None) -> None:
    """A session of a program, over a period. It cannot be moved after today while it
    has participants with a result (they would have passed a session not yet held)."""
    if ts.program is None and ts.program_id is None:
        raise DomainError(_l("Choose the program."), field="program")
    check_period(ts.date_from, ts.date_to, required_to=False)
    today = today or date.today()
    if ts.id is not None and ts.date_from > today:
        with session.no_autoflush:
            result = session.scalar(
                select(TrainingRecord.id).where(
                    TrainingRecord.session_id == ts.id, TrainingRecord.result.in_(OUTCOMES)
                )
            )
        if result is not None:
            raise DomainError(
                _l("Participants already have a result: the session cannot move to the future."),
                field="date_from",
            )


def check_record(session: Session, rec: TrainingRecord, today: date | None = None) -> None:
    with session.no_autoflush:
        _check_record(session, rec, today or date.today())


def _check_record(session: Session, rec: TrainingRecord, today: date) -> None:
    if rec.result not in RESULTS:
        raise DomainError(_l("Unknown result."), field="result")
    ts = rec.session or (session.get(TrainingSession, rec.session_id) if rec.session_id else None)
    if ts is None:
        raise DomainError(_l("Choose the training session."), field="session")
    if rec.employee is None and rec.employee_id is None:
        raise DomainError(_l("Choose the employee."), field="employee")
    if rec.score is not None and not 0 <= rec.score <= 100:
        raise DomainError(_l("The score is between 0 and 100."), field="score")
    if rec.result in OUTCOMES and ts.date_from > today:
        raise DomainError(
            _l("The session has not taken place yet: a participant is only enrolled."),
            field="result",
        )
    if rec.result == "passed":
        rec.completed_on = rec.completed_on or min(ts.date_to or ts.date_from, today)
        program = ts.program
        if rec.expires_on is None and program.validity_months:
            rec.expires_on = rec.completed_on + relativedelta(months=program.validity_months)
        if program.certificate and not rec.certificate_no:
            raise DomainError(
                _l("This program gives a certificate: enter its number."), field="certificate_no"
            )
    elif rec.certificate_no or rec.expires_on:
        raise DomainError(_l("Only a passed training has a certificate."), field="certificate_no")
    if rec.completed_on is not None:
        if rec.completed_on > today:
            raise DomainError(
                _l("A training cannot be completed on a future day."), field="completed_on"
            )
        if rec.completed_on < ts.date_from:
            raise DomainError(
                _l("The training was completed before its session began."), field="completed_on"
            )
    if rec.expires_on and rec.completed_on and rec.expires_on < rec.completed_on:
        raise DomainError(_l("The certificate expires before it was issued."), field="expires_on")


# ------------------------------------------------------------------ rules objects


class TrainingProgramRules(Rules):
    """A program has a topic; its hours are not negative; its validity, when set, is a
    positive number of months."""

    def create(self, session, item, actor) -> None:
        check_program(item)

    update = create


class TrainingSessionRules(Rules):
    """A session of a program over a period; not moved to the future once held."""

    def create(self, session, item, actor) -> None:
        check_session(session, item)

    update = create


class TrainingRecordRules(Rules):
    """A participant's result: passed, failed or absent only once the session has taken
    place; a passed certificate course needs the certificate's number, which expires
    after the program's validity; nothing completed on a future day."""

    def create(self, session, item, actor) -> None:
        check_record(session, item)

    update = create
