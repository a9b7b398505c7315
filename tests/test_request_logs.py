"""One structured line per request (api/request_log.py), carrying the request id the response and
its error messages carry too; expected refusals are not logged as errors."""

import json
import logging
import re
import subprocess
import sys
from typing import Any

import pytest

import resolvers.committees
from tests.support.db import count_statements
from tests.support.documents import CREATE
from tests.support.logs import rendered, request_lines

NAMED = "query Countries { countries { code } }"
REQUEST_ID = re.compile(r"^[0-9a-f]{16}$")


def failures(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.levelno >= logging.ERROR]


async def test_a_query_is_logged_once_with_its_operation_role_status_time_and_statements(client, engine, caplog):
    # When an anonymous client runs a named query without sending operationName
    with caplog.at_level(logging.INFO, logger="jcm.request"), count_statements(engine) as counter:
        response = await client.post("/graphql", json={"query": NAMED})

    # Then one INFO line describes it, with the id the response carries
    assert response.status_code == 200
    [line] = request_lines(caplog)
    assert line == {
        "level": "INFO",
        "request_id": response.headers["x-request-id"],
        "method": "POST",
        "path": "/graphql",
        "status": 200,
        "duration_ms": line["duration_ms"],
        "statements": counter.count,
        "operation_name": "Countries",
        "operation_type": "query",
        "role": "PUBLIC",
    }
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] > 0
    assert counter.count >= 1


async def test_a_get_query_and_an_anonymous_one_are_named_as_sent(client, caplog):
    with caplog.at_level(logging.INFO, logger="jcm.request"):
        await client.get("/graphql", params={"query": NAMED})
        await client.post("/graphql", json={"query": "{ countries { code } }"})
        await client.post(
            "/graphql", json={"query": NAMED + " query Other { viewer { role } }", "operationName": "Other"}
        )

    assert [(line["method"], line["operation_name"], line["operation_type"]) for line in request_lines(caplog)] == [
        ("GET", "Countries", "query"),
        ("POST", None, "query"),
        ("POST", "Other", "query"),
    ]


async def test_a_mutation_refused_with_a_user_error_is_logged_at_info_only(gql, tokens, caplog):
    # Given the secretariat
    token = await tokens.secretariat()

    # When its mutation is refused with a userError
    with caplog.at_level(logging.DEBUG):
        data = await gql(CREATE, {"input": {"committeeCode": "VN", "kind": "OTHER", "title": "  "}}, token=token)

    # Then the line says who and what, at INFO, and nothing is logged as an error
    assert data["createProposal"]["userErrors"][0]["code"] == "INVALID_INPUT"
    [line] = request_lines(caplog)
    assert (line["level"], line["status"], line["operation_type"], line["role"]) == (
        "INFO",
        200,
        "mutation",
        "SECRETARIAT",
    )
    assert failures(caplog) == []


async def test_a_refused_token_is_logged_at_info_without_a_role(client, caplog):
    with caplog.at_level(logging.DEBUG):
        response = await client.post(
            "/graphql", json={"query": NAMED}, headers={"Authorization": "Bearer jcm_" + "x" * 43}
        )

    assert response.status_code == 401
    [line] = request_lines(caplog)
    assert (line["level"], line["status"], line["role"]) == ("INFO", 401, None)
    assert failures(caplog) == []


async def test_an_unexpected_error_is_logged_at_error_with_the_request_id_of_the_answer(client, monkeypatch, caplog):
    # Given a resolver that fails
    async def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("secret detail")

    monkeypatch.setattr(resolvers.committees, "list_countries", broken)

    # When
    with caplog.at_level(logging.INFO):
        response = await client.post("/graphql", json={"query": NAMED})

    # Then the error record, rendered as `jcm serve` writes it, carries the answer's request id
    request_id = response.headers["x-request-id"]
    assert response.json()["errors"][0]["extensions"]["requestId"] == request_id
    [error] = failures(caplog)
    logged = json.loads(rendered(error))
    assert (logged["level"], logged["logger"], logged["request_id"]) == ("error", "jcm.api", request_id)
    assert "RuntimeError: secret detail" in logged["exception"]
    assert [line["request_id"] for line in request_lines(caplog)] == [request_id]


@pytest.mark.parametrize(
    "incoming",
    ["0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0", "req-42", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"],
)
async def test_a_safe_incoming_request_id_is_kept(client, monkeypatch, caplog, incoming):
    monkeypatch.setattr(resolvers.committees, "list_countries", _broken)
    with caplog.at_level(logging.INFO, logger="jcm.request"):
        response = await client.post("/graphql", json={"query": NAMED}, headers={"X-Request-ID": incoming})

    # The same id in the header, the error message and the log line
    assert response.headers["x-request-id"] == incoming
    assert f"Quote request id {incoming} " in response.json()["errors"][0]["message"]
    assert [line["request_id"] for line in request_lines(caplog)] == [incoming]


@pytest.mark.parametrize(
    "incoming", ["x" * 129, "a b", "<script>", 'a"b', "é"], ids=["long", "space", "tag", "quote", "non-ascii"]
)
async def test_an_unsafe_incoming_request_id_is_replaced(client, caplog, incoming):
    with caplog.at_level(logging.INFO, logger="jcm.request"):
        response = await client.post("/graphql", json={"query": NAMED}, headers={"X-Request-ID": incoming.encode()})

    request_id = response.headers["x-request-id"]
    assert REQUEST_ID.match(request_id)
    assert [line["request_id"] for line in request_lines(caplog)] == [request_id]


@pytest.mark.parametrize("log_format", ["json", "text"])
async def test_a_line_stays_one_line_whatever_the_path_holds(client, caplog, log_format):
    # Given a path with an encoded newline, which the server decodes
    with caplog.at_level(logging.INFO, logger="jcm.request"):
        response = await client.get('/nowhere%0A{"level":"error"}')

    assert response.status_code == 404
    [record] = [record for record in caplog.records if record.name == "jcm.request"]
    line = rendered(record, log_format)
    assert "\n" not in line
    if log_format == "json":
        assert json.loads(line)["path"] == '/nowhere\n{"level":"error"}'
        assert json.loads(line)["level"] == "info"
    else:
        assert line.startswith("timestamp=") and "level='info'" in line and "status=404" in line


async def _broken(*args: Any, **kwargs: Any) -> Any:
    raise RuntimeError("secret detail")


@pytest.mark.parametrize("log_format", ["json", "text"])
def test_jcm_serve_logs_uvicorn_and_the_service_one_line_each(log_format):
    # Given the logging `jcm serve` hands uvicorn, applied in a process of its own
    script = (
        "import logging, logging.config;"
        "from api.logging_setup import log_config;"
        f"logging.config.dictConfig(log_config({log_format!r}, 'info'));"
        "logging.getLogger('uvicorn.error').info('Started server process');"
        "logging.getLogger('jcm.request').info('request', extra={'status': 200, 'path': '/a\\nb'});"
        "logging.getLogger('jcm.api').debug('not at info')"
    )

    # When
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)

    # Then each record is one line, rendered alike
    lines = done.stderr.splitlines()
    assert len(lines) == 2
    if log_format == "json":
        assert [(line["logger"], line["event"]) for line in map(json.loads, lines)] == [
            ("uvicorn.error", "Started server process"),
            ("jcm.request", "request"),
        ]
        assert json.loads(lines[1])["path"] == "/a\nb"
    else:
        assert "logger='uvicorn.error' event='Started server process'" in lines[0]
        assert "path='/a\\nb'" in lines[1]
