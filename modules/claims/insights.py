"""What claims contributes: open and overdue claims, claims by defect code, the
satisfaction trend, notices of legal deadlines due or overdue to the claims officer,
report sections, and money (compensations, penalties and expert costs as cost;
recoveries from suppliers)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.db import utc_day_start
from app.insights import (
    BAR,
    COST,
    LINE,
    RECOVERY,
    SCORE,
    Chart,
    ChartData,
    Context,
    Insights,
    Kpi,
    MoneyLine,
    MoneySource,
    Notice,
    NotificationSource,
    ReportSection,
    ReportTable,
    Series,
    quick_link,
)
from app.workcal import installation_calendar
from modules.claims.models import (
    CLAIM_STATES,
    DEMANDS,
    OPEN_CLAIM_STATES,
    Claim,
    ClaimDefect,
    DefectCode,
    ExpertExamination,
    SatisfactionRequest,
    SupplierClaim,
    SystemicAlert,
)
from modules.claims.services import claims as claim_services
from modules.inventory.models import EquipmentModel
from modules.partners.models import Partner

NOTICE_DAYS = 2  # notify this many days before a legal deadline


def open_claims(session, ctx: Context) -> int:
    stmt = select(func.count(Claim.id)).where(claim_services.claim_open(ctx))
    return session.scalar(ctx.visible(stmt, Claim))


def overdue_claims(session, ctx: Context) -> int:
    stmt = select(func.count(Claim.id)).where(claim_services.claim_overdue(ctx))
    return session.scalar(ctx.visible(stmt, Claim))


def open_alerts(session, ctx: Context) -> int:
    return session.scalar(
        select(func.count(SystemicAlert.id)).where(SystemicAlert.state != "closed")
    )


def satisfaction_90(session, ctx: Context):
    avg = session.scalar(
        select(func.avg(SatisfactionRequest.score)).where(
            SatisfactionRequest.answered_at >= utc_day_start(ctx.today - timedelta(days=90))
        )
    )
    return None if avg is None else round(float(avg), 2)


def claims_by_defect(session, ctx: Context) -> ChartData:
    since = ctx.date_from or ctx.today - timedelta(days=365)
    rows = session.execute(
        select(DefectCode.code, func.count(ClaimDefect.id))
        .join(DefectCode, DefectCode.id == ClaimDefect.defect_code_id)
        .where(ClaimDefect.found_on >= since, ClaimDefect.found_on <= (ctx.date_to or ctx.today))
        .group_by(DefectCode.code)
        .order_by(func.count(ClaimDefect.id).desc(), DefectCode.code)
        .limit(12)
    ).all()
    return ChartData([r[0] for r in rows], [Series(_l("Defects found"), [r[1] for r in rows])])


def satisfaction_trend(session, ctx: Context) -> ChartData:
    first = (ctx.today.replace(day=1) - timedelta(days=330)).replace(day=1)
    rows = session.execute(
        select(SatisfactionRequest.answered_at, SatisfactionRequest.score).where(
            SatisfactionRequest.answered_at >= utc_day_start(first)
        )
    ).all()
    months: dict[str, list[int]] = defaultdict(list)
    for at, score in rows:
        months[at.strftime("%Y-%m")].append(score)
    labels = sorted(months)
    return ChartData(
        labels,
        [
            Series(
                _l("Average score (1-5)"),
                [round(sum(months[m]) / len(months[m]), 2) for m in labels],
            )
        ],
    )


def deadline_notices(session, today: date):
    """Legal deadlines (answer, fulfilment, substitute item) of open claims due within
    two days or overdue, to the claim's officer (his deputy while he is absent)."""
    from modules.claims.services.claims import claim_deadlines

    horizon = today + timedelta(days=NOTICE_DAYS)
    claims = session.scalars(
        select(Claim)
        .where(
            Claim.state.in_(OPEN_CLAIM_STATES),
            Claim.officer_id.is_not(None),
            Claim.received_on >= today - timedelta(days=400),
        )
        .order_by(Claim.id)
        .limit(5000)
    ).all()
    calendar = installation_calendar(session)
    for claim in claims:
        for d in claim_deadlines(session, claim, today, calendar):
            if d.kind == "window" or not d.applies or d.done_on is not None:
                continue
            due = d.deadline.due
            if due > horizon:
                continue
            if due < today:
                key = f"clm.deadline.overdue:{claim.id}:{d.deadline.code}:{due.isoformat()}"
                text = _l(
                    "Claim %(number)s: the legal deadline “%(what)s” passed on %(due)s",
                    number=claim.number,
                    what=d.deadline.label,  # its name in the reader's language
                    due=due,
                )
            else:
                key = f"clm.deadline.due:{claim.id}:{d.deadline.code}:{due.isoformat()}"
                text = _l(
                    "Claim %(number)s: the legal deadline “%(what)s” is on %(due)s",
                    number=claim.number,
                    what=d.deadline.label,  # its name in the reader's language
                    due=due,
                )
            yield Notice(
                user_id=claim.officer_id,
                key=key,
                text=text,
                link=f"/claimview/show/{claim.id}",
                due=due,
            )


