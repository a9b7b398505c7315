"""A failing field must not take the connection, or the error masking, down with it."""

from api.loaders import Loaders
from tests.support.committees import DEEPER, given_members_and_meetings_everywhere


async def test_a_field_failing_while_siblings_query_is_masked_and_the_next_request_works(gql, engine, monkeypatch):
    # Given many nested loads in flight, one of which fails
    await given_members_and_meetings_everywhere(engine)

    async def failing(*_):
        raise TypeError("an unexpected bug")

    monkeypatch.setattr(Loaders, "meetings", property(lambda loaders: loaders.batch(failing)), raising=False)

    # When
    response = await gql.raw(DEEPER, {"region": None})

    # Then the client sees one masked error with its request id, nothing of the bug
    body = response.json()
    request_id = response.headers["x-request-id"]
    assert body["data"] is None
    assert [error["extensions"] for error in body["errors"]] == [
        {"code": "INTERNAL_SERVER_ERROR", "requestId": request_id}
    ]
    assert "unexpected bug" not in response.text

    # And the service keeps answering
    monkeypatch.undo()
    assert len((await gql(DEEPER, {"region": None}))["committees"]) == 30
