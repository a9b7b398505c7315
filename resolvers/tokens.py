"""Bearer tokens: issued and revoked by operators through the CLI, checked on every request.

A WebSocket outlives the request that opened it, so its token is checked again by id (see
api/websocket.py): revocation NOTIFYs every PostgreSQL listener at commit, and open sockets are
swept for revoked tokens every few seconds on any database.
"""

from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models import ApiToken, Country, JointCommittee, clock
from models.db import notify, write_transaction
from models.enums import Role
from models.errors import DomainError, ErrorCode, invalid, not_found
from models.principal import Principal
from models.token import hash_secret, new_secret
from models.validation import clean_required
from resolvers.reads import built_once, one_record, select_records

TOKEN_REVOKED_CHANNEL = "jcm_token_revoked"


@dataclass(frozen=True)
class IssuedToken:
    """The stored token, and its secret: shown once, never stored."""

    token: ApiToken
    secret: str


async def create_token(session: AsyncSession, *, role: Role, name: str, country_code: str | None = None) -> IssuedToken:
    """Issue a token: the row and the secret, which is shown once and never stored."""
    name = clean_required("name", name, max_length=200)
    code = country_code.strip().upper() if country_code else None
    if role is Role.PUBLIC:
        raise invalid("role", "The public needs no token.")
    if role is Role.PARTNER and code is None:
        raise invalid("country", "A partner token needs --country, the partner's ISO code.")
    if role is not Role.PARTNER and code is not None:
        raise invalid("country", f"A {role.value} token acts for no single country; omit --country.")
    async with write_transaction(session):
        if code is not None:
            statement = select(Country.code).join(JointCommittee, col(JointCommittee.country_id) == col(Country.id))
            if (await session.exec(statement.where(col(Country.code) == code))).one_or_none() is None:
                raise not_found("country", f"{code} is not a partner country with a joint committee.")
        secret = new_secret()
        token = ApiToken(
            name=name, role=role, country_code=code, token_hash=hash_secret(secret), created_at=clock.now()
        )
        session.add(token)
    return IssuedToken(token, secret)


async def list_tokens(session: AsyncSession) -> list[ApiToken]:
    return list((await session.exec(select(ApiToken).order_by(col(ApiToken.id)))).all())


async def revoke_token(session: AsyncSession, token_id: int) -> ApiToken:
    async with write_transaction(session):
        token = await session.get(ApiToken, token_id)
        if token is None:
            raise not_found("id", f"No token has the id {token_id}.")
        if token.revoked_at is not None:
            raise DomainError(ErrorCode.INVALID_TRANSITION, f"Token {token_id} was already revoked.", "id")
        token.revoked_at = clock.now()
        session.add(token)
        await notify(session, TOKEN_REVOKED_CHANNEL, str(token_id))
    return token


async def revoked_among(session: AsyncSession, token_ids: Iterable[int]) -> set[int]:
    """Those of the tokens that are revoked (or no longer exist)."""
    wanted = set(token_ids)
    if not wanted:
        return set()
    statement = select(ApiToken.id).where(col(ApiToken.id).in_(wanted), col(ApiToken.revoked_at).is_(None))
    return wanted - set((await session.exec(statement)).all())


async def principal_for_secret(session: AsyncSession, secret: str) -> Principal | None:
    """The principal a presented token stands for, or None when it is unknown or revoked."""
    statement = built_once(
        "token_by_hash",
        lambda: select_records(ApiToken).where(
            col(ApiToken.token_hash) == sa.bindparam("token_hash", type_=sa.String), col(ApiToken.revoked_at).is_(None)
        ),
    )
    token = await one_record(session, ApiToken, statement, {"token_hash": hash_secret(secret)})
    if token is None:
        return None
    return Principal(role=token.role, country_code=token.country_code, name=token.name, token_id=token.id)
