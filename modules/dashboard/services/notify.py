"""Notifications: collect what the loaded modules report as due or overdue, hand each
notice to the responsible user (his deputy while he is absent) once, and e-mail each
recipient a daily digest in his language (SMTP settings MAIL_* in the config)."""

from __future__ import annotations

import contextlib
import logging
import smtplib
import ssl
from collections import defaultdict
from datetime import date
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from types import EllipsisType

from flask import current_app
from flask_appbuilder.security.sqla.models import User
from flask_babel import force_locale, format_date, gettext, ngettext
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from sqlalchemy import func, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session

from app import insights
from app.config import LANGUAGES
from app.db import utcnow
from app.errors import DomainError, NotFound
from app.formats import force_timezone
from app.i18n import known_timezone
from app.insights import Notice, message_parts
from modules.dashboard.models import KINDS, Notification, UserSetting

log = logging.getLogger("aftersales.dashboard")


def collect(session: Session, today: date) -> tuple[list[tuple[str, Notice]], list[str]]:
    """(source key, notice) from every loaded source, and the sources that failed."""
    out: list[tuple[str, Notice]] = []
    failed: list[str] = []
    for _m, src in insights.collect("notifications"):
        try:
            out.extend((src.key, n) for n in src.collect(session, today))
        except Exception:  # one broken source must not stop the others
            log.exception("notification source %s failed", src.key)
            session.rollback()
            failed.append(src.key)
    return out, failed


def store(session: Session, today: date) -> dict:
    """Turn today's notices into notifications; a (recipient, key) pair is stored once."""
    notices, failed = collect(session, today)
    active = {uid for (uid,) in session.execute(select(User.id).where(User.active.is_(True)))}
    existing: set[tuple[int, str]] = set()
    created = 0
    for source_key, notice in notices:
        recipient = insights.stand_in(session, notice.user_id, today)
        if recipient is None or recipient not in active:
            continue
        key = notice.key[:200]
        if (recipient, key) in existing:
            continue
        existing.add((recipient, key))
        found = session.scalar(
            select(Notification.id).where(
                Notification.user_id == recipient, Notification.key == key
            )
        )
        if found is not None:
            continue
        message, params = notice_parts(notice.text)
        session.add(
            Notification(
                user_id=recipient,
                owner_id=notice.user_id if recipient != notice.user_id else None,
                source=source_key[:64],
                key=key,
                message=message,
                params=params,
                link=(notice.link or None) and notice.link[:500],
                due_on=notice.due,
            )
        )
        created += 1
    session.commit()
    return {"notices": len(notices), "new notifications": created, "failed sources": failed}


def notice_parts(text) -> tuple[str, dict]:
    """(message id, parameters) of a notice's lazy text, to store and translate later in
    the reader's language; parameters that are dates or translatable texts are noted."""
    message, texts = message_parts(text)
    params: dict = dict(texts)
    kinds: dict[str, str] = {}
    for name, value in (getattr(text, "_kwargs", None) or {}).items():
        if isinstance(value, date):
            kinds[name] = "date"
        elif isinstance(value, LazyString) and getattr(value, "_args", None):
            params[name] = str(value._args[0])  # the message id, not today's translation
            kinds[name] = "text"
    if kinds:
        params[KINDS] = kinds
    return message, params


def deliver(session: Session, today: date, send_mail: bool = True) -> dict:
    """`flask aftersales notify`: store today's notifications, then send the digests."""
    summary = store(session, today)
    summary["failed sources"] = ", ".join(summary["failed sources"]) or "-"
    if send_mail:
        summary.update(send_digests(session, today))
    return summary


# ------------------------------------------------------------------ e-mail


def chosen_locale(session: Session, user_id: int) -> str | None:
    """The language the user chose in his settings, if he chose one."""
    setting = session.scalar(select(UserSetting).where(UserSetting.user_id == user_id))
    if setting is not None and setting.locale in LANGUAGES:
        return setting.locale
    return None


def chosen_timezone(session: Session, user_id: int) -> str | None:
    """The time zone the user chose in his settings, if he chose one."""
    setting = session.scalar(select(UserSetting).where(UserSetting.user_id == user_id))
    if setting is not None and known_timezone(setting.timezone):
        return setting.timezone
    return None


def user_timezone(session: Session, user_id: int) -> str:
    """The user's zone, else the installation's (DEFAULT_TIMEZONE)."""
    default = current_app.config.get("DEFAULT_TIMEZONE") or "UTC"
    return chosen_timezone(session, user_id) or (default if known_timezone(default) else "UTC")


def user_locale(session: Session, user_id: int) -> str:
    default = current_app.config.get("BABEL_DEFAULT_LOCALE") or "en"
    return chosen_locale(session, user_id) or (default if default in LANGUAGES else "en")


def wants_mail(session: Session, user_id: int) -> bool:
    setting = session.scalar(select(UserSetting).where(UserSetting.user_id == user_id))
    return setting is None or bool(setting.email_digest)


