"""Dashboard screens and menu (thin: computations are in services/)."""

from __future__ import annotations

from pathlib import Path

from flask import current_app
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.db import db
from app.policy import restrict
from app.registry import MenuEntry, NavbarItem
from app.security import ACCOUNTANT, SERVICE_MANAGER, VIEWER
from modules.dashboard.models import Notification
from modules.dashboard.services import board, notify
from modules.dashboard.views_market import (
    CampaignView,
    CompetitorView,
    MarketTermsView,
    MarketView,
)
from modules.dashboard.views_me import MyNotificationView, MySettingsView
from modules.dashboard.views_reports import CostRevenueView, PlanningView, ServiceReportView
from modules.dashboard.web import can_read, current_user_id, user_context

TEMPLATES = str(Path(__file__).parent / "templates")

# Pages linked from the dashboard, shown to those who may read them.
SHORTCUTS = (
    ("ServiceReport", "/servicereport/", _l("Service report"), "fa-file-pdf"),
    ("CostRevenue", "/costrevenue/", _l("Cost and revenue"), "fa-coins"),
    ("Planning", "/planning/", _l("Pricing and warranty planning"), "fa-scale-balanced"),
    ("MarketTerms", "/market/compare", _l("Terms side by side"), "fa-table-columns"),
    ("Campaign", "/campaignview/list/", _l("Promotions and events"), "fa-bullhorn"),
)


def dashboard_page(view):
    """The dashboard for the logged-in user (also the home page)."""
    session = db.session
    ctx = user_context()
    uid = current_user_id()
    latest = session.scalars(
        select(Notification)
        .where(Notification.user_id == uid, Notification.read_at.is_(None))
        .order_by(Notification.due_on.is_(None), Notification.due_on, Notification.id.desc())
        .limit(8)
    ).all()
    return view.render_template(
        "dashboard/home.html",
        groups=board.kpi_groups(session, ctx, can_read),
        charts=board.charts(session, ctx, can_read),
        notices=latest,
        unread=notify.unread_count(session, uid),
        shortcuts=[s for s in SHORTCUTS if can_read(s[0])],
        modules=current_app.extensions["aftersales"].manifests,
        today=ctx.today,
    )


class DashboardView(BaseView):
    route_base = "/dashboard"
    template_folder = TEMPLATES
    class_permission_name = "Dashboard"
    method_permission_name = {"index": "read"}
    base_permissions = ["can_read"]
    default_view = "index"

    @expose("/")
    @has_access
    def index(self):
        return dashboard_page(self)


MENU = [
    MenuEntry(DashboardView, "Dashboard", _l("Dashboard"), icon="fa-gauge"),
    MenuEntry(
        MyNotificationView, "My notifications", _l("My notifications"), icon="fa-bell", group="me"
    ),
    MenuEntry(
        ServiceReportView,
        "Service report",
        _l("Service report"),
        icon="fa-file-pdf",
        group="reports",
    ),
    MenuEntry(
        CostRevenueView,
        "Cost and revenue",
        _l("Cost and revenue"),
        icon="fa-coins",
        group="reports",
    ),
    MenuEntry(
        PlanningView,
        "Pricing and warranty planning",
        _l("Pricing and warranty planning"),
        icon="fa-scale-balanced",
        group="reports",
    ),
    MenuEntry(CompetitorView, "Competitors", _l("Competitors"), icon="fa-chess", group="settings"),
    MenuEntry(
        MarketTermsView,
        "After-sales terms",
        _l("After-sales terms"),
        icon="fa-list",
        group="settings",
    ),
    MenuEntry(
        MarketView,
        "Terms side by side",
        _l("Terms side by side"),
        icon="fa-table-columns",
        href="/market/compare",
        group="reports",
        roles=(SERVICE_MANAGER, ACCOUNTANT, VIEWER),
    ),
    MenuEntry(
        CampaignView, "Promotions and events", _l("Promotions and events"), icon="fa-bullhorn"
    ),
    MenuEntry(MySettingsView, "My settings", _l("My settings"), icon="fa-sliders", group="me"),
]


def unread_notifications() -> int:
    """The unread notifications of the request's user (the notification record rule:
    its recipient only), for the navbar's bell: one count per page."""
    stmt = select(func.count(Notification.id)).where(Notification.read_at.is_(None))
    return db.session.scalar(restrict(stmt, Notification)) or 0


NAVBAR = [
    NavbarItem(
        "unread_notifications",
        "MyNotification",
        "MyNotificationView.list",
        "fa-bell",
        _l("Unread notifications"),
        unread_notifications,
    )
]
