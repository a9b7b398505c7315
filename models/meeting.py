from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.types import UTCDateTime


class Meeting(SQLModel, table=True):
    """A numbered meeting of a committee: "the 10th Joint Committee" has number 10."""

    __table_args__ = (sa.UniqueConstraint("committee_id", "number", name="uq_meeting_number"),)

    id: int | None = Field(default=None, primary_key=True)
    committee_id: int = Field(foreign_key="joint_committee.id", index=True)
    number: int
    held_on: date
    venue: str | None = Field(default=None, max_length=200)
    created_at: datetime = Field(sa_type=UTCDateTime)
