"""Partner rules, shared by the UI, the API and the CSV import."""

from __future__ import annotations

import re

from flask_appbuilder.security.sqla.models import User
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import DomainError
from app.rules import Rules
from modules.partners.models import INTERACTION_KINDS, Interaction, Partner

KINDS = ("customer", "dealer", "supplier")


def normalise_tax_id(value: str | None) -> str | None:
    if value is None:
        return None
    value = re.sub(r"[\s.\-/]", "", value).upper()
    return value or None


def check_partner(partner: Partner) -> None:
    """Raise DomainError unless the partner is consistent; normalises in place."""
    partner.name = (partner.name or "").strip()
    if not partner.name:
        raise DomainError(_l("A partner needs a name."), field="name")
    if not (partner.is_customer or partner.is_dealer or partner.is_supplier):
        raise DomainError(
            _l("Tick at least one of customer, dealer or supplier."), field="is_customer"
        )
    partner.tax_id = normalise_tax_id(partner.tax_id)
    if partner.country:
        partner.country = partner.country.strip().upper()
        if not re.fullmatch(r"[A-Z]{2}", partner.country):
            raise DomainError(_l("Country is a two-letter ISO code, e.g. BR."), field="country")
    if partner.email:
        partner.email = partner.email.strip()
        if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", partner.email):
            raise DomainError(_l("Not a valid e-mail address."), field="email")


def check_interaction(session: Session, interaction: Interaction, user_id: int | None) -> None:
    if interaction.kind not in INTERACTION_KINDS:
        raise DomainError(_l("Unknown kind of interaction."), field="kind")
    if interaction.contact is not None and interaction.partner is not None:
        if interaction.contact.partner_id != interaction.partner.id:
            raise DomainError(_l("The contact belongs to another partner."), field="contact")
    if interaction.next_step_on and interaction.on and interaction.next_step_on < interaction.on:
        raise DomainError(
            _l("The next step cannot be before the interaction."), field="next_step_on"
        )
    if interaction.user_id is None and interaction.user is None and user_id is not None:
        # the relation, not the key: a form sets `user` to None, which would win at flush
        interaction.user = session.get(User, user_id)


class PartnerRules(Rules):
    """A partner is at least one of customer, dealer, supplier; name, tax id, country
    and e-mail normalised and checked (screen, API and import alike)."""

    def create(self, session, item, actor) -> None:
        check_partner(item)

    update = create


class InteractionRules(Rules):
    """An interaction's contact belongs to its partner; the next step is not before
    it; the user who records it is its author unless another is named."""

    def create(self, session, item, actor) -> None:
        check_interaction(session, item, actor.user_id)

    update = create


def upsert_partner(session: Session, data: dict) -> str:
    """Create or update a partner from an import row; matched by ref, then tax id."""
    data = dict(data)
    kinds = data.pop("kinds", None) or []
    partner = None
    if data.get("ref"):
        partner = session.scalar(select(Partner).where(Partner.ref == data["ref"]))
    tax_id = normalise_tax_id(data.get("tax_id"))
    if partner is None and tax_id:
        partner = session.scalar(select(Partner).where(Partner.tax_id == tax_id))
    outcome = "updated" if partner is not None else "created"
    if partner is None:
        partner = Partner(active=True)
        session.add(partner)
    for key, value in data.items():
        setattr(partner, key, value)
    for kind in KINDS:
        setattr(partner, f"is_{kind}", kind in kinds)
    check_partner(partner)
    return outcome
