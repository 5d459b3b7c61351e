"""What contracts contribute to the dashboard, notifications, the service report and
cost control: contracts expiring (KPI and a notice to the responsible manager), SLA
breaches, overdue visits, contract revenue and dealer reimbursements as money, visits
in the report."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.insights import (
    COST,
    REVENUE,
    Context,
    Insights,
    Kpi,
    MoneyLine,
    MoneySource,
    Notice,
    NotificationSource,
    ReportSection,
    ReportTable,
    quick_link,
    stand_in,
    users_with_role,
)
from app.security import SERVICE_MANAGER
from modules.contracts.models import (
    VISIT_STATES,
    BillingLine,
    DealerReimbursement,
    ScheduledVisit,
    ServiceContract,
)
from modules.contracts.services import life, sla, visits
from modules.contracts.services.life import COVERING_STATES

SIGNED = (*COVERING_STATES, "expired", "terminated")


def expiring_count(session, ctx: Context) -> int:
    return len(life.expiring_contracts(session, ctx.today))


def stuck_count(session, ctx: Context) -> int:
    return sum(r["stuck"] for r in life.pipeline(session))


def breaches_this_month(session, ctx: Context) -> int:
    found = sla.sla_breaches(session, date_from=ctx.month_start(), date_to=ctx.today)
    return found["response_breaches"] + found["resolution_breaches"]


def overdue_visits(session, ctx: Context) -> int:
    """Planned visits whose day has passed; a technician counts his own."""
    stmt = select(func.count(ScheduledVisit.id)).where(visits.visit_overdue(ctx))
    return session.scalar(ctx.visible(stmt, ScheduledVisit))


def renewal_notices(session, today: date):
    """A contract entering its notice period: to its responsible manager (his deputy while
    he is absent), or to every service manager when it names none."""
    managers = None
    for c in life.expiring_contracts(session, today):
        if c.manager_id is not None:
            targets = [stand_in(session, c.manager_id, today)]
        else:
            managers = (
                managers if managers is not None else users_with_role(session, SERVICE_MANAGER)
            )
            targets = managers
        text = (
            _l(
                "Contract %(number)s with %(partner)s renews automatically on %(end)s",
                number=c.number,
                partner=c.partner.name,
                end=c.end_date,
            )
            if c.auto_renew
            else _l(
                "Contract %(number)s with %(partner)s ends on %(end)s: renew it or let it expire",
                number=c.number,
                partner=c.partner.name,
                end=c.end_date,
            )
        )
        for uid in targets:
            yield Notice(
                user_id=uid,
                key=f"ctr.renewal:{c.id}:{c.end_date.isoformat()}",
                text=text,
                link=f"/servicecontractview/show/{c.id}",
                due=life.notice_date(c),
            )


def visit_notices(session, today: date):
    """Visits planned for today, to their technician (or his deputy)."""
    rows = session.execute(
        select(ScheduledVisit.id, ScheduledVisit.technician_id, ServiceContract.number)
        .join(ServiceContract, ServiceContract.id == ScheduledVisit.contract_id)
        .where(
            ScheduledVisit.state == "planned",
            ScheduledVisit.planned_on == today,
            ScheduledVisit.technician_id.is_not(None),
        )
        .order_by(ScheduledVisit.id)
    ).all()
    for vid, tech, number in rows:
        yield Notice(
            user_id=stand_in(session, tech, today),
            key=f"ctr.visit:{vid}:{today.isoformat()}",
            text=_l("Maintenance visit today under contract %(number)s", number=number),
            link=f"/scheduledvisitview/show/{vid}",
            due=today,
        )


def contract_revenue(session, date_from: date, date_to: date):
    rows = session.execute(
        select(BillingLine.period_start, BillingLine.amount, ServiceContract.number)
        .join(ServiceContract, ServiceContract.id == BillingLine.contract_id)
        .where(
            ServiceContract.state.in_(SIGNED),
            BillingLine.period_start >= date_from,
            BillingLine.period_start <= date_to,
        )
        .order_by(BillingLine.period_start, BillingLine.id)
    ).all()
    for on, amount, number in rows:
        yield MoneyLine(on=on, amount=amount, contract=number)


def reimbursement_cost(session, date_from: date, date_to: date):
    rows = session.execute(
        select(DealerReimbursement.decided_on, DealerReimbursement.total, ServiceContract.number)
        .join(ServiceContract, ServiceContract.id == DealerReimbursement.contract_id)
        .where(
            DealerReimbursement.state == "approved",
            DealerReimbursement.decided_on >= date_from,
            DealerReimbursement.decided_on <= date_to,
        )
        .order_by(DealerReimbursement.decided_on, DealerReimbursement.id)
    ).all()
    for on, total, number in rows:
        yield MoneyLine(on=on, amount=total, contract=number, warranty=True)


def visits_section(session, date_from: date, date_to: date) -> ReportTable:
    rows = dict(
        (state, (n, hours))
        for state, n, hours in session.execute(
            select(
                ScheduledVisit.state,
                func.count(ScheduledVisit.id),
                func.sum(ScheduledVisit.hours),
            )
            .where(ScheduledVisit.planned_on >= date_from, ScheduledVisit.planned_on <= date_to)
            .group_by(ScheduledVisit.state)
        ).all()
    )
    body = [[VISIT_STATES.label(s), rows[s][0], rows[s][1] or 0] for s in VISIT_STATES if s in rows]
    return ReportTable(
        title=_l("Maintenance visits under contract"),
        columns=[_l("State"), _l("Visits"), _l("Hours")],
        rows=body,
        totals=[_l("Total"), sum(r[1] for r in body), sum(r[2] for r in body)] if body else None,
    )


def _renewals_link(ctx: Context) -> str:
    return quick_link("/contractreports/renewals", date=ctx.today.isoformat())


def _sla_link(ctx: Context) -> str:
    """The SLA report of the repairs received this month, as the figure counts them."""
    return quick_link(
        "/contractreports/sla",
        date_from=ctx.month_start().isoformat(),
        date_to=ctx.today.isoformat(),
    )


INSIGHTS = Insights(
    kpis=[
        Kpi(
            "contracts.expiring",
            _l("Contracts to renew"),
            expiring_count,
            link=_renewals_link,
            resource="ServiceContract",
            order=400,
        ),
        Kpi(
            "contracts.sla_breaches",
            _l("SLA breaches this month"),
            breaches_this_month,
            link=_sla_link,
            resource="ContractReports",
            warn_above=0,
            order=410,
        ),
        Kpi(
            "contracts.stuck",
            _l("Contract deals stuck"),
            stuck_count,
            link="/contractreports/pipeline",
            resource="ContractReports",
            warn_above=0,
            order=420,
        ),
        Kpi(
            "contracts.visits_overdue",
            _l("Maintenance visits overdue"),
            overdue_visits,
            link=quick_link("/scheduledvisitview/list/", "overdue"),
            resource="ScheduledVisit",
            warn_above=0,
            order=430,
        ),
    ],
    notifications=[
        NotificationSource("contracts.renewal", _l("Contracts to renew"), renewal_notices),
        NotificationSource("contracts.visits", _l("Maintenance visits today"), visit_notices),
    ],
    report_sections=[
        ReportSection(
            "contracts.visits",
            _l("Maintenance visits under contract"),
            visits_section,
            resource="ScheduledVisit",
            order=400,
        ),
    ],
    money=[
        MoneySource(
            "contracts.revenue",
            _l("Service contracts"),
            REVENUE,
            contract_revenue,
            component="contracts",
            resource="BillingLine",
        ),
        MoneySource(
            "contracts.dealer_reimbursements",
            _l("Dealer reimbursements"),
            COST,
            reimbursement_cost,
            component="dealer_reimbursements",
            resource="DealerReimbursement",
        ),
    ],
)
