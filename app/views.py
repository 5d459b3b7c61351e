"""Base view for every module, and the core's own pages (home, audit, calendar, legal periods)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask import (
    abort,
    current_app,
    flash,
    g,
    redirect,
    request,
    url_for,
)
from flask_appbuilder import IndexView, ModelView, expose
from flask_appbuilder.models.filters import BaseFilter
from flask_appbuilder.security.decorators import has_access
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField
from wtforms.validators import DataRequired, Optional

from app import attachments, deadlines, formats, history, policy
from app import filters as app_filters
from app.api import add_policy_rows
from app.datamodel import AppInterface
from app.db import db
from app.errors import DomainError
from app.formats import ZONE
from app.models import AuditLog, CalendarDay, LegalPeriod
from app.rules import RulesHooks
from app.security import READ, VIEW_METHOD_PERMISSIONS, WRITE
from app.surface import SurfaceMixin, save_work
from app.widgets import LookupField, LookupMultipleField


def commit_step(fn: Callable[[], Any], done: Any) -> bool:
    """A step a page's form asks for, in one transaction: `fn()`, then commit and
    flash `done` (a message, or a function of fn's result giving one); a broken rule
    rolls everything back and is flashed instead. True when it was done."""
    try:
        result = fn()
        db.session.commit()
    except DomainError as err:
        db.session.rollback()
        flash(str(err.message), "danger")
        return False
    flash(str(done(result) if callable(done) else done), "success")
    return True


@dataclass(frozen=True)
class ShowSection:
    """A table under a record on its show page: a title, column headings, rows of
    cells (text), and what to say when there are none."""

    title: object
    columns: list
    rows: list[list]
    empty: object = ""


AUDIT_ACTIONS = {"insert": _l("created"), "update": _l("changed"), "delete": _l("deleted")}


class AppModelView(SurfaceMixin, RulesHooks, ModelView):
    """ModelView with the defaults that keep pages fast, safe and translated.

    - permissions collapse to `can_read` / `can_write` on `class_permission_name`;
    - relations in the list are eager-loaded (a fixed number of statements);
    - the search form leaves out relations (FAB would load the whole related
      table into a select) unless the view lists them in `search_columns`;
    - many-to-one and many-to-many fields in add/edit forms search the related
      table over AJAX;
    - the show page lists the record's audit history;
    - the policy of the model (app.policy): its record rule on every row, its hidden
      fields left out of the list, the record, the search, the sort and the forms.
    """

    method_permission_name = VIEW_METHOD_PERMISSIONS
    page_size = 25
    max_page_size = 100
    show_template = "aftersales/show.html"
    list_template = "aftersales/list.html"  # quick-filter buttons (app.filters)
    audit_rows_shown = 20
    attachments = False  # True: the show page lists the record's files with an upload form

    def _init_properties(self):
        super()._init_properties()
        add_policy_rows(self)
        self._init_formatters()
        dm = self.datamodel
        dm.eager_relations = tuple(
            c for c in self.list_columns if "." not in c and dm.is_relation(c)
        )
        if type(self).search_columns is None:
            self.search_columns = [c for c in self.search_columns if not dm.is_relation(c)]
            self._filters = dm.get_filters(self.search_columns)
        app_filters.install(self)  # search by related records, quick-filter buttons
        self.add_form_extra_fields = dict(self.add_form_extra_fields)
        self.edit_form_extra_fields = dict(self.edit_form_extra_fields)
        for cols, extra in (
            (self.add_columns, self.add_form_extra_fields),
            (self.edit_columns, self.edit_form_extra_fields),
        ):
            for col in cols:
                if col in extra:
                    continue
                if dm.is_boolean(col):
                    # FAB makes a non-nullable boolean "required": unticked would fail.
                    extra[col] = BooleanField(
                        self.label_columns.get(col) or self._prettify_column(col),
                        description=self.description_columns.get(col, ""),
                        default=getattr(dm.obj, col).default.arg
                        if getattr(dm.obj, col).default is not None
                        else False,
                    )
                    continue
                if dm.is_relation_many_to_many(col):
                    extra[col] = LookupMultipleField(
                        self.label_columns.get(col) or self._prettify_column(col),
                        model=dm.get_related_model(col),
                        description=self.description_columns.get(col, ""),
                    )
                    continue
                if not dm.is_relation_many_to_one(col):
                    continue
                rel = dm.list_properties[col]
                nullable = all(c.nullable for c in rel.local_columns)
                extra[col] = LookupField(
                    self.label_columns.get(col) or self._prettify_column(col),
                    validators=[Optional() if nullable else DataRequired()],
                    model=dm.get_related_model(col),
                    description=self.description_columns.get(col, ""),
                )

    def _init_formatters(self):
        """Readable defaults: no "None", dates without microseconds, translated yes/no."""
        dm = self.datamodel
        formatters = dict(self.formatters_columns)
        for col in {*self.list_columns, *self.show_columns}:
            if col in formatters or "." in col:
                continue
            if dm.is_boolean(col):
                formatters[col] = _format_bool
            elif dm.is_datetime(col):
                formatters[col] = formats.moment
            elif dm.is_date(col):
                formatters[col] = formats.day
            else:
                formatters[col] = _format_plain
        self.formatters_columns = formatters

    @expose("/download/<string:filename>")
    @has_access
    def download(self, filename):
        """FAB serves files of its FileColumn from UPLOAD_FOLDER here; no model has one
        (attachments have their own store and rights), so there is nothing to download:
        404, not the 500 of a missing folder."""
        abort(404)

    # ---------------------------------------------------------------- hidden fields

    def hidden_columns(self) -> frozenset[str]:
        """Columns of the model the current user may not see (app.policy.Fields)."""
        return policy.hidden(self.datamodel.obj)

    def _visible(self, columns) -> list[str]:
        hidden = self.hidden_columns()
        return [c for c in columns if c.split(".")[0] not in hidden]

    def _get_list_widget(self, *args, **kwargs):
        widgets = super()._get_list_widget(*args, **kwargs)
        args = widgets["list"].template_args
        args["include_columns"] = self._visible(args["include_columns"])
        args["order_columns"] = self._visible(args.get("order_columns") or [])
        return widgets

    def _get_show_widget(self, pk, item, widgets=None, actions=None, show_fieldsets=None):
        widgets = super()._get_show_widget(pk, item, widgets, actions, show_fieldsets)
        args = widgets["show"].template_args
        args["include_columns"] = self._visible(args["include_columns"])
        return widgets

    def _get_search_widget(self, form=None, exclude_cols=None, widgets=None):
        exclude = [*(exclude_cols or []), *self.hidden_columns()]
        return super()._get_search_widget(form=form, exclude_cols=exclude, widgets=widgets)

    def _get_add_widget(self, form, exclude_cols=None, widgets=None):
        exclude = [*(exclude_cols or []), *self.hidden_columns()]
        if request.method == "GET":
            self.prefill_add_form(form, exclude)
        return super()._get_add_widget(form, exclude_cols=exclude, widgets=widgets)

    def prefill_add_form(self, form, exclude) -> None:
        """`/add?unit=5&customer=3`: the add form opens with those fields filled in (a
        related record only when the user may see it); nothing is written until saved."""
        for name in self.add_columns:
            value = request.args.get(name)
            if value in (None, "") or name in exclude or name not in form:
                continue
            field = form[name]
            try:
                field.process_formdata([value])
            except ValueError:  # not a value of this field: left empty
                field.data = None
            if isinstance(field, LookupField):
                field._invalid = False  # a record the user may not see: left empty

    def _get_edit_widget(self, form, exclude_cols=None, widgets=None):
        exclude = [*(exclude_cols or []), *self.hidden_columns()]
        return super()._get_edit_widget(form, exclude_cols=exclude, widgets=widgets)

    def process_form(self, form, is_created):
        """Blank text means "no value": NULL, not "" (which unique columns would clash on).
        A field the user may not see is not written from the form either."""
        for name in self.hidden_columns():
            if name in form:
                del form[name]
        for field in form:
            if isinstance(field.data, str) and not field.data.strip():
                col = field.name
                if self.datamodel.is_string(col) or self.datamodel.is_text(col):
                    field.data = None

    def _list(self, **kwargs):
        name = self.__class__.__name__
        order_column = request.args.get(f"_oc_{name}", "")
        order_direction = request.args.get(f"_od_{name}", "")
        if order_column and order_column not in self._visible(self.order_columns):
            abort(400, description=str(_l("Cannot sort by this column.")))
        hidden = self.hidden_columns()
        for key in request.args:
            if key.startswith("_flt_") and key.split("_", 3)[-1].split(".")[0] in hidden:
                abort(400, description=str(_l("Cannot filter by this column.")))
        if order_direction not in ("", "asc", "desc"):
            abort(400, description=str(_l("Sort direction must be asc or desc.")))
        if not order_column:
            order_direction = ""
        page = _int_arg(f"page_{name}", 0)
        page_size = min(
            _int_arg(f"psize_{name}", self.page_size) or self.page_size, self.max_page_size
        )
        from flask_appbuilder.urltools import get_filter_args

        get_filter_args(self._filters)
        widgets = self._get_list_widget(
            filters=self._filters,
            order_column=order_column,
            order_direction=order_direction,
            page=page,
            page_size=page_size,
            **kwargs,
        )
        form = self.search_form.refresh()
        self.update_redirect()
        return self._get_search_widget(form=form, widgets=widgets)

    # ---------------------------------------------------------------- steps

    def act_on(self, pk, fn, done):
        """A step on a record from its page (a form POST): `fn(item)` in one
        transaction; a broken rule rolls back and is flashed, success flashes `done`;
        back to the record's page. 404 when the user may not see the record."""
        item = self.datamodel.get(pk, self._base_filters)
        if item is None:
            abort(404)
        commit_step(lambda: fn(item), done)
        return redirect(url_for(f"{self.endpoint}.show", pk=pk))

    def show_sections(self, item) -> list[ShowSection]:
        """Tables the show page lists under the record (override: e.g. an employee's
        absences and whom he stands in for)."""
        return []

    def render_template(self, template, **kwargs):
        if template == self.show_template and kwargs.get("pk") is not None:
            item = self.shown_item(kwargs["pk"])
            kwargs["show_sections"] = self.show_sections(item) if item is not None else []
            table = self.datamodel.obj.__tablename__
            kwargs["history"] = self.record_history(kwargs["pk"])
            if self.attachments:
                kwargs["attachment_rows"] = attachments.files_of(
                    db.session, table, int(kwargs["pk"])
                )
                kwargs["attachment_table"] = table
                kwargs["attachment_can_write"] = self.appbuilder.sm.has_access(
                    WRITE, self.class_permission_name
                )
            if self.appbuilder.sm.has_access(READ, "AuditLog"):
                kwargs["audit_more_url"] = (
                    f"/auditlogview/list/?_flt_0_table_name={table}&_flt_0_row_id={kwargs['pk']}"
                )
        return super().render_template(template, **kwargs)

    def record_history(self, pk) -> history.HistoryPage:
        """The record's changes and steps as sentences, newest first, a page at a time
        (`?history_page=`); the screen's labels and choice formatters name them."""
        formatters = {
            k: f
            for k, f in self.formatters_columns.items()
            if f not in (_format_bool, formats.moment, formats.day, _format_plain)
        }
        return history.record_history(
            db.session,
            self.datamodel.obj,
            pk,
            labels=self.label_columns,
            formatters=formatters,
            machine=getattr(self, "state_machine", None),
            page=_int_arg("history_page", 0),
            per_page=self.audit_rows_shown,
        )


class StateMachineViewMixin:
    """Buttons for the allowed transitions on the show page (its steps are told in the
    record's history, app.history).

    Mix into an AppModelView (before it) and set `state_machine`; override
    `apply_transition` to route through a service function.
    """

    state_machine: Any = None  # app.statemachine.StateMachine

    def apply_transition(self, session, item, action: str, comment: str | None) -> None:
        rules = getattr(self, "rules", None)
        if rules is not None and rules.state_machine is not None:
            rules.transition(session, item, action, comment, policy.current_actor())
        else:
            self.state_machine.apply(session, item, action, comment)

    def shown_transitions(self, item, transitions: list) -> list:
        """The buttons to offer for `item` (override to hide steps that do not apply to
        it, e.g. a quote on a warranty repair); the service still has the last word."""
        return transitions

    def render_template(self, template, **kwargs):
        if template == self.show_template and kwargs.get("pk") is not None:
            item = self.shown_item(kwargs["pk"])
            if item is not None:
                machine = self.state_machine
                kwargs["sm_transitions"] = self.shown_transitions(
                    item, machine.allowed(getattr(item, machine.field))
                )
                kwargs["sm_endpoint"] = f"{self.endpoint}.transition"
                kwargs["sm_can_write"] = self.appbuilder.sm.has_access(
                    WRITE, self.class_permission_name
                )
        return super().render_template(template, **kwargs)

    @expose("/transition/<int:pk>/<action>", methods=["POST"])
    @has_access
    def transition(self, pk, action):
        item = self.datamodel.get(pk, self._base_filters)
        if item is None:
            abort(404)
        comment = (request.form.get("comment") or "").strip() or None
        try:
            # what was typed in the working fields is saved with the step, as one
            # (Odoo saves a record before its button runs)
            if any(col in request.form for col in self.surface.work):
                save_work(self, item, request.form)
            self.apply_transition(db.session, item, action, comment)
            db.session.commit()
        except DomainError as err:
            db.session.rollback()
            flash(str(err.message), "danger")
        else:
            flash(
                str(
                    _l(
                        "New state: %(state)s",
                        state=self.state_machine.label(getattr(item, self.state_machine.field)),
                    )
                ),
                "success",
            )
        return redirect(url_for(f"{self.endpoint}.show", pk=pk))


def _format_bool(value) -> str:
    if value is None:
        return ""
    return str(_l("Yes")) if value else str(_l("No"))


def _format_plain(value):
    return formats.number(value)


def _int_arg(name: str, default: int) -> int:
    raw = request.args.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:
        abort(400, description=str(_l("%(name)s must be a whole number.", name=name)))
    if value < 0:
        abort(400, description=str(_l("%(name)s must not be negative.", name=name)))
    return value


class HomeView(IndexView):
    index_template = "aftersales/index.html"

    @expose("/")
    def index(self):
        from app.insights import hook

        home = hook("home")  # a module's dashboard replaces the page for logged-in users
        if home is not None and g.user is not None and g.user.is_authenticated:
            return home(self)
        modules = current_app.extensions["aftersales"].manifests
        return self.render_template(
            self.index_template, appbuilder=self.appbuilder, modules=modules
        )


class AuditRows(BaseFilter):
    """The audit log of the records a reader may see: the tables his rights let him
    read without a record rule limiting him (app.policy.readable_tables)."""

    name = "readable"
    arg_name = "readable"

    def apply(self, query, value):
        return query.filter(AuditLog.table_name.in_(sorted(policy.readable_tables())))


class AuditLogView(AppModelView):
    datamodel = AppInterface(AuditLog)
    class_permission_name = "AuditLog"
    base_permissions = ["can_read"]
    list_title = _l("Audit log")
    show_title = _l("Audit record")
    list_columns = ["at", "username", "action", "table_name", "row_id"]
    show_columns = ["at", "username", "user_id", "action", "table_name", "row_id", "changes"]
    search_columns = ["username", "action", "table_name", "row_id", "at"]
    base_order = ("id", "desc")
    label_columns = {
        "at": _l("When (%(zone)s)", zone=ZONE),
        "username": _l("User"),
        "user_id": _l("User id"),
        "action": _l("Action"),
        "table_name": _l("Table"),
        "row_id": _l("Record id"),
        "changes": _l("Changes"),
    }
    formatters_columns = {"action": lambda a: AUDIT_ACTIONS.get(a, a)}
    show_template = "appbuilder/general/model/show.html"
    base_filters = [["table_name", AuditRows, None]]

    def _get_show_widget(self, pk, item, widgets=None, actions=None, show_fieldsets=None):
        widgets = super()._get_show_widget(pk, item, widgets, actions, show_fieldsets)
        values = widgets["show"].template_args["value_columns"]
        if isinstance(values, dict) and item is not None:
            values["changes"] = audit_entries([item])[0].changes
        return widgets


class CalendarDayView(AppModelView):
    datamodel = AppInterface(CalendarDay)
    class_permission_name = "CalendarDay"
    list_title = _l("Calendar exceptions")
    add_title = _l("Add a calendar day")
    edit_title = _l("Edit calendar day")
    show_title = _l("Calendar day")
    list_columns = ["day", "working", "note"]
    add_columns = edit_columns = show_columns = ["day", "working", "note"]
    base_order = ("day", "asc")
    label_columns = {"day": _l("Day"), "working": _l("Working day"), "note": _l("Note")}
    description_columns = {
        "working": _l(
            "Ticked: a working day although the country's calendar says otherwise "
            "(a transferred Saturday). Unticked: a non-working day (a company holiday)."
        )
    }


class LegalPeriodView(AppModelView):
    datamodel = AppInterface(LegalPeriod)
    class_permission_name = "LegalPeriod"
    list_title = _l("Legal periods")
    add_title = _l("Add a legal period")
    edit_title = _l("Edit legal period")
    show_title = _l("Legal period")
    list_columns = ["jurisdiction", "code", "length", "unit", "basis", "penalty_pct_per_day"]
    add_columns = edit_columns = show_columns = list_columns
    base_order = ("code", "asc")
    label_columns = {
        "jurisdiction": _l("Jurisdiction"),
        "code": _l("Period"),
        "length": _l("Length"),
        "unit": _l("Unit"),
        "basis": _l("Legal basis"),
        "penalty_pct_per_day": _l("Delay penalty, % per day"),
    }
    description_columns = {
        "code": _l(
            "The period this row overrides; a period without a row uses the "
            "built-in preset of its jurisdiction."
        ),
    }
    add_form_extra_fields = edit_form_extra_fields = {
        "jurisdiction": deadlines.JURISDICTIONS.select_field(_l("Jurisdiction")),
        "unit": deadlines.UNITS.select_field(_l("Unit")),
    }
    formatters_columns = {
        "jurisdiction": deadlines.JURISDICTIONS.label,
        "unit": deadlines.UNITS.label,
        "code": lambda c: str(deadlines.CODE_LABELS.get(c, c)),
    }

    def pre_add(self, item):
        deadlines.check_legal_period(item)

    def pre_update(self, item):
        deadlines.check_legal_period(item)


def date_arg(name: str) -> date | None:
    """A YYYY-MM-DD query argument, or None; a 400 DomainError when malformed."""
    raw = request.args.get(name)
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise DomainError(
            _l("%(name)s must be a date as YYYY-MM-DD.", name=name), field=name, status=400
        ) from None


def _model_by_table():
    from flask_appbuilder import Model

    return {m.class_.__tablename__: m.class_ for m in Model.registry.mappers}


def audit_entries(rows: list[AuditLog]) -> list[AuditView]:
    """Audit rows as the current user may read them: the fields his policy hides are
    left out of the changes (secrets were masked when they were written)."""
    actor = policy.current_actor()
    out = []
    for row in rows:
        model = policy.model_of_table(row.table_name)
        hidden = policy.hidden(model, actor) if model is not None else frozenset()
        changes = {k: v for k, v in (row.changes or {}).items() if k not in hidden}
        out.append(
            AuditView(row.id, row.at, row.username, row.action, row.table_name, row.row_id, changes)
        )
    return out


@dataclass(frozen=True)
class AuditView:
    id: int
    at: datetime
    username: str | None
    action: str
    table_name: str
    row_id: str
    changes: dict
