"""Configuration: defaults, then environment overrides, then the caller's mapping.

Every setting an installation may change is read from the environment here and
nowhere else, so `create_app()` behaves the same under the CLI, a WSGI server
and the tests.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask_appbuilder.security.manager import AUTH_DB

PROJECT_ROOT = Path(__file__).resolve().parent.parent

LANGUAGES = {
    "en": {"flag": "gb", "name": "English"},
    "pt_BR": {"flag": "br", "name": "Português (Brasil)"},
    "ru": {"flag": "ru", "name": "Русский"},
}


class ConfigError(RuntimeError):
    """The configuration cannot start the application; the message says why."""


def defaults(instance_path: str) -> dict[str, Any]:
    return {
        "APP_NAME": "Aftersales",
        "SQLALCHEMY_DATABASE_URI": "sqlite:///" + os.path.join(instance_path, "aftersales.db"),
        "SQLALCHEMY_TRACK_MODIFICATIONS": False,
        "SECRET_KEY": None,
        # Modules: None means every built-in module plus installed entry points.
        "AFTERSALES_MODULES": None,
        "CURRENCY": "RUB",
        # hourly labour rate used when a repair's labour line names none
        "LABOUR_RATE": "0",
        "JURISDICTION": "RU",
        # Country (and optional subdivision) of the working-day calendar.
        "CALENDAR_COUNTRY": None,
        "CALENDAR_SUBDIV": None,
        # Flask-AppBuilder
        "AUTH_TYPE": AUTH_DB,
        "AUTH_ROLE_ADMIN": "Admin",
        "AUTH_ROLE_PUBLIC": "Public",
        "AUTH_RATE_LIMITED": True,
        "AUTH_RATE_LIMIT": "10 per 20 second",
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_STORAGE_URI": "memory://",
        "FAB_CREATE_DB": False,  # the schema, ab_* included, comes from migrations
        "FAB_UPDATE_PERMS": False,  # permissions are written by `flask aftersales init`
        "FAB_API_SWAGGER_UI": True,
        "FAB_API_MAX_PAGE_SIZE": 100,
        "FAB_ADD_SECURITY_API": False,  # FAB 5.3 security CRUD APIs fail on marshmallow 4
        "FAB_ADD_SECURITY_VIEWS": True,
        "FAB_SECURITY_MANAGER_CLASS": "app.security.AppSecurityManager",
        "FAB_INDEX_VIEW": "app.views.HomeView",
        "FAB_BASE_TEMPLATE": "aftersales/baselayout.html",
        # Babel
        "LANGUAGES": LANGUAGES,
        "BABEL_DEFAULT_LOCALE": "en",
        "BABEL_DEFAULT_FOLDER": "translations",
        "BABEL_TRANSLATION_DIRECTORIES": "",  # set in create_app (FAB's + ours)
        # Sessions and cookies
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": False,
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=8),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "WTF_CSRF_ENABLED": True,
        "WTF_CSRF_TIME_LIMIT": None,
        "JWT_ACCESS_TOKEN_EXPIRES": timedelta(minutes=30),
        # E-mail (notification digests); no MAIL_SERVER: in-app notifications only
        "MAIL_SERVER": None,
        "MAIL_PORT": 25,
        "MAIL_USE_TLS": False,
        "MAIL_USE_SSL": False,
        "MAIL_USERNAME": None,
        "MAIL_PASSWORD": None,
        "MAIL_DEFAULT_SENDER": None,
        "MAIL_TIMEOUT": 30,
        "BASE_URL": None,  # e.g. https://aftersales.example.com, for links in e-mails
        # CSV
        "CSV_DEFAULT_DELIMITER": ",",
        "CSV_MAX_UPLOAD_BYTES": 20 * 1024 * 1024,
        "MAX_CONTENT_LENGTH": 32 * 1024 * 1024,
        # Attachments: largest file, and the kinds (extensions) accepted
        "ATTACHMENT_MAX_BYTES": 10 * 1024 * 1024,
        "ATTACHMENT_TYPES": (
            "pdf",
            "png",
            "jpg",
            "jpeg",
            "gif",
            "webp",
            "txt",
            "csv",
            "docx",
            "xlsx",
            "odt",
            "ods",
        ),
    }


_ENV_STRINGS = (
    "SECRET_KEY",
    "CURRENCY",
    "LABOUR_RATE",
    "JURISDICTION",
    "BABEL_DEFAULT_LOCALE",
    "CALENDAR_COUNTRY",
    "CALENDAR_SUBDIV",
    "RATELIMIT_STORAGE_URI",
    "LOG_FORMAT",
    "LOG_LEVEL",
    "AUTH_RATE_LIMIT",
    "MAIL_SERVER",
    "MAIL_USERNAME",
    "MAIL_PASSWORD",
    "MAIL_DEFAULT_SENDER",
    "BASE_URL",
)


def from_environment(env: os._Environ[str] | dict[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if env.get("DATABASE_URL"):
        out["SQLALCHEMY_DATABASE_URI"] = env["DATABASE_URL"]
    for key in _ENV_STRINGS:
        if env.get(key):
            out[key] = env[key]
    if env.get("AFTERSALES_MODULES"):
        out["AFTERSALES_MODULES"] = [
            m.strip() for m in env["AFTERSALES_MODULES"].split(",") if m.strip()
        ]
    if env.get("FLASK_DEBUG", "").lower() in ("1", "true", "yes"):
        out["DEBUG"] = True
    if env.get("MAIL_PORT", "").isdigit():
        out["MAIL_PORT"] = int(env["MAIL_PORT"])
    if env.get("ATTACHMENT_MAX_BYTES", "").isdigit():
        out["ATTACHMENT_MAX_BYTES"] = int(env["ATTACHMENT_MAX_BYTES"])
    if env.get("ATTACHMENT_TYPES"):
        out["ATTACHMENT_TYPES"] = tuple(
            t.strip().lower().lstrip(".") for t in env["ATTACHMENT_TYPES"].split(",") if t.strip()
        )
    for key in ("MAIL_USE_TLS", "MAIL_USE_SSL"):
        if env.get(key):
            out[key] = env[key].lower() in ("1", "true", "yes")
    if env.get("SESSION_COOKIE_SECURE"):
        out["SESSION_COOKIE_SECURE"] = env["SESSION_COOKIE_SECURE"].lower() in ("1", "true", "yes")
    return out


def check(config: dict[str, Any]) -> None:
    """Refuse to start with a configuration that is unsafe or unusable."""
    if not config.get("SECRET_KEY"):
        if config.get("DEBUG") or config.get("TESTING"):
            config["SECRET_KEY"] = "dev-only-not-secret"  # noqa: S105
        else:
            raise ConfigError(
                "SECRET_KEY is not set. Set the SECRET_KEY environment variable to a long "
                "random string (e.g. `python -c 'import secrets; print(secrets.token_hex(32))'`)."
            )
    if not config.get("CALENDAR_COUNTRY"):
        config["CALENDAR_COUNTRY"] = {"RU": "RU", "BR": "BR"}.get(config["JURISDICTION"])
