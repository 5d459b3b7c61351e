"""Domain errors: a broken business rule, with a message a user can read."""

from __future__ import annotations


class DomainError(Exception):
    """A business rule was broken. `message` is translatable text for the user.

    The API answers it with `status` (422 by default) and the UI flashes it;
    neither ever turns it into a 500.
    """

    status = 422

    def __init__(self, message, *, field: str | None = None, status: int | None = None):
        super().__init__(str(message))
        self.message = message
        self.field = field
        if status is not None:
            self.status = status

    def as_dict(self) -> dict:
        if isinstance(self.message, dict):  # a schema's messages: {field: [texts]}
            return {"message": _texts(self.message)}
        if self.field:
            return {"message": {self.field: [str(self.message)]}}
        return {"message": str(self.message)}


def _texts(value):
    """Lazy translatable texts (nested in dicts and lists) as plain strings."""
    if isinstance(value, dict):
        return {str(k): _texts(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_texts(v) for v in value]
    return str(value)


class NotFound(DomainError):
    status = 404


class Conflict(DomainError):
    status = 409