def alert_notices(session, today: date):
    """A new systemic-defect alert, to every service manager."""
    from app.insights import users_with_role
    from app.security import SERVICE_MANAGER

    alerts = session.execute(
        select(SystemicAlert.id, EquipmentModel.code, DefectCode.code)
        .join(EquipmentModel, EquipmentModel.id == SystemicAlert.equipment_model_id)
        .join(DefectCode, DefectCode.id == SystemicAlert.defect_code_id)
        .where(SystemicAlert.state == "open")
    ).all()
    if not alerts:
        return
    managers = users_with_role(session, SERVICE_MANAGER)
    for alert_id, model, code in alerts:
        for user in managers:
            yield Notice(
                user_id=user,
                key=f"clm.alert:{alert_id}",
                text=_l("Systemic defect: %(code)s on model %(model)s", code=code, model=model),
                link=f"/systemicalertview/show/{alert_id}",
            )


# ------------------------------------------------------------------ report


def claims_section(session, date_from: date, date_to: date) -> list[ReportTable]:
    received = session.execute(
        select(Claim.demand, func.count(Claim.id))
        .where(Claim.received_on >= date_from, Claim.received_on <= date_to)
        .group_by(Claim.demand)
    ).all()
    closed = session.execute(
        select(Claim.state, func.count(Claim.id))
        .where(Claim.received_on >= date_from, Claim.received_on <= date_to)
        .group_by(Claim.state)
    ).all()
    defects = session.execute(
        select(DefectCode.code, DefectCode.name, func.count(ClaimDefect.id))
        .join(DefectCode, DefectCode.id == ClaimDefect.defect_code_id)
        .where(ClaimDefect.found_on >= date_from, ClaimDefect.found_on <= date_to)
        .group_by(DefectCode.code, DefectCode.name)
        .order_by(func.count(ClaimDefect.id).desc())
    ).all()
    overdue = session.scalar(
        select(func.count(Claim.id)).where(claim_services.claim_overdue(Context(today=date_to)))
    )
    return [
        ReportTable(
            title=_l("Claims received, by demand"),
            columns=[_l("Demand"), _l("Claims")],
            rows=[[DEMANDS.label(d), n] for d, n in sorted(received)],
            totals=[_l("Total"), sum(n for _, n in received)],
            note=_l("Overdue on the last day: %(n)s", n=overdue),
        ),
        ReportTable(
            title=_l("Claims received, by state now"),
            columns=[_l("State"), _l("Claims")],
            rows=[[CLAIM_STATES.label(s), n] for s, n in sorted(closed)],
        ),
        ReportTable(
            title=_l("Defects found, by code"),
            columns=[_l("Code"), _l("Defect"), _l("Count")],
            rows=[[c, name, n] for c, name, n in defects],
        ),
    ]


def suppliers_section(session, date_from: date, date_to: date) -> ReportTable:
    rows = session.execute(
        select(
            SupplierClaim.number, Partner.name, SupplierClaim.amount, SupplierClaim.recovered_amount
        )
        .join(Partner, Partner.id == SupplierClaim.supplier_id)
        .where(SupplierClaim.settled_on >= date_from, SupplierClaim.settled_on <= date_to)
        .order_by(SupplierClaim.settled_on, SupplierClaim.id)
    ).all()
    return ReportTable(
        title=_l("Recoveries from suppliers"),
        columns=[_l("Supplier claim"), _l("Supplier"), _l("Claimed"), _l("Recovered")],
        rows=[list(r) for r in rows],
        totals=[
            _l("Total"),
            "",
            sum((r[2] or 0) for r in rows),
            sum((r[3] or 0) for r in rows),
        ],
    )


# ------------------------------------------------------------------ money


