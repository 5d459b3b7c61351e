"""Helpers shared by inventory views and APIs: the current user, the body schemas of
the APIs (exact amounts, a document's `lines`), and the list interface of big tables."""

from __future__ import annotations

from flask_appbuilder.utils.base import is_column_dotted

from app.datamodel import AppInterface
from app.web import current_user_id  # noqa: F401 - re-exported
from modules.inventory.schemas import exact_amounts, extended, lines_field


class CountWithoutJoinsInterface(AppInterface):
    """Counts a list without the outer joins FAB adds for related names.

    FAB counts `SELECT count(*) FROM (SELECT ... LEFT JOIN part LEFT JOIN warehouse
    ...)`: SQLite reads every joined row (1.2 s for a million stock moves). The
    joins are many-to-one, so they never change the number of rows: unless a
    filter is on a related column, the count runs on the table alone (its own
    filters applied), which SQLite answers from an index in milliseconds."""

    def query_count(self, query, filters=None, select_columns=None) -> int:
        inner = self.get_inner_filters(filters)
        if any(is_column_dotted(f.column_name) for f in inner.filters):
            return super().query_count(query, filters, select_columns)
        return self.apply_filters(query, inner).order_by(None).count()


class BodySchemasMixin:
    """Mix into an AppRestApi (before it): FAB's POST and PUT body schemas with the
    money and quantities of `app.amounts` (a value with more decimals than its column
    is refused, not rounded away), and, with `line_schema`, a `lines` list that the
    rules turn into the document's lines (`line_items`; on PUT too with
    `lines_on_edit`)."""

    line_schema: type | None = None
    lines_on_edit = False

    def _init_model_schemas(self) -> None:
        super()._init_model_schemas()  # type: ignore[misc]
        model = self.datamodel.obj  # type: ignore[attr-defined]
        for attr, columns, lines in (
            ("add_model_schema", self.add_columns, True),  # type: ignore[attr-defined]
            ("edit_model_schema", self.edit_columns, self.lines_on_edit),  # type: ignore[attr-defined]
        ):
            more = exact_amounts(model, columns)
            if lines and self.line_schema is not None:
                more["lines"] = lines_field(self.line_schema)
            if more:
                setattr(self, attr, extended(getattr(self, attr), **more))
