"""A data set whose dashboard figures are known, built through the modules' services.

Figures (today = date.today()):
- partners: active customers 2 (North, South; a third is archived); interactions
  this month 3; follow-ups within a week 2 (today and in 5 days; one in 10 days).
- inventory: receipts P-1 10 @ 10.00 and P-2 5 @ 4.00 into MAIN; sales delivered
  this month 2 x P-1 @ 20.00 to North (40.00) and 1 x P-1 @ 20.00 -10 % to South
  (18.00), one delivered 40 days ago (1 x P-1 @ 10.00 to North), one quotation
  (not sold): parts sold this month 58.00; P-1 on hand 6 -> stock value
  6 x 10.00 + 5 x 4.00 = 80.00; P-2 (5 on hand, min 10) below its reorder point: 1.
- staff: tasks T1 (technician, due yesterday), T2 (technician, today), T3 (manager,
  tomorrow), T4 done, T5 cancelled: overdue 1; technician's due or overdue 2.
  Safety training mandatory for Technician and Warehouse Clerk: the technician's
  expires in 10 days, the clerk never trained: compliance 50.0 %, expiring 1.
- dashboard: a campaign running today (1 000.00), one on 1 January (250.00), one
  cancelled (500.00): cost this year 1 250.00.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from modules.dashboard.models import Campaign
from modules.inventory.models import Part, PartsSale, PartsSaleLine, ReorderRule, Warehouse
from modules.inventory.services import post_move
from modules.inventory.services.sales import create_sale, transition_sale
from modules.partners.models import Interaction, Partner
from modules.staff.models import (
    Employee,
    Position,
    Responsibility,
    Task,
    TrainingProgram,
    TrainingRecord,
    TrainingSession,
)
from modules.staff.services import create_task, transition_task
from tests.conftest import ROLE_USERS

D = Decimal


def uid(session, role: str) -> int:
    from flask_appbuilder.security.sqla.models import User

    return session.scalar(select(User.id).where(User.username == ROLE_USERS[role]))


def partners(session, today: date) -> dict:
    north = Partner(name="North Customer", is_customer=True, region="North", active=True)
    south = Partner(name="South Customer", is_customer=True, region="South", active=True)
    gone = Partner(name="Archived Customer", is_customer=True, active=False)
    supplier = Partner(name="Supplier", is_supplier=True, active=True)
    session.add_all([north, south, gone, supplier])
    session.flush()
    tech = uid(session, "Technician")
    for on, step_on in (
        (today, today),
        (today, today + timedelta(days=5)),
        (today, today + timedelta(days=10)),
        (today - timedelta(days=40), None),
    ):
        session.add(
            Interaction(
                partner_id=north.id,
                kind="call",
                on=on,
                user_id=tech,
                subject="Call",
                next_step="Send the offer" if step_on else None,
                next_step_on=step_on,
            )
        )
    session.flush()
    return {"north": north.id, "south": south.id, "supplier": supplier.id}


def sell(session, customer_id, wh_id, part_id, qty, price, on, discount=0, state="delivered"):
    sale = PartsSale(customer_id=customer_id, warehouse_id=wh_id, sale_date=on)
    create_sale(session, sale)
    sale.lines.append(
        PartsSaleLine(
            part_id=part_id, quantity=D(qty), unit_price=D(price), discount_pct=D(discount)
        )
    )
    session.flush()
    if state in ("delivered", "invoiced"):
        transition_sale(session, sale, "confirm")
        transition_sale(session, sale, "deliver")
    if state == "invoiced":
        transition_sale(session, sale, "invoice")
    session.flush()
    return sale


def inventory(session, today: date, who: dict) -> dict:
    main = Warehouse(code="MAIN", name="Main", kind="main")
    p1 = Part(sku="P-1", name="Pump", cost=D("10"), sale_price=D("20"))
    p2 = Part(sku="P-2", name="Seal", cost=D("4"), sale_price=D("9"))
    session.add_all([main, p1, p2])
    session.flush()
    post_move(
        session,
        part_id=p1.id,
        quantity_=D(10),
        reason="receipt",
        to_warehouse_id=main.id,
        unit_cost=D("10"),
    )
    post_move(
        session,
        part_id=p2.id,
        quantity_=D(5),
        reason="receipt",
        to_warehouse_id=main.id,
        unit_cost=D("4"),
    )
    session.add_all(
        [
            ReorderRule(part_id=p1.id, warehouse_id=main.id, min_qty=D(2), max_qty=D(20)),
            ReorderRule(part_id=p2.id, warehouse_id=main.id, min_qty=D(10), max_qty=D(20)),
        ]
    )
    s1 = sell(session, who["north"], main.id, p1.id, 2, "20", today)
    s2 = sell(session, who["south"], main.id, p1.id, 1, "20", today, discount=10, state="invoiced")
    s3 = sell(session, who["north"], main.id, p1.id, 1, "10", today - timedelta(days=40))
    s4 = sell(session, who["north"], main.id, p1.id, 50, "20", today, state="quotation")
    return {
        "main": main.id,
        "p1": p1.id,
        "p2": p2.id,
        "sales_month": [s1.number, s2.number],
        "sale_old": s3.number,
        "quotation": s4.number,
    }


def staff(session, today: date) -> dict:
    positions = {}
    emps = {}
    for role in ("Technician", "Warehouse Clerk", "Service Manager"):
        pos = Position(name=f"{role} position", active=True)
        session.add(pos)
        positions[role] = pos
        emp = Employee(name=f"{role} Person", user_id=uid(session, role), position=pos, active=True)
        session.add(emp)
        emps[role] = emp
    session.flush()
    tech, mgr = uid(session, "Technician"), uid(session, "Service Manager")
    tasks = {}
    for name, assignee, due in (
        ("T1", tech, today - timedelta(days=1)),
        ("T2", tech, today),
        ("T3", mgr, today + timedelta(days=1)),
        ("T4", tech, today - timedelta(days=3)),
        ("T5", tech, today - timedelta(days=3)),
    ):
        t = Task(title=name, assignee_id=assignee, due_date=due, created_by_id=mgr)
        create_task(session, t, mgr)
        tasks[name] = t
    session.flush()
    transition_task(session, tasks["T4"], "complete")
    transition_task(session, tasks["T5"], "cancel", "not needed")
    program = TrainingProgram(topic="Safety", validity_months=12, active=True)
    program.mandatory_for = [positions["Technician"], positions["Warehouse Clerk"]]
    session.add(program)
    session.flush()
    ts = TrainingSession(
        program_id=program.id, title="Safety", date_from=today - timedelta(days=355)
    )
    session.add(ts)
    session.flush()
    session.add(
        TrainingRecord(
            session_id=ts.id,
            employee_id=emps["Technician"].id,
            result="passed",
            completed_on=today - timedelta(days=355),
            expires_on=today + timedelta(days=10),
        )
    )
    session.flush()
    return {
        "emp": {r: e.id for r, e in emps.items()},
        "tasks": {n: (t.id, t.number) for n, t in tasks.items()},
        "program": program.id,
    }


def responsibility(session, emp_id: int, kind: str, key: str, today: date) -> None:
    session.add(
        Responsibility(employee_id=emp_id, kind=kind, key=key, date_from=today - timedelta(days=30))
    )
    session.flush()


def campaigns(session, today: date) -> dict:
    jan1 = today.replace(month=1, day=1)
    running = Campaign(
        name="Spring promo",
        kind="promotion",
        date_from=today,
        date_to=today + timedelta(days=5),
        cost=D("1000"),
    )
    new_year = Campaign(
        name="New year fair", kind="event", date_from=jan1, date_to=jan1, cost=D("250")
    )
    cancelled = Campaign(
        name="Dropped show",
        kind="event",
        date_from=today,
        date_to=today,
        cost=D("500"),
        cancelled=True,
    )
    session.add_all([running, new_year, cancelled])
    session.flush()
    return {"running": running.id}


def world(session, today: date | None = None) -> dict:
    today = today or date.today()
    who = partners(session, today)
    out = {"partners": who, "today": today}
    out["inventory"] = inventory(session, today, who)
    out["staff"] = staff(session, today)
    out["campaigns"] = campaigns(session, today)
    return out


EXPECTED = {
    "partners.active_customers": 2,
    "partners.interactions_month": 3,
    "partners.follow_ups": 2,
    "inventory.below_reorder_point": 1,
    "inventory.stock_value": 80.0,
    "inventory.parts_sold_month": 58.0,
    "staff.tasks_overdue": 1,
    "staff.my_tasks_due": 0,  # for the admin: none of the tasks are his
    "staff.training_compliance": 50.0,
    "staff.trainings_expiring": 1,
    "dashboard.campaign_cost": 1250.0,
}
