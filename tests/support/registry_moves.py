"""A registry after units moved every way, built through the resolvers: what the registry's read
tests read (tests/test_registry_reads.py, tests/test_registry_compiled_reads.py)."""

from typing import Any

from models.enums import NullificationPurpose
from resolvers.unit_moves import cancel_units, nullify_for_ndc, nullify_units, transfer_units
from tests.support.registry import account_ids, an_issued_issuance


async def moved(projects: Any, frozen_clock: Any) -> dict[str, Any]:
    """The issued issuance, then: VN-200-0001 sends 300 units to JP-200-0001 (units 501–800); the
    secretariat nullifies 100 of them for SHK_OFFSET on Example Engineering's behalf (501–600);
    Japan nullifies 50 for the NDC from JP-100-0001 (1–50); Viet Nam cancels 10 of its own (401–410)."""
    issued = await an_issued_issuance(projects, frozen_clock)
    ids = await account_ids(projects.engine)
    issuance = issued["issuance_pk"]
    await projects.run(
        "VN",
        transfer_units,
        from_account_id=ids["VN-200-0001"],
        to_account_id=ids["JP-200-0001"],
        issuance_id=issuance,
        quantity=300,
    )
    await projects.run(
        "secretariat",
        nullify_units,
        from_account_id=ids["JP-200-0001"],
        issuance_id=issuance,
        quantity=100,
        purpose=NullificationPurpose.SHK_OFFSET,
        beneficiary="Example Engineering Co.",
    )
    await projects.run("japan", nullify_for_ndc, issuance_id=issuance, amount=50)
    await projects.run(
        "VN",
        cancel_units,
        from_account_id=ids["VN-100-0001"],
        issuance_id=issuance,
        quantity=10,
        reason="Not used toward the NDC.",
    )
    return issued | {"accounts": ids}
