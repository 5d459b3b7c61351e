"""Reading a request in the warranty screens and APIs (translation only: the rules are
in services/): who is asking, and the fields of a form on a record's page. Action
bodies of the API are read by the schemas in schemas.py (`app.web.load_body`)."""

from __future__ import annotations

from flask import request

from app import policy
from app.web import date_value

__all__ = ["actor", "date_value", "page_form"]


def actor() -> policy.Actor:
    """Who is asking (the rules of every resource receive him)."""
    return policy.current_actor()


def page_form(*names: str, dates: tuple[str, ...] = ()) -> dict:
    """The named fields of a form on a record's page: text stripped (blank: None), and
    the `dates` read as YYYY-MM-DD (a bad one is a DomainError). Call it inside the
    step given to `act_on`, so that a bad value is flashed like a broken rule."""
    form = request.form
    data: dict = {n: (form.get(n) or "").strip() or None for n in names}
    for name in dates:
        data[name] = date_value(form.get(name) or None, name)
    return data