def _claim_money(amount_col, date_col):
    def collect(session, date_from: date, date_to: date):
        rows = session.execute(
            select(date_col, amount_col, EquipmentModel.code, Partner.region)
            .select_from(Claim)
            .outerjoin(EquipmentModel, EquipmentModel.id == Claim.equipment_model_id)
            .join(Partner, Partner.id == Claim.customer_id)
            .where(date_col >= date_from, date_col <= date_to, amount_col > 0)
        ).all()
        for on, amount, model, region in rows:
            yield MoneyLine(on=on, amount=amount, model=model, region=region, warranty=True)

    return collect


def expert_costs(session, date_from: date, date_to: date):
    rows = session.execute(
        select(ExpertExamination.concluded_on, ExpertExamination.cost, EquipmentModel.code)
        .join(Claim, Claim.id == ExpertExamination.claim_id)
        .outerjoin(EquipmentModel, EquipmentModel.id == Claim.equipment_model_id)
        .where(
            ExpertExamination.state == "concluded",
            ExpertExamination.paid_by == "seller",
            ExpertExamination.concluded_on >= date_from,
            ExpertExamination.concluded_on <= date_to,
            ExpertExamination.cost > 0,
        )
    ).all()
    for on, amount, model in rows:
        yield MoneyLine(on=on, amount=amount, model=model, warranty=True)


def supplier_recoveries(session, date_from: date, date_to: date):
    rows = session.execute(
        select(SupplierClaim.settled_on, SupplierClaim.recovered_amount, Partner.region)
        .join(Partner, Partner.id == SupplierClaim.supplier_id)
        .where(
            SupplierClaim.state == "settled",
            SupplierClaim.settled_on >= date_from,
            SupplierClaim.settled_on <= date_to,
            SupplierClaim.recovered_amount > 0,
        )
    ).all()
    for on, amount, region in rows:
        yield MoneyLine(on=on, amount=amount, region=region)


INSIGHTS = Insights(
    kpis=[
        Kpi(
            "claims.open",
            _l("Open claims"),
            compute=open_claims,
            link=quick_link("/claimview/list/", "open"),
            resource="Claim",
            order=40,
        ),
        Kpi(
            "claims.overdue",
            _l("Claims past their legal deadline"),
            compute=overdue_claims,
            link=quick_link("/claimview/list/", "overdue"),
            resource="Claim",
            warn_above=0,
            order=41,
        ),
        Kpi(
            "claims.alerts",
            _l("Open systemic-defect alerts"),
            compute=open_alerts,
            link="/systemicalertview/list/",
            resource="SystemicAlert",
            warn_above=0,
            order=42,
        ),
        Kpi(
            "claims.satisfaction",
            _l("Customer satisfaction, last 90 days (1-5)"),
            compute=satisfaction_90,
            link="/satisfactionreport/report",
            resource="Satisfaction",
            unit=SCORE,
            order=43,
        ),
    ],
    charts=[
        Chart(
            "claims.by_defect",
            _l("Defects found by code (12 months)"),
            BAR,
            compute=claims_by_defect,
            link="/defectrates/rates",
            resource="ClaimDefect",
            order=40,
        ),
        Chart(
            "claims.satisfaction",
            _l("Customer satisfaction by month"),
            LINE,
            compute=satisfaction_trend,
            link="/satisfactionreport/report",
            resource="Satisfaction",
            unit=SCORE,
            order=41,
        ),
    ],
    notifications=[
        NotificationSource(
            "claims.deadlines", _l("Legal deadlines of claims"), collect=deadline_notices
        ),
        NotificationSource("claims.alerts", _l("Systemic-defect alerts"), collect=alert_notices),
    ],
    report_sections=[
        ReportSection("claims.claims", _l("Consumer claims"), claims_section, resource="Claim"),
        ReportSection(
            "claims.suppliers",
            _l("Supplier claims"),
            suppliers_section,
            resource="SupplierClaim",
        ),
    ],
    money=[
        MoneySource(
            "claims.compensations",
            _l("Compensations and refunds"),
            COST,
            _claim_money(Claim.compensation_amount, Claim.paid_on),
            component="compensation",
            resource="ClaimAccounting",
        ),
        MoneySource(
            "claims.penalties",
            _l("Delay penalties"),
            COST,
            _claim_money(Claim.penalty_paid, Claim.fulfilled_on),
            component="penalty",
            resource="ClaimAccounting",
        ),
        MoneySource(
            "claims.expert",
            _l("Expert examinations"),
            COST,
            expert_costs,
            component="expert",
            resource="ClaimAccounting",
        ),
        MoneySource(
            "claims.recoveries",
            _l("Recoveries from suppliers"),
            RECOVERY,
            supplier_recoveries,
            component="supplier",
            resource="ClaimAccounting",
        ),
    ],
)
