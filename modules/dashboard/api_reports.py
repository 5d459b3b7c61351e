"""REST resources of reports: the service report, costs and revenue, planning."""

from __future__ import annotations

from flask import request
from flask_appbuilder.api import BaseApi, expose, safe
from flask_appbuilder.security.decorators import protect

from app.api import DomainErrorsMixin
from app.db import db
from app.errors import DomainError
from app.views import date_arg
from modules.dashboard.services import money, planning, report
from modules.dashboard.views_reports import int_arg, period_args, report_response
from modules.dashboard.web import (
    can_read,
    json_value,
)


class ServiceReportApi(DomainErrorsMixin, BaseApi):
    resource_name = "service_report"
    class_permission_name = "ServiceReport"
    method_permission_name = {"get": "read", "pdf": "read", "csv": "read"}
    allow_browser_login = True
    openapi_spec_tag = "Dashboard"

    @expose("/", methods=["GET"])
    @protect()
    @safe
    def get(self):
        """The periodic service report's tables (default: the previous month).
        ---
        get:
          parameters:
          - {in: query, name: date_from, schema: {type: string, format: date}}
          - {in: query, name: date_to, schema: {type: string, format: date}}
          responses:
            200: {description: "title, columns, rows, totals per table"}
            400: {$ref: '#/components/responses/400'}
            401: {$ref: '#/components/responses/401'}
        """
        try:
            d_from, d_to = period_args()
            tables = report.build(db.session, d_from, d_to, can_read)
        except DomainError as err:
            return self.domain_error(err)
        return self.response(
            200,
            date_from=d_from.isoformat(),
            date_to=d_to.isoformat(),
            tables=[
                {
                    "title": str(t.title),
                    "columns": [str(c) for c in t.columns],
                    "rows": [[json_value(v) for v in r] for r in t.rows],
                    "totals": [json_value(v) for v in t.totals] if t.totals else None,
                    "note": str(t.note) if t.note else None,
                }
                for t in tables
            ],
        )

    @expose("/pdf", methods=["GET"])
    @protect()
    def pdf(self):
        """The report as PDF.
        ---
        get:
          parameters:
          - {in: query, name: date_from, schema: {type: string, format: date}}
          - {in: query, name: date_to, schema: {type: string, format: date}}
          responses:
            200:
              description: PDF file
              content:
                application/pdf: {}
            400: {$ref: '#/components/responses/400'}
            401: {$ref: '#/components/responses/401'}
        """
        return self._file("pdf")

    @expose("/csv", methods=["GET"])
    @protect()
    def csv(self):
        """The report as CSV (one block per table).
        ---
        get:
          parameters:
          - {in: query, name: date_from, schema: {type: string, format: date}}
          - {in: query, name: date_to, schema: {type: string, format: date}}
          - {in: query, name: delimiter, schema: {type: string, enum: [",", ";", "tab"]}}
          - {in: query, name: decimal, schema: {type: string, enum: [".", ","]}}
          - {in: query, name: bom, schema: {type: boolean}}
          responses:
            200:
              description: CSV file
              content:
                text/csv: {}
            400: {$ref: '#/components/responses/400'}
            401: {$ref: '#/components/responses/401'}
        """
        return self._file("csv")

    def _file(self, kind: str):
        """The report of the asked period (default: the previous month) as a file."""
        try:
            d_from, d_to = period_args()
            tables = report.build(db.session, d_from, d_to, can_read)
            return report_response(tables, d_from, d_to, kind)
        except DomainError as err:
            return self.domain_error(err)


