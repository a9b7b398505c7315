"""Reference tables that the seed fills and nothing else writes."""

from sqlmodel import Field, SQLModel

from models.enums import RuleDocumentType
from models.types import enum_type


class SectoralScope(SQLModel, table=True):
    """One of the CDM's 15 sectoral scopes."""

    __tablename__ = "sectoral_scope"

    number: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    name: str = Field(max_length=100)


class RuleDocumentKind(SQLModel, table=True):
    """One of the rule and guideline documents every committee keeps a version line of."""

    __tablename__ = "rule_document_kind"

    type: RuleDocumentType = Field(sa_type=enum_type(RuleDocumentType), primary_key=True)
    short_code: str = Field(max_length=20)  # the TYPE in JCM_{CC}_{TYPE}_ver{NN.N}
    title: str = Field(max_length=200)
    position: int  # order of domain.md §4
