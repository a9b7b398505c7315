import strawberry

from api.context import Info
from api.types.country import Country
from api.types.enums import DecisionOutcome, ProposalKind, Region
from api.types.scope import SectoralScope
from resolvers import statistics


@strawberry.type(description="Decisions of one committee, kind, outcome and year.")
class DecisionCount:
    committee_code: str
    kind: ProposalKind
    outcome: DecisionOutcome
    year: int
    count: int


@strawberry.type(description="Approved (VALID) methodologies covering one sectoral scope.")
class ScopeCount:
    scope: SectoralScope
    count: int


@strawberry.type(description="Projects published for one partner country (May 2025).")
class CountryProjectCount:
    country: Country
    count: int = strawberry.field(description="0 where none was reported.")


@strawberry.type(description="Partner countries and their published projects in one region.")
class RegionProjectCount:
    region: Region
    countries: int
    count: int


@strawberry.type(description="Counts for dashboards; every list is computed by the database in one query.")
class Statistics:
    @strawberry.field(description="Decisions per committee, kind, outcome and year.")
    async def decisions(self, info: Info) -> list[DecisionCount]:
        rows = await info.context.db.run(statistics.decision_counts)
        return [
            DecisionCount(committee_code=r.committee_code, kind=r.kind, outcome=r.outcome, year=r.year, count=r.count)
            for r in rows
        ]

    @strawberry.field(description="Approved methodologies per sectoral scope, all 15 scopes.")
    async def methodologies_by_scope(self, info: Info) -> list[ScopeCount]:
        rows = await info.context.db.run(statistics.valid_methodologies_by_scope)
        return [ScopeCount(scope=SectoralScope(number=n, name=name), count=count) for n, name, count in rows]

    @strawberry.field(description="Published project counts per partner country, in signing order.")
    async def projects_by_country(self, info: Info) -> list[CountryProjectCount]:
        rows = await info.context.db.run(statistics.published_projects_by_country)
        return [
            CountryProjectCount(country=Country.from_row(row), count=row.published_project_count or 0) for row in rows
        ]

    @strawberry.field(description="Published project counts per region.")
    async def projects_by_region(self, info: Info) -> list[RegionProjectCount]:
        rows = await info.context.db.run(statistics.published_projects_by_region)
        return [
            RegionProjectCount(region=region, countries=countries, count=count) for region, countries, count in rows
        ]


@strawberry.type
class StatisticsQueries:
    @strawberry.field(description="Counts for dashboards: decisions, methodologies per scope, published projects.")
    def statistics(self) -> Statistics:
        return Statistics()
