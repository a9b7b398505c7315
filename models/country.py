from sqlmodel import Field, SQLModel

from models.enums import Region
from models.types import enum_type


class Country(SQLModel, table=True):
    """Japan or one of the partner countries (domain.md §9)."""

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=2, unique=True)
    name_en: str = Field(max_length=100)
    name_ja: str | None = Field(default=None, max_length=100)
    region: Region | None = Field(default=None, sa_type=enum_type(Region))
    signing_order: int | None = Field(default=None, unique=True)
    # As precise as published: "2015", "2013-03" or "2013-01-08"; never an invented day.
    signed_on: str | None = Field(default=None, max_length=10)
    published_project_count: int | None = None
