"""Limits on what one request may ask, introspection and GraphiQL switches, request ids, masking
of unexpected errors, and the health check."""

import json
import logging
import re
import socket
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

import resolvers.committees
from api.app import create_app
from api.settings import Settings
from models.db import create_engine
from tests.support.http import app_with, http

VIEWER = "{ viewer { role } }"
INTROSPECTION = "{ __schema { queryType { name } } }"
COUNTRIES = "{ countries { code } }"
UNKNOWN_FIELD = "{ committees { code nope } }"

REQUEST_ID = re.compile(r"^[0-9a-f]{16}$")


def nested(depth: int) -> str:
    """{ committees { partner { committee ... { code } } } } with `code` at `depth` (the root field is at 0)."""
    names = ["committees"] + ["partner", "committee"] * depth
    selection = "code"
    for name in reversed(names[:depth]):
        selection = f"{name} {{ {selection} }}"
    return "{ " + selection + " }"


def aliased(count: int) -> str:
    return "{ " + " ".join(f"a{i}: __typename" for i in range(count)) + " }"


def body_of_size(size: int) -> bytes:
    """A valid GraphQL request body of exactly `size` bytes (padded with an ignored extension)."""
    empty = json.dumps({"query": VIEWER, "extensions": {"pad": ""}}).encode()
    body = json.dumps({"query": VIEWER, "extensions": {"pad": "x" * (size - len(empty))}}).encode()
    assert len(body) == size
    return body


def unreachable_database_url() -> str:
    """A PostgreSQL URL on a local port nothing listens on: connecting is refused at once.

    (An unopenable SQLite file would do as well, but aiosqlite stops the worker thread of a
    connection that failed to open without awaiting it, which can fire after the test's loop closed.)
    """
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"postgresql+asyncpg://nobody@127.0.0.1:{port}/nothing"


async def post(client: httpx.AsyncClient, query: str) -> dict[str, Any]:
    response = await client.post("/graphql", json={"query": query})
    assert response.status_code == 200, response.text
    return response.json()


# --- limits ---------------------------------------------------------------------------------


def test_limits_are_on_by_default(monkeypatch):
    for name in ("JCM_MAX_QUERY_DEPTH", "JCM_MAX_ALIASES", "JCM_MAX_TOKENS", "JCM_MAX_BODY_BYTES"):
        monkeypatch.delenv(name, raising=False)

    settings = Settings()

    assert (settings.max_query_depth, settings.max_aliases, settings.max_tokens, settings.max_body_bytes) == (
        10,
        30,
        2000,
        100_000,
    )


