"""Methodologies: proposed under a PM reference, approved under an AM reference of their own
sequence, revised into new versions that keep the AM reference."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.enums import MethodologyStatus
from models.errors import invalid
from models.types import UTCDateTime, enum_type

SCOPES = range(1, 16)


class Methodology(SQLModel, table=True):
    """One version of a methodology (or a proposal for one)."""

    __table_args__ = (
        sa.UniqueConstraint("reference", "major", name="uq_methodology_version"),
        sa.Index("ix_methodology_committee", "committee_id", "id"),
        # One valid version, and one open revision, per approved methodology.
        *(
            sa.Index(
                f"uq_methodology_{status.lower()}",
                "reference",
                unique=True,
                sqlite_where=sa.text(f"status = '{status}' AND reference IS NOT NULL"),
                postgresql_where=sa.text(f"status = '{status}' AND reference IS NOT NULL"),
            )
            for status in ("VALID", "PROPOSED")
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    committee_id: int = Field(foreign_key="joint_committee.id")
    proposed_reference: str = Field(max_length=20, index=True)  # VN_PM004; a revision keeps its original's
    reference: str | None = Field(default=None, max_length=20, index=True)  # VN_AM003 once approved
    major: int | None = None  # 1 for ver01.0, once approved
    title: str = Field(max_length=300)
    summary: str | None = Field(default=None, sa_type=sa.Text)
    proponent: str = Field(max_length=300)
    status: MethodologyStatus = Field(sa_type=enum_type(MethodologyStatus))
    approved_on: date | None = None
    proposal_id: int = Field(foreign_key="proposal.id", unique=True)
    created_at: datetime = Field(sa_type=UTCDateTime)

    @property
    def version(self) -> str | None:
        return f"ver{self.major:02d}.0" if self.major else None


class MethodologyScope(SQLModel, table=True):
    __tablename__ = "methodology_scope"

    methodology_id: int = Field(foreign_key="methodology.id", primary_key=True)
    scope: int = Field(foreign_key="sectoral_scope.number", primary_key=True)


def clean_scopes(scopes: list[int], field: str = "sectoralScopes", allow_empty: bool = False) -> list[int]:
    """Distinct scope numbers 1–15, in order; at least one unless allowed otherwise."""
    wrong = [n for n in scopes if n not in SCOPES]
    if wrong:
        raise invalid(field, f"Sectoral scopes are numbered 1 to 15; {', '.join(map(str, wrong))} is not one.")
    if not scopes and not allow_empty:
        raise invalid(field, "Name at least one sectoral scope.")
    return sorted(set(scopes))


def proposed_reference(committee_code: str, number: int) -> str:
    return f"{committee_code}_PM{number:03d}"


def approved_reference(committee_code: str, number: int) -> str:
    return f"{committee_code}_AM{number:03d}"
