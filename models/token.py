import hashlib
import secrets
from datetime import datetime

from sqlmodel import Field, SQLModel

from models.enums import Role
from models.types import UTCDateTime, enum_type

TOKEN_PREFIX = "jcm_"


class ApiToken(SQLModel, table=True):
    """A bearer token: only its SHA-256 is kept, so the table never holds a usable secret."""

    __tablename__ = "api_token"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    role: Role = Field(sa_type=enum_type(Role))
    country_code: str | None = Field(default=None, max_length=2, foreign_key="country.code")
    token_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = Field(sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


def new_secret() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def hash_secret(secret: str) -> str:
    # Tokens carry 256 random bits, so a plain digest is as good as a slow KDF here.
    return hashlib.sha256(secret.encode()).hexdigest()
