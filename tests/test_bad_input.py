"""Bad input is refused with a clear error naming what was wrong, never a 500 or a masked internal
error, and leaves no trace: bodies that are not a JSON object, invalid UTF-8, absurd nesting, text
that cannot be stored (lone surrogates, NUL), out-of-range ids and cursors, odd export parameters,
subscriptions over plain HTTP.

Transport problems answer 400 with `{"errors": [{"message", "extensions": {"code": "BAD_REQUEST"}}]}`;
problems of one argument answer 200 with a GraphQL error (or a userError) whose `field` names it.
"""

import base64
import json
import re
from typing import Any

import httpx
import pytest

from api.ids import to_global_id
from tests.support.db import snapshot
from tests.support.documents import COMMENT, CREATE, SUBMIT

WRITTEN = ("proposal", "public_comment", "audit_event")
LONE_SURROGATE = "\ud800"
NUL = "a\x00b"
DEEP = 5000


def body(payload: Any) -> bytes:
    """JSON as a client may send it: ASCII with \\u escapes, so that even a lone surrogate travels."""
    return json.dumps(payload).encode()


async def post(client: httpx.AsyncClient, content: bytes, token: str | None = None) -> httpx.Response:
    headers = {"content-type": "application/json"} | ({"Authorization": f"Bearer {token}"} if token else {})
    return await client.post("/graphql", content=content, headers=headers)


def assert_bad_request(response: httpx.Response, *words: str) -> None:
    assert response.status_code == 400, (response.status_code, response.text)
    errors = response.json()["errors"]
    assert errors[0]["extensions"]["code"] == "BAD_REQUEST", errors
    for word in words:
        assert word in errors[0]["message"], errors


def assert_field_error(response: httpx.Response, field: list[str]) -> dict:
    """200, no data for the operation, and a GraphQL error naming `field`; nothing internal."""
    assert response.status_code == 200, (response.status_code, response.text)
    errors = response.json().get("errors")
    assert errors, response.json()
    assert all(e.get("extensions", {}).get("code") != "INTERNAL_SERVER_ERROR" for e in errors), errors
    assert any(e.get("extensions", {}).get("field") == field for e in errors), errors
    return errors[0]


def assert_no_internal_error(response: httpx.Response) -> None:
    assert response.status_code < 500, response.text
    assert "INTERNAL_SERVER_ERROR" not in response.text, response.text


# --- the request body -----------------------------------------------------------------------------


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.parametrize(
    ("content", "words"),
    [
        pytest.param(b"42", ["JSON object"], id="number"),
        pytest.param(b"null", ["JSON object"], id="null"),
        pytest.param(b'"{ viewer { role } }"', ["JSON object"], id="string"),
        pytest.param(b"true", ["JSON object"], id="boolean"),
        pytest.param(b"[1]", [], id="batch-of-a-number"),
        pytest.param(b'{"query": "{ committee(code: \\"\xff\\") { code } }"}', ["UTF-8"], id="invalid-utf8"),
        pytest.param(
            b'{"query": "{ viewer { role } }", "variables": {"a": \xc3\x28}}', ["UTF-8"], id="invalid-utf8-bytes"
        ),
        pytest.param(
            ('{"query": "{ viewer { role } }", "variables": {"a": %s}}' % nested(DEEP)).encode(),
            ["deep"],
            id="deep-array",
        ),
        pytest.param(
            ('{"query": "{ viewer { role } }", "extensions": %s}' % ('{"a":' * DEEP + "1" + "}" * DEEP)).encode(),
            ["deep"],
            id="deep-object",
        ),
        pytest.param(b'{"query": "{ viewer { role } }", "variables": 3}', ["variables"], id="variables-not-object"),
        pytest.param(b'{"query": 3}', ["query"], id="query-not-string"),
        pytest.param(b'{"query": "{ viewer { role } ', ["JSON"], id="truncated"),
    ],
)
async def test_a_body_that_is_not_a_graphql_request_is_a_400(client, content, words):
    response = await post(client, content)

    assert_bad_request(response, *words)


