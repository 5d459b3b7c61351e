"""Partners (customer / dealer / supplier, possibly several), contacts, interactions."""

from __future__ import annotations

from datetime import date, datetime

from flask_appbuilder import Model
from flask_appbuilder.security.sqla.models import User
from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.choices import Choices
from app.db import UTCDateTime, utcnow
from app.widgets import Hidden, join_label, tax_id_label

INTERACTION_KINDS = Choices(
    ("consultation", _l("Consultation")),
    ("demonstration", _l("Equipment demonstration")),
    ("presentation", _l("Presentation")),
    ("negotiation", _l("Negotiation")),
    ("meeting", _l("Meeting")),
    ("call", _l("Call")),
)


class Partner(Model):
    __tablename__ = "ptn_partner"
    __lookup_fields__ = ("name", "ref", "tax_id")

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ref: Mapped[str | None] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    is_customer: Mapped[bool] = mapped_column(Boolean, default=False)
    is_dealer: Mapped[bool] = mapped_column(Boolean, default=False)
    is_supplier: Mapped[bool] = mapped_column(Boolean, default=False)
    tax_id: Mapped[str | None] = mapped_column(String(32), unique=True)
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(40))
    street: Mapped[str | None] = mapped_column(String(200))
    city: Mapped[str | None] = mapped_column(String(100))
    region: Mapped[str | None] = mapped_column(String(100), index=True)
    postal_code: Mapped[str | None] = mapped_column(String(20))
    country: Mapped[str | None] = mapped_column(String(2))
    notes: Mapped[str | None] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    contacts: Mapped[list[Contact]] = relationship(
        back_populates="partner", order_by="Contact.name", cascade="all, delete-orphan"
    )
    interactions: Mapped[list[Interaction]] = relationship(
        back_populates="partner", order_by="Interaction.on.desc()"
    )

    def __str__(self) -> str:
        return self.name

    def lookup_label(self, hidden: Hidden) -> str:
        """What a lookup offers: "Pedro Costa — São Paulo, Tax id 123", its city and
        tax id (else its phone), those the reader may see, so two namesakes differ."""
        off = hidden(Partner)
        shown = {f: getattr(self, f) for f in ("city", "tax_id", "phone") if f not in off}
        tax = tax_id_label(shown["tax_id"]) if shown.get("tax_id") else None
        return join_label(self.name, shown.get("city"), tax or shown.get("phone"))

    @property
    def kinds(self) -> list[str]:
        return [k for k in ("customer", "dealer", "supplier") if getattr(self, f"is_{k}")]


class Contact(Model):
    __tablename__ = "ptn_contact"
    __lookup_fields__ = ("name", "email")

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("ptn_partner.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    position: Mapped[str | None] = mapped_column(String(100))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(40))
    notes: Mapped[str | None] = mapped_column(Text)

    partner: Mapped[Partner] = relationship(back_populates="contacts")

    def __str__(self) -> str:
        return self.name


class Interaction(Model):
    """A consultation, demonstration, presentation, negotiation, meeting or call."""

    __tablename__ = "ptn_interaction"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("ptn_partner.id"), index=True)
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("ptn_contact.id"))
    kind: Mapped[str] = mapped_column(String(INTERACTION_KINDS.length))
    on: Mapped[date] = mapped_column(Date, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"))
    subject: Mapped[str] = mapped_column(String(200))
    outcome: Mapped[str | None] = mapped_column(Text)
    next_step: Mapped[str | None] = mapped_column(String(200))
    next_step_on: Mapped[date | None] = mapped_column(Date)

    partner: Mapped[Partner] = relationship(back_populates="interactions")
    contact: Mapped[Contact | None] = relationship()
    user: Mapped[User | None] = relationship(User)

    def __str__(self) -> str:
        return f"{self.on} {INTERACTION_KINDS.label(self.kind)}: {self.subject}"
