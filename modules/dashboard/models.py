"""Dashboard tables (dsh_*): delivered notifications, users' settings, market records."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal

from flask_appbuilder import Model
from flask_appbuilder.security.sqla.models import User
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.choices import Choices
from app.db import ZERO, Money, UTCDateTime, utcnow
from app.formats import day

MAIL_STATES = Choices(
    ("pending", _l("To be sent")),
    ("sent", _l("Sent")),
    ("skipped", _l("Not sent")),
)
LOANER_POLICIES = Choices(
    ("none", _l("No loaner")),
    ("paid", _l("Loaner for a fee")),
    ("free", _l("Free loaner")),
)
CAMPAIGN_KINDS = Choices(
    ("promotion", _l("Promotion")),
    ("event", _l("Event")),
    ("trade_fair", _l("Trade fair")),
    ("advertising", _l("Advertising")),
)


def local_link(link: str | None) -> str | None:
    """`link` when it is a path of this site ("/repairorderview/show/3"), else None: an
    address elsewhere ("https://...", "//host", "/\\host"), "javascript:" or anything
    with spaces or control characters is never made a link."""
    link = (link or "").strip()
    if not link.startswith("/") or link[1:2] in ("/", "\\"):
        return None
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in link):
        return None
    return link


class Notification(Model):
    """One notice delivered to one user; (user, key) is unique, so a notice is never
    delivered twice. The text is stored untranslated and shown in the reader's language."""

    __tablename__ = "dsh_notification"
    __audit__ = False
    __table_args__ = (UniqueConstraint("user_id", "key", name="uq_dsh_notification_user_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("ab_user.id"), index=True)
    owner_id: Mapped[int | None] = mapped_column(Integer)  # responsible, when a deputy got it
    source: Mapped[str] = mapped_column(String(64))
    key: Mapped[str] = mapped_column(String(200))
    message: Mapped[str] = mapped_column(Text)
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    link: Mapped[str | None] = mapped_column(String(500))
    due_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    mail_state: Mapped[str] = mapped_column(String(MAIL_STATES.length), default="pending")
    mailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(User)

    @property
    def text(self) -> str:
        """The notice in the current language (parameters filled in)."""
        return render_notice(self.message, self.params)

    @property
    def notice(self) -> Markup:
        """The text, linked to where to act (through "open", which marks it read)."""
        if local_link(self.link):
            return Markup('<a href="/mynotifications/open/{}">{}</a>').format(self.id, self.text)
        return Markup("{}").format(self.text)

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    def __str__(self) -> str:
        return self.text


# A notice's parameters are stored as text; this key records which of them are a date
# (written in the reader's format when shown) or a translatable text (a legal
# deadline's name: shown in the reader's language, not in that of the night's run).
KINDS = "_kinds"
ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def render_notice(message: str, params: dict | None) -> str:
    """A stored notice in the current language and format."""
    values = dict(params or {})
    kinds = values.pop(KINDS, None)
    if kinds is None:  # stored before kinds were noted: its ISO dates are dates
        kinds = {k: "date" for k, v in values.items() if isinstance(v, str) and ISO_DAY.match(v)}
    for name, kind in kinds.items() if isinstance(kinds, dict) else ():
        value = values.get(name)
        if not isinstance(value, str) or not value:
            continue
        if kind == "text":
            values[name] = gettext(value)
        elif kind == "date":
            values[name] = day(value)
    try:
        return gettext(message, **values)
    except (KeyError, ValueError, TypeError):
        return message


class UserSetting(Model):
    """A user's language and time zone (pages after login, e-mails) and whether he
    wants the daily e-mail digest. None: the installation's default."""

    __tablename__ = "dsh_user_setting"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("ab_user.id"), unique=True)
    locale: Mapped[str | None] = mapped_column(String(8))
    timezone: Mapped[str | None] = mapped_column(String(64))  # IANA name, e.g. Europe/Moscow
    email_digest: Mapped[bool] = mapped_column(Boolean, default=True)

    user: Mapped[User] = relationship(User)

    def __str__(self) -> str:
        return f"{self.user_id}: {self.locale or '-'}"


class Competitor(Model):
    __tablename__ = "dsh_competitor"
    __lookup_fields__ = ("name",)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    website: Mapped[str | None] = mapped_column(String(200))
    brands: Mapped[str | None] = mapped_column(String(200))
    notes: Mapped[str | None] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    def __str__(self) -> str:
        return self.name


class MarketTerms(Model):
    """After-sales terms of a competitor (or ours, without a competitor) in a segment."""

    __tablename__ = "dsh_market_terms"
    __table_args__ = (
        CheckConstraint("warranty_months >= 0", name="ck_dsh_terms_warranty"),
        CheckConstraint("repair_days >= 0", name="ck_dsh_terms_repair"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    competitor_id: Mapped[int | None] = mapped_column(ForeignKey("dsh_competitor.id"), index=True)
    segment: Mapped[str] = mapped_column(String(100), index=True)
    warranty_months: Mapped[int | None] = mapped_column(Integer)
    repair_days: Mapped[int | None] = mapped_column(Integer)
    loaner: Mapped[str] = mapped_column(String(LOANER_POLICIES.length), default="none")
    contract_price: Mapped[Decimal | None] = mapped_column(Money)  # a year of service contract
    extended_warranty_price: Mapped[Decimal | None] = mapped_column(Money)
    valid_from: Mapped[date | None] = mapped_column(Date)
    source: Mapped[str | None] = mapped_column(String(200))
    notes: Mapped[str | None] = mapped_column(Text)

    competitor: Mapped[Competitor | None] = relationship()

    @property
    def company(self) -> str:
        return self.competitor.name if self.competitor else str(_l("Us"))

    def __str__(self) -> str:
        return f"{self.company}: {self.segment}"


class Campaign(Model):
    """A promotion, event, trade fair or advertising, with its cost; its effect is
    measured against the period of the same length before it."""

    __tablename__ = "dsh_campaign"
    __lookup_fields__ = ("name",)
    __table_args__ = (
        CheckConstraint("date_to >= date_from", name="ck_dsh_campaign_dates"),
        CheckConstraint("cost >= 0", name="ck_dsh_campaign_cost"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(CAMPAIGN_KINDS.length), default="promotion")
    date_from: Mapped[date] = mapped_column(Date, index=True)
    date_to: Mapped[date] = mapped_column(Date)
    cost: Mapped[Decimal] = mapped_column(Money, default=ZERO)
    region: Mapped[str | None] = mapped_column(String(100))
    notes: Mapped[str | None] = mapped_column(Text)
    cancelled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __str__(self) -> str:
        return f"{self.name} ({self.date_from}–{self.date_to})"
