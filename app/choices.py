"""Fixed choices stored as short strings, with translatable labels.

One declaration serves the model column (its length), the UI (a select field
and a list formatter) and the API (a marshmallow OneOf validator).
"""

from __future__ import annotations

from collections.abc import Iterator

from marshmallow import validate
from wtforms import SelectField
from wtforms.validators import DataRequired, Optional


class Choices:
    def __init__(self, *pairs: tuple[str, object]):
        self.pairs = pairs
        self.labels = dict(pairs)

    def __iter__(self) -> Iterator[str]:
        return iter(self.labels)

    def __contains__(self, value) -> bool:
        return value in self.labels

    @property
    def values(self) -> list[str]:
        return list(self.labels)

    @property
    def length(self) -> int:
        return max(len(v) for v in self.labels)

    def label(self, value) -> str:
        return str(self.labels.get(value, value or ""))

    def select_field(self, label, required: bool = True, **kwargs) -> SelectField:
        return SelectField(
            label,
            choices=[("", "")] + list(self.pairs) if not required else list(self.pairs),
            validators=[DataRequired() if required else Optional()],
            **kwargs,
        )

    def validator(self) -> validate.OneOf:
        return validate.OneOf(self.values)
