"""A designation's life: designated, extended, partly suspended, lifted, partly withdrawn by the
entity, and withdrawn by the committee, checked after every step."""

from datetime import UTC, datetime

from tests.support.tpes import DESIGNATE, SUSPEND, VOLUNTARY, WITHDRAW_TPE


def scopes(*entries: tuple[str, int, str, str]) -> list[dict]:
    return [{"function": f, "scope": {"number": n}, "status": s, "since": since} for f, n, s, since in entries]


async def test_designation_extra_scopes_suspension_lifting_and_withdrawals(tpe_flow, frozen_clock):
    entity = await tpe_flow.register("Example Verification Ltd.", countryCode="JP", accreditationBody="JAB")

    # Designation for validation in scope 1 and verification in scopes 1 and 3
    proposed = await tpe_flow.ok(
        DESIGNATE,
        {"committeeCode": "VN", "entityId": entity, "validationScopes": [1], "verificationScopes": [3, 1]},
        "secretariat",
    )
    assert proposed["designation"]["status"] == "PROPOSED"
    assert proposed["proposal"]["title"] == (
        "Designation of Example Verification Ltd. as a third-party entity: validation 1; verification 1, 3"
    )
    decided = await tpe_flow.decide_in("VN", proposed["proposal"]["id"])
    assert decided["decision"]["reference"] == "JC-VN-2026-001"
    tpe = await tpe_flow.tpe("TPE-VN-001")
    assert tpe == {
        "reference": "TPE-VN-001",
        "status": "DESIGNATED",
        "designatedOn": "2026-11-28",
        "committee": {"code": "VN"},
        "entity": {"name": "Example Verification Ltd."},
        "scopes": scopes(
            ("VALIDATION", 1, "DESIGNATED", "2026-11-28"),
            ("VERIFICATION", 1, "DESIGNATED", "2026-11-28"),
            ("VERIFICATION", 3, "DESIGNATED", "2026-11-28"),
        ),
        "decisions": [{"reference": "JC-VN-2026-001", "kind": "TPE_DESIGNATION", "outcome": "APPROVED"}],
    }

    # Extra scopes a week later: the same designation and reference
    frozen_clock.set(datetime(2026, 12, 5, 9, tzinfo=UTC))
    extra = await tpe_flow.ok(
        DESIGNATE,
        {"committeeCode": "VN", "entityId": entity, "validationScopes": [3], "verificationScopes": []},
        "secretariat",
    )
    await tpe_flow.decide_in("VN", extra["proposal"]["id"])
    tpe = await tpe_flow.tpe("TPE-VN-001")
    assert tpe["scopes"] == scopes(
        ("VALIDATION", 1, "DESIGNATED", "2026-11-28"),
        ("VALIDATION", 3, "DESIGNATED", "2026-12-05"),
        ("VERIFICATION", 1, "DESIGNATED", "2026-11-28"),
        ("VERIFICATION", 3, "DESIGNATED", "2026-11-28"),
    )
    assert [d["reference"] for d in tpe["decisions"]] == ["JC-VN-2026-001", "JC-VN-2026-002"]

    # Verification suspended, proposed by the Japanese side
    frozen_clock.set(datetime(2026, 12, 10, 9, tzinfo=UTC))
    suspension = await tpe_flow.ok(
        SUSPEND,
        {"reference": "TPE-VN-001", "reason": "Accreditation under review.", "function": "VERIFICATION"},
        "japan",
    )
    assert suspension["proposal"]["title"] == (
        "Suspension of TPE-VN-001 (Example Verification Ltd.): verification 1, verification 3"
    )
    await tpe_flow.decide_in("VN", suspension["proposal"]["id"])
    tpe = await tpe_flow.tpe("TPE-VN-001")
    assert tpe["status"] == "DESIGNATED"  # validation scopes are still designated
    assert tpe["scopes"][2:] == scopes(
        ("VERIFICATION", 1, "SUSPENDED", "2026-12-10"), ("VERIFICATION", 3, "SUSPENDED", "2026-12-10")
    )

    # Lifted by a new designation proposal for the same scopes
    frozen_clock.set(datetime(2026, 12, 15, 9, tzinfo=UTC))
    lifting = await tpe_flow.ok(
        DESIGNATE,
        {"committeeCode": "VN", "entityId": entity, "validationScopes": [], "verificationScopes": [1, 3]},
        "secretariat",
    )
    await tpe_flow.decide_in("VN", lifting["proposal"]["id"])
    tpe = await tpe_flow.tpe("TPE-VN-001")
    assert tpe["scopes"][2:] == scopes(
        ("VERIFICATION", 1, "DESIGNATED", "2026-12-15"), ("VERIFICATION", 3, "DESIGNATED", "2026-12-15")
    )

    # The entity withdraws from validation in scope 3 itself: at once, no decision
    frozen_clock.set(datetime(2026, 12, 16, 9, tzinfo=UTC))
    voluntary = await tpe_flow.ok(
        VOLUNTARY,
        {"reference": "TPE-VN-001", "reason": "Notice of 16 Dec.", "function": "VALIDATION", "scopes": [3]},
        "secretariat",
    )
    assert voluntary["proposal"] is None
    assert voluntary["designation"]["scopes"][1] == {
        "function": "VALIDATION",
        "scope": {"number": 3},
        "status": "VOLUNTARILY_WITHDRAWN",
        "since": "2026-12-16",
    }
    assert len(voluntary["designation"]["decisions"]) == 4

    # The committee withdraws the rest
    frozen_clock.set(datetime(2026, 12, 20, 9, tzinfo=UTC))
    withdrawal = await tpe_flow.ok(
        WITHDRAW_TPE, {"reference": "TPE-VN-001", "reason": "Repeated non-conformities."}, "VN"
    )
    decided = await tpe_flow.decide_in("VN", withdrawal["proposal"]["id"])
    tpe = await tpe_flow.tpe("TPE-VN-001")
    assert tpe["status"] == "WITHDRAWN"
    assert tpe["scopes"] == scopes(
        ("VALIDATION", 1, "WITHDRAWN", "2026-12-20"),
        ("VALIDATION", 3, "VOLUNTARILY_WITHDRAWN", "2026-12-16"),
        ("VERIFICATION", 1, "WITHDRAWN", "2026-12-20"),
        ("VERIFICATION", 3, "WITHDRAWN", "2026-12-20"),
    )
    assert tpe["decisions"] == [
        {"reference": f"JC-VN-2026-00{n}", "kind": kind, "outcome": "APPROVED"}
        for n, kind in [
            (1, "TPE_DESIGNATION"),
            (2, "TPE_DESIGNATION"),
            (3, "TPE_SUSPENSION"),
            (4, "TPE_DESIGNATION"),
            (5, "TPE_WITHDRAWAL"),
        ]
    ]
