"""Configuration: defaults, then environment overrides, then the caller's mapping.

Every setting an installation may change is read from the environment here and
nowhere else, so `create_app()` behaves the same under the CLI, a WSGI server
and the tests.
"""

from __future__ import annotations

import os
import secrets
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
        # how far (percent) a paid repair may go beyond the quote the customer approved
        "QUOTE_TOLERANCE_PCT": "0",
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
        # Login throttling, account lockout and logouts live here: memory:// is one
        # process's memory; several workers or machines need a shared redis://.
        "RATELIMIT_STORAGE_URI": "memory://",
        # An account is locked after this many failed logins within the window (also
        # for the right password), form and API alike; 0 turns the lockout off. It is
        # on while AUTH_RATE_LIMITED is.
        "LOGIN_LOCKOUT_FAILURES": 5,
        "LOGIN_LOCKOUT_MINUTES": 15,
        # Trusted reverse proxies in front of the app: how many X-Forwarded-For /
        # X-Forwarded-Proto / X-Forwarded-Host entries to believe (werkzeug ProxyFix);
        # 0 (default): the client address is the TCP peer, the headers are ignored.
        "PROXY_FIX_X_FOR": 0,
        "PROXY_FIX_X_PROTO": 0,
        "PROXY_FIX_X_HOST": 0,
        # Passwords set in the user forms and by `create-admin` (app.auth.password_policy)
        "PASSWORD_MIN_LENGTH": 12,
        "FAB_PASSWORD_COMPLEXITY_ENABLED": True,
        "FAB_PASSWORD_COMPLEXITY_VALIDATOR": None,  # set in check(): app.auth.password_policy
        # Strict-Transport-Security max-age, sent when SESSION_COOKIE_SECURE is on
        "HSTS_MAX_AGE": 365 * 24 * 3600,
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
        # The time zone (IANA name) times are shown in to a user who chose none in
        # My settings, and to every page before login; stored times stay UTC.
        "DEFAULT_TIMEZONE": "UTC",
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
        # Where a debug instance keeps its generated secret key (see check())
        "AFTERSALES_INSTANCE_PATH": instance_path,
        # CSV
        "CSV_DEFAULT_DELIMITER": ",",
        "CSV_MAX_UPLOAD_BYTES": 20 * 1024 * 1024,
        # Data rows of one import in a request (counted before any row is checked)
        "CSV_MAX_IMPORT_ROWS": 20000,
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
    "QUOTE_TOLERANCE_PCT",
    "JURISDICTION",
    "BABEL_DEFAULT_LOCALE",
    "DEFAULT_TIMEZONE",
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


