import strawberry

from api.types.decision import Decision
from api.types.methodology import Methodology
from api.types.tpe import ThirdPartyEntity


@strawberry.type(description="Search hits of each kind, most relevant first.")
class SearchResults:
    decisions: list[Decision]
    methodologies: list[Methodology]
    entities: list[ThirdPartyEntity]
