"""Customer satisfaction: one request per closed claim or completed repair, answered
once by the customer through a single-use link."""

from __future__ import annotations

from datetime import datetime

from flask_appbuilder import Model
from flask_appbuilder.security.sqla.models import User
from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, Integer, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.choices import Choices
from app.db import UTCDateTime, utcnow
from modules.claims.models.claims import Claim
from modules.inventory.models import EquipmentModel
from modules.partners.models import Partner
from modules.warranty.models import RepairOrder

SUBJECT_TYPES = Choices(("claim", _l("Claim")), ("repair", _l("Repair")))


class SatisfactionRequest(Model):
    """After a claim or repair closes: the customer answers 1-5 once through a link."""

    __tablename__ = "clm_satisfaction"
    __table_args__ = (
        CheckConstraint("score IS NULL OR (score >= 1 AND score <= 5)", name="ck_clm_sat_score"),
        CheckConstraint(
            "claim_id IS NOT NULL OR repair_order_id IS NOT NULL", name="ck_clm_sat_subject"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    subject_type: Mapped[str] = mapped_column(String(10))  # claim / repair
    claim_id: Mapped[int | None] = mapped_column(ForeignKey("clm_claim.id"), unique=True)
    repair_order_id: Mapped[int | None] = mapped_column(
        ForeignKey("wty_repair_order.id"), unique=True
    )
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("ptn_partner.id"), index=True)
    equipment_model_id: Mapped[int | None] = mapped_column(
        ForeignKey("inv_equipment_model.id"), index=True
    )
    # the officer of the claim or the technician of the repair
    employee_user_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    score: Mapped[int | None] = mapped_column(SmallInteger)
    comment: Mapped[str | None] = mapped_column(Text)

    claim: Mapped[Claim | None] = relationship()
    repair_order: Mapped[RepairOrder | None] = relationship()
    customer: Mapped[Partner | None] = relationship()
    equipment_model: Mapped[EquipmentModel | None] = relationship()
    employee: Mapped[User | None] = relationship(User)

    def __str__(self) -> str:
        return f"{SUBJECT_TYPES.label(self.subject_type)} #{self.claim_id or self.repair_order_id}"