_ENV_INTEGERS = (
    "ATTACHMENT_MAX_BYTES",
    "CSV_MAX_UPLOAD_BYTES",
    "CSV_MAX_IMPORT_ROWS",
    "LOGIN_LOCKOUT_FAILURES",
    "LOGIN_LOCKOUT_MINUTES",
    "PROXY_FIX_X_FOR",
    "PROXY_FIX_X_PROTO",
    "PROXY_FIX_X_HOST",
    "PASSWORD_MIN_LENGTH",
    "HSTS_MAX_AGE",
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
    for key in _ENV_INTEGERS:
        if env.get(key, "").strip().isdigit():
            out[key] = int(env[key])
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


# A production key shorter than this is refused (32 characters: 128 bits as hex).
MIN_SECRET_KEY_LENGTH = 32
SECRET_KEY_FILE = "secret_key"  # noqa: S105 - a file name, not a key
KEY_FROM = "AFTERSALES_SECRET_KEY_FROM"  # setting, instance, testing or process


def check(config: dict[str, Any]) -> None:
    """Refuse to start with a configuration that is unsafe or unusable."""
    development = bool(config.get("DEBUG") or config.get("TESTING"))
    resolve_secret_key(config)
    if not development and len(str(config["SECRET_KEY"])) < MIN_SECRET_KEY_LENGTH:
        raise ConfigError(
            f"SECRET_KEY is too short ({len(str(config['SECRET_KEY']))} characters; at least "
            f"{MIN_SECRET_KEY_LENGTH}). Use a long random string, e.g. "
            "`python -c 'import secrets; print(secrets.token_hex(32))'`."
        )
    if config.get("FAB_PASSWORD_COMPLEXITY_VALIDATOR") is None:
        from app.auth import password_policy

        config["FAB_PASSWORD_COMPLEXITY_VALIDATOR"] = password_policy
    for key in ("LOGIN_LOCKOUT_FAILURES", "LOGIN_LOCKOUT_MINUTES", "CSV_MAX_IMPORT_ROWS"):
        if int(config.get(key) or 0) < 0:
            raise ConfigError(f"{key} must be 0 or more")
    check_timezone(config)
    if not config.get("CALENDAR_COUNTRY"):
        config["CALENDAR_COUNTRY"] = {"RU": "RU", "BR": "BR"}.get(config["JURISDICTION"])


def check_timezone(config: dict[str, Any]) -> None:
    """DEFAULT_TIMEZONE must name an IANA time zone (Europe/Moscow, America/Sao_Paulo)."""
    from app.i18n import timezones

    zone = str(config.get("DEFAULT_TIMEZONE") or "UTC").strip()
    if zone not in timezones():
        raise ConfigError(
            f"DEFAULT_TIMEZONE {zone!r} is not a time zone name; use an IANA name such as "
            "UTC, Europe/Moscow or America/Sao_Paulo."
        )
    config["DEFAULT_TIMEZONE"] = zone


def resolve_secret_key(config: dict[str, Any]) -> None:
    """SECRET_KEY, when the setting (environment or mapping) gives none.

    - debug: the instance's key, created on first use (`<instance>/secret_key`, 0600);
    - tests: a random key for this process;
    - otherwise the instance's key file, when it has one (what `flask aftersales init`
      writes), so neither the web server nor a command needs the key exported;
    - a `flask ...` command other than `flask run` on an instance without one: a key for
      this process only (`init` then writes the instance's);
    - a web server without any key refuses to start.

    `config[KEY_FROM]` records where the key came from: setting, instance, testing or
    process."""
    instance = config.get("AFTERSALES_INSTANCE_PATH")
    if config.get("SECRET_KEY"):
        config[KEY_FROM] = "setting"
    elif config.get("DEBUG"):
        config["SECRET_KEY"] = instance_secret_key(instance)
        config[KEY_FROM] = "instance"
    elif config.get("TESTING"):
        config["SECRET_KEY"] = secrets.token_hex(32)  # this process only
        config[KEY_FROM] = "testing"
    elif (key := read_instance_key(instance)) is not None:
        config["SECRET_KEY"] = key
        config[KEY_FROM] = "instance"
    elif running_a_command():
        config["SECRET_KEY"] = secrets.token_hex(32)  # nothing this process signs outlives it
        config[KEY_FROM] = "process"
    else:
        where = key_file(instance) if instance else "the instance folder"
        raise ConfigError(
            f"SECRET_KEY is not set and the instance has no key ({where}). Run "
            "`.venv/bin/flask aftersales init` to create the instance's key, or set the "
            "SECRET_KEY environment variable to a long random string (e.g. `python -c "
            "'import secrets; print(secrets.token_hex(32))'`; the same on every machine)."
        )


def running_a_command() -> bool:
    """Built by a `flask ...` command line other than the web server (`flask run`)."""
    import click

    ctx = click.get_current_context(silent=True)
    return ctx is not None and ctx.command.name != "run"


def key_file(instance_path: str) -> Path:
    return Path(instance_path) / SECRET_KEY_FILE


def read_instance_key(instance_path: str | None) -> str | None:
    """The key kept in `<instance>/secret_key`, or None when there is no such file."""
    if not instance_path:
        return None
    path = key_file(instance_path)
    try:
        key = path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    if len(key) < MIN_SECRET_KEY_LENGTH:
        raise ConfigError(
            f"{path} holds a key of {len(key)} characters; at least {MIN_SECRET_KEY_LENGTH} "
            "are needed. Delete the file and run `.venv/bin/flask aftersales init` to "
            "write a new one (everyone logged in is logged out)."
        )
    return key


def instance_secret_key(instance_path: str | None) -> str:
    """The instance's own random key, kept in `<instance>/secret_key` (mode 0600), created
    when missing (or too short).

    Kept in a file rather than drawn per process: the development server's reloader
    restarts the process on every code change, and the web server next to `flask
    aftersales ...` commands must sign alike; `flask aftersales init` and debug
    instances write it. Never a fixed key: one published in the source signs anyone's
    cookie."""
    if not instance_path:
        return secrets.token_hex(32)
    path = key_file(instance_path)
    try:
        existing = path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        existing = ""
    if len(existing) >= MIN_SECRET_KEY_LENGTH:
        return existing
    key = secrets.token_hex(32)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.fchmod(fd, 0o600)
        os.write(fd, (key + "\n").encode())
    finally:
        os.close(fd)
    return key
