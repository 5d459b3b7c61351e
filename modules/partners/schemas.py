"""Marshmallow schemas: the CSV import row of a partner."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from marshmallow import Schema, ValidationError, fields, validate, validates

from modules.partners.services import KINDS


class KindsField(fields.Field):
    """`customer;dealer` (or `|`-separated) in a CSV cell -> ["customer", "dealer"]."""

    def _deserialize(self, value, attr, data, **kwargs):
        parts = [p.strip().lower() for p in str(value).replace("|", ";").split(";") if p.strip()]
        bad = [p for p in parts if p not in KINDS]
        if bad or not parts:
            raise ValidationError(
                str(_l("Kinds are customer, dealer and/or supplier separated by “;”."))
            )
        return parts


class PartnerImportSchema(Schema):
    ref = fields.String(validate=validate.Length(max=32))
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    kinds = KindsField(required=True)
    tax_id = fields.String(validate=validate.Length(max=32))
    email = fields.Email(validate=validate.Length(max=254))
    phone = fields.String(validate=validate.Length(max=40))
    street = fields.String(validate=validate.Length(max=200))
    city = fields.String(validate=validate.Length(max=100))
    region = fields.String(validate=validate.Length(max=100))
    postal_code = fields.String(validate=validate.Length(max=20))
    country = fields.String(validate=validate.Length(equal=2))
    notes = fields.String()
    active = fields.Boolean()

    @validates("country")
    def _country(self, value, **kwargs):
        if not value.isalpha():
            raise ValidationError(str(_l("Country is a two-letter ISO code, e.g. BR.")))
