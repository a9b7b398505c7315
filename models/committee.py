from sqlmodel import Field, SQLModel


class JointCommittee(SQLModel, table=True):
    """The Joint Committee of Japan and one partner country; `code` is the partner's ISO code."""

    __tablename__ = "joint_committee"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=2, unique=True)
    country_id: int = Field(foreign_key="country.id", unique=True)
    name_en: str = Field(max_length=200)
    name_ja: str | None = Field(default=None, max_length=200)
