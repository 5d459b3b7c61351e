"""What partners contributes to the dashboard, notifications and the service report:
customers, customer interactions and follow-ups that fall due."""

from __future__ import annotations

from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.db import utc_day_start
from app.insights import (
    PIE,
    Chart,
    ChartData,
    Context,
    Insights,
    Kpi,
    Measure,
    Notice,
    NotificationSource,
    ReportSection,
    ReportTable,
    Series,
)
from modules.partners.models import INTERACTION_KINDS, Interaction, Partner


def active_customers(session, ctx: Context) -> int:
    return session.scalar(
        select(func.count(Partner.id)).where(
            Partner.is_customer.is_(True), Partner.active.is_(True)
        )
    )


def interactions_this_month(session, ctx: Context) -> int:
    return session.scalar(
        select(func.count(Interaction.id)).where(
            Interaction.on >= ctx.month_start(), Interaction.on <= ctx.today
        )
    )


def _month_link(ctx: Context) -> str:
    before = (ctx.month_start() - timedelta(days=1)).isoformat()
    after = (ctx.today + timedelta(days=1)).isoformat()
    return f"/interactionview/list/?_flt_1_on={before}&_flt_2_on={after}"


FOLLOW_UP_DAYS = 7


def follow_ups_due(session, ctx: Context) -> int:
    """Next steps planned from today to a week ahead."""
    return session.scalar(
        select(func.count(Interaction.id)).where(
            Interaction.next_step_on >= ctx.today,
            Interaction.next_step_on <= ctx.today + timedelta(days=FOLLOW_UP_DAYS),
        )
    )


def _follow_up_link(ctx: Context) -> str:
    before = (ctx.today - timedelta(days=1)).isoformat()
    after = (ctx.today + timedelta(days=FOLLOW_UP_DAYS + 1)).isoformat()
    return f"/interactionview/list/?_flt_1_next_step_on={before}&_flt_2_next_step_on={after}"


def interactions_by_kind(session, ctx: Context) -> ChartData:
    since = ctx.today - timedelta(days=90)
    rows = dict(
        session.execute(
            select(Interaction.kind, func.count(Interaction.id))
            .where(Interaction.on > since, Interaction.on <= ctx.today)
            .group_by(Interaction.kind)
        ).all()
    )
    kinds = [k for k in INTERACTION_KINDS if rows.get(k)]
    return ChartData(
        labels=[INTERACTION_KINDS.label(k) for k in kinds],
        series=[Series(_l("Interactions"), [rows[k] for k in kinds])],
    )


def follow_up_notices(session, today: date):
    """A next step due today or tomorrow, to the employee who logged the interaction."""
    rows = session.execute(
        select(
            Interaction.id,
            Interaction.user_id,
            Interaction.next_step,
            Interaction.next_step_on,
            Partner.name,
        )
        .join(Partner, Partner.id == Interaction.partner_id)
        .where(
            Interaction.user_id.is_not(None),
            Interaction.next_step_on >= today,
            Interaction.next_step_on <= today + timedelta(days=1),
        )
        .order_by(Interaction.next_step_on, Interaction.id)
    ).all()
    for iid, uid, step, on, partner in rows:
        text = (
            _l("Follow-up with %(partner)s: %(step)s", partner=partner, step=step)
            if step
            else _l("Follow-up with %(partner)s", partner=partner)
        )
        yield Notice(
            user_id=uid,
            key=f"ptn.followup:{iid}:{on.isoformat()}",
            text=text,
            link=f"/interactionview/show/{iid}",
            due=on,
        )


def new_customers(session, date_from: date, date_to: date) -> int:
    return session.scalar(
        select(func.count(Partner.id)).where(
            Partner.is_customer.is_(True),
            Partner.created_at >= utc_day_start(date_from),
            Partner.created_at < utc_day_start(date_to + timedelta(days=1)),
        )
    )


def interactions_in(session, date_from: date, date_to: date) -> int:
    return session.scalar(
        select(func.count(Interaction.id)).where(
            Interaction.on >= date_from, Interaction.on <= date_to
        )
    )


def interactions_section(session, date_from: date, date_to: date) -> ReportTable:
    rows = dict(
        session.execute(
            select(Interaction.kind, func.count(Interaction.id))
            .where(Interaction.on >= date_from, Interaction.on <= date_to)
            .group_by(Interaction.kind)
        ).all()
    )
    body = [[INTERACTION_KINDS.label(k), rows[k]] for k in INTERACTION_KINDS if rows.get(k)]
    return ReportTable(
        title=_l("Customer interactions"),
        columns=[_l("Kind"), _l("Count")],
        rows=body,
        totals=[_l("Total"), sum(r[1] for r in body)] if body else None,
    )


INSIGHTS = Insights(
    kpis=[
        Kpi(
            "partners.active_customers",
            _l("Active customers"),
            active_customers,
            link="/partnerview/list/?_flt_0_is_customer=y&_flt_0_active=y",
            resource="Partner",
            order=500,
        ),
        Kpi(
            "partners.interactions_month",
            _l("Customer interactions this month"),
            interactions_this_month,
            link=_month_link,
            resource="Interaction",
            order=510,
        ),
        Kpi(
            "partners.follow_ups",
            _l("Follow-ups due within a week"),
            follow_ups_due,
            link=_follow_up_link,
            resource="Interaction",
            order=520,
        ),
    ],
    charts=[
        Chart(
            "partners.interactions_by_kind",
            _l("Customer interactions by kind, last 90 days"),
            PIE,
            interactions_by_kind,
            link="/interactionview/list/",
            resource="Interaction",
            order=500,
        ),
    ],
    notifications=[
        NotificationSource("partners.follow_up", _l("Follow-ups due"), follow_up_notices),
    ],
    report_sections=[
        ReportSection(
            "partners.interactions",
            _l("Customer interactions"),
            interactions_section,
            resource="Interaction",
            order=500,
        ),
    ],
    measures=[
        Measure("partners.new_customers", _l("New customers"), new_customers),
        Measure("partners.interactions", _l("Customer interactions"), interactions_in),
    ],
)
