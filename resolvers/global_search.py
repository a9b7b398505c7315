"""One search box over the register, the methodologies, the entities and the projects, each ranked."""

from dataclasses import dataclass

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.decision import Decision
from models.methodology import Methodology
from models.principal import Principal
from models.project import Project
from models.tpe import ThirdPartyEntity
from models.visibility import visible_methodologies, visible_projects
from resolvers.search import ranked


@dataclass(frozen=True)
class SearchHits:
    """The best hits of each kind, most relevant first."""

    decisions: list[Decision]
    methodologies: list[Methodology]
    entities: list[ThirdPartyEntity]
    projects: list[Project]


async def search_everything(session: AsyncSession, principal: Principal, text: str, limit: int) -> SearchHits:
    """The best decisions, methodologies and projects (those the principal may see) and entities for
    `text`. Projects match on their PIN reference, reference, title and participants."""
    return SearchHits(
        decisions=await ranked(session, select(Decision), Decision, text, limit),
        methodologies=await ranked(session, visible_methodologies(principal), Methodology, text, limit),
        entities=await ranked(session, select(ThirdPartyEntity), ThirdPartyEntity, text, limit),
        projects=await ranked(session, select(Project).where(visible_projects(principal)), Project, text, limit),
    )
