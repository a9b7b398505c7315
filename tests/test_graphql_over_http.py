"""GraphQL over HTTP to the letter (https://graphql.github.io/graphql-over-http/draft/).

Both media types are spoken: `application/graphql-response+json` to a client that asks for it (a
request error is then a 400 without `data`), `application/json` otherwise, exactly as before.
Every refusal before GraphQL runs is a GraphQL-shaped JSON error, never plain text. The GET cache,
the in-memory response cache and idempotent replays keep each media type's answers apart. The
graphql-http audit (tests/http_audit) runs against a real uvicorn and must pass 61 of 61.
"""

import asyncio
import json
import os
import shutil
from pathlib import Path

import httpx
import pytest

from tests.support.documents import CREATE

GRAPHQL_RESPONSE = "application/graphql-response+json"
JSON = "application/json"
AUDIT = Path(__file__).parent / "http_audit"
AUDITS = 61
COMMITTEE = "query ($c: String!) { committee(code: $c) { code } }"
TYPENAME = {"query": "{ __typename }"}


async def post(client: httpx.AsyncClient, payload: object, accept: str | None = None, **headers: str) -> httpx.Response:
    if accept is not None:
        headers["accept"] = accept
    return await client.post(
        "/graphql", content=json.dumps(payload).encode(), headers={"content-type": JSON, **headers}
    )


def error_code(response: httpx.Response) -> str:
    body = response.json()
    assert set(body) == {"errors"}, body
    return body["errors"][0]["extensions"]["code"]


# --- the audit ------------------------------------------------------------------------------------


async def run(*command: str, cwd: Path) -> tuple[int, str, str]:
    """A command run without blocking the event loop the live server answers on."""
    process = await asyncio.create_subprocess_exec(
        *command, cwd=cwd, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=300)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def test_the_graphql_http_audit_passes_every_must_should_and_may(live_server):
    # Given node, and the audit's pinned packages installed from its package-lock.json
    if shutil.which("node") is None or shutil.which("npm") is None:
        if os.environ.get("CI"):
            pytest.fail("node and npm are needed for the graphql-http audit (apt-get install nodejs npm)")
        pytest.skip("node is not installed: the graphql-http audit cannot run")
    if not (AUDIT / "node_modules" / "graphql-http").is_dir():
        code, out, err = await run("npm", "ci", "--no-audit", "--no-fund", cwd=AUDIT)
        assert code == 0, f"npm ci failed in {AUDIT}:\n{out}\n{err}"

    # When it audits the live server's /graphql
    code, out, err = await run("node", "audit.mjs", f"{live_server.http_url}/graphql", cwd=AUDIT)

    # Then every one of its audits passes
    results = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    failing = [result for result in results if result["status"] != "ok"]
    assert not failing, "failing audits:\n" + "\n".join(json.dumps(result) for result in failing)
    assert (code, len(results)) == (0, AUDITS), (code, out, err)


# --- content negotiation --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "media_type"),
    [
        pytest.param(None, JSON, id="no-accept"),
        pytest.param("*/*", JSON, id="anything"),
        pytest.param("application/*", JSON, id="any-application-type"),
        pytest.param(JSON, JSON, id="json"),
        pytest.param(GRAPHQL_RESPONSE, GRAPHQL_RESPONSE, id="graphql-response"),
        pytest.param(f"{GRAPHQL_RESPONSE}, {JSON};q=0.9", GRAPHQL_RESPONSE, id="graphql-http-client"),
        pytest.param(f"{JSON}, {GRAPHQL_RESPONSE}", GRAPHQL_RESPONSE, id="both-equally"),
        pytest.param(f"{GRAPHQL_RESPONSE};q=0.5, {JSON}", JSON, id="json-preferred"),
        pytest.param(f"{GRAPHQL_RESPONSE};q=0.5, */*", JSON, id="wildcard-preferred"),
        pytest.param(f"{GRAPHQL_RESPONSE};q=0, */*", JSON, id="graphql-response-refused"),
        pytest.param(f"text/html, {GRAPHQL_RESPONSE};q=0.8", GRAPHQL_RESPONSE, id="among-others"),
        pytest.param(f"{GRAPHQL_RESPONSE}; charset=utf-8", GRAPHQL_RESPONSE, id="with-charset"),
    ],
)
async def test_the_answer_is_in_the_media_type_the_accept_header_prefers(client, accept, media_type):
    # When a query is sent with this Accept header
    response = await post(client, TYPENAME, accept)

    # Then it is answered in the preferred type it can be sent in
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == media_type
    assert response.json() == {"data": {"__typename": "Query"}}


