from sqlmodel import Field, SQLModel


class ReferenceCounter(SQLModel, table=True):
    """The last number given in one of a committee's reference sequences ("decision-2026", "PM",
    "AM" ...). Its row lock, held to the end of the transaction that uses a number, makes every
    sequence gapless: a rolled-back transaction gives its number back."""

    __tablename__ = "reference_counter"

    committee_id: int = Field(foreign_key="joint_committee.id", primary_key=True)
    sequence: str = Field(primary_key=True, max_length=32)
    last_value: int = 0
