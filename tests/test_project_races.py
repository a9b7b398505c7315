"""Races in the project cycle under real parallel connections: each party acts through its own
engine (on SQLite the write lock at BEGIN serialises them; on PostgreSQL the advisory write lock
and row locks do). Exactly one of two competing writes wins; the loser gets a clear error and
leaves no trace: no row, no sequence number, no audit event."""

import asyncio
from collections import Counter
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa

from api.ids import to_global_id
from models import clock
from models.db import new_session
from models.enums import CreditHolder, DecisionMode, Position, UsePurpose
from models.errors import DomainError, ErrorCode
from models.principal import Principal
from resolvers.issuances import authorize_credits, request_issuance
from resolvers.positions import give_position
from resolvers.projects import propose_registration
from resolvers.proposals import circulate_proposal
from tests.support.db import snapshot
from tests.support.projects import PROJECT_TABLES
from tests.support.tokens import principal
from tests.support.workflow import pk

SECRETARIAT, JAPAN, VIET_NAM = principal("secretariat"), principal("japan"), principal("VN")
SPLIT = [(CreditHolder.PARTNER_GOVERNMENT, 100), (CreditHolder.JAPAN_GOVERNMENT, 400)]


async def at_once(database: Any, *calls: Any) -> list[Any]:
    """Each `call(engine)` over an engine of its own, all started together; results or exceptions."""
    engines = [database.engine() for _ in calls]
    try:
        return await asyncio.gather(*(call(e) for call, e in zip(calls, engines, strict=True)), return_exceptions=True)
    finally:
        for extra in engines:
            await extra.dispose()


def one_winner(results: list[Any]) -> tuple[Any, DomainError]:
    accepted = [r for r in results if not isinstance(r, BaseException)]
    refused = [r for r in results if isinstance(r, BaseException)]
    assert len(accepted) == 1 and len(refused) == 1, results
    assert isinstance(refused[0], DomainError), repr(refused[0])
    return accepted[0], refused[0]


async def added_audit_actions(engine: Any, before: dict[str, list[tuple[Any, ...]]]) -> Counter[str]:
    """The audit events written since `before`, counted by action."""
    known = {row[0] for row in before["audit_event"]}
    async with engine.connect() as connection:
        rows = (await connection.execute(sa.text("SELECT id, action FROM audit_event"))).all()
    return Counter(action for id, action in rows if id not in known)


def acting(who: Principal, resolver: Any, **arguments: Any) -> Any:
    async def call(engine: Any) -> Any:
        async with new_session(engine) as session:
            return await resolver(session, who, **arguments)

    return call


async def test_two_registrations_of_one_project_at_once_one_wins(database, engine, projects, frozen_clock):
    # Given a PLANNED project whose PDD's public input closed, a valid methodology and a validator
    methodology = await projects.valid_methodology(frozen_clock)
    tpe = await projects.designated_entity()
    project = await projects.with_closed_pdd(frozen_clock)
    before = await snapshot(engine, *PROJECT_TABLES)
    register = acting(
        SECRETARIAT,
        propose_registration,
        project_id=project.id,
        methodology_reference=methodology,
        validator_reference=tpe,
    )

    # When two registrations of it are proposed at the same moment
    results = await at_once(database, register, register)

    # Then exactly one is accepted, the other refused as an invalid transition on projectId
    accepted, refused = one_winner(results)
    assert (refused.code, refused.field) == (ErrorCode.INVALID_TRANSITION, ["projectId"])
    assert "its registration is already proposed" in refused.message
    # and there is one registration proposal, one proposal's worth of audit events, no counter used
    async with engine.connect() as connection:
        kinds = (
            await connection.execute(
                sa.text("SELECT id FROM proposal WHERE kind = 'PROJECT_REGISTRATION' AND subject_id = :p"),
                {"p": project.id},
            )
        ).all()
    assert [row[0] for row in kinds] == [accepted.proposal.id]
    assert await added_audit_actions(engine, before) == {"created": 1, "projectRegistrationProposed": 1}
    after = await snapshot(engine, *PROJECT_TABLES)
    assert after["reference_counter"] == before["reference_counter"]
    assert len(after["proposal"]) == len(before["proposal"]) + 1


async def test_two_issuance_requests_over_overlapping_periods_at_once_one_wins(
    database, engine, projects, frozen_clock
):
    # Given a registered project and its verifier
    project = await projects.registered(frozen_clock)
    before = await snapshot(engine, *PROJECT_TABLES)

    def request(start: str, end: str) -> Any:
        return acting(
            SECRETARIAT,
            request_issuance,
            project_reference=project["reference"],
            monitoring_from=date.fromisoformat(start),
            monitoring_to=date.fromisoformat(end),
            verifier_reference=project["tpe"],
            requested_amount=500,
            allocations=SPLIT,
        )

    for first, second in [
        (("2025-01-01", "2025-06-30"), ("2025-01-01", "2025-06-30")),  # the same period
        (("2025-07-01", "2025-12-31"), ("2025-12-01", "2026-03-31")),  # overlapping periods
    ]:
        # When two requests over the same or overlapping periods are made at the same moment
        results = await at_once(database, request(*first), request(*second))

        # Then exactly one is accepted, the other refused on monitoringFrom as an overlap
        accepted, refused = one_winner(results)
        assert accepted.issuance.status.value == "REQUESTED"
        assert (refused.code, refused.field) == (ErrorCode.INVALID_INPUT, ["monitoringFrom"])
        assert "overlaps request" in refused.message

    # and there are two issuances (one per race), numbered 1 and 2, each with its own proposal
    async with engine.connect() as connection:
        rows = (await connection.execute(sa.text("SELECT number FROM credit_issuance ORDER BY number"))).all()
    assert [row[0] for row in rows] == [1, 2]
    assert await added_audit_actions(engine, before) == {"created": 2, "issuanceRequested": 2}
    after = await snapshot(engine, *PROJECT_TABLES)
    assert len(after["credit_allocation"]) == len(before["credit_allocation"]) + 4
    assert after["reference_counter"] == before["reference_counter"]