async def test_default_limits_are_enforced_by_the_default_app(client):
    # Depth
    assert "errors" not in await post(client, nested(10))
    assert await post(client, nested(11)) == {
        "data": None,
        "errors": [
            {
                "message": "'anonymous' exceeds maximum operation depth of 10",
                "locations": [{"line": 1, "column": nested(11).index("code") + 1}],
            }
        ],
    }
    # Aliases
    assert (await post(client, aliased(30)))["data"] == {f"a{i}": "Query" for i in range(30)}
    assert await post(client, aliased(31)) == {"data": None, "errors": [{"message": "31 aliases found. Allowed: 30"}]}
    # Tokens: "{", 1999 fields, "}"
    over = await post(client, "{ " + "__typename " * 1999 + "}")
    assert over["data"] is None
    assert [e["message"] for e in over["errors"]] == [
        "Syntax Error: Document contains more than 2000 tokens. Parsing aborted."
    ]
    # Body
    response = await client.post(
        "/graphql", content=body_of_size(100_001), headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 413
    assert response.json() == {
        "errors": [{"message": "Request body over 100000 bytes.", "extensions": {"code": "BODY_TOO_LARGE"}}]
    }


async def test_query_deeper_than_the_limit_is_refused(settings, engine):
    async with http(app_with(settings, engine, max_query_depth=3)) as client:
        # Given a document at the limit works
        assert (await post(client, nested(3)))["data"]["committees"][0] == {"partner": {"committee": {"code": "MN"}}}

        # When one level deeper
        body = await post(client, nested(4))

    # Then
    assert body == {
        "data": None,
        "errors": [
            {
                "message": "'anonymous' exceeds maximum operation depth of 3",
                "locations": [{"line": 1, "column": nested(4).index("code") + 1}],
            }
        ],
    }


async def test_more_aliases_than_the_limit_are_refused(settings, engine):
    async with http(app_with(settings, engine, max_aliases=2)) as client:
        assert await post(client, aliased(2)) == {"data": {"a0": "Query", "a1": "Query"}}

        body = await post(client, aliased(3))

    assert body == {"data": None, "errors": [{"message": "3 aliases found. Allowed: 2"}]}


async def test_a_document_with_more_tokens_than_the_limit_is_refused(settings, engine):
    async with http(app_with(settings, engine, max_tokens=6)) as client:
        # "{ viewer { role } }" is 6 tokens
        assert await post(client, VIEWER) == {"data": {"viewer": {"role": "PUBLIC"}}}

        body = await post(client, "{ viewer { role name } }")

    assert body == {
        "data": None,
        "errors": [
            {
                "message": "Syntax Error: Document contains more than 6 tokens. Parsing aborted.",
                "locations": [{"line": 1, "column": 24}],  # the 7th token: the last "}"
            }
        ],
    }


async def test_a_body_over_the_limit_gets_413(settings, engine):
    async with http(app_with(settings, engine, max_body_bytes=500)) as client:
        # Given a body of exactly the limit is served
        at_limit = await client.post(
            "/graphql", content=body_of_size(500), headers={"Content-Type": "application/json"}
        )
        assert (at_limit.status_code, at_limit.json()) == (200, {"data": {"viewer": {"role": "PUBLIC"}}})

        # When one byte more is declared
        over = await client.post("/graphql", content=body_of_size(501), headers={"Content-Type": "application/json"})

    # Then
    assert over.status_code == 413
    assert over.json() == {
        "errors": [{"message": "Request body over 500 bytes.", "extensions": {"code": "BODY_TOO_LARGE"}}]
    }


async def test_a_chunked_body_over_the_limit_gets_413_too(settings, engine):
    # Given a body sent without Content-Length
    body = body_of_size(501)

    async def chunks() -> AsyncIterator[bytes]:
        for start in range(0, len(body), 100):
            yield body[start : start + 100]

    # When
    async with http(app_with(settings, engine, max_body_bytes=500)) as client:
        response = await client.post("/graphql", content=chunks(), headers={"Content-Type": "application/json"})

    # Then
    assert "content-length" not in response.request.headers
    assert response.status_code == 413
    assert response.json() == {
        "errors": [{"message": "Request body too large.", "extensions": {"code": "BODY_TOO_LARGE"}}]
    }


# --- introspection and GraphiQL -------------------------------------------------------------------


async def test_introspection_works_by_default(client):
    assert await post(client, INTROSPECTION) == {"data": {"__schema": {"queryType": {"name": "Query"}}}}


async def test_introspection_can_be_switched_off(settings, engine):
    async with http(app_with(settings, engine, introspection=False)) as client:
        body = await post(client, INTROSPECTION)
        ordinary = await post(client, VIEWER)

    assert body == {
        "data": None,
        "errors": [
            {
                "message": "GraphQL introspection has been disabled, but the requested query contained the field '__schema'.",
                "locations": [{"line": 1, "column": 3}],
            },
            {
                "message": "GraphQL introspection has been disabled, but the requested query contained the field 'queryType'.",
                "locations": [{"line": 1, "column": 14}],
            },
        ],
    }
    assert ordinary == {"data": {"viewer": {"role": "PUBLIC"}}}


async def test_browsers_get_graphiql_by_default(client):
    response = await client.get("/graphql", headers={"Accept": "text/html"})

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "graphiql" in response.text.lower()


async def test_graphiql_can_be_switched_off(settings, engine):
    async with http(app_with(settings, engine, graphiql=False)) as client:
        response = await client.get("/graphql", headers={"Accept": "text/html"})

    assert response.status_code == 404
    assert "graphiql" not in response.text.lower()


# --- request ids --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "method, path, kwargs, status",
    [
        ("POST", "/graphql", {"json": {"query": VIEWER}}, 200),
        ("POST", "/graphql", {"json": {"query": UNKNOWN_FIELD}}, 200),
        ("GET", "/graphql", {"params": {"query": VIEWER}}, 200),
        ("GET", "/graphql", {"headers": {"Accept": "text/html"}}, 200),
        ("GET", "/healthz", {}, 200),
        ("GET", "/nowhere", {}, 404),
        ("POST", "/graphql", {"json": {"query": VIEWER}, "headers": {"Authorization": "Bearer nope"}}, 401),
        ("POST", "/graphql", {"content": b"x" * 100_001}, 413),
        ("POST", "/graphql", {"content": b"not json", "headers": {"Content-Type": "application/json"}}, 400),
    ],
    ids=[
        "query",
        "invalid-query",
        "get-query",
        "graphiql",
        "healthz",
        "not-found",
        "bad-token",
        "too-large",
        "bad-json",
    ],
)
async def test_every_response_has_a_request_id(client, method, path, kwargs, status):
    first = await client.request(method, path, **kwargs)
    second = await client.request(method, path, **kwargs)

    assert (first.status_code, second.status_code) == (status, status)
    assert REQUEST_ID.match(first.headers["x-request-id"])
    assert REQUEST_ID.match(second.headers["x-request-id"])
    assert first.headers["x-request-id"] != second.headers["x-request-id"]


