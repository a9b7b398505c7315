from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.enums import DecisionMode, Position, ProposalKind, ProposalStatus, Role, Side
from models.types import UTCDateTime, enum_type


class Proposal(SQLModel, table=True):
    """An agenda item of one committee, on its way to a decision of both sides."""

    __table_args__ = (sa.Index("ix_proposal_committee_status", "committee_id", "status"),)

    id: int | None = Field(default=None, primary_key=True)
    committee_id: int = Field(foreign_key="joint_committee.id")
    kind: ProposalKind = Field(sa_type=enum_type(ProposalKind))
    title: str = Field(max_length=300)
    summary: str | None = Field(default=None, sa_type=sa.Text)
    status: ProposalStatus = Field(sa_type=enum_type(ProposalStatus))
    version: int = 1
    # Who proposed it: the secretariat (no side) or a government's side; that side may submit and withdraw.
    proposer_role: Role = Field(sa_type=enum_type(Role))
    proposer_side: Side | None = Field(default=None, sa_type=enum_type(Side))
    created_by: str = Field(max_length=200)
    created_at: datetime = Field(sa_type=UTCDateTime)
    submitted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # Set when the item first became public (public input or circulation); never unset.
    published_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    public_input_opens_on: date | None = None
    public_input_closes_on: date | None = None
    mode: DecisionMode | None = Field(default=None, sa_type=enum_type(DecisionMode))
    meeting_id: int | None = Field(default=None, foreign_key="meeting.id", index=True)
    deadline: date | None = None
    # Each circulation opens a new round of positions; a lapsed round's positions stay as history.
    round: int = 0
    circulations: int = 0
    # What the proposal would change ("RuleVersion", "Methodology" ...); null for kind OTHER.
    subject_type: str | None = Field(default=None, max_length=40)
    subject_id: int | None = None


class SidePosition(SQLModel, table=True):
    """A side's current position on a proposal in one round of consideration."""

    __tablename__ = "side_position"
    __table_args__ = (sa.UniqueConstraint("proposal_id", "round", "side", name="uq_position_per_side"),)

    id: int | None = Field(default=None, primary_key=True)
    proposal_id: int = Field(foreign_key="proposal.id")
    round: int
    side: Side = Field(sa_type=enum_type(Side))
    position: Position = Field(sa_type=enum_type(Position))
    statement: str | None = Field(default=None, sa_type=sa.Text)
    recorded_by: str = Field(max_length=200)
    recorded_at: datetime = Field(sa_type=UTCDateTime)


class WorkflowEvent(SQLModel, table=True):
    """One step in a proposal's history."""

    __tablename__ = "workflow_event"

    id: int | None = Field(default=None, primary_key=True)
    proposal_id: int = Field(foreign_key="proposal.id", index=True)
    at: datetime = Field(sa_type=UTCDateTime)
    action: str = Field(max_length=64)
    actor: str = Field(max_length=200)
    from_status: ProposalStatus | None = Field(default=None, sa_type=enum_type(ProposalStatus))
    to_status: ProposalStatus = Field(sa_type=enum_type(ProposalStatus))
    note: str | None = Field(default=None, sa_type=sa.Text)


class PublicComment(SQLModel, table=True):
    """A comment from anyone during a public-input window, a proposal's or a project design
    document's (exactly one of the two); public once given."""

    __tablename__ = "public_comment"
    __table_args__ = (
        sa.CheckConstraint("(proposal_id IS NULL) <> (project_id IS NULL)", name="ck_comment_on_one_window"),
    )

    id: int | None = Field(default=None, primary_key=True)
    proposal_id: int | None = Field(default=None, foreign_key="proposal.id", index=True)
    project_id: int | None = Field(default=None, foreign_key="project.id", index=True)
    author: str = Field(max_length=200)
    affiliation: str | None = Field(default=None, max_length=200)
    body: str = Field(sa_type=sa.Text)
    submitted_at: datetime = Field(sa_type=UTCDateTime)
