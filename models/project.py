"""Projects and credit issuance: the project cycle after methodologies (domain.md §7–8).

A project starts as a Project Idea Note (`VN_PIN001`) and a PLANNED_PROJECT proposal; the
committee's no-objection makes it PLANNED. Its design document (PDD) is then open for public
input; once that closed, a PROJECT_REGISTRATION proposal names the methodology and the validator,
and approval registers it under `VN051`, numbered after the committee's published projects. Each
monitoring period's credits are requested in a CREDIT_ISSUANCE proposal; approval notifies the
amount, split among the holders; each government then authorizes them under Article 6.3.

Each project is the subject of every proposal about it (PIN, registration, withdrawal); the
proposal's kind says which. An issuance is the subject of its own proposal.
"""

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.enums import CreditHolder, IssuanceStatus, ProjectStatus, Side
from models.errors import invalid
from models.types import UTCDateTime, enum_type


class Project(SQLModel, table=True):
    __table_args__ = (sa.Index("ix_project_committee", "committee_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    committee_id: int = Field(foreign_key="joint_committee.id")
    pin_reference: str = Field(max_length=20, unique=True)  # VN_PIN001, on proposal
    reference: str | None = Field(default=None, max_length=20, unique=True)  # VN051, on registration
    title: str = Field(max_length=300)
    # One participant per line (names never hold a line break): kept as text so that full-text
    # search covers it like any other column; `participant_list` splits it.
    participants: str = Field(sa_type=sa.Text)
    status: ProjectStatus = Field(sa_type=enum_type(ProjectStatus), index=True)
    # Named by the registration proposal; cleared again if that proposal is withdrawn. While that
    # proposal is a draft, only those who see it see them (and REGISTRATION_REQUESTED): see
    # models.visibility.registration_seen.
    methodology_id: int | None = Field(default=None, foreign_key="methodology.id")
    validator_id: int | None = Field(default=None, foreign_key="tpe_designation.id")
    registration_proposal_id: int | None = Field(default=None, foreign_key="proposal.id")
    # The project design document and its public-input window (both days included).
    pdd_uri: str | None = Field(default=None, max_length=2000)
    pdd_sha256: str | None = Field(default=None, max_length=64)
    pdd_recorded_on: date | None = None
    pdd_opens_on: date | None = None
    pdd_closes_on: date | None = None
    registered_on: date | None = None
    pin_proposal_id: int = Field(foreign_key="proposal.id", unique=True)
    # When the committee decided on the PIN: from then on the public sees the project.
    published_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(sa_type=UTCDateTime)

    @property
    def participant_list(self) -> list[str]:
        return self.participants.split("\n")


class ProjectScope(SQLModel, table=True):
    __tablename__ = "project_scope"

    project_id: int = Field(foreign_key="project.id", primary_key=True)
    scope: int = Field(foreign_key="sectoral_scope.number", primary_key=True)


class CreditIssuance(SQLModel, table=True):
    """A request for the credits of one monitoring period, and what the committee notified."""

    __tablename__ = "credit_issuance"
    __table_args__ = (
        sa.UniqueConstraint("project_id", "number", name="uq_issuance_number"),
        sa.Index("ix_issuance_committee", "committee_id", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    committee_id: int = Field(foreign_key="joint_committee.id")
    number: int  # 1, 2 … per project, in the order requested: the 0001 of serial numbers
    monitoring_from: date
    monitoring_to: date
    verifier_id: int = Field(foreign_key="tpe_designation.id")
    requested_amount: int
    notified_amount: int | None = None
    notified_on: date | None = None
    status: IssuanceStatus = Field(sa_type=enum_type(IssuanceStatus))
    proposal_id: int = Field(foreign_key="proposal.id", unique=True)
    created_at: datetime = Field(sa_type=UTCDateTime)


class CreditAllocation(SQLModel, table=True):
    """One holder's share of an issuance: as requested, and as notified once approved."""

    __tablename__ = "credit_allocation"
    __table_args__ = (sa.UniqueConstraint("issuance_id", "holder", name="uq_allocation_holder"),)

    id: int | None = Field(default=None, primary_key=True)
    issuance_id: int = Field(foreign_key="credit_issuance.id", index=True)
    holder: CreditHolder = Field(sa_type=enum_type(CreditHolder))
    requested_amount: int
    notified_amount: int | None = None
    # Recorded by the operator of the registry that issued the share (recordIssued), once.
    issued_amount: int | None = None
    issued_on: date | None = None
    issued_account_id: int | None = Field(default=None, foreign_key="registry_account.id")


class CreditAuthorization(SQLModel, table=True):
    """One government's authorization of an issuance's credits under Article 6.3; one per side,
    which the database enforces."""

    __tablename__ = "credit_authorization"
    __table_args__ = (sa.UniqueConstraint("issuance_id", "side", name="uq_authorization_per_side"),)

    id: int | None = Field(default=None, primary_key=True)
    issuance_id: int = Field(foreign_key="credit_issuance.id", index=True)
    side: Side = Field(sa_type=enum_type(Side))
    amount: int
    use_purposes: list = Field(sa_type=sa.JSON)  # ["NDC", "OTHER_INTERNATIONAL_MITIGATION"]
    authorized_on: date
    recorded_by: str = Field(max_length=200)
    recorded_at: datetime = Field(sa_type=UTCDateTime)


# An issuance request that still counts for overlap: all but withdrawn ones.
COUNTED = frozenset(set(IssuanceStatus) - {IssuanceStatus.WITHDRAWN})
DEFAULT_PDD_DAYS = 30
SHA256_HEX = 64


def pin_reference(committee_code: str, number: int) -> str:
    return f"{committee_code}_PIN{number:03d}"


def project_reference(committee_code: str, number: int) -> str:
    return f"{committee_code}{number:03d}"


def clean_sha256(value: str, field: str = "sha256") -> str:
    digest = value.strip().lower()
    if len(digest) != SHA256_HEX or any(c not in "0123456789abcdef" for c in digest):
        raise invalid(field, "sha256 is the document's SHA-256 digest: 64 hexadecimal digits.")
    return digest


def check_allocations(requested: int, allocations: list[tuple[CreditHolder, int]]) -> None:
    """Whole t-CO2e above zero, each holder at most once, shares ≥ 0 summing exactly to the request."""
    if requested <= 0:
        raise invalid("requestedAmount", "requestedAmount is whole t-CO2e and must be above 0.")
    if not allocations:
        raise invalid("allocations", "Name at least one allocation: how the credits are split among holders.")
    seen: set[CreditHolder] = set()
    for index, (holder, amount) in enumerate(allocations):
        if holder in seen:
            raise invalid(f"allocations.{index}.holder", f"{holder.value} is allocated twice; name each holder once.")
        seen.add(holder)
        if amount < 0:
            raise invalid(f"allocations.{index}.amount", "An allocation is whole t-CO2e and may not be negative.")
    total = sum(amount for _, amount in allocations)
    if total != requested:
        raise invalid(
            "allocations", f"The allocations add up to {total} t-CO2e; they must add up to the requested {requested}."
        )


def overlaps(a_from: date, a_to: date, b_from: date, b_to: date) -> bool:
    """Two monitoring periods, both ends included, share at least one day."""
    return a_from <= b_to and b_from <= a_to