async def test_a_subscription_over_post_is_a_400_pointing_at_the_websocket(client):
    response = await post(client, body({"query": "subscription { decisionMade { reference } }"}))

    assert_bad_request(response, "WebSocket", "graphql-transport-ws")


async def test_a_subscription_over_get_is_refused_pointing_at_the_websocket(client):
    response = await client.get("/graphql", params={"query": "subscription { decisionMade { reference } }"})

    assert response.status_code == 405, response.text
    assert "WebSocket" in response.json()["errors"][0]["message"]


async def test_a_well_formed_request_still_works(client):
    response = await post(
        client, body({"query": "query ($c: String!) { committee(code: $c) { code } }", "variables": {"c": "vn"}})
    )

    assert response.json() == {"data": {"committee": {"code": "VN"}}}


# --- GET /graphql -------------------------------------------------------------------------------


async def raw_get(client: httpx.AsyncClient, path: str, query_string: bytes) -> httpx.Response:
    """A GET whose query string goes to the app byte for byte (httpx would re-encode it)."""
    app = client._transport.app  # type: ignore[attr-defined]
    messages: list[dict] = []

    async def receive() -> dict:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict) -> None:
        messages.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query_string,
        "root_path": "",
        "headers": [(b"host", b"test"), (b"accept", b"application/json")],
        "client": ("127.0.0.1", 1),
        "server": ("test", 80),
    }
    await app(scope, receive, send)
    start = next(m for m in messages if m["type"] == "http.response.start")
    content = b"".join(m.get("body", b"") for m in messages if m["type"] == "http.response.body")
    return httpx.Response(start["status"], headers=start["headers"], content=content)


@pytest.mark.parametrize(
    ("query_string", "parameter"),
    [
        pytest.param(b"query=%7B%20committee(code%3A%20%22%FF%22)%20%7B%20code%20%7D%20%7D", "query", id="percent-ff"),
        pytest.param(
            b"query=%7B%20viewer%20%7B%20role%20%7D%20%7D&variables=%7B%22a%22%3A%22%C3%28%22%7D",
            "variables",
            id="bad-variables",
        ),
        pytest.param(b'query={ committee(code: "\xff") { code } }', "query", id="raw-byte"),
    ],
)
async def test_get_with_a_query_string_that_is_not_utf8_is_a_400(client, query_string, parameter):
    response = await raw_get(client, "/graphql", query_string)

    assert_bad_request(response, parameter, "UTF-8")


async def test_get_with_deep_variables_is_a_400(client):
    response = await client.get(
        "/graphql", params={"query": "{ viewer { role } }", "variables": '{"a": %s}' % nested(DEEP)}
    )

    assert_bad_request(response, "deep")


@pytest.mark.parametrize("variables", ["42", "null x", '"s"'])
async def test_get_with_variables_that_are_not_an_object_is_a_400(client, variables):
    response = await client.get("/graphql", params={"query": "{ viewer { role } }", "variables": variables})

    assert_bad_request(response, "variables")


async def test_get_with_a_nul_in_a_string_names_the_argument(client):
    response = await client.get("/graphql", params={"query": '{ decision(reference: "JC\\u0000") { reference } }'})

    assert_field_error(response, ["decision", "reference"])


async def test_get_with_a_nul_in_a_variable_names_the_variable(client):
    response = await client.get(
        "/graphql",
        params={
            "query": "query ($c: String!) { committee(code: $c) { code } }",
            "variables": json.dumps({"c": "V\x00N"}),
        },
    )

    assert_field_error(response, ["$c"])


# --- text that cannot be stored, in any string argument ---------------------------------------

