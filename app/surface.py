"""A record's page as a work surface.

The top of every record page is a header: what the record is (its number and state),
the few facts a person needs to act (customer, unit, technician, days left to the legal
deadline), and what he may do now as buttons (the allowed next steps, Edit, the
documents). Under it, the working fields a person types into all day (a diagnosis,
the work done, an answer) are edited in place; then the record's lines with their add
forms, its files, the remaining non-empty fields, and its history folded.

A view declares its surface:

    surface = Surface(head=("customer", "unit", "technician"), work=("diagnosis",))

Buttons and forms are offered only to whom may use them: write right on the resource,
a document not closed (a state with no step left), a record its rules let be deleted.
The rules object still has the last word on every POST.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask import current_app, g, redirect, request, url_for
from flask_appbuilder import expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from markupsafe import Markup

from app import policy
from app.errors import DomainError
from app.security import WRITE

# the longest text a working field takes (a Text column has no length of its own)
MAX_TEXT = 20000
# state-badge colours: a closed document is grey, any other is blue
OPEN_CLASS = "label-primary"
CLOSED_CLASS = "label-default"


@dataclass(frozen=True)
class Surface:
    """What a record page puts first. `head`: columns shown as facts in the header;
    `work`: text columns edited in place under it; `name`: the column naming the record
    (its number), else the record's text."""

    head: tuple[str, ...] = ()
    work: tuple[str, ...] = ()
    name: str = "number"
    elsewhere: tuple[str, ...] = ()  # shown by the page in its own way: not in Details


@dataclass
class Fact:
    label: Any
    value: Any
    link: str | None = None


@dataclass
class WorkField:
    name: str
    label: Any
    value: str
    rows: int = 3
    max_length: int | None = None


@dataclass
class SurfacePage:
    """The header and working fields of one record, as the template shows them."""

    name: str
    state: str | None = None
    state_label: Any = None
    state_class: str = OPEN_CLASS
    days_left: int | None = None
    facts: list[Fact] = field(default_factory=list)
    work: list[WorkField] = field(default_factory=list)
    work_editable: bool = False
    details: list[Fact] = field(default_factory=list)
    work_url: str | None = None
    edit_url: str | None = None
    delete_url: str | None = None


def days_left_label(days: int | None, short: bool = False) -> Markup | str:
    """The days left to a legal deadline as a badge: red once overdue, amber within
    five days. `short` (lists, boards): the bare number while not overdue."""
    if days is None:
        return ""
    if days < 0:
        return Markup('<span class="label label-danger as-overdue wty-overdue">{}</span>').format(
            ngettext("%(num)s day overdue", "%(num)s days overdue", -days)
        )
    cls = "label-warning" if days <= 5 else "label-info"
    text = str(days) if short else ngettext("%(num)s day left", "%(num)s days left", days)
    return Markup('<span class="label {} as-days-left">{}</span>').format(cls, text)


