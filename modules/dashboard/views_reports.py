"""The periodic service report, cost and revenue control, pricing and warranty planning."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from flask import Response, current_app, flash, request
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import lazy_gettext as _l

from app.csvio import CsvOptions
from app.db import db
from app.errors import DomainError
from app.views import date_arg
from modules.dashboard.services import money, planning, report
from modules.dashboard.web import HELPERS, can_read

TEMPLATES = str(Path(__file__).parent / "templates")


def default_period(today: date | None = None) -> tuple[date, date]:
    """The previous calendar month."""
    today = today or date.today()
    last = today.replace(day=1) - timedelta(days=1)
    return last.replace(day=1), last


def period_args() -> tuple[date, date]:
    d_from, d_to = date_arg("date_from"), date_arg("date_to")
    if d_from is None and d_to is None:
        return default_period()
    return money.check_period(d_from, d_to)


def int_arg(name: str, default: int) -> int:
    raw = request.args.get(name)
    if raw in (None, ""):
        return default
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 4:
        raise DomainError(_l("%(name)s must be a whole number.", name=name), field=name, status=400)
    return int(raw)


def report_response(tables, d_from: date, d_to: date, kind: str) -> Response:
    stamp = f"{d_from.isoformat()}_{d_to.isoformat()}"
    if kind == "pdf":
        body = report.to_pdf(tables, d_from, d_to)
        return Response(
            body,
            mimetype="application/pdf",
            headers={
                "Content-Disposition": f'attachment; filename="service-report-{stamp}.pdf"',
                "Cache-Control": "no-store",
            },
        )
    options = CsvOptions.from_args(request.args, current_app.config["CSV_DEFAULT_DELIMITER"])
    return Response(
        report.to_csv(tables, options),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="service-report-{stamp}.csv"',
            "Cache-Control": "no-store",
        },
    )


class ServiceReportView(BaseView):
    route_base = "/servicereport"
    template_folder = TEMPLATES
    class_permission_name = "ServiceReport"
    method_permission_name = {"index": "read", "pdf": "read", "csv": "read"}
    base_permissions = ["can_read"]
    default_view = "index"

    def _tables(self):
        d_from, d_to = period_args()
        return report.build(db.session, d_from, d_to, can_read), d_from, d_to

    @expose("/")
    @has_access
    def index(self):
        try:
            tables, d_from, d_to = self._tables()
        except DomainError as err:
            flash(str(err.message), "danger")
            d_from, d_to = default_period()
            return self.render_template(
                "dashboard/report.html", tables=[], date_from=d_from, date_to=d_to, **HELPERS
            ), err.status
        return self.render_template(
            "dashboard/report.html", tables=tables, date_from=d_from, date_to=d_to, **HELPERS
        )

    @expose("/report.pdf")
    @has_access
    def pdf(self):
        tables, d_from, d_to = self._tables()
        return report_response(tables, d_from, d_to, "pdf")

    @expose("/report.csv")
    @has_access
    def csv(self):
        tables, d_from, d_to = self._tables()
        return report_response(tables, d_from, d_to, "csv")


class CostRevenueView(BaseView):
    route_base = "/costrevenue"
    template_folder = TEMPLATES
    class_permission_name = "CostRevenue"
    method_permission_name = {"index": "read", "csv": "read"}
    base_permissions = ["can_read"]
    default_view = "index"

    def _table(self):
        d_from, d_to = date_arg("date_from"), date_arg("date_to")
        if d_from is None and d_to is None:
            today = date.today()
            d_from, d_to = today.replace(month=1, day=1), today
        group_by = request.args.get("group_by") or "month"
        return money.table(db.session, d_from, d_to, group_by, can_read), d_from, d_to

    @expose("/")
    @has_access
    def index(self):
        try:
            table, d_from, d_to = self._table()
        except DomainError as err:
            flash(str(err.message), "danger")
            today = date.today()
            return self.render_template(
                "dashboard/money.html",
                table=None,
                date_from=today.replace(month=1, day=1),
                date_to=today,
                group_by="month",
                groupings=money.GROUPINGS,
                **HELPERS,
            ), err.status
        return self.render_template(
            "dashboard/money.html",
            table=table,
            headers=money.headers(table),
            cells=money.row_cells,
            date_from=d_from,
            date_to=d_to,
            group_by=table.group_by,
            groupings=money.GROUPINGS,
            **HELPERS,
        )

    @expose("/costs.csv")
    @has_access
    def csv(self):
        table, d_from, d_to = self._table()
        from app.insights import ReportTable

        tables = [
            ReportTable(
                title=_l("Costs and revenue"),
                columns=money.headers(table),
                rows=[money.row_cells(table, r) for r in table.rows],
                totals=money.row_cells(table, table.totals) if table.rows else None,
            )
        ]
        return report_response(tables, d_from, d_to, "csv")


class PlanningView(BaseView):
    route_base = "/planning"
    template_folder = TEMPLATES
    class_permission_name = "Planning"
    method_permission_name = {"index": "read"}
    base_permissions = ["can_read"]
    default_view = "index"

    @expose("/")
    @has_access
    def index(self):
        today = date.today()
        ctx = {
            "has_inputs": planning.has_inputs(),
            "date_from": today.replace(month=1, day=1) - timedelta(days=365),
            "date_to": today,
            "current": 12,
            "proposed": 24,
            "unit_costs": [],
            "extensions": [],
        }
        status = 200
        try:
            d_from, d_to = date_arg("date_from"), date_arg("date_to")
            if d_from or d_to:
                ctx["date_from"], ctx["date_to"] = money.check_period(d_from, d_to)
            ctx["current"] = int_arg("current", 12)
            ctx["proposed"] = int_arg("proposed", 24)
            planning.check_terms(ctx["current"], ctx["proposed"])
            if ctx["has_inputs"]:
                ctx["unit_costs"] = planning.cost_per_unit(
                    db.session, ctx["date_from"], ctx["date_to"]
                )
                ctx["extensions"] = planning.extension(
                    db.session, ctx["current"], ctx["proposed"], today
                )
                ctx["terms"] = planning.warranty_terms(db.session)
        except DomainError as err:
            flash(str(err.message), "danger")
            status = err.status
        return self.render_template("dashboard/planning.html", **ctx, **HELPERS), status