# (document with $v, the field path named for a literal in place of $v)
READS = {
    "decision": ("query ($v: String!) { decision(reference: $v) { reference } }", ["decision", "reference"]),
    "committee": ("query ($v: String!) { committee(code: $v) { code } }", ["committee", "code"]),
    "methodology": ("query ($v: String!) { methodology(reference: $v) { title } }", ["methodology", "reference"]),
    "tpe": ("query ($v: String!) { tpe(reference: $v) { reference } }", ["tpe", "reference"]),
    "search": ("query ($v: String!) { search(text: $v) { decisions { reference } } }", ["search", "text"]),
    "decisions.search": (
        "query ($v: String!) { decisions(filter: {search: $v}) { totalCount } }",
        ["decisions", "filter", "search"],
    ),
    "decisions.committeeCode": (
        "query ($v: String!) { decisions(filter: {committeeCode: $v}) { totalCount } }",
        ["decisions", "filter", "committeeCode"],
    ),
    "methodologies.search": (
        "query ($v: String!) { methodologies(filter: {search: $v}) { totalCount } }",
        ["methodologies", "filter", "search"],
    ),
    "tpes.committeeCode": (
        "query ($v: String!) { tpes(filter: {committeeCode: $v}) { totalCount } }",
        ["tpes", "filter", "committeeCode"],
    ),
    "proposals.committeeCode": (
        "query ($v: String!) { proposals(committeeCode: $v) { totalCount } }",
        ["proposals", "committeeCode"],
    ),
    "node": ("query ($v: ID!) { node(id: $v) { id } }", ["node", "id"]),
    "auditTrail": ("query ($v: ID!) { auditTrail(subjectId: $v) { action } }", ["auditTrail", "subjectId"]),
    "decisions.after": ("query ($v: String!) { decisions(after: $v) { totalCount } }", ["decisions", "after"]),
}


@pytest.mark.parametrize("text", [pytest.param(LONE_SURROGATE, id="lone-surrogate"), pytest.param(NUL, id="nul")])
@pytest.mark.parametrize("name", READS)
async def test_unstorable_text_in_a_variable_names_the_variable(client, name, text):
    document, _ = READS[name]

    response = await post(client, body({"query": document, "variables": {"v": "JC-VN" + text}}))

    error = assert_field_error(response, ["$v"])
    assert "$v" in error["message"]


@pytest.mark.parametrize("name", READS)
async def test_a_nul_in_a_string_literal_names_the_argument(client, name):
    document, field = READS[name]

    literal = re.sub(r"^query \(\$v: \w+!\) ", "", document).replace("$v", '"JC\\u0000"')

    response = await post(client, body({"query": literal}))

    assert_field_error(response, field)


async def test_a_lone_surrogate_in_a_string_literal_is_a_syntax_error(client):
    response = await post(client, body({"query": '{ decision(reference: "\\ud800") { reference } }'}))

    assert response.status_code == 200
    assert "Invalid Unicode escape sequence" in response.json()["errors"][0]["message"]


@pytest.mark.parametrize("text", [pytest.param(LONE_SURROGATE, id="lone-surrogate"), pytest.param(NUL, id="nul")])
@pytest.mark.parametrize("field", ["title", "summary", "committeeCode"])
async def test_create_proposal_with_unstorable_text_writes_nothing(client, engine, tokens, field, text):
    secretariat = await tokens.secretariat()
    input_ = {"committeeCode": "VN", "kind": "OTHER", "title": "Interim measures", "summary": "Why."}
    input_[field] += text
    before = await snapshot(engine, *WRITTEN)

    response = await post(client, body({"query": CREATE, "variables": {"input": input_}}), token=secretariat)

    assert_field_error(response, ["$input", field])
    assert await snapshot(engine, *WRITTEN) == before


@pytest.fixture
async def open_proposal(flow) -> str:
    """A proposal open for public comment."""
    return (await flow.in_status("PUBLIC_INPUT"))["id"]


