"""Partner screens (thin: rules are in services.py)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app import formats
from app.datamodel import AppInterface
from app.registry import MenuEntry
from app.security import ACCOUNTANT, CLAIMS_OFFICER, SERVICE_MANAGER, VIEWER, WAREHOUSE_CLERK
from app.surface import Surface
from app.views import AppModelView
from modules.partners import services
from modules.partners.models import INTERACTION_KINDS, Contact, Interaction, Partner

PARTNER_LABELS = {
    "ref": _l("Reference"),
    "name": _l("Name"),
    "is_customer": _l("Customer"),
    "is_dealer": _l("Dealer"),
    "is_supplier": _l("Supplier"),
    "tax_id": _l("Tax id"),
    "email": _l("E-mail"),
    "phone": _l("Phone"),
    "street": _l("Street"),
    "city": _l("City"),
    "region": _l("Region"),
    "postal_code": _l("Postal code"),
    "country": _l("Country"),
    "notes": _l("Notes"),
    "active": _l("Active"),
    "created_at": _l("Created"),
    "partner": _l("Partner"),
    "position": _l("Position"),
    "contact": _l("Contact"),
    "kind": _l("Kind"),
    "on": _l("Date"),
    "user": _l("Employee"),
    "subject": _l("Subject"),
    "outcome": _l("Outcome"),
    "next_step": _l("Next step"),
    "next_step_on": _l("Next step on"),
}


class ContactView(AppModelView):
    datamodel = AppInterface(Contact)
    class_permission_name = "Contact"
    list_title = _l("Contacts")
    show_title = _l("Contact")
    add_title = _l("Add contact")
    edit_title = _l("Edit contact")
    label_columns = PARTNER_LABELS
    list_columns = ["name", "partner", "position", "email", "phone"]
    add_columns = edit_columns = ["partner", "name", "position", "email", "phone", "notes"]
    show_columns = add_columns
    search_columns = ["name", "position", "email", "phone"]
    base_order = ("name", "asc")


class InteractionView(AppModelView):
    datamodel = AppInterface(Interaction)
    class_permission_name = "Interaction"
    rules = services.InteractionRules()
    list_title = _l("Interactions")
    show_title = _l("Interaction")
    add_title = _l("Log an interaction")
    edit_title = _l("Edit interaction")
    label_columns = PARTNER_LABELS
    list_columns = ["on", "kind", "partner", "subject", "user", "next_step", "next_step_on"]
    add_columns = edit_columns = [
        "partner",
        "contact",
        "kind",
        "on",
        "user",
        "subject",
        "outcome",
        "next_step",
        "next_step_on",
    ]
    show_columns = add_columns
    search_columns = ["on", "kind", "subject", "next_step_on"]
    base_order = ("on", "desc")
    formatters_columns = {"kind": INTERACTION_KINDS.label}
    add_form_extra_fields = {"kind": INTERACTION_KINDS.select_field(_l("Kind"))}
    edit_form_extra_fields = add_form_extra_fields
    description_columns = {"user": _l("Who met or called; you when left empty.")}


class PartnerView(AppModelView):
    surface = Surface(name="name", head=("ref", "tax_id", "phone", "email", "city", "country"))
    datamodel = AppInterface(Partner)
    class_permission_name = "Partner"
    rules = services.PartnerRules()
    attachments = True  # agreements, registration papers, price lists
    list_title = _l("Partners")
    show_title = _l("Partner")
    add_title = _l("Add partner")
    edit_title = _l("Edit partner")
    label_columns = PARTNER_LABELS
    list_columns = ["name", "ref", "is_customer", "is_dealer", "is_supplier", "city", "phone"]
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
    _fields = [
        "name",
        "ref",
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
    add_columns = edit_columns = _fields
    show_columns = [*_fields, "created_at"]
    base_order = ("name", "asc")
    related_views = [ContactView, InteractionView]
    formatters_columns = {"country": formats.country}
    description_columns = {
        "ref": _l("Your own reference, e.g. the code in the accounting system."),
        "country": _l("Two-letter ISO code, e.g. RU or BR."),
        "active": _l("Archived partners are kept but not offered in new documents."),
    }


MENU = [
    MenuEntry(
        PartnerView,
        "Partners",
        _l("Partners"),
        icon="fa-address-book",
        roles=(SERVICE_MANAGER, WAREHOUSE_CLERK, CLAIMS_OFFICER, ACCOUNTANT, VIEWER),
    ),
    MenuEntry(
        ContactView,
        "Contacts",
        _l("Contacts"),
        icon="fa-id-card",
        roles=(SERVICE_MANAGER, WAREHOUSE_CLERK, CLAIMS_OFFICER, VIEWER),
    ),
    MenuEntry(
        InteractionView,
        "Interactions",
        _l("Interactions"),
        icon="fa-comments",
        roles=(SERVICE_MANAGER, WAREHOUSE_CLERK, CLAIMS_OFFICER, VIEWER),
    ),
]
