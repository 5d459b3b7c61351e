"""REST resources of the dashboard (thin: computations are in services/).

competitor, market_terms, campaign (+ /<pk>/effect), my_notification (+ /<pk>/read,
/read_all), my_settings, dashboard (/kpis, /charts), service_report (json, csv, pdf),
cost_revenue, planning (/cost_per_unit, /warranty_extension)."""

from __future__ import annotations

from flask import current_app
from flask_appbuilder.api import BaseApi, expose, safe
from flask_appbuilder.security.decorators import protect
from marshmallow import validate
from sqlalchemy import select

from app.api import AppRestApi, DomainErrorsMixin
from app.datamodel import AppInterface
from app.db import db
from app.errors import DomainError
from app.security import API_METHOD_PERMISSIONS
from app.web import load_body
from modules.dashboard.api_reports import CostRevenueApi, PlanningApi, ServiceReportApi
from modules.dashboard.models import (
    CAMPAIGN_KINDS,
    LOANER_POLICIES,
    Campaign,
    Competitor,
    MarketTerms,
    Notification,
    UserSetting,
)
from modules.dashboard.schemas import NoBody, SettingsBody
from modules.dashboard.services import board, market, notify
from modules.dashboard.web import (
    MyNotificationsFilter,
    can_read,
    current_user_id,
    json_value,
    user_context,
)


class CompetitorApi(AppRestApi):
    resource_name = "competitor"
    class_permission_name = "Competitor"
    datamodel = AppInterface(Competitor)
    _fields = ["name", "brands", "website", "notes", "active"]
    list_columns = show_columns = ["id", *_fields]
    add_columns = edit_columns = _fields
    search_columns = ["name", "brands", "active"]
    order_columns = ["id", "name"]
    validators_columns = {"name": validate.Length(min=1, max=200)}
    openapi_spec_tag = "Market"
    rules = market.CompetitorRules()


class MarketTermsApi(AppRestApi):
    resource_name = "market_terms"
    class_permission_name = "MarketTerms"
    datamodel = AppInterface(MarketTerms)
    _fields = [
        "segment",
        "warranty_months",
        "repair_days",
        "loaner",
        "contract_price",
        "extended_warranty_price",
        "valid_from",
        "source",
        "notes",
    ]
    list_columns = show_columns = ["id", "competitor.id", "competitor.name", *_fields]
    add_columns = edit_columns = ["competitor", *_fields]
    search_columns = ["segment", "competitor", "loaner", "valid_from"]
    order_columns = ["id", "segment", "valid_from"]
    validators_columns = {
        "segment": validate.Length(min=1, max=100),
        "loaner": LOANER_POLICIES.validator(),
        "warranty_months": validate.Range(min=0, max=240),
        "repair_days": validate.Range(min=0, max=365),
    }
    openapi_spec_tag = "Market"
    rules = market.MarketTermsRules()


class CampaignApi(AppRestApi):
    resource_name = "campaign"
    class_permission_name = "Campaign"
    datamodel = AppInterface(Campaign)
    _fields = ["name", "kind", "date_from", "date_to", "cost", "region", "notes", "cancelled"]
    list_columns = show_columns = ["id", *_fields]
    add_columns = edit_columns = _fields
    search_columns = ["name", "kind", "date_from", "date_to", "region", "cancelled"]
    order_columns = ["id", "name", "date_from", "cost"]
    validators_columns = {
        "name": validate.Length(min=1, max=200),
        "kind": CAMPAIGN_KINDS.validator(),
    }
    openapi_spec_tag = "Market"
    method_permission_name = {**API_METHOD_PERMISSIONS, "effect": "read"}
    rules = market.CampaignRules()

    @expose("/<int:pk>/effect", methods=["GET"])
    @protect()
    @safe
    def effect(self, pk):
        """The campaign's measured effect against the period of the same length before it.
        ---
        get:
          parameters:
          - {in: path, name: pk, required: true, schema: {type: integer}}
          responses:
            200: {description: Each measure in both periods, revenue change and net effect}
            401: {$ref: '#/components/responses/401'}
            404: {$ref: '#/components/responses/404'}
        """
        item = self.datamodel.get(pk, self._base_filters)
        if item is None:
            return self.response_404()
        eff = market.effect(db.session, item)
        return self.response(
            200,
            id=item.id,
            period={"from": eff.date_from.isoformat(), "to": eff.date_to.isoformat()},
            previous={"from": eff.prev_from.isoformat(), "to": eff.prev_to.isoformat()},
            cost=float(eff.cost),
            revenue_change=float(eff.revenue_change),
            net=float(eff.net),
            measures=[
                {
                    "key": r.key,
                    "label": r.label,
                    "unit": r.unit,
                    "revenue": r.revenue,
                    "current": json_value(r.current),
                    "previous": json_value(r.previous),
                    "change": json_value(r.change),
                    "change_pct": json_value(r.change_pct),
                }
                for r in eff.rows
            ],
        )