@pytest.mark.parametrize("text", [pytest.param(LONE_SURROGATE, id="lone-surrogate"), pytest.param(NUL, id="nul")])
@pytest.mark.parametrize("field", ["author", "affiliation", "body", "proposalId"])
async def test_an_anonymous_comment_with_unstorable_text_writes_nothing(client, engine, open_proposal, field, text):
    input_ = {"proposalId": open_proposal, "author": "A. Reader", "affiliation": "Uni", "body": "Agreed."}
    input_[field] += text
    before = await snapshot(engine, *WRITTEN)

    response = await post(client, body({"query": COMMENT, "variables": {"input": input_}}))

    assert_field_error(response, ["$input", field])
    assert await snapshot(engine, *WRITTEN) == before


async def test_an_anonymous_comment_still_works(client, engine, open_proposal):
    input_ = {"proposalId": open_proposal, "author": "A. Reader", "body": "Agreed \U0001f44d."}

    response = await post(client, body({"query": COMMENT, "variables": {"input": input_}}))

    assert response.json()["data"]["submitPublicComment"] == {
        "comment": {"author": "A. Reader", "affiliation": None, "body": "Agreed \U0001f44d."},
        "userErrors": [],
    }


# --- global ids ---------------------------------------------------------------------------------

BIG_KEYS = [2**31, 2**63, 10**30]


@pytest.mark.parametrize("key", BIG_KEYS)
@pytest.mark.parametrize("type_name", ["Proposal", "JointCommittee"])
async def test_node_with_an_out_of_range_key_is_null(client, type_name, key):
    response = await post(
        client,
        body({"query": "query ($id: ID!) { node(id: $id) { id } }", "variables": {"id": to_global_id(type_name, key)}}),
    )

    assert response.json() == {"data": {"node": None}}


@pytest.mark.parametrize("key", BIG_KEYS)
async def test_audit_trail_of_an_out_of_range_key_is_refused_cleanly(client, tokens, key):
    secretariat = await tokens.secretariat()
    response = await post(
        client,
        body(
            {
                "query": "query ($id: ID!) { auditTrail(subjectId: $id) { action } }",
                "variables": {"id": to_global_id("Proposal", key)},
            }
        ),
        token=secretariat,
    )

    assert_no_internal_error(response)
    payload = response.json()
    assert payload.get("data") in (None, {"auditTrail": []}), payload
    if payload.get("errors"):
        assert payload["errors"][0]["extensions"]["field"] == ["subjectId"], payload


@pytest.mark.parametrize("key", BIG_KEYS)
async def test_a_mutation_on_an_out_of_range_key_is_not_an_id(client, engine, tokens, key):
    secretariat = await tokens.secretariat()
    before = await snapshot(engine, *WRITTEN)

    response = await post(
        client,
        body({"query": SUBMIT, "variables": {"input": {"id": to_global_id("Proposal", key)}}}),
        token=secretariat,
    )

    assert response.status_code == 200, response.text
    errors = response.json()["data"]["submitProposal"]["userErrors"]
    assert [(e["code"], e["field"]) for e in errors] == [("INVALID_INPUT", ["id"])]
    assert errors[0]["message"] == "id is not the id of a Proposal."
    assert await snapshot(engine, *WRITTEN) == before


@pytest.mark.parametrize("key", BIG_KEYS)
async def test_a_comment_on_an_out_of_range_key_is_not_an_id(client, engine, key):
    before = await snapshot(engine, *WRITTEN)
    input_ = {"proposalId": to_global_id("Proposal", key), "author": "A. Reader", "body": "Agreed."}

    response = await post(client, body({"query": COMMENT, "variables": {"input": input_}}))

    errors = response.json()["data"]["submitPublicComment"]["userErrors"]
    assert [(e["code"], e["field"]) for e in errors] == [("INVALID_INPUT", ["proposalId"])]
    assert await snapshot(engine, *WRITTEN) == before


# --- cursors ------------------------------------------------------------------------------------


def cursor(content: str) -> str:
    return base64.urlsafe_b64encode(content.encode()).decode()


