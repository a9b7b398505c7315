"""The frozen columns of the project and issuance exports, and a register of 100 public projects
and 100 public issuances to count an export's or a search's statements on."""

from datetime import date

from tests.support.workflow import pk

PROJECT_COLUMNS = [
    "pin_reference",
    "reference",
    "committee",
    "title",
    "participants",
    "sectoral_scopes",
    "status",
    "methodology",
    "methodology_version",
    "validator",
    "registered_on",
    "pdd_uri",
    "pdd_sha256",
    "pdd_public_input_opens_on",
    "pdd_public_input_closes_on",
    "pin_decision",
    "registration_decision",
    "withdrawal_decision",
]
ISSUANCE_COLUMNS = [
    "project_reference",
    "number",
    "committee",
    "monitoring_from",
    "monitoring_to",
    "verifier",
    "requested_amount",
    "notified_amount",
    "notified_on",
    "status",
    "decision",
    "partner_government_amount",
    "japan_government_amount",
    "project_participants_amount",
    "japan_authorized_amount",
    "partner_authorized_amount",
    "authorized",
    "authorized_amount",
]


async def given_a_hundred_of_each(projects, frozen_clock) -> dict:
    """`given_projects_and_issuances` without its draft, plus 99 more public issuance requests of
    VN051 (monthly periods from January 2016) and 99 more planned Indonesian projects: 100
    public projects and 100 public issuances."""
    notified = await projects.notified(frozen_clock, "VN")
    issuance = pk(notified["issuance"])
    await projects.authorized_by("japan", issuance, 1000)
    await projects.authorized_by("VN", issuance, 800)
    for month in range(99):
        year, index = divmod(month, 12)
        start = date(2016 + year, index + 1, 1)
        end = date(2016 + year + (index == 11), 1 if index == 11 else index + 2, 1).toordinal() - 1
        requested = await projects.requested(
            notified["reference"], notified["tpe"], (start.isoformat(), date.fromordinal(end).isoformat()), 100
        )
        await projects.submit(requested.proposal.id)
        await projects.circulate(requested.proposal.id)
    for _ in range(99):
        await projects.planned("ID")
    return notified


def counted(statements: list[str]) -> list[str]:
    """The statements of a request but BEGIN (transaction control, not a query)."""
    return [s for s in statements if s.strip().upper() != "BEGIN"]
