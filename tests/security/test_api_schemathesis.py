"""The schemathesis walk over every operation of the app's own OpenAPI document:
every answer below 500 and JSON (CSV and PDF successes aside)."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, Phase, given, settings

from tests.security.robustness import MAX_EXAMPLES, MIN_EXAMPLES, TOTAL_CASES, Failures, load_demo

# --------------------------------------------------------------------------- schemathesis


def test_schemathesis_walk(app, admin, spec):
    """Every operation of the OpenAPI document, positive and negative cases."""
    import schemathesis
    from schemathesis import GenerationMode

    load_demo(app)
    schema = schemathesis.openapi.from_dict(json.loads(json.dumps(spec)))
    failures = Failures()
    operations = [op.ok() for op in schema.get_all_operations()]
    assert operations
    examples = max(MIN_EXAMPLES, min(MAX_EXAMPLES, TOTAL_CASES // (2 * len(operations))))
    for op in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            _walk_operation(app, admin, op, mode, examples, failures)
    failures.assert_none()


def _json_on_success(op) -> bool:
    """Whether the document promises JSON for the operation's 2xx answers (not CSV, PDF)."""
    for code, response in (op.definition.raw.get("responses") or {}).items():
        if str(code).startswith("2"):
            content = (response or {}).get("content") or {}
            if content and not any("json" in media for media in content):
                return False
    return True


def _walk_operation(app, admin, op, mode, examples: int, failures: Failures) -> None:
    seen: list[str] = []
    json_on_success = _json_on_success(op)

    def check(case) -> None:
        headers = {**admin.headers}
        resp = case.call(app=app, headers=headers)
        body = str(case.body)[:200]
        what = f"{case.method} {case.formatted_path} ({mode.value}) {case.query} {body}"
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
