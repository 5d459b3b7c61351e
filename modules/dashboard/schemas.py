"""Bodies of the dashboard API's actions (loaded by `app.web.load_body`: unknown
fields and wrong types are a 422 naming the field); the OpenAPI description shows them."""

from __future__ import annotations

from marshmallow import Schema, fields


class JsonBoolean(fields.Boolean):
    """true or false, as JSON writes them: not "yes", 1 or "on"."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return value


class NoBody(Schema):
    """An action that takes nothing: an empty body, or none at all."""

    __component_name__ = "DashboardNoBody"


class SettingsBody(Schema):
    """My settings; a field left out keeps its value."""

    __component_name__ = "DashboardSettingsBody"

    locale = fields.String(
        allow_none=True,
        metadata={"description": "en, pt_BR or ru; null: the installation's default"},
    )
    timezone = fields.String(
        allow_none=True,
        metadata={
            "description": "IANA time zone, e.g. Europe/Moscow; null: the installation's "
            "default (DEFAULT_TIMEZONE)"
        },
    )
    email_digest = JsonBoolean(metadata={"description": "Whether I get the daily e-mail"})


SCHEMAS = (NoBody, SettingsBody)
