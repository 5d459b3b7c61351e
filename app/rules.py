"""The business rules of a resource, in one object both doors share.

A resource's screen (AppModelView) and its API (AppRestApi) set the same
`rules = PartRules()`; their create, update and delete hooks and their state
transitions call it, and nothing else decides. The CLI, imports and jobs call the
same object (or the service functions it calls). A rule broken raises a
`DomainError`, which the API answers as a 4xx JSON error and the screen as a
flash message; the transaction is rolled back.

    class PartRules(Rules):
        def create(self, session, item, actor):
            catalog.check_part(session, item)

        update = create

Each method receives the SQLAlchemy session, the item (already filled from the
form or the JSON body, not yet written) and the `app.policy.Actor` who asks.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from app import policy
from app.db import db
from app.errors import Conflict


class Rules:
    """No rule: anything valid for the schema may be created, changed and deleted;
    transitions follow the document's state machine."""

    state_machine: Any = None  # app.statemachine.StateMachine, for documents with a life
    deletable = True  # False: `delete` always refuses (pages then offer no Delete)

    def create(self, session, item, actor) -> None:
        """Check (and complete) a new item before it is written."""

    def update(self, session, item, actor) -> None:
        """Check a changed item before it is written."""

    def delete(self, session, item, actor) -> None:
        """Refuse (raise) or allow the deletion of an item."""

    def transition(self, session, item, action: str, comment: str | None, actor) -> None:
        """Move a document along its life (`action` is a transition name)."""
        self.state_machine.apply(session, item, action, comment)


class Archived(Rules):
    """Records a court or the accountant may ask for: never deleted (409)."""

    not_deleted_message: Any = _l("This record is not deleted: cancel or archive it.")
    deletable = False

    def delete(self, session, item, actor) -> None:
        raise Conflict(self.not_deleted_message)


class RulesHooks:
    """FAB's create, update and delete hooks, for a screen (AppModelView) and an API
    (AppRestApi) alike: each asks the resource's `rules` with the user asking."""

    rules: Rules = Rules()  # the resource's rules, shared by its screen and its API

    def pre_add(self, item):
        self.rules.create(db.session, item, policy.current_actor())

    def pre_update(self, item):
        self.rules.update(db.session, item, policy.current_actor())

    def pre_delete(self, item):
        self.rules.delete(db.session, item, policy.current_actor())