@pytest.mark.parametrize(
    "payload",
    [
        pytest.param({"query": "{"}, id="does-not-parse"),
        pytest.param({"query": "{ noSuchField }"}, id="does-not-validate"),
        pytest.param({"query": COMMITTEE, "variables": {"c": 42}}, id="variable-not-coerced"),
        pytest.param({"query": COMMITTEE}, id="variable-missing"),
    ],
)
async def test_a_request_error_is_a_400_without_data_in_graphql_response_json(client, payload):
    # When a request GraphQL refuses before executing it is sent by each kind of client
    modern = await post(client, payload, GRAPHQL_RESPONSE)
    legacy = await post(client, payload, JSON)

    # Then the one accepting graphql-response+json gets a 400 with errors and no data entry
    assert (modern.status_code, modern.headers["content-type"]) == (400, GRAPHQL_RESPONSE)
    assert set(modern.json()) == {"errors"} and modern.json()["errors"][0]["message"]
    # And the application/json one gets what it always got: 200, the same errors, data null
    assert (legacy.status_code, legacy.headers["content-type"]) == (200, JSON)
    assert legacy.json() == {"data": None, "errors": modern.json()["errors"]}


async def test_an_answer_with_data_stays_200_in_graphql_response_json(client):
    # When a query that runs and finds nothing is asked for as graphql-response+json
    response = await post(client, {"query": COMMITTEE, "variables": {"c": "zz"}}, GRAPHQL_RESPONSE)

    # Then it is a success with its data entry
    assert (response.status_code, response.headers["content-type"]) == (200, GRAPHQL_RESPONSE)
    assert "data" in response.json()


@pytest.mark.parametrize("accept", ["text/html", "text/html, application/xhtml+xml", "multipart/mixed", "image/png"])
async def test_a_post_accepting_nothing_we_can_send_is_a_406_in_json(client, accept):
    # When a query is posted accepting only types the endpoint never answers with
    response = await post(client, TYPENAME, accept)

    # Then it is refused with 406 and a JSON GraphQL error naming what it may accept
    assert (response.status_code, response.headers["content-type"]) == (406, JSON)
    assert error_code(response) == "NOT_ACCEPTABLE"
    assert GRAPHQL_RESPONSE in response.json()["errors"][0]["message"]


async def test_a_browser_still_gets_graphiql_and_a_get_query_accepting_only_html_is_a_406(client):
    # When a browser opens /graphql, and when a GET with a query accepts only HTML
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"
    page = await client.get("/graphql", headers={"accept": browser})
    html_only = await client.get("/graphql", params=TYPENAME, headers={"accept": "text/html"})
    address_bar = await client.get("/graphql", params=TYPENAME, headers={"accept": browser})

    # Then the browser gets GraphiQL, the HTML-only query a 406, and the address bar's query JSON
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert html_only.status_code == 406 and error_code(html_only) == "NOT_ACCEPTABLE"
    assert (address_bar.status_code, address_bar.headers["content-type"]) == (200, JSON)


# --- refusals before GraphQL runs: JSON, never text/plain ----------------------------------------


async def test_malformed_json_is_a_json_400_in_either_media_type(client):
    # When a body that is not JSON is posted by each kind of client
    headers = {"content-type": JSON}
    legacy = await client.post("/graphql", content=b'{ "not a JSON', headers=headers)
    modern = await client.post("/graphql", content=b'{ "not a JSON', headers={**headers, "accept": GRAPHQL_RESPONSE})

    # Then both get a 400 GraphQL error in their own type
    assert (legacy.status_code, legacy.headers["content-type"]) == (400, JSON)
    assert (modern.status_code, modern.headers["content-type"]) == (400, GRAPHQL_RESPONSE)
    assert error_code(legacy) == error_code(modern) == "BAD_REQUEST"
    assert "not valid JSON" in legacy.json()["errors"][0]["message"]


