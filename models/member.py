from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.enums import MemberRole, Side
from models.types import UTCDateTime, enum_type


class CommitteeMember(SQLModel, table=True):
    """One term of one person on one side of a committee; ended, never deleted."""

    __tablename__ = "committee_member"
    __table_args__ = (
        sa.CheckConstraint("until IS NULL OR until >= since", name="ck_member_term_order"),
        # The database's own guard for "one serving co-chair per side" on open-ended terms; the
        # membership rule keeps dated terms from overlapping.
        sa.Index(
            "uq_member_open_co_chair",
            "committee_id",
            "side",
            unique=True,
            sqlite_where=sa.text("role = 'CO_CHAIR' AND until IS NULL"),
            postgresql_where=sa.text("role = 'CO_CHAIR' AND until IS NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    committee_id: int = Field(foreign_key="joint_committee.id", index=True)
    side: Side = Field(sa_type=enum_type(Side))
    role: MemberRole = Field(sa_type=enum_type(MemberRole))
    name: str = Field(max_length=200)
    title: str | None = Field(default=None, max_length=200)
    organization: str = Field(max_length=200)
    since: date
    until: date | None = None
    created_at: datetime = Field(sa_type=UTCDateTime)
