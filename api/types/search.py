from typing import Annotated

import strawberry

from api.context import Info
from api.types.decision import Decision
from api.types.methodology import Methodology
from api.types.project import Project
from api.types.tpe import ThirdPartyEntity
from models.errors import invalid
from resolvers import global_search


@strawberry.type(description="Search hits of each kind, most relevant first.")
class SearchResults:
    decisions: list[Decision] = strawberry.field(
        description="Decisions whose reference, title or summary match, best first."
    )
    methodologies: list[Methodology] = strawberry.field(
        description="Methodologies you may see whose references, title or summary match, best first."
    )
    entities: list[ThirdPartyEntity] = strawberry.field(
        description="Third-party entities whose name matches, best first."
    )
    projects: list[Project] = strawberry.field(
        description="Projects you may see, matched on PIN reference, reference, title and participants."
    )


@strawberry.type
class SearchQueries:
    @strawberry.field(
        description="Full-text search: every word must match the start of a word of a reference, title or summary "
        "(an entity's name; a project's PIN reference, reference, title or participants). The best `first` hits of each kind, most relevant first."
    )
    async def search(
        self,
        info: Info,
        text: Annotated[
            str,
            strawberry.argument(
                description="Words to find: each must match the start of a word of a reference, title, summary or name."
            ),
        ],
        first: Annotated[
            int | None,
            strawberry.argument(
                description="At most this many hits of each kind: 1 to the server's maximum page size (100 by default)."
            ),
        ] = 10,
    ) -> SearchResults:
        limit = 10 if first is None else first
        if not 1 <= limit <= info.context.settings.max_page_size:
            raise invalid("first", f"first must be between 1 and {info.context.settings.max_page_size}.")
        found = await info.context.db.run(global_search.search_everything, info.context.principal, text, limit)
        return SearchResults(
            decisions=[Decision.from_row(row) for row in found.decisions],
            methodologies=[Methodology.from_row(row) for row in found.methodologies],
            entities=[ThirdPartyEntity.from_row(row) for row in found.entities],
            projects=[Project.from_row(row) for row in found.projects],
        )
