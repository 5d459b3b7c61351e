"""The navbar's search: a results page and `GET /api/v1/search/?q=`.

Open to every logged-in user (no FAB permission of its own, as the lookups): what he
finds is what the policy of each kind lets him read (app.search).
"""

from __future__ import annotations

import functools

from flask import g, jsonify, redirect, request, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.api import BaseApi
from flask_jwt_extended import verify_jwt_in_request
from flask_jwt_extended.exceptions import JWTExtendedException
from jwt.exceptions import PyJWTError

from app import search
from app.api import DomainErrorsMixin
from app.errors import DomainError
from app.policy import request_user


def _query_text() -> str:
    """`q` as typed. The API's edge reads `q` as rison, so a text with spaces or `@`
    may come as a rison string (`q='ACME Ltd'`): it is unquoted here."""
    raw = request.args.get("q") or ""
    if request.path.startswith("/api/") and len(raw) >= 2 and raw[0] == raw[-1] == "'":
        import prison

        try:
            value = prison.loads(raw)
        except Exception:  # noqa: BLE001 - not rison after all: the text as typed
            return raw
        return value if isinstance(value, str) else raw
    return raw


class SearchView(BaseView):
    """`/search/?q=`: every kind's hits; from the navbar (`go=1`) a number or serial
    that names exactly one record opens it."""

    route_base = "/search"
    base_permissions: list[str] = []
    default_view = "index"
    template = "aftersales/search.html"

    @expose("/")
    def index(self):
        if request_user() is None:
            login = f"{self.appbuilder.sm.auth_view.__class__.__name__}.login"
            return redirect(url_for(login, next=request.full_path))
        try:
            found = search.search(request.args.get("q"))
        except DomainError as err:
            return self.render_template(
                self.template, found=None, text="", error=err.message, limit=search.LIMIT
            ), err.status
        hit = found.exact_hit()
        if hit is not None and request.args.get("go"):
            return redirect(hit.link)
        return self.render_template(
            self.template,
            found=found,
            text=found.text,
            short=0 < len(found.text) < search.MIN_LENGTH,
            limit=search.LIMIT,
        )


def _logged_in(fn):
    """An API method any logged-in user may call (session cookie or bearer token);
    without a login: 401."""

    @functools.wraps(fn)
    def inner(self, *args, **kwargs):
        if request_user() is None:
            try:
                verify_jwt_in_request()
            except (JWTExtendedException, PyJWTError):
                return self.response_401()
            g.pop("_as_actor", None)  # the actor was the anonymous one before the token
        if request_user() is None:
            return self.response_401()
        return fn(self, *args, **kwargs)

    return inner


class SearchApi(DomainErrorsMixin, BaseApi):
    resource_name = "search"
    base_permissions: list[str] = []
    allow_browser_login = True
    openapi_spec_tag = "Search"

    @expose("/", methods=["GET"])
    @_logged_in
    def find(self):
        """Serial numbers, document numbers and partners matching a text.
        ---
        get:
          summary: Search what the caller may read
          description: >-
            Numbers and serials match from their start, partners by name, phone, e-mail
            (anywhere) and tax id (from the start), case-insensitively; `%` and `_` are
            taken literally. At most 10 records per kind; `more` lists the kinds that
            had more. Each kind follows its resource's rights and record rules. A text
            shorter than 2 characters finds nothing. A text with spaces or `@` may be
            sent as a rison string, `q='ACME Ltd'`.
          security:
          - jwt: []
          parameters:
          - {in: query, name: q, required: true, schema: {type: string, maxLength: 100}}
          responses:
            200:
              description: The hits, grouped by kind in module order
              content:
                application/json:
                  schema:
                    type: object
                    properties:
                      result:
                        type: array
                        items:
                          type: object
                          properties:
                            kind: {type: string}
                            id: {type: integer}
                            label: {type: string}
                            link: {type: string}
                      more: {type: array, items: {type: string}}
            400:
              $ref: '#/components/responses/400'
            401:
              $ref: '#/components/responses/401'
        """
        try:
            found = search.search(_query_text())
        except DomainError as err:
            return self.domain_error(err)
        return jsonify(
            result=[h.as_dict() for h in found.hits],
            more=[grp.kind for grp in found.groups if grp.more],
        )
