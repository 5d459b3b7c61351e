"""Reading a request in views and APIs: who is asking, and the JSON body's values
checked one by one (a clear 4xx `DomainError` naming the field, never a 500)."""

from __future__ import annotations

from datetime import date
from typing import Any, cast

from flask import Flask, current_app, request
from flask_babel import lazy_gettext as _l

from app.errors import DomainError


def fab(app: Flask | None = None) -> Any:
    """The app's AppBuilder (FAB sets it as an attribute type checkers do not know)."""
    return cast(Any, app or current_app).appbuilder


def current_user_id() -> int | None:
    """The id of the logged-in user of this request (session or JWT), or None."""
    from app.policy import request_user

    user = request_user()
    return user.id if user is not None else None


def page_form(*names: str, dates: tuple[str, ...] = ()) -> dict:
    """The named fields of a form on a record's page: text stripped (blank: None), and
    the `dates` read as YYYY-MM-DD (a bad one is a DomainError). Call it inside the
    step given to `act_on`, so that a bad value is flashed like a broken rule."""
    form = request.form
    data: dict = {n: (form.get(n) or "").strip() or None for n in names}
    for name in dates:
        data[name] = date_value(form.get(name) or None, name)
    return data


def json_body() -> dict:
    body = request.get_json(silent=True) if request.data else {}
    if not isinstance(body, dict):
        raise DomainError(_l("The request body must be a JSON object."), status=400)
    return body


def date_value(value, field: str, required: bool = False) -> date | None:
    if value in (None, ""):
        if required:
            raise DomainError(_l("This field is required."), field=field)
        return None
    if not isinstance(value, str):
        raise DomainError(_l("Give a date as YYYY-MM-DD."), field=field)
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise DomainError(_l("Give a date as YYYY-MM-DD."), field=field) from None


def load_body(schema) -> dict:
    """The JSON body of an action, loaded by its marshmallow schema (an instance or a
    class): unknown fields and wrong types are a 422 with the schema's messages, in
    the shape FAB's own validation errors have ({"message": {field: [texts]}})."""
    from marshmallow import RAISE, Schema, ValidationError

    body = json_body()
    if isinstance(schema, type) and issubclass(schema, Schema):
        schema = schema(unknown=RAISE)
    try:
        return schema.load(body)
    except ValidationError as err:
        raise DomainError(err.messages, status=422) from None
