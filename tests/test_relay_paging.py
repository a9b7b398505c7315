"""Relay cursor connections both ways: `first`/`after` forward, `last`/`before` backward, on every
connection of the schema, with the same items, totals and statement counts either way."""

from datetime import UTC, datetime
from typing import Any

import pytest
from graphql import build_schema, get_named_type

from api.schema import schema_sdl
from resolvers.unit_moves import transfer_units
from tests.support.db import count_statements
from tests.support.http import app_with, http
from tests.support.registry import account_ids, an_issued_issuance
from tests.support.workflow import Workflow

REGISTER = """
query RelayRegister($first: Int, $after: String, $last: Int, $before: String) {
  decisions(first: $first, after: $after, last: $last, before: $before) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { reference title } }
  }
}
"""

PROPOSALS = """
query RelayProposals($first: Int, $after: String, $last: Int, $before: String) {
  proposals(first: $first, after: $after, last: $last, before: $before) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { node { title } }
  }
}
"""

HOLDINGS = """
query RelayHoldings($first: Int, $after: String, $last: Int, $before: String) {
  account(number: "VN-100-0001") {
    holdings(first: $first, after: $after, last: $last, before: $before) {
      totalCount
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      edges { node { serialStart } }
    }
  }
}
"""

LITERAL_FIRST_AND_LAST = "query RelayBoth { decisions(first: 2, last: 2) { totalCount } }"


def at(day: str) -> datetime:
    return datetime.fromisoformat(f"{day}T09:00:00").replace(tzinfo=UTC)


async def seven_decisions(flow: Workflow, frozen_clock: Any) -> None:
    """Seven decisions on three days: the register's order (day, then id) has ties to break."""
    for n, day in enumerate(["2026-11-28", "2026-11-28", "2026-12-02", "2026-12-02", "2026-12-02", "2026-12-15"]):
        frozen_clock.set(at(day))
        await flow.decide("VN", title=f"Item {n + 1}")
    await flow.decide("ID", title="Item 7")


async def page(gql: Any, document: str, token: str | None = None, **variables: Any) -> dict[str, Any]:
    return next(iter((await gql(document, variables, token=token)).values()))


def titles(connection: dict[str, Any]) -> list[str]:
    return [edge["node"]["title"] for edge in connection["edges"]]


async def walk_forward(gql: Any, document: str, size: int, token: str | None = None) -> list[dict[str, Any]]:
    pages, after = [], None
    while True:
        found = await page(gql, document, token, first=size, after=after)
        pages.append(found)
        if not found["pageInfo"]["hasNextPage"]:
            return pages
        after = found["pageInfo"]["endCursor"]


async def walk_backward(gql: Any, document: str, size: int, token: str | None = None) -> list[dict[str, Any]]:
    pages, before = [], None
    while True:
        found = await page(gql, document, token, last=size, before=before)
        pages.insert(0, found)
        if not found["pageInfo"]["hasPreviousPage"]:
            return pages
        before = found["pageInfo"]["startCursor"]


async def test_paging_backward_gives_the_same_items_in_the_same_order_as_forward(prebuilt, flow, gql, frozen_clock):
    # Given seven decisions in the register
    await prebuilt(seven_decisions, flow, frozen_clock)

    # When the register is walked two at a time forward, then backward from its end
    forward = await walk_forward(gql, REGISTER, 2)
    backward = await walk_backward(gql, REGISTER, 2)

    # Then both walks see the seven decisions in the same (newest first) order, the total on every page
    in_order = [title for found in forward for title in titles(found)]
    assert sorted(in_order) == [f"Item {n}" for n in range(1, 8)]
    assert [title for found in backward for title in titles(found)] == in_order
    assert {found["totalCount"] for found in forward + backward} == {7}
    # forward pages of 2, 2, 2, 1; backward pages of 1, 2, 2, 2 (the list's head is the short one)
    assert [len(found["edges"]) for found in forward] == [2, 2, 2, 1]
    assert [len(found["edges"]) for found in backward] == [1, 2, 2, 2]
    # and the flags say, per the Relay spec, where more lies in the direction of travel and behind
    assert [(p["pageInfo"]["hasPreviousPage"], p["pageInfo"]["hasNextPage"]) for p in forward] == [
        (False, True),
        (True, True),
        (True, True),
        (True, False),
    ]
    assert [(p["pageInfo"]["hasPreviousPage"], p["pageInfo"]["hasNextPage"]) for p in backward] == [
        (False, True),
        (True, True),
        (True, True),
        (True, False),
    ]


