"""A ledger for NDC accounting, built through the resolvers: VN051 with three issuances whose units
reached Japan's NULLIFICATION account in different ways.

- issuance 1 (2025, authorized by both for the NDC, tests/support/registry.py): 300 units nullified
  for the NDC by the Japanese government, 150 more on a company's behalf (SHK) after an
  international transfer of 200 from VN-200-0001 to JP-200-0001: 450 in JP-300-0001;
- issuance 2 (2020-07-01..2021-06-30, both for the NDC; JP 400 and VN 100 issued): 100 nullified
  for the NDC: its period straddles 1 January 2021;
- issuance 3 (2026-01-01..2026-06-30; Japan names the NDC, Viet Nam only other international
  mitigation; JP 400 issued): 50 nullified for the NDC: not authorized for NDC use by both.
"""

from datetime import date
from typing import Any

from models.enums import CreditHolder, NullificationPurpose, UsePurpose
from resolvers.issuances import authorize_credits
from resolvers.registry import record_issued
from resolvers.unit_moves import nullify_for_ndc, nullify_units, transfer_units
from tests.support.projects import ProjectSteps
from tests.support.registry import an_issued_issuance


async def another_issuance(
    projects: ProjectSteps,
    state: dict[str, Any],
    monitoring: tuple[str, str],
    partner_purposes: list[UsePurpose],
    shares: tuple[tuple[str, CreditHolder, int], ...],
) -> int:
    """A further notified issuance of the project, authorized (Japan for the NDC, the partner for
    `partner_purposes`), with `shares` issued; its id."""
    requested = await projects.requested(state["reference"], state["tpe"], monitoring)
    await projects.decide(requested.proposal.id, "VN")
    issuance = requested.issuance.id
    await projects.run("japan", authorize_credits, issuance_id=issuance, amount=1000, use_purposes=[UsePurpose.NDC])
    await projects.run("VN", authorize_credits, issuance_id=issuance, amount=1000, use_purposes=partner_purposes)
    for who, holder, amount in shares:
        await projects.run(
            who,
            record_issued,
            issuance_id=issuance,
            holder=holder,
            issued_amount=amount,
            issued_on=date(2026, 11, 28),
            account_number_given=None,
        )
    return issuance


async def an_ndc_ledger(projects: ProjectSteps, frozen_clock: Any) -> dict[str, Any]:
    state = await an_issued_issuance(projects, frozen_clock)
    first = state["issuance_pk"]
    await projects.run("japan", nullify_for_ndc, issuance_id=first, amount=300)
    await projects.run(
        "VN",
        transfer_units,
        from_account_id=state["vn_participant"],
        to_account_id=state["jp_participant"],
        issuance_id=first,
        quantity=200,
    )
    await projects.run(
        "secretariat",
        nullify_units,
        from_account_id=state["jp_participant"],
        issuance_id=first,
        quantity=150,
        purpose=NullificationPurpose.SHK_OFFSET,
        beneficiary="Example Engineering Co.",
    )
    straddling = await another_issuance(
        projects,
        state,
        ("2020-07-01", "2021-06-30"),
        [UsePurpose.NDC],
        (
            ("secretariat", CreditHolder.JAPAN_GOVERNMENT, 400),
            ("VN", CreditHolder.PARTNER_GOVERNMENT, 100),
        ),
    )
    await projects.run("japan", nullify_for_ndc, issuance_id=straddling, amount=100)
    other_use = await another_issuance(
        projects,
        state,
        ("2026-01-01", "2026-06-30"),
        [UsePurpose.OTHER_INTERNATIONAL_MITIGATION],
        (("secretariat", CreditHolder.JAPAN_GOVERNMENT, 400),),
    )
    await projects.run("japan", nullify_for_ndc, issuance_id=other_use, amount=50)
    return state | {"straddling_pk": straddling, "other_use_pk": other_use}