BAD_CURSOR_CONTENT = [
    '["2026-11-01", 1e400]',
    '["2026-11-01", Infinity]',
    '["2026-11-01", NaN]',
    '["2026-11-01", -Infinity]',
    '["2026-11-01", 100000000000000000000]',
    '["2026-11-01", 2147483648]',
    '["2026-11-01", 1.5]',
    '["2026-11-01", true]',
    '["2026-11-01", [1]]',
    '["2026-11-01", {"a": 1}]',
    '["2026-11-01", null]',
    '["2026-11-01"]',
    "[[[[",
    "[" * DEEP + "]" * DEEP,
    '["2026-11-01\\u0000", 1]',
    '["\\ud800", 1]',
    "1e400",
    "{}",
]
ID_LISTS = {
    "decisions": "query ($after: String) { decisions(after: $after) { totalCount } }",
    "methodologies": "query ($after: String) { methodologies(after: $after) { totalCount } }",
    "tpes": "query ($after: String) { tpes(after: $after) { totalCount } }",
    "proposals": "query ($after: String) { proposals(after: $after) { totalCount } }",
}


@pytest.mark.parametrize("content", BAD_CURSOR_CONTENT)
@pytest.mark.parametrize("encoded", [True, False], ids=["base64", "raw"])
async def test_a_cursor_that_is_not_one_of_ours_names_after(client, content, encoded):
    after = cursor(content) if encoded else content

    response = await post(client, body({"query": ID_LISTS["decisions"], "variables": {"after": after}}))

    error = assert_field_error(response, ["after"])
    assert "cursor" in error["message"]


@pytest.mark.parametrize(
    "content", ["[1e400]", "[Infinity]", "[100000000000000000000]", "[2147483648]", "[true]", "[1.0]", "[[[["]
)
@pytest.mark.parametrize("name", ["methodologies", "tpes", "proposals"])
async def test_a_cursor_of_lists_by_id_names_after(client, name, content):
    response = await post(client, body({"query": ID_LISTS[name], "variables": {"after": cursor(content)}}))

    error = assert_field_error(response, ["after"])
    assert "cursor" in error["message"]


async def test_cursors_of_ours_still_work(flow, gql):
    # Given two decisions
    for title in ("First", "Second"):
        proposal = await flow.created(title=title)
        await flow.submit(proposal)
        await flow.circulate(proposal, "2026-12-31")
        await flow.position(proposal, "japan")
        await flow.position(proposal, "VN")
    page = "query ($a: String) { %s(first: 1, after: $a) { edges { cursor node { title } } } }"
    secretariat = await flow.token("secretariat")

    for name in ("decisions", "proposals"):  # keyed by date and id, and by id
        first = (await gql(page % name, {"a": None}, token=secretariat))[name]["edges"]
        second = (await gql(page % name, {"a": first[0]["cursor"]}, token=secretariat))[name]["edges"]
        assert [e["node"]["title"] for e in first + second] == ["Second", "First"], name


# --- exports and feeds ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "query_string", "parameter"),
    [
        ("/exports/methodologies.csv", b"scope=%C2%B2", "scope"),  # ², a digit to str.isdigit
        ("/exports/tpes.json", b"scope=%EF%BC%93", "scope"),  # a full-width 3
        ("/exports/methodologies.csv", b"scope=99999999999999999999999", "scope"),
        ("/exports/tpes.csv", b"scope=2147483648", "scope"),
        ("/exports/tpes.csv", b"scope=-1", "scope"),
        ("/exports/decisions.csv", b"committee=V%00N", "committee"),
        ("/exports/decisions.json", b"search=chiller%00", "search"),
        ("/exports/decisions.csv", b"search=%FF", "search"),
        ("/exports/decisions.csv", b"search=\xff", "search"),
        ("/exports/decisions.csv", b"%FF=1", "query string"),
        ("/exports/decisions.csv", b"from=2026-13-01", "from"),
        ("/exports/decisions.csv", b"from=%00", "from"),
        ("/exports/decisions.csv", b"search=" + b"x" * 1001, "search"),
        ("/exports/methodologies.json", b"status=%00", "status"),
        ("/feeds/decisions.atom", b"committee=V%00N", "committee"),
        ("/feeds/decisions.atom", b"committee=%FF", "committee"),
        ("/feeds/decisions.atom", b"committee=\xff", "committee"),
        ("/feeds/decisions.atom", b"committee=" + b"V" * 1000, "committee"),
    ],
)
async def test_export_and_feed_parameters_are_checked(client, path, query_string, parameter):
    response = await raw_get(client, path, query_string)

    assert response.status_code == 400, (response.status_code, response.text)
    assert response.json()["errors"][0]["extensions"] == {"code": "BAD_REQUEST", "field": parameter}, response.json()


