"""REST resources `partner`, `contact` and `interaction` (thin: rules in services.py)."""

from __future__ import annotations

from marshmallow import validate

from app.api import AppRestApi
from app.datamodel import AppInterface
from modules.partners import services
from modules.partners.models import INTERACTION_KINDS, Contact, Interaction, Partner

_PARTNER_FIELDS = [
    "ref",
    "name",
    "is_customer",
    "is_dealer",
    "is_supplier",
    "tax_id",
    "email",
    "phone",
    "street",
    "city",
    "region",
    "postal_code",
    "country",
    "notes",
    "active",
]


class PartnerApi(AppRestApi):
    resource_name = "partner"
    class_permission_name = "Partner"
    rules = services.PartnerRules()
    datamodel = AppInterface(Partner)
    list_columns = ["id", *_PARTNER_FIELDS]
    show_columns = ["id", *_PARTNER_FIELDS, "created_at"]
    add_columns = edit_columns = _PARTNER_FIELDS
    order_columns = ["id", "name", "ref", "city", "created_at"]
    search_columns = [
        "name",
        "ref",
        "tax_id",
        "city",
        "region",
        "country",
        "is_customer",
        "is_dealer",
        "is_supplier",
        "active",
    ]
    validators_columns = {
        "email": validate.Email(),
        "country": validate.Length(equal=2),
        "name": validate.Length(min=1, max=200),
    }


class ContactApi(AppRestApi):
    resource_name = "contact"
    class_permission_name = "Contact"
    datamodel = AppInterface(Contact)
    list_columns = ["id", "partner.id", "partner.name", "name", "position", "email", "phone"]
    show_columns = [*list_columns, "notes"]
    add_columns = edit_columns = ["partner", "name", "position", "email", "phone", "notes"]
    search_columns = ["name", "email", "partner"]
    validators_columns = {"email": validate.Email(), "name": validate.Length(min=1, max=200)}


class InteractionApi(AppRestApi):
    resource_name = "interaction"
    class_permission_name = "Interaction"
    rules = services.InteractionRules()
    datamodel = AppInterface(Interaction)
    _fields = ["kind", "on", "subject", "outcome", "next_step", "next_step_on"]
    list_columns = [
        "id",
        "partner.id",
        "partner.name",
        "contact.id",
        "contact.name",
        "user.id",
        "user.username",
        *_fields,
    ]
    show_columns = list_columns
    add_columns = edit_columns = ["partner", "contact", "user", *_fields]
    search_columns = ["partner", "kind", "on", "next_step_on"]
    order_columns = ["id", "on", "next_step_on"]
    validators_columns = {
        "kind": INTERACTION_KINDS.validator(),
        "subject": validate.Length(min=1, max=200),
    }


APIS = [PartnerApi, ContactApi, InteractionApi]
