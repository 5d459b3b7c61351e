"""Claims against suppliers (defective parts, late delivery...) and what they recover."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from flask_appbuilder import Model
from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.choices import Choices
from app.db import Money, UTCDateTime, utcnow
from modules.claims.models.claims import ClaimDefect
from modules.partners.models import Partner
from modules.warranty.models import RepairOrder

BREACHES = Choices(
    ("defective_parts", _l("Defective parts")),
    ("late_delivery", _l("Late delivery")),
    ("wrong_delivery", _l("Wrong delivery")),
    ("other", _l("Other breach")),
)
SUPPLIER_CLAIM_STATES = Choices(
    ("draft", _l("Draft")),
    ("sent", _l("Sent")),
    ("accepted", _l("Accepted")),
    ("partly_accepted", _l("Partly accepted")),
    ("rejected", _l("Rejected")),
    ("settled", _l("Settled")),
    ("cancelled", _l("Cancelled")),
)

supplier_claim_defect = Table(
    "clm_supplier_claim_defect",
    Model.metadata,
    Column(
        "supplier_claim_id",
        Integer,
        ForeignKey("clm_supplier_claim.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("claim_defect_id", Integer, ForeignKey("clm_claim_defect.id"), primary_key=True),
)
supplier_claim_repair = Table(
    "clm_supplier_claim_repair",
    Model.metadata,
    Column(
        "supplier_claim_id",
        Integer,
        ForeignKey("clm_supplier_claim.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("repair_order_id", Integer, ForeignKey("wty_repair_order.id"), primary_key=True),
)


class SupplierClaim(Model):
    """A claim against a supplier (or other counterparty) for a breach."""

    __tablename__ = "clm_supplier_claim"
    __lookup_fields__ = ("number",)
    __table_args__ = (
        CheckConstraint("amount >= 0", name="ck_clm_supplier_claim_amount"),
        CheckConstraint(
            "recovered_amount IS NULL OR recovered_amount >= 0",
            name="ck_clm_supplier_claim_recovered",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str | None] = mapped_column(String(32), unique=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("ptn_partner.id"), index=True)
    breach: Mapped[str] = mapped_column(String(BREACHES.length), default="defective_parts")
    description: Mapped[str] = mapped_column(Text)
    amount: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    opened_on: Mapped[date] = mapped_column(Date, default=date.today)
    due_date: Mapped[date | None] = mapped_column(Date, index=True)
    state: Mapped[str] = mapped_column(
        String(SUPPLIER_CLAIM_STATES.length), default="draft", index=True
    )
    sent_on: Mapped[date | None] = mapped_column(Date)
    recovered_amount: Mapped[Decimal | None] = mapped_column(Money)
    settled_on: Mapped[date | None] = mapped_column(Date)
    notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    supplier: Mapped[Partner] = relationship()
    defects: Mapped[list[ClaimDefect]] = relationship(secondary=supplier_claim_defect)
    repairs: Mapped[list[RepairOrder]] = relationship(secondary=supplier_claim_repair)

    def __str__(self) -> str:
        return self.number or f"SCL #{self.id}"
