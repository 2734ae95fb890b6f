"""Property-based testing of the HTTP API from its own OpenAPI description (schemathesis).

schemathesis makes requests from the schema, valid and not, and checks every
answer: no 5xx, and the response matches what the description promises. The
number of examples per operation is bounded so the suite stays fast.
"""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi")
schemathesis = pytest.importorskip("schemathesis")

from hypothesis import HealthCheck, settings  # noqa: E402

import normkit  # noqa: E402
from normkit.server import ServerSettings, create_app  # noqa: E402

app = create_app(normkit.Kit(autoload=False), ServerSettings(timeout_seconds=5))
schema = schemathesis.openapi.from_asgi("/v1/openapi.json", app)


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_no_server_error_and_answers_match_the_schema(case: schemathesis.Case) -> None:
    response = case.call()
    assert response.status_code < 500, response.text
    case.validate_response(
        response,
        checks=(
            schemathesis.checks.not_a_server_error,
            schemathesis.checks.status_code_conformance,
            schemathesis.checks.content_type_conformance,
            schemathesis.checks.response_schema_conformance,
        ),
    )
