"""Rules, guidelines and forms: one version line per committee and document."""

import re
from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.enums import RuleDocumentType, RuleVersionStatus
from models.errors import invalid
from models.types import UTCDateTime, enum_type


class RuleDocument(SQLModel, table=True):
    """One of a committee's rule documents (or a form), whose versions replace one another."""

    __tablename__ = "rule_document"
    __table_args__ = (sa.UniqueConstraint("committee_id", "type", "form_name", name="uq_rule_document"),)

    id: int | None = Field(default=None, primary_key=True)
    committee_id: int = Field(foreign_key="joint_committee.id", index=True)
    type: RuleDocumentType = Field(sa_type=enum_type(RuleDocumentType))
    # Forms are many documents of type FORM, told apart by name ("PIN"); "" for the others, so
    # the unique constraint holds on every database.
    form_name: str = Field(default="", max_length=40)
    title: str = Field(max_length=200)
    position: int


class RuleVersion(SQLModel, table=True):
    __tablename__ = "rule_version"
    __table_args__ = (
        # One version in force per document, enforced by the database itself.
        sa.Index(
            "uq_rule_version_in_force",
            "document_id",
            unique=True,
            sqlite_where=sa.text("status = 'IN_FORCE'"),
            postgresql_where=sa.text("status = 'IN_FORCE'"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(foreign_key="rule_document.id", index=True)
    major: int
    minor: int
    code: str = Field(max_length=80, index=True)
    status: RuleVersionStatus = Field(sa_type=enum_type(RuleVersionStatus))
    effective_on: date | None = None
    uri: str | None = Field(default=None, max_length=2000)
    sha256: str | None = Field(default=None, max_length=64)
    summary: str | None = Field(default=None, sa_type=sa.Text)
    proposal_id: int = Field(foreign_key="proposal.id", unique=True)
    created_at: datetime = Field(sa_type=UTCDateTime)

    @property
    def version(self) -> str:
        return format_version(self.major, self.minor)


VERSION = re.compile(r"^ver(\d{2})\.(\d)$")
SHA256 = re.compile(r"^[0-9a-f]{64}$")
FORM_NAME = re.compile(r"^[A-Za-z0-9]+(?:_[A-Za-z0-9]+)*$")


def format_version(major: int, minor: int) -> str:
    return f"ver{major:02d}.{minor}"


def parse_version(text: str, field: str = "version") -> tuple[int, int]:
    match = VERSION.match(text.strip())
    if match is None or (int(match[1]), int(match[2])) == (0, 0):
        raise invalid(field, f'{field} must look like "ver06.0" (two digits, a dot, one digit); got {text!r}.')
    return int(match[1]), int(match[2])


def document_code(committee_code: str, short_code: str, form_name: str, major: int, minor: int) -> str:
    """JCM_{CC}_{TYPE}_ver{NN.N}; forms use F_{name} as their TYPE."""
    kind = f"F_{form_name}" if form_name else short_code
    return f"JCM_{committee_code}_{kind}_{format_version(major, minor)}"