async def notified_issuance(projects: Any, frozen_clock: Any) -> int:
    notified = await projects.notified(frozen_clock)
    return pk(notified["issuance"])


def authorize(who: Principal, issuance: int, amount: int = 1000) -> Any:
    return acting(who, authorize_credits, issuance_id=issuance, amount=amount, use_purposes=[UsePurpose.NDC])


async def test_one_government_authorizing_twice_at_once_is_recorded_once(database, engine, projects, frozen_clock):
    # Given a NOTIFIED issuance of 1,000 t-CO2e
    issuance = await notified_issuance(projects, frozen_clock)
    before = await snapshot(engine, *PROJECT_TABLES)

    # When Japan authorizes it twice at the same moment, over two connections
    results = await at_once(database, authorize(JAPAN, issuance, 900), authorize(JAPAN, issuance, 800))

    # Then one authorization is recorded, the other refused: each government authorizes once
    accepted, refused = one_winner(results)
    assert accepted.issuance.id == issuance
    assert (refused.code, refused.field) == (ErrorCode.INVALID_TRANSITION, ["issuanceId"])
    assert "already authorized" in refused.message
    async with engine.connect() as connection:
        rows = (await connection.execute(sa.text("SELECT side, amount FROM credit_authorization"))).all()
    assert len(rows) == 1 and rows[0][0] == "JAPAN" and rows[0][1] in (900, 800)
    assert await added_audit_actions(engine, before) == {"creditsAuthorized": 1}
    # and the issuance is not authorized until the partner has too
    read = await projects.issuance(to_global_id("CreditIssuance", issuance))
    assert read is not None and (read["authorized"], read["authorizedAmount"]) == (False, None)


async def test_both_governments_authorizing_at_once_are_both_recorded(database, engine, projects, frozen_clock):
    # Given a NOTIFIED issuance of 1,000 t-CO2e
    issuance = await notified_issuance(projects, frozen_clock)
    before = await snapshot(engine, *PROJECT_TABLES)

    # When Japan and Viet Nam authorize it at the same moment
    results = await at_once(database, authorize(JAPAN, issuance, 1000), authorize(VIET_NAM, issuance, 700))

    # Then both are recorded and the credits are authorized, for the smaller amount
    assert not any(isinstance(result, BaseException) for result in results), results
    read = await projects.issuance(to_global_id("CreditIssuance", issuance))
    assert read is not None
    assert sorted((a["side"], a["amount"]) for a in read["authorizations"]) == [("JAPAN", 1000), ("PARTNER", 700)]
    assert (read["authorized"], read["authorizedAmount"]) == (True, 700)
    assert await added_audit_actions(engine, before) == {"creditsAuthorized": 2}


async def test_both_sides_consenting_to_a_registration_at_once_register_it_once(
    database, engine, projects, frozen_clock
):
    # Given a circulated registration proposal of a PLANNED Viet Nam project
    methodology = await projects.valid_methodology(frozen_clock)
    tpe = await projects.designated_entity()
    project = await projects.with_closed_pdd(frozen_clock)
    proposed = await projects.run(
        "secretariat",
        propose_registration,
        project_id=project.id,
        methodology_reference=methodology,
        validator_reference=tpe,
    )
    await projects.submit(proposed.proposal.id)
    await projects.run(
        "secretariat",
        circulate_proposal,
        proposal_id=proposed.proposal.id,
        mode=DecisionMode.ELECTRONIC,
        deadline=clock.today() + timedelta(days=14),
    )
    async with engine.connect() as connection:
        decisions_before = (await connection.execute(sa.text("SELECT count(*) FROM decision"))).scalar_one()

    # When Japan and Viet Nam consent at the same moment
    consent = [
        acting(who, give_position, proposal_id=proposed.proposal.id, position=Position.CONSENT)
        for who in (JAPAN, VIET_NAM)
    ]
    results = await at_once(database, *consent)

    # Then both positions count, exactly one of them took the decision
    assert not any(isinstance(result, BaseException) for result in results), results
    assert len([result for result in results if result.decision is not None]) == 1
    # and the project is registered once, as VN051, the first after Viet Nam's 50 published projects
    async with engine.connect() as connection:
        decisions = (await connection.execute(sa.text("SELECT count(*) FROM decision"))).scalar_one()
        registered = (
            await connection.execute(sa.text("SELECT reference, status FROM project WHERE id = :p"), {"p": project.id})
        ).one()
        counter = (
            await connection.execute(sa.text("SELECT last_value FROM reference_counter WHERE sequence = 'PRJ'"))
        ).scalar_one()
        registered_events = (
            await connection.execute(sa.text("SELECT count(*) FROM audit_event WHERE action = 'projectRegistered'"))
        ).scalar_one()
    assert decisions == decisions_before + 1
    assert tuple(registered) == ("VN051", "REGISTERED")
    assert (counter, registered_events) == (1, 1)
