from flask_appbuilder import Model
from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship


class PartnerNote(Model):
    __tablename__ = "ext_partner_note"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("ptn_partner.id"))
    text: Mapped[str] = mapped_column(String(200))
    partner = relationship("Partner")