async def test_last_alone_gives_the_tail_and_after_with_before_the_items_between(prebuilt, flow, gql, frozen_clock):
    # Given seven decisions, and their cursors in the register's order
    await prebuilt(seven_decisions, flow, frozen_clock)
    everything = await page(gql, REGISTER, first=7)
    cursors = [edge["cursor"] for edge in everything["edges"]]
    in_order = titles(everything)

    # When the last three are asked for, and the items between the 2nd and the 6th
    tail = await page(gql, REGISTER, last=3)
    between = await page(gql, REGISTER, first=10, after=cursors[1], before=cursors[5])
    between_backward = await page(gql, REGISTER, last=2, after=cursors[1], before=cursors[5])

    # Then the tail is the list's last three, in the list's order, with the list's total
    assert titles(tail) == in_order[-3:]
    assert (tail["totalCount"], tail["pageInfo"]["hasPreviousPage"], tail["pageInfo"]["hasNextPage"]) == (
        7,
        True,
        False,
    )
    assert tail["pageInfo"]["startCursor"] == cursors[4] and tail["pageInfo"]["endCursor"] == cursors[6]
    # and the range is the 3rd to the 5th, or its last two paging backward
    assert titles(between) == in_order[2:5]
    assert titles(between_backward) == in_order[3:5]
    assert between["totalCount"] == between_backward["totalCount"] == 7


async def test_a_list_of_one_id_column_pages_backward_too(flow, gql):
    # Given five drafts the secretariat sees
    for n in range(5):
        await flow.created(title=f"Draft {n + 1}")
    token = await flow.token("secretariat")

    # When they are walked two at a time both ways
    forward = await walk_forward(gql, PROPOSALS, 2, token)
    backward = await walk_backward(gql, PROPOSALS, 2, token)

    # Then the same drafts come in the same order, newest first
    in_order = [title for found in forward for title in titles(found)]
    assert in_order == [f"Draft {n}" for n in range(5, 0, -1)]
    assert [title for found in backward for title in titles(found)] == in_order


async def six_blocks(projects: Any, frozen_clock: Any) -> None:
    """VN-100-0001 holding its own units (401–500) and five blocks of 10 received one by one."""
    issued = await an_issued_issuance(projects, frozen_clock)
    ids = await account_ids(projects.engine)
    for _ in range(5):
        await projects.run(
            "VN",
            transfer_units,
            from_account_id=ids["VN-200-0001"],
            to_account_id=ids["VN-100-0001"],
            issuance_id=issued["issuance_pk"],
            quantity=10,
        )


async def test_an_ascending_list_pages_backward_too(prebuilt, projects, gql, frozen_clock):
    # Given an account of six blocks, listed lowest serial first
    await prebuilt(six_blocks, projects, frozen_clock)
    token = await projects.token("secretariat")

    async def walk(size: int, backward: bool) -> list[str]:
        serials, cursor = [], None
        while True:
            variables = {"last": size, "before": cursor} if backward else {"first": size, "after": cursor}
            found = (await gql(HOLDINGS, variables, token=token))["account"]["holdings"]
            got = [edge["node"]["serialStart"] for edge in found["edges"]]
            serials = got + serials if backward else serials + got
            info = found["pageInfo"]
            if not info["hasPreviousPage" if backward else "hasNextPage"]:
                return serials
            cursor = info["startCursor" if backward else "endCursor"]

    # When its blocks are walked two at a time both ways
    forward, backward = await walk(2, backward=False), await walk(2, backward=True)

    # Then both give the six blocks lowest first
    assert len(forward) == 6 and forward == sorted(forward)
    assert backward == forward


