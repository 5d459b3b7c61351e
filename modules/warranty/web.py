"""Reading a request in the warranty screens and APIs (translation only: the rules are
in services/): who is asking, and the fields of a form on a record's page. Action
bodies of the API are read by the schemas in schemas.py (`app.web.load_body`)."""

from __future__ import annotations

from app import policy
from app.web import date_value, page_form

__all__ = ["actor", "date_value", "page_form"]


def actor() -> policy.Actor:
    """Who is asking (the rules of every resource receive him)."""
    return policy.current_actor()