async def test_a_database_failure_while_checking_a_token_is_answered_with_a_request_id(settings, caplog):
    # Given an app whose database is down, and a client that presents a token
    engine = create_engine(unreachable_database_url())
    try:
        async with http(create_app(settings, engine=engine), raise_app_exceptions=False) as client:
            # When
            with caplog.at_level(logging.ERROR):
                response = await client.post(
                    "/graphql", json={"query": VIEWER}, headers={"Authorization": "Bearer jcm_" + "x" * 43}
                )
    finally:
        await engine.dispose()

    # Then the failure is reported the way every unexpected error is: with a request id, logged
    assert response.status_code >= 500
    assert "Connect call failed" not in response.text
    request_id = response.headers.get("x-request-id")
    assert request_id is not None, "no X-Request-ID on the response"
    assert request_id in response.text
    assert any(request_id in record.getMessage() for record in caplog.records if record.name == "jcm.api")


# --- unexpected errors ------------------------------------------------------------------------


async def test_unexpected_errors_are_masked_and_logged_with_the_request_id(client, monkeypatch, caplog):
    # Given
    async def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("secret detail")

    monkeypatch.setattr(resolvers.committees, "list_countries", broken)

    # When
    with caplog.at_level(logging.ERROR, logger="jcm.api"):
        response = await client.post("/graphql", json={"query": COUNTRIES})

    # Then
    request_id = response.headers["x-request-id"]
    assert response.status_code == 200
    assert response.json() == {
        "data": None,
        "errors": [
            {
                "message": f"Internal error. Quote request id {request_id} when reporting it.",
                "locations": [{"line": 1, "column": 3}],
                "path": ["countries"],
                "extensions": {"code": "INTERNAL_SERVER_ERROR", "requestId": request_id},
            }
        ],
    }
    assert "secret detail" not in response.text
    logged = [record for record in caplog.records if record.name == "jcm.api"]
    assert [(r.levelno, r.getMessage()) for r in logged] == [
        (logging.ERROR, f"unexpected error in countries (request id {request_id})")
    ]
    assert logged[0].exc_info is not None
    assert repr(logged[0].exc_info[1]) == "RuntimeError('secret detail')"


async def test_validation_errors_are_not_masked(client, caplog):
    with caplog.at_level(logging.ERROR, logger="jcm.api"):
        body = await post(client, UNKNOWN_FIELD)

    assert body == {
        "data": None,
        "errors": [
            {
                "message": "Cannot query field 'nope' on type 'JointCommittee'. Did you mean 'code' or 'name'?",
                "locations": [{"line": 1, "column": 21}],
            }
        ],
    }
    assert [r for r in caplog.records if r.name == "jcm.api"] == []


# --- health ------------------------------------------------------------------------------------


async def test_healthz_reports_a_reachable_database(client):
    response = await client.get("/healthz")

    assert (response.status_code, response.json()) == (
        200,
        {
            "status": "ok",
            "database": "reachable",
            "responseCache": {"hits": 0, "misses": 0, "entries": 0, "bytes": 0},
        },
    )


async def test_healthz_answers_503_when_the_database_is_unreachable(settings, caplog):
    # Given
    engine = create_engine(unreachable_database_url())
    try:
        async with http(create_app(settings, engine=engine)) as client:
            # When
            with caplog.at_level(logging.ERROR, logger="jcm.api"):
                response = await client.get("/healthz")
    finally:
        await engine.dispose()

    # Then
    assert (response.status_code, response.json()) == (503, {"status": "unavailable", "database": "unreachable"})
    logged = [record for record in caplog.records if record.name == "jcm.api"]
    assert [(r.levelno, r.getMessage()) for r in logged] == [(logging.ERROR, "health check: database unreachable")]
    assert logged[0].exc_info is not None
