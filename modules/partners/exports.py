"""Partner CSV: an export for accounting and the all-or-nothing import."""

from flask_babel import lazy_gettext as _l

from app.csvio import Column, CsvExport, CsvImport
from modules.partners.models import Interaction, Partner
from modules.partners.schemas import PartnerImportSchema
from modules.partners.services import upsert_partner

P = Partner.__table__.c
I = Interaction.__table__.c  # noqa: E741

EXPORTS = [
    CsvExport(
        name="partners",
        title=_l("Partners"),
        resource="Partner",
        description=_l("Every partner with its kinds and address."),
        columns=(
            Column("id", P.id, _l("Internal id")),
            Column("ref", P.ref, _l("Your reference")),
            Column("name", P.name, _l("Name")),
            Column(
                "is_customer", P.is_customer, _l("1 when a customer"), label=_l("Is a customer")
            ),
            Column("is_dealer", P.is_dealer, _l("1 when a dealer"), label=_l("Is a dealer")),
            Column(
                "is_supplier", P.is_supplier, _l("1 when a supplier"), label=_l("Is a supplier")
            ),
            Column("tax_id", P.tax_id, _l("Tax id")),
            Column("email", P.email, _l("E-mail")),
            Column("phone", P.phone, _l("Phone")),
            Column("street", P.street, _l("Street")),
            Column("city", P.city, _l("City")),
            Column("region", P.region, _l("Region")),
            Column("postal_code", P.postal_code, _l("Postal code")),
            Column("country", P.country, _l("ISO country code")),
            Column("active", P.active, _l("0 when archived")),
        ),
        order_by=(P.id,),
    ),
    CsvExport(
        name="interactions",
        title=_l("Partner interactions"),
        resource="Interaction",
        description=_l("Meetings, calls, demonstrations and negotiations in a period."),
        columns=(
            Column("id", I.id, _l("Internal id")),
            Column("date", I.on, _l("Date")),
            Column("partner_id", I.partner_id, _l("Partner id")),
            Column("partner", P.name, _l("Partner name")),
            Column(
                "kind",
                I.kind,
                _l("consultation, demonstration, presentation, negotiation, meeting or call"),
            ),
            Column("subject", I.subject, _l("Subject")),
            Column("outcome", I.outcome, _l("Outcome")),
            Column("next_step", I.next_step, _l("Next step")),
            Column("next_step_on", I.next_step_on, _l("Next step date")),
        ),
        select_from=Interaction.__table__,
        joins=((Partner.__table__, P.id == I.partner_id),),
        date_column=I.on,
        order_by=(I.on, I.id),
    ),
]

IMPORTS = [
    CsvImport(
        name="partners",
        title=_l("Partners"),
        resource="Partner",
        schema=PartnerImportSchema,
        save=upsert_partner,
        unique_key="ref",
        description=_l(
            "One partner per line; an existing partner with the same ref (or tax id) "
            "is updated. kinds: customer;dealer;supplier."
        ),
    )
]