class MyNotificationApi(AppRestApi):
    resource_name = "my_notification"
    class_permission_name = "MyNotification"
    datamodel = AppInterface(Notification)
    base_filters = [["user_id", MyNotificationsFilter, None]]
    include_route_methods = {"get", "get_list", "info", "read", "read_all"}
    method_permission_name = {
        **API_METHOD_PERMISSIONS,
        "read": "write",
        "read_all": "write",
    }
    list_columns = show_columns = [
        "id",
        "source",
        "key",
        "text",
        "link",
        "due_on",
        "created_at",
        "read_at",
        "mail_state",
    ]
    search_columns = ["due_on", "created_at", "read_at", "source"]
    order_columns = ["id", "due_on", "created_at"]
    base_order = ("id", "desc")
    openapi_spec_tag = "Notifications"
    openapi_spec_component_schemas = (NoBody,)

    @expose("/<int:pk>/read", methods=["POST"])
    @protect()
    @safe
    def read(self, pk):
        """Mark one of my notifications read.
        ---
        post:
          parameters:
          - {in: path, name: pk, required: true, schema: {type: integer}}
          requestBody:
            required: false
            content:
              application/json:
                schema: {$ref: '#/components/schemas/DashboardNoBody'}
          responses:
            200: {description: Read}
            400: {$ref: '#/components/responses/400'}
            401: {$ref: '#/components/responses/401'}
            404: {$ref: '#/components/responses/404'}
            422: {$ref: '#/components/responses/422'}
        """

        def read(session):
            load_body(NoBody)
            return notify.mark_read(session, current_user_id(), pk)

        n, err = self.run_service(read)
        if err is not None:
            return err
        return self.response(200, id=n.id, read_at=n.read_at.isoformat())

    @expose("/read_all", methods=["POST"])
    @protect()
    @safe
    def read_all(self):
        """Mark all my notifications read.
        ---
        post:
          requestBody:
            required: false
            content:
              application/json:
                schema: {$ref: '#/components/schemas/DashboardNoBody'}
          responses:
            200: {description: How many were marked}
            400: {$ref: '#/components/responses/400'}
            401: {$ref: '#/components/responses/401'}
            422: {$ref: '#/components/responses/422'}
        """

        def read_all(session):
            load_body(NoBody)
            return notify.mark_all_read(session, current_user_id())

        count, err = self.run_service(read_all)
        if err is not None:
            return err
        return self.response(200, count=count)


class MySettingsApi(DomainErrorsMixin, BaseApi):
    resource_name = "my_settings"
    class_permission_name = "MySettings"
    method_permission_name = {"get": "read", "put": "write"}
    allow_browser_login = True
    openapi_spec_tag = "Notifications"
    openapi_spec_component_schemas = (SettingsBody,)

    def _body(self):
        uid = current_user_id()
        s = db.session.scalar(select(UserSetting).where(UserSetting.user_id == uid))
        default = current_app.config.get("BABEL_DEFAULT_LOCALE", "en")
        return {
            "locale": s.locale if s else None,
            "effective_locale": notify.user_locale(db.session, uid),
            "default_locale": default,
            "timezone": s.timezone if s else None,
            "effective_timezone": notify.user_timezone(db.session, uid),
            "email_digest": bool(s.email_digest) if s else True,
        }

    @expose("/", methods=["GET"])
    @protect()
    @safe
    def get(self):
        """My language, my time zone and whether I get the daily digest.
        ---
        get:
          responses:
            200: {description: My settings}
            401: {$ref: '#/components/responses/401'}
        """
        return self.response(200, **self._body())

    @expose("/", methods=["PUT"])
    @protect()
    @safe
    def put(self):
        """Change my settings.
        ---
        put:
          requestBody:
            required: true
            content:
              application/json:
                schema: {$ref: '#/components/schemas/DashboardSettingsBody'}
          responses:
            200: {description: Saved}
            400: {$ref: '#/components/responses/400'}
            401: {$ref: '#/components/responses/401'}
            422: {$ref: '#/components/responses/422'}
        """
        try:
            body = load_body(SettingsBody)
            current = self._body()
            locale = body.get("locale", current["locale"])
            digest = body.get("email_digest", current["email_digest"])
            zone = body.get("timezone", current["timezone"])
            notify.save_settings(db.session, current_user_id(), locale, digest, zone)
            db.session.commit()
        except DomainError as err:
            return self.domain_error(err)
        return self.response(200, **self._body())


class DashboardApi(DomainErrorsMixin, BaseApi):
    resource_name = "dashboard"
    class_permission_name = "Dashboard"
    method_permission_name = {"index": "read", "kpis": "read", "charts": "read"}
    allow_browser_login = True
    openapi_spec_tag = "Dashboard"

    @expose("/", methods=["GET"])
    @protect()
    @safe
    def index(self):
        """What the dashboard API offers.
        ---
        get:
          responses:
            200: {description: Names and paths}
            401: {$ref: '#/components/responses/401'}
        """
        return self.response(
            200,
            result=[{"name": n, "path": f"/api/v1/dashboard/{n}"} for n in ("kpis", "charts")],
        )

    @expose("/kpis", methods=["GET"])
    @protect()
    @safe
    def kpis(self):
        """The KPIs I may see, computed for me.
        ---
        get:
          responses:
            200: {description: "key, label, value, unit, link, group"}
            401: {$ref: '#/components/responses/401'}
        """
        ctx = user_context()
        out = []
        for group in board.kpi_groups(db.session, ctx, can_read):
            for k in group.kpis:
                out.append(
                    {
                        "key": k.key,
                        "label": k.label,
                        "group": group.label,
                        "value": json_value(k.value),
                        "display": k.display,
                        "unit": k.unit,
                        "link": k.link,
                        "warn": k.warn,
                        "error": k.error,
                    }
                )
        return self.response(200, result=out)

    @expose("/charts", methods=["GET"])
    @protect()
    @safe
    def charts(self):
        """The charts I may see, as labels and series.
        ---
        get:
          responses:
            200: {description: "key, label, kind, labels, series"}
            401: {$ref: '#/components/responses/401'}
        """
        return self.response(200, result=board.chart_data(db.session, user_context(), can_read))


APIS = [
    CompetitorApi,
    MarketTermsApi,
    CampaignApi,
    MyNotificationApi,
    MySettingsApi,
    DashboardApi,
    ServiceReportApi,
    CostRevenueApi,
    PlanningApi,
]
