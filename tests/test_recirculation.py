"""Circulating an item again while it is under consideration: a longer deadline, or another
meeting when the one it was put to passed without deciding it. The positions given stand."""

from datetime import UTC, datetime

from tests.support.documents import CIRCULATE, CONSENT, SCHEDULE
from tests.support.workflow import pk


async def test_an_extended_deadline_keeps_the_positions_already_given(flow, frozen_clock):
    # Given an item circulated until 10 December, and Japan's consent
    proposal = await flow.circulated(deadline="2026-12-10")
    await flow.position(pk(proposal["id"]), "japan")

    # When the secretariat extends the deadline before it passes
    frozen_clock.set(datetime(2026, 12, 8, 9, tzinfo=UTC))
    extended = await flow.ok(
        CIRCULATE, {"id": proposal["id"], "mode": "ELECTRONIC", "deadline": "2026-12-20"}, "secretariat"
    )

    # Then it is under consideration until the new deadline, with Japan's consent standing
    assert (extended["proposal"]["status"], extended["proposal"]["deadline"]) == ("UNDER_CONSIDERATION", "2026-12-20")
    assert extended["proposal"]["positions"] == [
        {"side": "JAPAN", "position": "CONSENT", "statement": None, "recordedBy": "MOEJ"}
    ]
    assert extended["proposal"]["history"][-1] == {
        "action": "circulated",
        "actor": "JCMA Secretariat",
        "fromStatus": "UNDER_CONSIDERATION",
        "toStatus": "UNDER_CONSIDERATION",
        "note": "Circulated again, positions standing, for electronic decision until 2026-12-20.",
    }
    # and the partner's consent alone now decides
    frozen_clock.set(datetime(2026, 12, 15, 9, tzinfo=UTC))
    decided = await flow.ok(CONSENT, {"id": proposal["id"]}, "VN")
    assert decided["decision"]["reference"] == "JC-VN-2026-001"


async def test_an_item_whose_meeting_passed_undecided_goes_to_the_next_meeting(flow, frozen_clock):
    # Given an item put to the 1st meeting, which passed without deciding it
    first = (await flow.ok(SCHEDULE, {"committeeCode": "VN", "heldOn": "2026-12-01"}, "secretariat"))["meeting"]
    proposal = await flow.submitted()
    await flow.ok(CIRCULATE, {"id": proposal["id"], "mode": "MEETING", "meetingId": first["id"]}, "secretariat")
    frozen_clock.set(datetime(2026, 12, 2, 9, tzinfo=UTC))
    second = (await flow.ok(SCHEDULE, {"committeeCode": "VN", "heldOn": "2027-02-10"}, "secretariat"))["meeting"]

    # When the secretariat puts it to the 2nd meeting
    moved = await flow.ok(
        CIRCULATE, {"id": proposal["id"], "mode": "MEETING", "meetingId": second["id"]}, "secretariat"
    )

    # Then it is due at that meeting, and no longer overdue
    assert (moved["proposal"]["status"], moved["proposal"]["dueOn"], moved["proposal"]["overdue"]) == (
        "UNDER_CONSIDERATION",
        "2027-02-10",
        False,
    )
