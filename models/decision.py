from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.enums import DecisionMode, DecisionOutcome, ProposalKind
from models.types import UTCDateTime, enum_type


class Decision(SQLModel, table=True):
    """What a committee decided on a proposal, under its own gapless reference JC-{CC}-{YYYY}-{NNN}."""

    __table_args__ = (
        sa.UniqueConstraint("committee_id", "year", "serial", name="uq_decision_serial"),
        sa.Index("ix_decision_register", "decided_on", "id"),
        sa.Index("ix_decision_committee_register", "committee_id", "decided_on", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    reference: str = Field(max_length=20, unique=True)
    committee_id: int = Field(foreign_key="joint_committee.id")
    year: int
    serial: int
    proposal_id: int = Field(foreign_key="proposal.id", unique=True)
    round: int  # the round of positions that decided it
    kind: ProposalKind = Field(sa_type=enum_type(ProposalKind))
    outcome: DecisionOutcome = Field(sa_type=enum_type(DecisionOutcome))
    title: str = Field(max_length=300)
    summary: str | None = Field(default=None, sa_type=sa.Text)
    decided_on: date
    mode: DecisionMode = Field(sa_type=enum_type(DecisionMode))
    meeting_id: int | None = Field(default=None, foreign_key="meeting.id", index=True)
    created_at: datetime = Field(sa_type=UTCDateTime)
