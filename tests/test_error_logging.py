"""Expected errors are the client's to fix: they are answered, not logged as failures. Only an
unexpected error is logged at ERROR, once, with its traceback and the request id."""

import logging
from typing import Any

import resolvers.committees
from tests.support.documents import CREATE

AUDIT_TRAIL = '{ auditTrail(subjectId: "UHJvcG9zYWw6MQ==") { action } }'
UNKNOWN_FIELD = "{ committees { code nope } }"
COUNTRIES = "{ countries { code } }"


def failures(caplog) -> list[logging.LogRecord]:
    """Records any logger wrote at WARNING or above, or with a traceback."""
    return [record for record in caplog.records if record.levelno >= logging.WARNING or record.exc_info]


async def test_a_refused_mutation_is_answered_with_a_user_error_and_logs_no_failure(gql, tokens, caplog):
    token = await tokens.secretariat()
    with caplog.at_level(logging.DEBUG):
        data = await gql(CREATE, {"input": {"committeeCode": "VN", "kind": "OTHER", "title": "  "}}, token=token)

    assert data["createProposal"]["userErrors"][0]["code"] == "INVALID_INPUT"
    assert failures(caplog) == []


async def test_a_domain_error_raised_by_a_query_logs_no_failure(gql, caplog):
    # Given an anonymous reader asking for an audit trail
    with caplog.at_level(logging.DEBUG):
        response = await gql.raw(AUDIT_TRAIL)

    # Then the answer says why, and nothing is logged as a failure
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert failures(caplog) == []
    assert [r.getMessage() for r in caplog.records if r.name == "jcm.api"] == [
        "expected error in auditTrail: Sign in with a bearer token to do this."
    ]


async def test_a_validation_error_logs_no_failure(gql, caplog):
    with caplog.at_level(logging.DEBUG):
        response = await gql.raw(UNKNOWN_FIELD)

    assert response.json()["errors"][0]["message"].startswith("Cannot query field 'nope'")
    assert failures(caplog) == []


async def test_an_unexpected_error_is_logged_once_at_error_with_its_traceback(client, monkeypatch, caplog):
    async def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("secret detail")

    monkeypatch.setattr(resolvers.committees, "list_countries", broken)
    with caplog.at_level(logging.DEBUG):
        response = await client.post("/graphql", json={"query": COUNTRIES})

    request_id = response.headers["x-request-id"]
    logged = failures(caplog)
    assert [(r.name, r.levelno, r.getMessage()) for r in logged] == [
        ("jcm.api", logging.ERROR, f"unexpected error in countries (request id {request_id})")
    ]
    assert repr(logged[0].exc_info[1]) == "RuntimeError('secret detail')"