class CostRevenueApi(DomainErrorsMixin, BaseApi):
    resource_name = "cost_revenue"
    class_permission_name = "CostRevenue"
    method_permission_name = {"get": "read"}
    allow_browser_login = True
    openapi_spec_tag = "Dashboard"

    @expose("/", methods=["GET"])
    @protect()
    @safe
    def get(self):
        """Warranty cost, revenue, recoveries and margin per month, model, region or contract.
        ---
        get:
          parameters:
          - {in: query, name: date_from, required: true, schema: {type: string, format: date}}
          - {in: query, name: date_to, required: true, schema: {type: string, format: date}}
          - in: query
            name: group_by
            schema: {type: string, enum: [month, model, region, contract]}
          responses:
            200: {description: Columns (sources) and one row per group with totals}
            400: {$ref: '#/components/responses/400'}
            401: {$ref: '#/components/responses/401'}
        """
        try:
            t = money.table(
                db.session,
                date_arg("date_from"),
                date_arg("date_to"),
                request.args.get("group_by") or "month",
                can_read,
            )
        except DomainError as err:
            return self.domain_error(err)

        def row(r):
            return {
                "group": r.group,
                "amounts": {k: float(v) for k, v in r.amounts.items()},
                "cost": float(t.kind_total(r, "cost")),
                "revenue": float(t.kind_total(r, "revenue")),
                "recovery": float(t.kind_total(r, "recovery")),
                "margin": float(t.margin(r)),
            }

        return self.response(
            200,
            group_by=t.group_by,
            columns=[{"key": c.key, "kind": c.kind, "label": c.label} for c in t.columns],
            rows=[row(r) for r in t.rows],
            totals=row(t.totals),
        )


class PlanningApi(DomainErrorsMixin, BaseApi):
    resource_name = "planning"
    class_permission_name = "Planning"
    method_permission_name = {
        "index": "read",
        "cost_per_unit": "read",
        "warranty_extension": "read",
    }
    allow_browser_login = True
    openapi_spec_tag = "Dashboard"

    @expose("/", methods=["GET"])
    @protect()
    @safe
    def index(self):
        """The planning computations, and whether a module provides their inputs.
        ---
        get:
          responses:
            200: {description: Names and paths}
            401: {$ref: '#/components/responses/401'}
        """
        return self.response(
            200,
            available=planning.has_inputs(),
            result=[
                {"name": n, "path": f"/api/v1/planning/{n}"}
                for n in ("cost_per_unit", "warranty_extension")
            ],
        )

    @expose("/cost_per_unit", methods=["GET"])
    @protect()
    @safe
    def cost_per_unit(self):
        """After-sales cost per unit sold, per equipment model, in a period.
        ---
        get:
          parameters:
          - {in: query, name: date_from, required: true, schema: {type: string, format: date}}
          - {in: query, name: date_to, required: true, schema: {type: string, format: date}}
          responses:
            200: {description: One row per model}
            400: {$ref: '#/components/responses/400'}
            401: {$ref: '#/components/responses/401'}
        """
        try:
            rows = planning.cost_per_unit(db.session, date_arg("date_from"), date_arg("date_to"))
        except DomainError as err:
            return self.domain_error(err)
        return self.response(
            200,
            available=planning.has_inputs(),
            result=[
                {
                    "model": r.model,
                    "units": r.units,
                    "cost": float(r.cost),
                    "recoveries": float(r.recoveries),
                    "per_unit": json_value(r.per_unit),
                }
                for r in rows
            ],
        )

    @expose("/warranty_extension", methods=["GET"])
    @protect()
    @safe
    def warranty_extension(self):
        """Expected extra cost of a longer warranty, per model, from the ages of failures.
        ---
        get:
          parameters:
          - {in: query, name: current, schema: {type: integer, minimum: 0, maximum: 119}}
          - {in: query, name: proposed, schema: {type: integer, minimum: 1, maximum: 120}}
          responses:
            200: {description: One row per model}
            400: {$ref: '#/components/responses/400'}
            401: {$ref: '#/components/responses/401'}
        """
        try:
            current, proposed = int_arg("current", 12), int_arg("proposed", 24)
            rows = planning.extension(db.session, current, proposed)
        except DomainError as err:
            return self.domain_error(err)
        return self.response(
            200,
            available=planning.has_inputs(),
            result=[
                {
                    "model": r.model,
                    "current_months": r.current_months,
                    "proposed_months": r.proposed_months,
                    "failures_in_range": r.failures_in_range,
                    "months_observed": r.months_observed,
                    "complete": r.complete,
                    "extra_failures_per_unit": float(r.extra_failures_per_unit),
                    "avg_repair_cost": float(r.avg_repair_cost),
                    "extra_cost_per_unit": float(r.extra_cost_per_unit),
                    "units_last_year": r.units_last_year,
                    "extra_cost_per_year": float(r.extra_cost_per_year),
                }
                for r in rows
            ],
        )
