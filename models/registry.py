"""The JCM registries: Japan's (run by the JCMA) and one per partner country, each with accounts
holding serial-numbered units of issued credits, and every movement of units as a transfer.

Units are held as blocks: runs of consecutive unit numbers of one issuance in one account. Moving
part of a block splits it, so that no unit is ever in two accounts and the sum of an issuance's
blocks is what was issued. A unit's serial is `{project}-{issuance nnnn}-{unit 000000001}`
(`VN051-0001-000000001`); its number within the issuance is what the tables store.
"""

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.enums import NullificationPurpose, RegistryAccountKind, Role, TransferKind
from models.principal import Principal
from models.types import UTCDateTime, enum_type

K = RegistryAccountKind

# The kind's code in an account number: JP-100-0001 is Japan's first government holding account.
KIND_CODES: dict[RegistryAccountKind, int] = {
    K.GOVERNMENT_HOLDING: 100,
    K.PARTICIPANT_HOLDING: 200,
    K.NULLIFICATION: 300,
    K.CANCELLATION: 400,
}
# Units that reach these accounts never move again.
FINAL = frozenset({K.NULLIFICATION, K.CANCELLATION})
JAPAN = "JP"


class Registry(SQLModel, table=True):
    """A national registry: `JP`, operated by the JCMA, or a partner's, operated by its government."""

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=2, unique=True)
    country_id: int = Field(foreign_key="country.id", unique=True)


class RegistryAccount(SQLModel, table=True):
    __tablename__ = "registry_account"
    __table_args__ = (sa.UniqueConstraint("registry_id", "kind", "sequence", name="uq_account_sequence"),)

    id: int | None = Field(default=None, primary_key=True)
    registry_id: int = Field(foreign_key="registry.id", index=True)
    kind: RegistryAccountKind = Field(sa_type=enum_type(RegistryAccountKind))
    sequence: int  # gapless per registry and kind
    number: str = Field(max_length=20, unique=True)  # JP-200-0001
    holder_name: str = Field(max_length=300)
    opened_on: date
    closed_on: date | None = None


class UnitBlock(SQLModel, table=True):
    """Units `first_unit`..`last_unit` (both included) of one issuance, held by one account."""

    __tablename__ = "unit_block"
    __table_args__ = (
        sa.CheckConstraint("first_unit >= 1 AND last_unit >= first_unit", name="ck_block_range"),
        sa.Index("ix_unit_block_holding", "account_id", "issuance_id", "first_unit"),
        sa.Index("ix_unit_block_issuance", "issuance_id", "first_unit"),
    )

    id: int | None = Field(default=None, primary_key=True)
    issuance_id: int = Field(foreign_key="credit_issuance.id")
    account_id: int = Field(foreign_key="registry_account.id")
    first_unit: int
    last_unit: int

    @property
    def quantity(self) -> int:
        return self.last_unit - self.first_unit + 1


class AccountHolding(SQLModel, table=True):
    """How many units of one issuance an account holds: the sum of its blocks, kept with every
    movement, so that a balance or a transfer's check never adds up an account's blocks (an account
    may hold a hundred thousand). `jcm registry reconcile` checks it against the blocks."""

    __tablename__ = "account_holding"

    account_id: int = Field(foreign_key="registry_account.id", primary_key=True)
    issuance_id: int = Field(foreign_key="credit_issuance.id", primary_key=True)
    units: int


class Transfer(SQLModel, table=True):
    """One movement of units of one issuance: issued into an account, moved between accounts, or
    nullified or cancelled. Never changed once written."""

    __table_args__ = (
        sa.Index("ix_transfer_from", "from_account_id", "id"),
        sa.Index("ix_transfer_to", "to_account_id", "id"),
        sa.Index("ix_transfer_issuance", "issuance_id", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    kind: TransferKind = Field(sa_type=enum_type(TransferKind))
    issuance_id: int = Field(foreign_key="credit_issuance.id")
    from_account_id: int | None = Field(default=None, foreign_key="registry_account.id")
    to_account_id: int = Field(foreign_key="registry_account.id")
    quantity: int
    ranges: list = Field(sa_type=sa.JSON)  # [[first_unit, last_unit], ...] moved, in order
    purpose: NullificationPurpose | None = Field(default=None, sa_type=enum_type(NullificationPurpose))
    beneficiary: str | None = Field(default=None, max_length=300)
    reason: str | None = Field(default=None, sa_type=sa.Text)
    at: datetime = Field(sa_type=UTCDateTime)
    recorded_by: str = Field(max_length=200)


def account_number(registry_code: str, kind: RegistryAccountKind, sequence: int) -> str:
    return f"{registry_code}-{KIND_CODES[kind]}-{sequence:04d}"


def serial(project_reference: str, issuance_number: int, unit: int) -> str:
    return f"{project_reference}-{issuance_number:04d}-{unit:09d}"


def serial_range(project_reference: str, issuance_number: int, first: int, last: int) -> str:
    return f"{serial(project_reference, issuance_number, first)}..{serial(project_reference, issuance_number, last)}"


# Every registry's accounts from the seed, one of each of these kinds.
SEEDED_KINDS = (K.GOVERNMENT_HOLDING, K.NULLIFICATION, K.CANCELLATION)


def seeded_holder(kind: RegistryAccountKind, country_name: str) -> str:
    government = f"Government of {country_name}"
    return government if kind is K.GOVERNMENT_HOLDING else f"{government}: {kind.value.lower()} account"


def first_day(published: str | None, default: date) -> date:
    """The first day a published date may mean: "2015" is 1 January 2015, "2013-08" 1 August 2013."""
    if not published:
        return default
    parts = [int(part) for part in published.split("-")] + [1, 1]
    return date(parts[0], parts[1], parts[2])


def operates(principal: Principal, registry_code: str, moving_from: RegistryAccountKind | None = None) -> bool:
    """Whether `principal` operates that registry: the secretariat (JCMA) runs Japan's, each partner
    government its own. Units leave Japan's government account by the Japanese government's act;
    `moving_from` names the source account's kind for a movement (None: opening or issuing)."""
    if registry_code == JAPAN:
        if moving_from is K.GOVERNMENT_HOLDING:
            return principal.role is Role.JAPAN
        return principal.role is Role.SECRETARIAT
    return principal.role is Role.PARTNER and principal.country_code == registry_code


def operator_name(registry_code: str, moving_from: RegistryAccountKind | None = None) -> str:
    if registry_code == JAPAN:
        return "the Japanese government" if moving_from is K.GOVERNMENT_HOLDING else "the secretariat (JCMA)"
    return f"the government of {registry_code}"
