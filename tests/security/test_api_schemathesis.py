"""The schemathesis walk over every operation of the app's own OpenAPI document, as
Admin and as a low role: every answer below 500 and JSON (CSV and PDF successes aside).

Each generated case is sent by both users (generation is most of the cost), and the
operations are split in parts so that the test workers share the walk."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, Phase, given, settings

from tests.conftest import ROLE_USERS, ApiClient
from tests.security.robustness import MAX_EXAMPLES, MIN_EXAMPLES, TOTAL_CASES, Failures, load_demo

# A role with record rules and few rights: most writes are refused, lists are filtered.
LOW_ROLE = "Technician"
PARTS = 4

# --------------------------------------------------------------------------- schemathesis


@pytest.mark.parametrize("part", range(PARTS))
def test_schemathesis_walk(app, admin, spec, part):
    """Every operation of the OpenAPI document, positive and negative cases, sent as
    Admin and as LOW_ROLE (the whole document for both: what the low role may not
    do must be refused, not crash)."""
    import schemathesis
    from schemathesis import GenerationMode

    load_demo(app)
    low = ApiClient(app, ROLE_USERS[LOW_ROLE])
    schema = schemathesis.openapi.from_dict(json.loads(json.dumps(spec)))
    failures = Failures()
    operations = [op.ok() for op in schema.get_all_operations()]
    assert len(operations) > 100, "the document lists too few operations"
    examples = max(MIN_EXAMPLES, min(MAX_EXAMPLES, TOTAL_CASES // (2 * len(operations))))
    users = (("Admin", admin), (LOW_ROLE, low))
    for op in operations[part::PARTS]:
        # bad input finds the 500s: one valid case per operation, three bad ones
        for mode, n in (
            (GenerationMode.POSITIVE, examples - 2),
            (GenerationMode.NEGATIVE, examples),
        ):
            _walk_operation(app, users, op, mode, max(1, n), failures)
    failures.assert_none()


def _json_on_success(op) -> bool:
    """Whether the document promises JSON for the operation's 2xx answers (not CSV, PDF)."""
    for code, response in (op.definition.raw.get("responses") or {}).items():
        if str(code).startswith("2"):
            content = (response or {}).get("content") or {}
            if content and not any("json" in media for media in content):
                return False
    return True


def _walk_operation(app, users, op, mode, examples: int, failures: Failures) -> None:
    seen: list[str] = []
    json_on_success = _json_on_success(op)

    def check(case) -> None:
        body = str(case.body)[:200]
        for who, client in reversed(users):  # the low role first: Admin may delete
            resp = case.call(app=app, headers={**client.headers})
            what = f"{case.method} {case.formatted_path} ({mode.value}, {who}) {case.query} {body}"
            binary_ok = resp.status_code < 300 and not json_on_success
            if resp.status_code >= 500:
                seen.append(f"{what}: server error {resp.status_code} {resp.content[:300]!r}")
            elif not binary_ok and not _response_is_json(resp):
                seen.append(f"{what}: not JSON {resp.status_code} {resp.content[:200]!r}")

    test = settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )(given(case=op.as_strategy(generation_mode=mode))(check))
    try:
        test()
    except Exception as exc:  # generation errors are failures of the walk too
        seen.append(f"{op.label} ({mode.value}): {type(exc).__name__}: {str(exc)[:300]}")
    for msg in dict.fromkeys(seen):
        failures.add(msg)


def _content_type(resp) -> str:
    value = resp.headers.get("content-type", "")  # schemathesis: name -> list of values
    return value[0] if isinstance(value, list) and value else str(value)


def _response_is_json(resp) -> bool:
    if "json" not in _content_type(resp):
        return False
    try:
        json.loads(resp.content)
    except ValueError:
        return False
    return True