async def test_an_export_with_a_plain_scope_still_works(client):
    response = await client.get("/exports/methodologies.csv", params={"scope": "3"})

    assert response.status_code == 200, response.text


# --- other values of the same kind ------------------------------------------------------------


@pytest.mark.parametrize(
    "payload",
    [
        {"query": "{ viewer { role } }", "operationName": {"a": 1}},
        {"query": "{ viewer { role } }", "operationName": 3},
        {"query": "{ viewer { role } }", "extensions": []},
    ],
)
async def test_odd_request_fields_are_a_400(client, payload):
    response = await post(client, body(payload))

    assert_bad_request(response)


@pytest.mark.parametrize(
    ("document", "variables"),
    [
        ("query ($v: String!) { search(text: $v) { decisions { reference } } }", {"v": "x" * 5000}),
        ("query ($v: String!) { search(text: $v) { decisions { reference } } }", {"v": " ".join(["ab" * 1000] * 50)}),
        ("query ($v: String!) { decisions(filter: {search: $v}) { totalCount } }", {"v": "é" * 5000}),
        ("query ($v: String!) { tpes(filter: {search: $v}) { totalCount } }", {"v": "x" * 20000}),
        ("query ($v: String!) { decision(reference: $v) { reference } }", {"v": "J" * 50000}),
        ("query ($v: Date!) { decisions(filter: {decidedFrom: $v}) { totalCount } }", {"v": "99999-01-01"}),
        ("query ($v: Date!) { decisions(filter: {decidedFrom: $v}) { totalCount } }", {"v": "2026-02-30"}),
        ("query ($v: Date!) { decisions(filter: {decidedFrom: $v}) { totalCount } }", {"v": "0001-01-01"}),
        ("query ($v: Int!) { methodologies(filter: {sectoralScope: $v}) { totalCount } }", {"v": 2**31}),
        ("query ($v: Int!) { methodologies(filter: {sectoralScope: $v}) { totalCount } }", {"v": -(2**31)}),
        ("query ($v: Int!) { decisions(first: $v) { totalCount } }", {"v": 10**30}),
        ("query ($v: [ProposalKind!]) { decisions(filter: {kind: $v}) { totalCount } }", {"v": ["OTHER\u0000"]}),
    ],
)
async def test_long_or_odd_read_arguments_never_fail_inside(client, document, variables):
    response = await post(client, body({"query": document, "variables": variables}))

    assert_no_internal_error(response)


DEEP_COMMENT = b'{"query":"mutation { submitPublicComment }","variables":' + b"[" * 5000 + b"]" * 5000 + b"}"


@pytest.mark.parametrize("headers", [{"Idempotency-Key": "deep-1"}, {}], ids=["with a key", "anonymous comment"])
async def test_deep_json_read_by_a_middleware_first_is_a_400_too(client, engine, headers):
    # Given the tables a comment or a key would touch
    before = await snapshot(engine, "public_comment", "idempotency_key", "audit_event")

    # When a body nested 5,000 deep reaches the idempotency or the comment-limit middleware
    response = await client.post(
        "/graphql", content=DEEP_COMMENT, headers={"content-type": "application/json", **headers}
    )

    # Then the same 400 as without them, and nothing written
    assert response.status_code == 400, response.text
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
    assert await snapshot(engine, "public_comment", "idempotency_key", "audit_event") == before
