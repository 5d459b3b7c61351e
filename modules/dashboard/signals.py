"""The dashboard's listeners: a user's language and time zone from his settings, at
every login."""

from __future__ import annotations

from flask import session
from flask_login import user_logged_in

from app.db import db
from modules.dashboard.services import notify


def on_login(sender, user, **extra) -> None:
    """Put the language and the time zone the user chose in his settings into his
    session (the core's locale and time zone selectors read them); without a choice the
    browser's language and the installation's DEFAULT_TIMEZONE apply."""
    chosen = notify.chosen_locale(db.session, user.id)
    if chosen is not None:
        session["locale"] = chosen
    zone = notify.chosen_timezone(db.session, user.id)
    if zone is not None:
        session["timezone"] = zone
    else:
        session.pop("timezone", None)


def connect() -> None:
    user_logged_in.connect(on_login)