def _empty(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value == []


def show_endpoint(model) -> str | None:
    """The show page of `model` the current user may open, or None (a model may have
    several screens, e.g. all tasks and my tasks: the first he may read)."""
    views = current_app.extensions.setdefault("as_show_endpoints", {})
    if model not in views:
        views[model] = [
            (view.endpoint, view.class_permission_name)
            for view in current_app.appbuilder.baseviews  # type: ignore[attr-defined]
            if getattr(getattr(view, "datamodel", None), "obj", None) is model
            and hasattr(view, "show")
        ]
    sm = current_app.appbuilder.sm  # type: ignore[attr-defined]
    for endpoint, permission in views[model]:
        if sm.has_access("can_read", permission):
            return endpoint
    return None


def _display(view, item, name: str):
    value = getattr(item, name, None)
    formatter = view.formatters_columns.get(name)
    if _empty(value):
        return None, None
    link = None
    pk = getattr(value, "id", None) if hasattr(value, "__table__") else None
    if pk is not None:
        endpoint = show_endpoint(type(value))
        if endpoint is not None and policy.visible(type(value), pk):
            link = url_for(f"{endpoint}.show", pk=pk)
    shown = formatter(value) if formatter else value
    if _empty(shown):
        return None, None
    return shown, link


def _label(view, name: str):
    return view.label_columns.get(name) or view._prettify_column(name)


def build(view, item, can_write: bool) -> SurfacePage:
    """The surface of `item` on `view`'s show page, for the current user."""
    spec: Surface = view.surface
    hidden = view.hidden_columns()
    machine = getattr(view, "state_machine", None)
    name_value = getattr(item, spec.name, None) if spec.name else None
    page = SurfacePage(name=str(name_value if name_value else item))
    open_doc = True
    if machine is not None:
        state = getattr(item, machine.field)
        open_doc = bool(machine.allowed(state))
        page.state = state
        page.state_label = machine.label(state)
        page.state_class = OPEN_CLASS if open_doc else CLOSED_CLASS
    days_left_on = getattr(item, "days_left_on", None)
    if callable(days_left_on):
        page.days_left = days_left_on(date.today())
    shown = {spec.name, machine.field if machine is not None else None, *spec.elsewhere}
    for col in spec.head:
        if col in hidden:
            continue
        shown.add(col)
        value, link = _display(view, item, col)
        if value is not None:
            page.facts.append(Fact(_label(view, col), value, link))
    page.work_editable = can_write and open_doc
    if page.work_editable and spec.work:
        page.work_url = url_for(f"{view.endpoint}.work", pk=item.id)
    columns = view.datamodel.list_columns
    for col in working_columns(view):
        shown.add(col)
        value = getattr(item, col, None) or ""
        if not page.work_editable and not value:
            continue
        length = getattr(getattr(columns.get(col), "type", None), "length", None)
        page.work.append(
            WorkField(col, _label(view, col), value, rows=1 if length else 3, max_length=length)
        )
    for col in view._visible(view.show_columns):
        if col in shown or getattr(item, col, None) is False:  # "no" says nothing here
            continue
        value, link = _display(view, item, col)
        if value is not None:
            page.details.append(Fact(_label(view, col), value, link))
    if can_write and open_doc and view.edit_columns and _routed(view, "edit"):
        page.edit_url = url_for(f"{view.endpoint}.edit", pk=item.id)
    if can_write and getattr(view.rules, "deletable", True) and _routed(view, "delete"):
        page.delete_url = url_for(f"{view.endpoint}.delete", pk=item.id)
    return page


def _routed(view, method: str) -> bool:
    """Whether the view serves `method` (a notification has no edit or delete page)."""
    included = getattr(view, "include_route_methods", None)
    excluded = getattr(view, "exclude_route_methods", None) or set()
    return (included is None or method in included) and method not in excluded


def may_write(view) -> bool:
    return current_app.appbuilder.sm.has_access(WRITE, view.class_permission_name)  # type: ignore[attr-defined]


def working_columns(view) -> list[str]:
    """The surface's working fields the reader may write: only fields its edit form
    writes too (the page is no wider a door than Edit and the API) and he may see."""
    hidden = view.hidden_columns()
    editable = set(view.edit_columns or ())
    return [c for c in view.surface.work if c in editable and c not in hidden]


def save_work(view, item, form) -> None:
    """Write the working fields sent from the record's page (only those the surface
    declares, the edit form writes and the user may see), then ask the resource's
    rules as an edit would."""
    columns = view.datamodel.list_columns
    for col in working_columns(view):
        if col not in form:
            continue
        value = (form.get(col) or "").strip() or None
        length = getattr(getattr(columns.get(col), "type", None), "length", None) or MAX_TEXT
        if value is not None and length and len(value) > length:
            raise DomainError(
                _l(
                    "%(field)s: at most %(max)s characters.",
                    field=_label(view, col),
                    max=length,
                ),
                field=col,
            )
        setattr(item, col, value)
    view.pre_update(item)


class SurfaceMixin:
    """The work surface on an AppModelView's show page (mixed in before ModelView):
    the header and working fields in the template's context, the in-place save of the
    working fields (`/work/<pk>`), back to the record after an add or an edit, and no
    Delete offered where the rules never delete."""

    surface: Surface = Surface()

    def shown_item(self, pk):
        """The record a show page renders, read once per request under the view's
        filters (its record rule): the page's parts (header, steps, lines) share it."""
        cache = g.setdefault("as_shown_items", {})
        key = (self.endpoint, str(pk))
        if key not in cache:
            cache[key] = self.datamodel.get(pk, self._base_filters)
        return cache[key]

    def render_template(self, template, **kwargs):
        if template == self.show_template and kwargs.get("pk") is not None:
            item = self.shown_item(kwargs["pk"])
            if item is not None:
                kwargs["surface"] = build(self, item, may_write(self))
        return super().render_template(template, **kwargs)

    @expose("/work/<int:pk>", methods=["POST"])
    @has_access
    def work(self, pk):
        """Save the working fields typed on the record's page."""
        return self.act_on(pk, lambda item: save_work(self, item, request.form), _l("Saved."))

    def _shown_after_save(self, pk):
        if pk is None or self._from_parent():
            return redirect(self.get_redirect())
        return redirect(url_for(f"{self.endpoint}.show", pk=pk))

    def _from_parent(self) -> bool:
        """A line added or edited from its parent's page (FAB's related list links
        carry a filter on the relation, `?_flt_0_order=5`): back to the parent."""
        dm = self.datamodel  # type: ignore[attr-defined]
        for key in request.args:
            if key.startswith("_flt_") and key.count("_") >= 3:
                column = key.split("_", 3)[3]
                if column in dm.list_properties and dm.is_relation(column):
                    return True
        return False

    def post_add(self, item):
        g.as_saved_pk = getattr(item, "id", None)
        super().post_add(item)

    def post_add_redirect(self):
        """After an add, the new record's page (where its work goes on), as in Odoo."""
        return self._shown_after_save(g.pop("as_saved_pk", None))

    def post_edit_redirect(self):
        """After an edit (saved or refused), back to the record, not to the list."""
        return self._shown_after_save((request.view_args or {}).get("pk"))

    def get_method_permission(self, method_name):
        # FAB shows the delete icon to whoever holds delete's permission; a resource
        # whose rules never delete offers none (the rules refuse it anyway).
        if method_name == "delete" and not getattr(self.rules, "deletable", True):
            return "never"
        return super().get_method_permission(method_name)