def digest(
    user: User, items: list[Notification], today: date, locale: str, zone: str = "UTC"
) -> EmailMessage:
    """One user's digest, written in `locale`, its times in `zone`."""
    config = current_app.config
    base = (config.get("BASE_URL") or "").rstrip("/")
    with force_locale(locale), force_timezone(zone):
        subject = ngettext(
            "%(app)s: %(num)s notice, %(date)s",
            "%(app)s: %(num)s notices, %(date)s",
            len(items),
            app=config.get("APP_NAME", "Aftersales"),
            date=format_date(today, "long"),
        )
        lines = [gettext("Hello %(name)s,", name=user.first_name or user.username), ""]
        lines.append(gettext("These need your attention:"))
        lines.append("")
        for n in items:
            line = f"- {n.text}"
            if n.due_on:
                line += " — " + gettext("due %(date)s", date=format_date(n.due_on, "medium"))
            lines.append(line)
            if n.link:
                lines.append(f"  {base}{n.link}")
        everything = f"{base}/mynotifications/list/"
        lines += ["", gettext("All your notifications: %(url)s", url=everything)]
    msg = EmailMessage()
    msg["Subject"] = subject
    msg["From"] = config.get("MAIL_DEFAULT_SENDER") or f"aftersales@{_host(config)}"
    msg["To"] = user.email
    msg["Date"] = formatdate(localtime=True)
    msg["Message-ID"] = make_msgid(domain=_host(config))
    msg.set_content("\n".join(lines))  # (clears Content-* headers: set them after)
    msg["Content-Language"] = locale.replace("_", "-")
    return msg


def _host(config) -> str:
    sender = config.get("MAIL_DEFAULT_SENDER") or ""
    return sender.rsplit("@", 1)[-1].strip(">") if "@" in sender else "localhost"


def _connect(config) -> smtplib.SMTP:
    host, port = config["MAIL_SERVER"], int(config.get("MAIL_PORT") or 25)
    timeout = config.get("MAIL_TIMEOUT", 30)
    if config.get("MAIL_USE_SSL"):
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(
            host, port, timeout=timeout, context=ssl.create_default_context()
        )
    else:
        smtp = smtplib.SMTP(host, port, timeout=timeout)
        if config.get("MAIL_USE_TLS"):
            smtp.starttls(context=ssl.create_default_context())
    if config.get("MAIL_USERNAME"):
        smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
    return smtp


def send_digests(session: Session, today: date) -> dict:
    """E-mail every pending notification, one digest per user; notifications of users
    without an address (or who turned the digest off) are marked not sent. Without
    MAIL_SERVER nothing is e-mailed."""
    config = current_app.config
    pending = session.scalars(
        select(Notification)
        .where(Notification.mail_state == "pending")
        .order_by(Notification.user_id, Notification.due_on, Notification.id)
    ).all()
    if not config.get("MAIL_SERVER"):
        for n in pending:
            n.mail_state = "skipped"
        session.commit()
        return {"e-mails sent": 0, "mail": "MAIL_SERVER is not set: in-app only"}
    by_user: dict[int, list[Notification]] = defaultdict(list)
    for n in pending:
        by_user[n.user_id].append(n)
    sent = errors = 0
    smtp = None
    try:
        for user_id, items in by_user.items():
            user = session.get(User, user_id)
            if user is None or not (user.email and user.active) or not wants_mail(session, user_id):
                for n in items:
                    n.mail_state = "skipped"
                session.commit()
                continue
            msg = digest(
                user,
                items,
                today,
                user_locale(session, user_id),
                user_timezone(session, user_id),
            )
            try:
                if smtp is None:
                    smtp = _connect(config)
                smtp.send_message(msg)
            except (smtplib.SMTPException, OSError) as exc:
                log.error("digest to %s not sent: %s", user.email, exc)
                errors += 1
                if isinstance(exc, (smtplib.SMTPServerDisconnected, OSError)):
                    smtp = None
                continue
            now = utcnow()
            for n in items:
                n.mail_state, n.mailed_at = "sent", now
            session.commit()
            sent += 1
    finally:
        if smtp is not None:
            with contextlib.suppress(smtplib.SMTPException, OSError):
                smtp.quit()
    return {"e-mails sent": sent, "mail_errors": errors}


# ------------------------------------------------------------------ in the app


def unread_count(session: Session, user_id: int | None) -> int:
    if user_id is None:
        return 0
    count = session.scalar(
        select(func.count(Notification.id)).where(
            Notification.user_id == user_id, Notification.read_at.is_(None)
        )
    )
    return count or 0


def mark_read(session: Session, user_id: int, notification_id: int) -> Notification:
    n = session.get(Notification, notification_id)
    if n is None or n.user_id != user_id:
        raise NotFound(_l("No such notification."))
    if n.read_at is None:
        n.read_at = utcnow()
    return n


def mark_all_read(session: Session, user_id: int) -> int:
    result: CursorResult = session.execute(  # type: ignore[assignment]
        update(Notification)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    return result.rowcount or 0


def save_settings(
    session: Session,
    user_id: int,
    locale: str | None,
    email_digest: bool,
    timezone: str | None | EllipsisType = ...,
):
    """A user's language, time zone (None: the installation's; left out: unchanged) and
    whether he wants the daily e-mail."""
    if locale is not None and locale not in LANGUAGES:
        raise DomainError(_l("Unknown language."), field="locale")
    if timezone is not ... and timezone is not None and not known_timezone(timezone):
        raise DomainError(_l("Unknown time zone."), field="timezone")
    setting = session.scalar(select(UserSetting).where(UserSetting.user_id == user_id))
    if setting is None:
        setting = UserSetting(user_id=user_id)
        session.add(setting)
    setting.locale = locale
    if timezone is not ...:
        setting.timezone = timezone
    setting.email_digest = bool(email_digest)
    session.flush()
    return setting
