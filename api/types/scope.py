from typing import Self

import strawberry

from api.types.rows import renders
from models import SectoralScope as ScopeRow


@renders(ScopeRow)
@strawberry.type(description="One of the CDM's 15 sectoral scopes, used for methodologies, TPEs and projects.")
class SectoralScope:
    number: int = strawberry.field(description="1 to 15.")
    name: str = strawberry.field(description="Energy industries, Energy distribution, ...")

    @classmethod
    def from_row(cls, row: ScopeRow) -> Self:
        return cls(number=row.number, name=row.name)
