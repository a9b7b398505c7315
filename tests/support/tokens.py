"""Bearer tokens for the HTTP side, and the principals the builders act as on the resolver side.

`principal(who)` is the principal a token issued by `Tokens.for_(who)` resolves to (same role,
country and name, so histories and audit trails read the same whichever side built a state).
"""

from sqlalchemy.ext.asyncio import AsyncEngine

from models.db import new_session
from models.enums import Role
from models.principal import Principal
from resolvers.tokens import create_token

SECRETARIAT_NAME, JAPAN_NAME = "JCMA Secretariat", "MOEJ"


def partner_name(country: str) -> str:
    return f"Authority of {country}"


def principal(who: str) -> Principal:
    """ "secretariat", "japan", or a partner's country code."""
    if who == "secretariat":
        return Principal(Role.SECRETARIAT, name=SECRETARIAT_NAME)
    if who == "japan":
        return Principal(Role.JAPAN, name=JAPAN_NAME)
    return Principal(Role.PARTNER, who, name=partner_name(who))


class Tokens:
    def __init__(self, engine: AsyncEngine):
        self.engine = engine

    async def issue(self, role: Role, country: str | None = None, name: str | None = None) -> str:
        async with new_session(self.engine) as session:
            issued = await create_token(
                session, role=role, country_code=country, name=name or f"{role.value.title()} {country or ''}".strip()
            )
        return issued.secret

    async def secretariat(self) -> str:
        return await self.issue(Role.SECRETARIAT, name=SECRETARIAT_NAME)

    async def japan(self) -> str:
        return await self.issue(Role.JAPAN, name=JAPAN_NAME)

    async def partner(self, country: str) -> str:
        return await self.issue(Role.PARTNER, country, name=partner_name(country))

    async def for_(self, who: str) -> str:
        """A token for "secretariat", "japan", or a partner's country code."""
        if who == "secretariat":
            return await self.secretariat()
        if who == "japan":
            return await self.japan()
        return await self.partner(who)
