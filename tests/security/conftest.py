"""Fixtures of the robustness tests: an admin API client, the OpenAPI spec, the resources."""

from __future__ import annotations

import pytest
from flask_appbuilder.api import ModelRestApi

from tests.conftest import ROLE_USERS, ApiClient
from tests.security.robustness import API, Resource, _body_schema, _build_spec_in_process, is_json


@pytest.fixture(scope="module")
def admin(app) -> ApiClient:
    return ApiClient(app, ROLE_USERS["Admin"])


@pytest.fixture(scope="module")
def spec(app, admin) -> dict:
    r = admin.get(f"{API}/_openapi")
    if r.status_code == 200 and is_json(r):
        return r.json
    return _build_spec_in_process(app)


@pytest.fixture(scope="module")
def resources(app, spec) -> list[Resource]:
    found = []
    for api in app.extensions["aftersales"].apis:
        if not isinstance(api, ModelRestApi):
            continue
        base = f"{API}/{api.resource_name}/"
        ops = spec["paths"].get(base, {})
        item_ops = spec["paths"].get(base + "{pk}", {})
        found.append(
            Resource(
                api=api,
                name=api.resource_name,
                base=base,
                post_schema=_body_schema(spec, ops.get("post")),
                put_schema=_body_schema(spec, item_ops.get("put")),
                methods={m.upper() for m in ops} | {f"{m.upper()}_ITEM" for m in item_ops},
            )
        )
    assert found, "no ModelRestApi loaded: the walk would test nothing"
    return found
