"""Reading public comments by id, for `Query.node` and `Query.nodes`."""

from collections.abc import Sequence

import sqlalchemy as sa
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.principal import Principal
from models.project import Project
from models.proposal import Proposal, PublicComment
from models.visibility import visible_projects, visible_proposals
from resolvers.loaders import visibility_key
from resolvers.reads import KEYS, built_once, keys_in, records, select_records


async def visible_comments_by_id(
    session: AsyncSession, principal: Principal, ids: Sequence[int]
) -> list[PublicComment | None]:
    """Comments by id, None where the principal may not see them: a comment is seen wherever its
    window is listed, that is by whoever sees its proposal (or the methodology proposed by it) or
    its project. One statement for the whole batch."""
    statement = built_once(
        ("visible_comments", visibility_key(principal)),
        lambda: select_records(PublicComment).where(
            keys_in(col(PublicComment.id)),
            sa.or_(
                col(PublicComment.proposal_id).in_(select(Proposal.id).where(visible_proposals(principal))),
                col(PublicComment.project_id).in_(select(Project.id).where(visible_projects(principal))),
            ),
        ),
    )
    found = {row.id: row for row in await records(session, PublicComment, statement, {KEYS: list(set(ids))})}
    return [found.get(key) for key in ids]
