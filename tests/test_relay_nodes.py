"""Relay object identification: `nodes(ids:)` beside `node(id:)`, with the same visibility, in the
order asked, capped and batched; public comments found by their ids like every other object."""

import pytest
from graphql import build_schema

from api.ids import to_global_id
from api.schema import schema_sdl
from resolvers.comments import submit_public_comment
from tests.support.db import count_statements
from tests.support.workflow import Workflow, pk

FIELDS = "__typename id ... on Proposal { title status } ... on Meeting { number } ... on PublicComment { author body }"
NODES = "query RelayNodes($ids: [ID!]!) { nodes(ids: $ids) { " + FIELDS + " } }"
NODE = "query RelayNode($id: ID!) { node(id: $id) { " + FIELDS + " } }"
WINDOW = """
query RelayWindow($id: ID!) {
  node(id: $id) { ... on Proposal { publicInput { comments { id author body submittedAt } } } }
}
"""
COMMENT = "query RelayComment($id: ID!) { node(id: $id) { ... on PublicComment { id author body submittedAt } } }"


async def a_mixed_register(flow: Workflow) -> dict[str, str]:
    """A decided proposal, a partner's draft (hidden from the public and other partners), a
    proposal in public input with a comment, and a meeting: their global ids."""
    decided = await flow.decided(title="Decided item")
    draft = await flow.in_status("DRAFT", proposer="VN", title="Partner draft")
    open_for_comments = await flow.in_status("PUBLIC_INPUT", title="Open for comments")
    comment = await flow.run(
        "japan",
        submit_public_comment,
        proposal_id=pk(open_for_comments["id"]),
        author="A. Reader",
        body="Please publish the annex.",
    )
    meeting = await flow.meeting()
    return {
        "decided": decided["proposal"]["id"],
        "draft": draft["id"],
        "open": open_for_comments["id"],
        "comment": to_global_id("PublicComment", comment.id),
        "meeting": meeting["id"],
    }


NOT_OURS = ["garbage", to_global_id("Proposal", 999_999), to_global_id("NoSuchType", 1)]


@pytest.mark.parametrize("who", [None, "secretariat", "VN", "MN"], ids=lambda who: who or "public")
async def test_nodes_answers_each_id_as_node_does_in_the_order_asked(prebuilt, flow, gql, who):
    # Given objects of several types, one of them a draft only some may see, and ids of nothing
    ids = await prebuilt(a_mixed_register, flow)
    token = await flow.token(who) if who else None
    asked = [ids["meeting"], ids["draft"], NOT_OURS[0], ids["decided"], ids["comment"], *NOT_OURS[1:], ids["draft"]]

    # When they are asked for together, and one by one
    together = (await gql(NODES, {"ids": asked}, token=token))["nodes"]
    one_by_one = [(await gql(NODE, {"id": id}, token=token))["node"] for id in asked]

    # Then each position holds what node(id:) gives for that id: null for the hidden and the unknown
    assert together == one_by_one
    assert [found and found["__typename"] for found in together] == [
        "Meeting",
        "Proposal" if who in ("secretariat", "VN") else None,
        None,
        "Proposal",
        "PublicComment",
        None,
        None,
        "Proposal" if who in ("secretariat", "VN") else None,
    ]


async def test_nodes_loads_each_type_in_one_batch(prebuilt, flow, gql, engine):
    # Given proposals and a meeting
    ids = await prebuilt(a_mixed_register, flow)
    token = await flow.token("secretariat")
    few = [ids["decided"], ids["meeting"]]
    many = [ids["decided"], ids["draft"], ids["open"], ids["meeting"], ids["comment"], ids["draft"]]

    # When two ids are asked for, then six of three types
    with count_statements(engine) as counter:
        await gql(NODES, {"ids": few}, token=token)
    two = counter.count
    with count_statements(engine) as counter:
        found = (await gql(NODES, {"ids": many}, token=token))["nodes"]
    six = counter.count

    # Then one statement per type: the comment's type adds one, the extra proposals none
    assert all(found)
    assert six == two + 1


async def test_more_ids_than_a_page_holds_are_refused_naming_ids(gql):
    # When 101 ids are asked for (the page size is 100)
    body = (await gql.raw(NODES, {"ids": [to_global_id("Proposal", n) for n in range(1, 102)]})).json()

    # Then nothing is loaded and the error names `ids` and the cap
    assert body["data"] is None
    [error] = body["errors"]
    assert error["message"] == "ids takes at most 100 ids; 101 were given."
    assert error["extensions"] == {"code": "INVALID_INPUT", "field": ["ids"]}


async def test_a_public_comment_is_found_by_the_id_it_is_listed_with(prebuilt, flow, gql):
    # Given a comment in a proposal's public input, as its window lists it to the public
    ids = await prebuilt(a_mixed_register, flow)
    [listed] = (await gql(WINDOW, {"id": ids["open"]}))["node"]["publicInput"]["comments"]

    # When it is asked for by its id
    found = (await gql(COMMENT, {"id": listed["id"]}))["node"]
    [in_nodes] = (await gql(NODES, {"ids": [listed["id"]]}))["nodes"]

    # Then it is the comment listed, a Node like any other object
    assert listed["id"] == ids["comment"]
    assert found == listed
    assert in_nodes["__typename"] == "PublicComment" and in_nodes["body"] == "Please publish the annex."


def test_public_comment_implements_node():
    schema = build_schema(schema_sdl())
    assert "Node" in {i.name for i in schema.type_map["PublicComment"].interfaces}
    nodes = schema.query_type.fields["nodes"]
    assert (str(nodes.type), str(nodes.args["ids"].type)) == ("[Node]!", "[ID!]!")
