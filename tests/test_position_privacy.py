"""A reader who may not see the sides' positions cannot infer them either: until the decision, the
public and other committees' partners see neither the position steps in `history` nor their
increments of `version`. The secretariat, Japan and the committee's own partner see every step."""

from tests.support.db import count_statements
from tests.support.documents import CONSENT
from tests.support.workflow import Workflow, pk

READ = "query ($id: ID!) { node(id: $id) { ... on Proposal { version history { action } positions { side } } } }"
LIST = '{ proposals(committeeCode: "VN", first: 100) { edges { node { version history { action } } } } }'
READERS = [None, "ID", "VN", "secretariat", "japan"]


async def seen(flow: Workflow, proposal_id: str) -> dict[str | None, dict]:
    views = {}
    for who in READERS:
        token = await flow.token(who) if who else None
        views[who] = (await flow.gql(READ, {"id": proposal_id}, token=token))["node"]
    return views


async def test_a_position_before_the_decision_changes_nothing_the_public_or_another_partner_sees(flow):
    # Given a circulated VN proposal, as every reader sees it
    proposal = await flow.circulated()
    before = await seen(flow, proposal["id"])
    assert {who: view["version"] for who, view in before.items()} == dict.fromkeys(READERS, 3)

    # When Japan consents
    await flow.ok(CONSENT, {"id": proposal["id"]}, "japan")

    # Then the public and Indonesia's partner see the very same version and history as before
    after = await seen(flow, proposal["id"])
    assert after[None] == before[None]
    assert after["ID"] == before["ID"]
    # And the VN partner, the secretariat and Japan see the step
    for who in ("VN", "secretariat", "japan"):
        assert after[who]["version"] == 4, who
        assert [line["action"] for line in after[who]["history"]] == ["created", "submitted", "circulated", "consented"]
        assert after[who]["positions"] == [{"side": "JAPAN"}]

    # When the partner consents too, which decides
    await flow.ok(CONSENT, {"id": proposal["id"]}, "VN")

    # Then everyone sees every step, and the same version
    decided = await seen(flow, proposal["id"])
    for who in READERS:
        assert decided[who]["version"] == 6, who
        assert [line["action"] for line in decided[who]["history"]] == [
            "created",
            "submitted",
            "circulated",
            "consented",
            "consented",
            "approved",
        ], who


async def test_an_objection_that_decides_is_seen_by_everyone_at_once(flow):
    proposal = await flow.circulated()

    await flow.ok(CONSENT.replace("giveConsent", "raiseObjection"), {"id": proposal["id"], "statement": "No."}, "VN")

    views = await seen(flow, proposal["id"])
    assert {who: view["version"] for who, view in views.items()} == dict.fromkeys(READERS, 5)


async def uncached_list(gql) -> dict:
    """The public list without the response cache, which reads the publication version once per change."""
    response = await gql.http.post("/graphql", json={"query": LIST}, headers={"Cache-Control": "no-cache"})
    assert response.status_code == 200 and "errors" not in response.json(), response.text
    return response.json()["data"]


async def test_hiding_positions_in_a_public_list_costs_the_same_statements_for_1_item_as_for_20(flow, gql, engine):
    # Given one circulated item Japan consented to
    first = await flow.circulated()
    await flow.position(pk(first["id"]), "japan")
    with count_statements(engine) as one:
        data = await uncached_list(gql)
    assert [edge["node"]["version"] for edge in data["proposals"]["edges"]] == [3]

    # When 19 more are, and the public lists them
    for _ in range(19):
        proposal = await flow.circulated()
        await flow.ok(CONSENT, {"id": proposal["id"]}, "japan")
    with count_statements(engine) as twenty:
        data = await uncached_list(gql)

    # Then each shows the version before the consent, for the same statements as one
    assert [edge["node"]["version"] for edge in data["proposals"]["edges"]] == [3] * 20
    assert one.count == twenty.count, (one.statements, twenty.statements)
