"""My notifications and my settings (language, time zone, daily digest on or off)."""

from __future__ import annotations

from pathlib import Path

from flask import abort, current_app, flash, redirect, request, session, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from markupsafe import Markup
from sqlalchemy import select

from app.datamodel import AppInterface
from app.db import db
from app.errors import DomainError
from app.formats import ZONE, timezone_choices, zone_label
from app.security import VIEW_METHOD_PERMISSIONS
from app.views import AppModelView
from modules.dashboard.models import MAIL_STATES, Notification, UserSetting, local_link
from modules.dashboard.services import notify
from modules.dashboard.web import MyNotificationsFilter, current_user_id

TEMPLATES = str(Path(__file__).parent / "templates")


def link_markup(link: str | None) -> Markup | str:
    """A notice's stored link as a link when it is a path of this site; anything else
    (another site, "javascript:") as plain text."""
    local = local_link(link)
    if local is None:
        return link or ""
    return Markup('<a href="{}">{}</a>').format(local, local)


class MyNotificationView(AppModelView):
    datamodel = AppInterface(Notification)
    class_permission_name = "MyNotification"
    route_base = "/mynotifications"
    template_folder = TEMPLATES
    list_template = "dashboard/notifications.html"
    include_route_methods = {"list", "show", "open", "read", "read_all"}
    method_permission_name = {
        **VIEW_METHOD_PERMISSIONS,
        "open": "write",
        "read": "write",
        "read_all": "write",
    }
    base_permissions = ["can_read", "can_write"]
    base_filters = [["user_id", MyNotificationsFilter, None]]
    list_title = _l("My notifications")
    show_title = _l("Notification")
    label_columns = {
        "created_at": _l("Received (%(zone)s)", zone=ZONE),
        "due_on": _l("Due"),
        "text": _l("Notice"),
        "notice": _l("Notice"),
        "read_at": _l("Read (%(zone)s)", zone=ZONE),
        "is_read": _l("Read"),
        "mail_state": _l("E-mail"),
        "link": _l("Link"),
    }
    list_columns = ["created_at", "due_on", "notice", "is_read"]
    show_columns = ["created_at", "due_on", "text", "link", "read_at", "mail_state"]
    search_columns = ["created_at", "due_on", "read_at"]
    order_columns = ["created_at", "due_on"]
    base_order = ("created_at", "desc")
    formatters_columns = {"mail_state": MAIL_STATES.label}

    def _init_properties(self):
        super()._init_properties()
        self.formatters_columns["is_read"] = lambda v: str(_l("Yes")) if v else str(_l("No"))
        self.formatters_columns["link"] = link_markup

    @expose("/open/<int:pk>")
    @has_access
    def open(self, pk):
        """Mark the notice read and go where it points."""
        try:
            n = notify.mark_read(db.session, current_user_id(), pk)
        except DomainError:
            abort(404)
        db.session.commit()
        link = local_link(n.link)
        return redirect(link or url_for("MyNotificationView.list"))

    @expose("/read/<int:pk>", methods=["POST"])
    @has_access
    def read(self, pk):
        return self.act_on(
            pk,
            lambda n: notify.mark_read(db.session, current_user_id(), n.id),
            _l("Marked read."),
        )

    @expose("/read_all", methods=["POST"])
    @has_access
    def read_all(self):
        count = notify.mark_all_read(db.session, current_user_id())
        db.session.commit()
        flash(
            ngettext(
                "%(num)s notification marked read.", "%(num)s notifications marked read.", count
            ),
            "info",
        )
        return redirect(url_for("MyNotificationView.list"))


class MySettingsView(BaseView):
    route_base = "/mysettings"
    template_folder = TEMPLATES
    class_permission_name = "MySettings"
    method_permission_name = {"index": "read", "save": "write"}
    base_permissions = ["can_read", "can_write"]
    default_view = "index"

    def _page(self, status: int = 200):
        uid = current_user_id()
        setting = db.session.scalar(select(UserSetting).where(UserSetting.user_id == uid))
        return self.render_template(
            "dashboard/settings.html",
            setting=setting,
            languages=current_app.config["LANGUAGES"],
            default_locale=current_app.config.get("BABEL_DEFAULT_LOCALE", "en"),
            timezones=timezone_choices(),
            default_zone=zone_label(current_app.config.get("DEFAULT_TIMEZONE") or "UTC"),
        ), status

    @expose("/")
    @has_access
    def index(self):
        return self._page()

    @expose("/", methods=["POST"])
    @has_access
    def save(self):
        locale = request.form.get("locale") or None
        zone = request.form.get("timezone") or None
        digest = request.form.get("email_digest") in ("1", "on", "y", "true")
        try:
            notify.save_settings(db.session, current_user_id(), locale, digest, zone)
        except DomainError as err:
            db.session.rollback()
            flash(str(err.message), "danger")
            return self._page(err.status)
        db.session.commit()
        if locale:
            session["locale"] = locale  # the pages speak it at once, not from the next login
        if zone:
            session["timezone"] = zone  # and show their times in it
        else:
            session.pop("timezone", None)
        flash(str(_l("Settings saved.")), "success")
        return redirect(url_for("MySettingsView.index"))
