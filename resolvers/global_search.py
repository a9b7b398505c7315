"""One search box over the register, the methodologies and the entities, each ranked."""

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.decision import Decision
from models.methodology import Methodology
from models.principal import Principal
from models.tpe import ThirdPartyEntity
from models.visibility import visible_methodologies
from resolvers.search import ranked


async def search_everything(
    session: AsyncSession, principal: Principal, text: str, limit: int
) -> tuple[list[Decision], list[Methodology], list[ThirdPartyEntity]]:
    """The best decisions, methodologies (those the principal may see) and entities for `text`."""
    return (
        await ranked(session, select(Decision), Decision, text, limit),
        await ranked(session, visible_methodologies(principal), Methodology, text, limit),
        await ranked(session, select(ThirdPartyEntity), ThirdPartyEntity, text, limit),
    )