async def test_a_backward_page_costs_the_statements_of_a_forward_page(prebuilt, flow, gql, engine, frozen_clock):
    # Given seven decisions and a cursor in the middle
    await prebuilt(seven_decisions, flow, frozen_clock)
    middle = (await page(gql, REGISTER, first=4))["pageInfo"]["endCursor"]

    # When a page is asked for each way, from the middle and from either end
    counts = {}
    for name, variables in {
        "first": {"first": 2},
        "first-after": {"first": 2, "after": middle},
        "last": {"last": 2},
        "last-before": {"last": 2, "before": middle},
    }.items():
        with count_statements(engine) as counter:
            await page(gql, REGISTER, **variables)
        counts[name] = counter.count

    # Then each costs what the first page costs (one statement for the page with its total riding
    # along, beside what every request costs)
    assert counts == dict.fromkeys(counts, counts["first"]) and counts["first"] <= 2


async def error_of(gql: Any, document: str, variables: dict[str, Any]) -> dict[str, Any]:
    body = (await gql.raw(document, variables)).json()
    assert body["data"] is None, body
    [error] = body["errors"]
    return {"message": error["message"], "field": error["extensions"]["field"], "code": error["extensions"]["code"]}


@pytest.mark.parametrize(
    ("document", "variables", "field", "message"),
    [
        (
            REGISTER,
            {"first": 2, "last": 2},
            "last",
            "Give first (to page forward) or last (to page backward), not both.",
        ),
        (LITERAL_FIRST_AND_LAST, {}, "last", "Give first (to page forward) or last (to page backward), not both."),
        (REGISTER, {"last": 0}, "last", "last must be between 1 and 100."),
        (REGISTER, {"last": 101}, "last", "last must be between 1 and 100."),
        (REGISTER, {"last": 2, "before": "garbage"}, "before", "before is not a cursor of this list."),
        (REGISTER, {"first": 2, "before": "WzFd"}, "before", "before is not a cursor of this list."),
        (PROPOSALS, {"last": 2, "before": "WyJvbmUiXQ=="}, "before", "before is not a cursor of this list."),
    ],
    ids=["first-and-last", "literal-first-and-last", "last-0", "last-101", "garbage", "short", "text-for-an-id"],
)
async def test_bad_backward_paging_is_an_input_error_naming_the_argument(gql, document, variables, field, message):
    assert await error_of(gql, document, variables) == {"message": message, "field": [field], "code": "INVALID_INPUT"}


def test_every_connection_field_pages_both_ways():
    # Given the schema, When each field returning a connection is looked at
    schema = build_schema(schema_sdl())
    connection_fields = {
        f"{type_name}.{field_name}": set(field.args)
        for type_name, named in schema.type_map.items()
        if hasattr(named, "fields") and not type_name.startswith("__")
        for field_name, field in named.fields.items()
        if get_named_type(field.type).name.endswith("Connection")
    }

    # Then every one takes first, after, last and before
    assert len(connection_fields) >= 12
    assert {
        name for name, args in connection_fields.items() if not {"first", "after", "last", "before"} <= args
    } == set()


async def test_a_backward_page_costs_last_items_in_the_query_cost(settings, engine):
    # Given a server whose cost limit refuses everything, reporting the cost
    page = "decisions({}) {{ edges {{ node {{ reference }} }} }}"
    async with http(app_with(settings, engine, max_query_cost=10)) as client:

        async def cost_of(arguments: str, variables: dict[str, Any] | None = None) -> int:
            query = ("query ($n: Int) { " if variables else "{ ") + page.format(arguments) + " }"
            body = (await client.post("/graphql", json={"query": query, "variables": variables or {}})).json()
            return body["errors"][0]["extensions"]["cost"]

        # When pages of `last` items are estimated
        literal, variable = await cost_of("last: 100"), await cost_of("last: $n", {"n": 50})
        forward = await cost_of("first: 5")

    # Then each is `last` items (not the default first of 20), capped at the page size
    assert (literal, variable, forward) == (1 + 100 * 3, 1 + 50 * 3, 1 + 5 * 3)