@pytest.mark.parametrize("content_type", [None, "text/plain", "application/x-www-form-urlencoded", "application/xml"])
async def test_a_body_that_is_not_application_json_is_a_json_415(client, content_type):
    # When a GraphQL request is posted with another content type, or none
    headers = {"content-type": content_type} if content_type else {}
    response = await client.post("/graphql", content=json.dumps(TYPENAME).encode(), headers=headers)

    # Then it is refused with 415 and a JSON error naming the type to send
    assert (response.status_code, response.headers["content-type"]) == (415, JSON)
    assert error_code(response) == "UNSUPPORTED_MEDIA_TYPE"
    assert "application/json" in response.json()["errors"][0]["message"]


async def test_a_batch_is_a_json_400(client):
    # When two operations are posted as a JSON array (a batch)
    response = await post(client, [TYPENAME, TYPENAME])

    # Then it is refused as a JSON GraphQL error saying to send one operation per request
    assert (response.status_code, response.headers["content-type"]) == (400, JSON)
    assert error_code(response) == "BAD_REQUEST"
    assert "Batched" in response.json()["errors"][0]["message"]


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH", "OPTIONS"])
async def test_another_method_is_a_json_405_naming_get_and_post(client, method):
    # When /graphql is sent a method other than GET and POST
    response = await client.request(method, "/graphql", json=TYPENAME)

    # Then it is refused with 405, a JSON GraphQL error, and the methods allowed
    assert (response.status_code, response.headers["content-type"]) == (405, JSON)
    assert (error_code(response), response.headers["allow"]) == ("METHOD_NOT_ALLOWED", "GET, POST")


APQ = {
    "persistedQuery": {"version": 1, "sha256Hash": "ecf4edb46db40b5132295c0291d62fb65d6759a9eedfa4d5d612dd5ec54a6b38"}
}


async def test_an_apollo_persisted_query_is_answered_the_apollo_way(client):
    # When Apollo Client sends a persisted query's hash alone, then with its document (APQ)
    hash_only = await post(client, {"extensions": APQ})
    with_query = await post(client, {**TYPENAME, "extensions": APQ})
    modern = await post(client, {"extensions": APQ}, GRAPHQL_RESPONSE)

    # Then each gets Apollo's PersistedQueryNotSupported, so that the client sends plain queries from
    # then on: 200 in application/json as Apollo Server answers, 400 without data in the new type
    for response in (hash_only, with_query):
        assert (response.status_code, response.headers["content-type"]) == (200, JSON)
        assert response.json()["errors"][0]["message"] == "PersistedQueryNotSupported"
        assert error_code(response) == "PERSISTED_QUERY_NOT_SUPPORTED"
        assert "no-cache" in response.headers["cache-control"]
    assert (modern.status_code, modern.headers["content-type"]) == (400, GRAPHQL_RESPONSE)
    assert error_code(modern) == "PERSISTED_QUERY_NOT_SUPPORTED"


async def test_a_persisted_query_over_get_is_refused_and_never_cached(client):
    # When a GET carries a persisted query's hash beside its document, twice
    params = {**TYPENAME, "extensions": json.dumps(APQ)}
    first = await client.get("/graphql", params=params)
    second = await client.get("/graphql", params=params)

    # Then both are refused the APQ way, without an ETag or a public Cache-Control
    for response in (first, second):
        assert response.status_code == 200 and error_code(response) == "PERSISTED_QUERY_NOT_SUPPORTED"
        assert "etag" not in response.headers and "public" not in response.headers["cache-control"]


# --- GET, its ETag and the caches, per media type -------------------------------------------------


