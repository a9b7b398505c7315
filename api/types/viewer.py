import strawberry

from api.context import Info
from api.types.country import Country
from api.types.enums import Role
from resolvers.committees import find_country


@strawberry.type(description="Who the bearer token belongs to; role PUBLIC and country null when no token is sent.")
class Viewer:
    role: Role = strawberry.field(description="What the token allows.")
    name: str | None = strawberry.field(description="The name the token was issued to.")
    country_code: strawberry.Private[str | None]

    @strawberry.field(description="The partner country a PARTNER token acts for; null for other roles.")
    async def country(self, info: Info) -> Country | None:
        if self.country_code is None:
            return None
        row = await info.context.db.run(find_country, self.country_code)
        return Country.from_row(row) if row else None


@strawberry.type
class ViewerQueries:
    @strawberry.field(description="Who is asking: the role and country of the bearer token, or PUBLIC.")
    def viewer(self, info: Info) -> Viewer:
        principal = info.context.principal
        return Viewer(role=principal.role, name=principal.name, country_code=principal.country_code)
