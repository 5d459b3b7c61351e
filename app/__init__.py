"""Aftersales core: `create_app()` is the only place where loading happens."""

from __future__ import annotations

import logging
import os
import warnings
from collections.abc import Iterable, Mapping
from typing import Any

from flask import Flask, jsonify
from flask_appbuilder import AppBuilder
from flask_babel import lazy_gettext as _l
from flask_migrate import Migrate
from flask_wtf.csrf import CSRFProtect

from app import audit, config, edge, hardening, i18n, logs, menus, registry
from app.db import db
from app.policy import PolicyBook
from app.security import CORE_PERMISSIONS

__all__ = ["create_app", "db"]

log = logging.getLogger("aftersales")
csrf = CSRFProtect()
migrate = Migrate(compare_type=True, render_as_batch=True)


@migrate.configure
def _module_migrations(alembic_config):
    """Every module's own revisions next to the core's (app.ops.version_locations)."""
    from app import ops

    alembic_config.set_main_option("version_path_separator", "os")
    alembic_config.set_main_option("version_locations", os.pathsep.join(ops.version_locations()))
    return alembic_config


def create_app(
    config_overrides: Mapping[str, Any] | None = None, modules: Iterable[str] | None = None
) -> Flask:
    """Build the application.

    `config_overrides` wins over the environment, which wins over the defaults;
    `modules` (or AFTERSALES_MODULES) names the modules to load, default all.
    """
    instance = os.environ.get("AFTERSALES_INSTANCE_PATH")
    # Flask wants an absolute folder; a relative one is taken from where the command runs
    app = Flask(__name__, instance_path=os.path.abspath(instance) if instance else None)
    os.makedirs(app.instance_path, exist_ok=True)
    cfg = config.defaults(app.instance_path)
    cfg.update(config.from_environment(os.environ))
    cfg.update(config_overrides or {})
    config.check(cfg)
    app.config.update(cfg)
    _quiet_misleading_messages()
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(config.PROJECT_ROOT / "translations")

    wanted = modules if modules is not None else app.config["AFTERSALES_MODULES"]
    manifests = registry.order(registry.discover(), wanted)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(config.PROJECT_ROOT / "migrations"))
    csrf.init_app(app)
    audit.install()
    with app.app_context():
        appbuilder = AppBuilder()
        appbuilder.init_app(app, db.session)
        hardening.install_login_limits(appbuilder)
        _register_core(appbuilder)
        loaded = registry.load(appbuilder, manifests)
        loaded.permissions = {"core": CORE_PERMISSIONS, **loaded.permissions}
        loaded.policy = PolicyBook.build(loaded.permissions.values())
        app.extensions["aftersales"] = loaded
        _register_core_menu(appbuilder)
    edge.install(app)
    hardening.install(app)
    i18n.install(app)
    menus.install(app)
    _install_health(app)
    from app import formats, surface

    app.jinja_env.filters["number"] = formats.number
    app.jinja_env.filters["day"] = formats.day
    app.jinja_env.filters["moment"] = formats.moment
    app.jinja_env.globals["days_left_label"] = surface.days_left_label
    logs.configure(app)
    from app.cli import aftersales_cli

    app.cli.add_command(aftersales_cli)
    return app


class _MisleadingFabMessage(logging.Filter):
    """FAB messages that mislead an operator of this app, lowered to DEBUG:
    - "No user yet created, use flask fab command to do it." while `flask aftersales
      init` writes the roles (the next step, `create-admin` or `demo`, creates users);
    - "Refused to delete permission view, assoc with role exists ...": FAB sees a
      permission that no view declares, which `sync-roles` grants on purpose (e.g.
      `can_override_billing`), tries to delete it on every run and refuses."""

    MESSAGES = frozenset(
        {
            "No user yet created, use flask fab command to do it.",
            "Refused to delete permission view, assoc with role exists %s.%s %s",
        }
    )

    def filter(self, record: logging.LogRecord) -> bool:
        if record.msg in self.MESSAGES:
            record.levelno, record.levelname = logging.DEBUG, "DEBUG"
            return logging.getLogger(record.name).isEnabledFor(logging.DEBUG)
        return True


def _quiet_misleading_messages() -> None:
    """Install the filters above once per process; apispec's warning that two related
    schemas of one API share a name (it renames the second, e.g. two relations to
    Partner) is not the operator's concern."""
    for name in ("flask_appbuilder.security.manager", "flask_appbuilder.security.sqla.manager"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, _MisleadingFabMessage) for f in logger.filters):
            logger.addFilter(_MisleadingFabMessage())
    warnings.filterwarnings(
        "ignore", message="Multiple schemas resolved to the name", category=UserWarning
    )


def _register_core(appbuilder: AppBuilder) -> None:
    from app.api_attachments import AttachmentApi
    from app.api_csv import CsvApi
    from app.views_exports import ExportsView
    from app.views_files import AttachmentView
    from app.views_lookup import LookupView
    from app.views_search import SearchApi, SearchView

    appbuilder.add_view_no_menu(LookupView)
    appbuilder.add_view_no_menu(SearchView)
    appbuilder.add_api(SearchApi)
    appbuilder.add_view_no_menu(AttachmentView)
    appbuilder.add_api(AttachmentApi)
    appbuilder.add_view(
        ExportsView,
        "Exports",
        icon="fa-file-csv",
        label=_l("Exports"),
        category="Reports",
        category_label=_l("Reports"),
        category_icon="fa-chart-bar",
    )
    appbuilder.add_api(CsvApi)


def _register_core_menu(appbuilder: AppBuilder) -> None:
    """Administration pages go last in the menu, after the modules'."""
    from app.views import AuditLogView, CalendarDayView, LegalPeriodView

    for view, name, label, icon in (
        (CalendarDayView, "Working calendar", _l("Working calendar"), "fa-calendar"),
        (LegalPeriodView, "Legal periods", _l("Legal periods"), "fa-scale-balanced"),
        (AuditLogView, "Audit log", _l("Audit log"), "fa-history"),
    ):
        appbuilder.add_view(
            view,
            name,
            icon=icon,
            label=label,
            category="Settings",
            category_label=_l("Settings"),
            category_icon="fa-cogs",
        )


def _install_health(app: Flask) -> None:
    """`GET /health`: 200 when the database answers and is at the newest migration,
    503 otherwise; open to anyone (a load balancer has no login)."""
    from app import ops

    heads = ops.migration_heads()

    @app.get("/health")
    def health():
        ok, body = ops.health(db.engine, heads)
        return jsonify(body), 200 if ok else 503
