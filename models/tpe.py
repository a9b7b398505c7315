"""Third-party entities (validation and verification bodies) and their designations per committee."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.enums import AccreditationBasis, DesignationStatus, ProposalKind, TpeFunction
from models.types import UTCDateTime, enum_type

S = DesignationStatus


class ThirdPartyEntity(SQLModel, table=True):
    __tablename__ = "third_party_entity"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    # The name folded for comparison ("Société" = "SOCIÉTÉ"); unique, so that two registrations
    # of one body under different casing are refused by the database itself.
    name_key: str = Field(max_length=200, unique=True)
    country_code: str | None = Field(default=None, max_length=2, foreign_key="country.code")
    accreditation: AccreditationBasis = Field(sa_type=enum_type(AccreditationBasis))
    accreditation_body: str | None = Field(default=None, max_length=200)
    accreditation_expires_on: date | None = None
    created_at: datetime = Field(sa_type=UTCDateTime)


class TpeDesignation(SQLModel, table=True):
    """An entity's designation in one committee: its scopes per function, each with its own status."""

    __tablename__ = "tpe_designation"
    __table_args__ = (sa.UniqueConstraint("committee_id", "entity_id", name="uq_designation_per_committee"),)

    id: int | None = Field(default=None, primary_key=True)
    committee_id: int = Field(foreign_key="joint_committee.id", index=True)
    entity_id: int = Field(foreign_key="third_party_entity.id", index=True)
    reference: str | None = Field(default=None, max_length=20, unique=True)  # TPE-VN-003, on first designation
    # Derived from the scopes whenever they change (see designation_status); kept for filtering in SQL.
    status: DesignationStatus = Field(sa_type=enum_type(DesignationStatus))
    designated_on: date | None = None
    created_at: datetime = Field(sa_type=UTCDateTime)


class DesignationScope(SQLModel, table=True):
    __tablename__ = "designation_scope"
    __table_args__ = (
        sa.UniqueConstraint("designation_id", "function", "scope", name="uq_designation_scope"),
        sa.Index("ix_designation_scope_lookup", "function", "scope", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    designation_id: int = Field(foreign_key="tpe_designation.id", index=True)
    function: TpeFunction = Field(sa_type=enum_type(TpeFunction))
    scope: int = Field(foreign_key="sectoral_scope.number")
    status: DesignationStatus = Field(sa_type=enum_type(DesignationStatus))
    since: date
    changed_at: datetime = Field(sa_type=UTCDateTime)  # orders changes of the same day


class TpeAction(SQLModel, table=True):
    """What a TPE proposal asks for: the scopes to designate, or which to suspend or withdraw."""

    __tablename__ = "tpe_action"

    id: int | None = Field(default=None, primary_key=True)
    proposal_id: int = Field(foreign_key="proposal.id", unique=True)
    designation_id: int = Field(foreign_key="tpe_designation.id", index=True)
    kind: ProposalKind = Field(sa_type=enum_type(ProposalKind))
    # DESIGNATE: [["VALIDATION", 3], ...]; SUSPEND/WITHDRAW: the function and scopes named, null = all.
    scopes: list | None = Field(default=None, sa_type=sa.JSON)
    function: TpeFunction | None = Field(default=None, sa_type=enum_type(TpeFunction))
    reason: str | None = Field(default=None, sa_type=sa.Text)


def designation_status(
    scopes: list[DesignationScope], without_scopes: DesignationStatus, applying: DesignationStatus | None = None
) -> DesignationStatus:
    """Designated while any scope is; else suspended while any is; else how the last scope ended.
    `without_scopes` is the status of a designation none of whose scopes was ever designated;
    `applying` is the change being made now, which is the last even within the same instant."""
    if not scopes:
        return without_scopes
    statuses = {scope.status for scope in scopes}
    for status in (S.DESIGNATED, S.SUSPENDED):
        if status in statuses:
            return status
    last = max(scopes, key=lambda scope: (scope.since, scope.changed_at, scope.status is applying))
    return last.status


def tpe_reference(committee_code: str, number: int) -> str:
    return f"TPE-{committee_code}-{number:03d}"


PROVISIONAL_PER_YEAR = 2


def name_key(name: str) -> str:
    return " ".join(name.casefold().split())