async def test_get_etags_differ_by_media_type_and_revalidate_each_their_own(client):
    # Given the same GET query asked for in each media type
    legacy = await client.get("/graphql", params=TYPENAME, headers={"accept": JSON})
    modern = await client.get("/graphql", params=TYPENAME, headers={"accept": GRAPHQL_RESPONSE})
    assert (legacy.headers["content-type"], modern.headers["content-type"]) == (JSON, GRAPHQL_RESPONSE)
    assert legacy.content == modern.content

    # When each revalidates with the other's ETag, then with its own
    crossed = await client.get(
        "/graphql", params=TYPENAME, headers={"accept": GRAPHQL_RESPONSE, "if-none-match": legacy.headers["etag"]}
    )
    own = await client.get(
        "/graphql", params=TYPENAME, headers={"accept": GRAPHQL_RESPONSE, "if-none-match": modern.headers["etag"]}
    )

    # Then the ETags differ, the other's ETag gets the full answer in the type asked, its own a 304,
    # and every answer says it varies with Accept beside Authorization
    assert legacy.headers["etag"] != modern.headers["etag"]
    assert (crossed.status_code, crossed.headers["content-type"]) == (200, GRAPHQL_RESPONSE)
    assert own.status_code == 304
    for response in (legacy, modern, crossed, own):
        assert response.headers["vary"] == "Authorization, Accept"


async def test_a_get_request_error_in_graphql_response_json_is_a_400_without_data_or_etag(client):
    # When a GET query that does not validate is asked for as graphql-response+json
    response = await client.get("/graphql", params={"query": "{ noSuchField }"}, headers={"accept": GRAPHQL_RESPONSE})

    # Then it is a 400 without data, and nothing a cache would keep
    assert (response.status_code, response.headers["content-type"]) == (400, GRAPHQL_RESPONSE)
    assert set(response.json()) == {"errors"} and "etag" not in response.headers


async def test_a_mutation_over_get_is_a_405_in_the_media_type_asked_for(client):
    # When a mutation is sent by GET by a graphql-response+json client
    mutation = {"query": "mutation { __typename }"}
    response = await client.get("/graphql", params=mutation, headers={"accept": GRAPHQL_RESPONSE})

    # Then it is refused with 405, in that type
    assert (response.status_code, response.headers["content-type"]) == (405, GRAPHQL_RESPONSE)
    assert response.headers["allow"] == "POST"


@pytest.mark.parametrize("method", ["GET", "POST"])
async def test_the_response_cache_keeps_each_media_type_apart(client, method):
    # Given a query answered (and kept in memory) for application/json clients, asked twice
    async def ask(accept: str) -> httpx.Response:
        if method == "GET":
            return await client.get("/graphql", params=TYPENAME, headers={"accept": accept})
        return await post(client, TYPENAME, accept)

    first, kept = await ask(JSON), await ask(JSON)
    store = client._transport.app.state.response_cache  # type: ignore[attr-defined]
    hits = store.hits

    # When a graphql-response+json client asks for it, twice, then a JSON client again
    modern, modern_again = await ask(GRAPHQL_RESPONSE), await ask(GRAPHQL_RESPONSE)
    legacy_again = await ask(JSON)

    # Then each gets its own type, never the other's kept answer, and both types are kept
    assert [r.headers["content-type"] for r in (first, kept, legacy_again)] == [JSON] * 3
    assert [r.headers["content-type"] for r in (modern, modern_again)] == [GRAPHQL_RESPONSE] * 2
    assert {r.content for r in (first, kept, modern, modern_again, legacy_again)} == {first.content}
    assert store.hits > hits and len(store) == 2


async def test_an_idempotent_replay_is_sent_in_the_media_type_the_retry_asked_for(client, tokens):
    # Given a mutation sent with an Idempotency-Key by an application/json client
    secretariat = await tokens.secretariat()
    payload = {
        "query": CREATE,
        "variables": {
            "input": {"committeeCode": "VN", "kind": "OTHER", "title": "Interim measures", "summary": "Why."}
        },
    }
    headers = {"Authorization": f"Bearer {secretariat}", "Idempotency-Key": "media-1"}
    first = await post(client, payload, JSON, **headers)
    assert first.status_code == 200 and first.json()["data"]["createProposal"]["userErrors"] == []

    # When it is retried by a graphql-response+json client, then by a JSON one
    modern = await post(client, payload, GRAPHQL_RESPONSE, **headers)
    legacy = await post(client, payload, JSON, **headers)

    # Then both get the first answer again, each labelled with the type it asked for
    assert [r.headers.get("idempotent-replayed") for r in (modern, legacy)] == ["true", "true"]
    assert modern.content == legacy.content == first.content
    assert (modern.headers["content-type"], legacy.headers["content-type"]) == (GRAPHQL_RESPONSE, JSON)
