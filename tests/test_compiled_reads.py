"""The compiled read path answers exactly as graphql-core does: the same data, nulls, errors and
visibility, for every query document of the README and the tests and for documents generated from
the schema, as the public and as each kind of token holder.

Two apps serve the same database: one with compiled reads (the default), one with every document
run through strawberry and graphql-core (`compiled_reads=False`). Each request goes to both."""

from typing import Any

import httpx
import pytest
from graphql import build_schema

import api.compiled.execute as compiled
import resolvers.committees
from api.app import close_listeners, create_app
from api.ids import to_global_id
from api.settings import Settings
from tests.support.corpus import ROOT, documents_in_tests, generated_documents, readme_documents, variables_for
from tests.support.workflow import pk

ROLES = [None, "secretariat", "japan", "VN", "MN"]


async def a_register(flow: Any, methodologies: Any, tpes: Any, rules: Any) -> dict[str, Any]:
    """Decisions both ways, proposals in every stage, a meeting, rules in force, a methodology in
    public input, a designated TPE: the values the documents' arguments are filled with."""
    decided = await flow.decided()
    await flow.decide(outcome="NOT_APPROVED", title="Second item")
    await flow.in_status("PUBLIC_INPUT", title="Open for comments")
    draft = await flow.in_status("DRAFT", proposer="VN", title="Partner draft")
    await flow.in_status("UNDER_CONSIDERATION", committee="MN", title="Mongolian item")
    await flow.meeting()
    await rules.adopt(type="RULES_OF_PROCEDURE")
    methodology = await methodologies.published()
    entity = await tpes.entity("Example Verification Ltd.", "JP")
    designation = await tpes.designate(entity, validation=[1, 3], verification=[3])
    return {
        "decision.reference": decided["decision"]["reference"],
        "reference": decided["decision"]["reference"],
        "methodology.reference": methodology["methodology"]["proposedReference"],
        "tpe.reference": designation["reference"],
        "code": "VN",
        "committeeCode": "VN",
        "id": draft["id"],
        "subjectId": to_global_id("Proposal", pk(draft["id"])),
        "text": "special",
    }


@pytest.fixture
async def both(settings: Settings, engine: Any) -> Any:
    # Generated documents select everything: no cost limit, so that everything is rendered; and
    # no response cache, so that every answer is rendered by the path under test.
    unlimited = {"max_query_cost": 10**9, "response_cache_bytes": 0}
    apps = [
        create_app(settings.model_copy(update={"compiled_reads": on, **unlimited}), engine=engine)
        for on in (True, False)
    ]
    clients = [httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://jcm") for app in apps]
    yield clients
    for client, app in zip(clients, apps, strict=True):
        await client.aclose()
        await close_listeners(app)


def _same(answer: dict[str, Any]) -> dict[str, Any]:
    """Masked errors quote the request's own id."""
    for error in answer.get("errors") or []:
        error.get("extensions", {}).pop("requestId", None)
        error["message"] = error["message"].split(" Quote request id")[0]
    return answer


@pytest.mark.parametrize("who", ROLES, ids=lambda who: who or "public")
async def test_every_document_answers_the_same_on_both_paths(
    who, both, flow, methodology_flow, tpe_flow, rules, prebuilt
):
    # Given a register with something in every stage, and the documents of the README, the tests
    # and the schema
    values = await prebuilt(a_register, flow, methodology_flow, tpe_flow, rules)
    schema = build_schema((ROOT / "schema.graphql").read_text(encoding="utf-8"))
    written = readme_documents(schema) + documents_in_tests(schema)
    generated = generated_documents(schema, values)
    headers = {"Authorization": f"Bearer {await flow.token(who)}"} if who else {}

    # When each is asked of both paths
    compiled_before = compiled.COUNTS.compiled
    differences: list[Any] = []
    not_compiled: list[str] = []
    checked = 0
    for document in written + generated:
        payload = {"query": document, "variables": variables_for(document, values)}
        before = compiled.COUNTS.compiled
        fast, slow = [await client.post("/graphql", json=payload, headers=headers) for client in both]
        if (fast.status_code, _same(fast.json())) != (slow.status_code, _same(slow.json())):
            differences.append((document, fast.json(), slow.json()))
        if document in generated and "errors" not in fast.json():
            checked += 1
            if compiled.COUNTS.compiled == before:
                not_compiled.append(document)

    # Then every answer is the same, and the compiled path answered most of them itself
    assert differences == []
    assert len(written) >= 40 and len(generated) >= 8
    assert not_compiled == [] and checked >= 8
    assert compiled.COUNTS.compiled - compiled_before >= len(written) // 2


async def test_a_failing_field_is_answered_by_graphql_core_as_before(both, monkeypatch):
    # Given a read whose resolver fails half-way
    async def broken(session: Any) -> Any:
        raise RuntimeError("the disk is on fire")

    monkeypatch.setattr(resolvers.committees, "list_countries", broken)
    fallen_back = compiled.COUNTS.fallen_back

    # When it is asked of both paths
    fast, slow = [await client.post("/graphql", json={"query": "{ countries { code } }"}) for client in both]

    # Then the compiled path gave way, and the masked error is graphql-core's, path and all
    assert compiled.COUNTS.fallen_back == fallen_back + 1
    assert _same(fast.json()) == _same(slow.json())
    assert fast.json()["errors"][0]["path"] == ["countries"]
    assert fast.json()["errors"][0]["extensions"]["code"] == "INTERNAL_SERVER_ERROR"


BACKWARD = [
    "decisions",
    "proposals",
    "methodologies",
    "tpes",
    "projects",
    "transfers",
]


async def test_backward_pages_answer_the_same_on_both_paths(both, flow, methodology_flow, tpe_flow, rules, prebuilt):
    # Given a register with something in every stage
    await prebuilt(a_register, flow, methodology_flow, tpe_flow, rules)
    headers = {"Authorization": f"Bearer {await flow.token('secretariat')}"}
    compiled_before = compiled.COUNTS.compiled

    for field in BACKWARD:
        document = (
            f"query ($last: Int, $before: String, $after: String) {{ {field}(last: $last, before: $before, "
            "after: $after) { totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } "
            "edges { cursor node { __typename } } } }"
        )
        tail = await both[0].post("/graphql", json={"query": document, "variables": {"last": 1}}, headers=headers)
        start = tail.json()["data"][field]["pageInfo"]["startCursor"]
        for variables in ({"last": 2}, {"last": 2, "before": start}, {"last": 5, "before": start, "after": start}):
            # When a backward page is asked of both paths
            payload = {"query": document, "variables": variables}
            fast, slow = [await client.post("/graphql", json=payload, headers=headers) for client in both]

            # Then the answers are the same, and no error
            assert "errors" not in fast.json(), (field, fast.json())
            assert _same(fast.json()) == _same(slow.json()), (field, variables)
    assert compiled.COUNTS.compiled - compiled_before >= 3 * len(BACKWARD)
