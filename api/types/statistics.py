import strawberry

from api.context import Info
from api.types.country import Country
from api.types.enums import DecisionOutcome, ProposalKind, Region
from api.types.scope import SectoralScope
from resolvers import project_stats, statistics


@strawberry.type(description="Decisions of one committee, kind, outcome and year.")
class DecisionCount:
    committee_code: str = strawberry.field(description="The committee's code (the partner's ISO code: VN, MN ...).")
    kind: ProposalKind = strawberry.field(description="What kind of item was decided.")
    outcome: DecisionOutcome = strawberry.field(description="How it was decided: approved or not.")
    year: int = strawberry.field(description="The calendar year of the decision day (decidedOn).")
    count: int = strawberry.field(
        description="How many decisions of this committee, kind, outcome and year; combinations with none are left out."
    )


@strawberry.type(description="Approved (VALID) methodologies covering one sectoral scope.")
class ScopeCount:
    scope: SectoralScope = strawberry.field(description="The sectoral scope (1–15).")
    count: int = strawberry.field(description="Methodologies with status VALID covering the scope; 0 where none.")


@strawberry.type(
    description="Projects published for one partner country (May 2025, seed data): not counted from this register."
)
class CountryProjectCount:
    country: Country = strawberry.field(description="The partner country.")
    count: int = strawberry.field(description="0 where none was reported.")


@strawberry.type(description="Partner countries and their projects published (May 2025, seed data) in one region.")
class RegionProjectCount:
    region: Region = strawberry.field(description="The region, as the Japanese government groups partner countries.")
    countries: int = strawberry.field(description="Partner countries in the region, with or without projects.")
    count: int = strawberry.field(description="Projects published for those countries together (May 2025).")


@strawberry.type(description="Projects registered by this system's decisions in one committee.")
class CommitteeProjectCount:
    committee_code: str = strawberry.field(description="The committee's code (VN, MN ...).")
    count: int = strawberry.field(description="Projects registered by its decisions (withdrawn ones included).")


@strawberry.type(description="Projects registered by this system's decisions in one year (of registeredOn).")
class YearProjectCount:
    year: int = strawberry.field(description="The calendar year of registeredOn.")
    count: int = strawberry.field(description="Projects registered by this system's decisions in that year.")


@strawberry.type(description="Projects registered by this system's decisions that cover one sectoral scope.")
class ScopeProjectCount:
    scope: SectoralScope = strawberry.field(description="The sectoral scope (1–15).")
    count: int = strawberry.field(
        description="Registered projects covering the scope; a project of several scopes counts in each."
    )


@strawberry.type(description="Credits notified by this system's issuance decisions in one committee.")
class CommitteeCredits:
    committee_code: str = strawberry.field(description="The committee's code (VN, MN ...).")
    credits: int = strawberry.field(description="t-CO2e: the sum of notifiedAmount of NOTIFIED issuances.")


@strawberry.type(description="Credits notified by this system's issuance decisions in one year (of notifiedOn).")
class YearCredits:
    year: int = strawberry.field(description="The calendar year of notifiedOn.")
    credits: int = strawberry.field(description="t-CO2e: the sum of notifiedAmount of NOTIFIED issuances.")


@strawberry.type(description="Credits notified for projects that cover one sectoral scope.")
class ScopeCredits:
    scope: SectoralScope = strawberry.field(description="The sectoral scope (1–15).")
    credits: int = strawberry.field(
        description="t-CO2e notified for projects covering the scope; an issuance of a project of several "
        "scopes counts in each."
    )


@strawberry.type(description="Projects registered by this system's decisions in one committee, year and scope.")
class RegisteredProjectCount:
    committee_code: str = strawberry.field(description="The committee's code (VN, MN ...).")
    year: int = strawberry.field(description="Of registeredOn.")
    scope: SectoralScope = strawberry.field(
        description="The sectoral scope (1–15); a project of several scopes counts in each."
    )
    count: int = strawberry.field(description="Projects registered in that committee and year that cover the scope.")


@strawberry.type(description="Credits notified by this system's decisions in one committee, year and scope.")
class NotifiedCredits:
    committee_code: str = strawberry.field(description="The committee's code (VN, MN ...).")
    year: int = strawberry.field(description="Of notifiedOn.")
    scope: SectoralScope = strawberry.field(description="The sectoral scope (1–15) of the issuances' projects.")
    credits: int = strawberry.field(
        description="t-CO2e notified for projects covering the scope; an issuance of a project of several "
        "scopes counts in each."
    )


@strawberry.type(
    description="What one committee has published, as you may see it: the totalCount of each of its "
    "connections named below, for all committees in one query."
)
class CommitteeCounts:
    committee_code: str = strawberry.field(description="The committee's code (VN, MN ...).")
    decisions: int = strawberry.field(description="Its decisions: JointCommittee.decisions totalCount.")
    methodologies: int = strawberry.field(
        description="Its methodologies you may see, in any status: JointCommittee.methodologies totalCount."
    )
    designated_tpes: int = strawberry.field(
        description="Its TPE designations in status DESIGNATED: JointCommittee.tpeDesignations(filter: "
        "{status: [DESIGNATED]}) totalCount."
    )
    projects: int = strawberry.field(
        description="Its projects you may see, in any status: JointCommittee.projects totalCount."
    )


@strawberry.type(
    description="Counts for dashboards; every list is computed by the database in one query. Two sources stand "
    "side by side: projectsByCountry and projectsByRegion are the counts published in May 2025 (seed data, "
    "projects registered before this system); registeredProjectsBy* and notifiedCreditsBy* are counted from "
    "this system's own decisions. Neither includes the other."
)
class Statistics:
    @strawberry.field(description="Decisions per committee, kind, outcome and year.")
    async def decisions(self, info: Info) -> list[DecisionCount]:
        rows = await info.context.db.run(statistics.decision_counts)
        return [
            DecisionCount(committee_code=r.committee_code, kind=r.kind, outcome=r.outcome, year=r.year, count=r.count)
            for r in rows
        ]

    @strawberry.field(
        description="Every committee (all 30, zeros included; by code) with its decisions, and the "
        "methodologies, designated TPEs and projects you may see: each committee's connection totalCounts, "
        "counted for all committees at once (the public home page's figures)."
    )
    async def committee_counts(self, info: Info) -> list[CommitteeCounts]:
        rows = await info.context.db.run(statistics.committee_counts, info.context.principal)
        return [
            CommitteeCounts(
                committee_code=r.committee_code,
                decisions=r.decisions,
                methodologies=r.methodologies,
                designated_tpes=r.designated_tpes,
                projects=r.projects,
            )
            for r in rows
        ]

    @strawberry.field(description="Approved methodologies per sectoral scope, all 15 scopes.")
    async def methodologies_by_scope(self, info: Info) -> list[ScopeCount]:
        rows = await info.context.db.run(statistics.valid_methodologies_by_scope)
        return [ScopeCount(scope=SectoralScope(number=n, name=name), count=count) for n, name, count in rows]

    @strawberry.field(
        description="Published project counts (May 2025, seed data) per partner country, in signing order."
    )
    async def projects_by_country(self, info: Info) -> list[CountryProjectCount]:
        rows = await info.context.db.run(statistics.published_projects_by_country)
        return [
            CountryProjectCount(country=Country.from_row(row), count=row.published_project_count or 0) for row in rows
        ]

    @strawberry.field(description="Published project counts (May 2025, seed data) per region.")
    async def projects_by_region(self, info: Info) -> list[RegionProjectCount]:
        rows = await info.context.db.run(statistics.published_projects_by_region)
        return [
            RegionProjectCount(region=region, countries=countries, count=count) for region, countries, count in rows
        ]

    @strawberry.field(
        description="Projects registered by this system (a registration decision approved them; later "
        "withdrawals included) per committee, committees with none left out; by code."
    )
    async def registered_projects_by_committee(self, info: Info) -> list[CommitteeProjectCount]:
        rows = await info.context.db.run(project_stats.registered_by_committee)
        return [CommitteeProjectCount(committee_code=code, count=count) for code, count in rows]

    @strawberry.field(description="Projects registered by this system per year of registeredOn, oldest first.")
    async def registered_projects_by_year(self, info: Info) -> list[YearProjectCount]:
        rows = await info.context.db.run(project_stats.registered_by_year)
        return [YearProjectCount(year=year, count=count) for year, count in rows]

    @strawberry.field(
        description="Projects registered by this system per sectoral scope, all 15 scopes; a project of "
        "several scopes counts in each."
    )
    async def registered_projects_by_scope(self, info: Info) -> list[ScopeProjectCount]:
        rows = await info.context.db.run(project_stats.registered_by_scope)
        return [ScopeProjectCount(scope=SectoralScope(number=n, name=name), count=count) for n, name, count in rows]

    @strawberry.field(
        description="Credits (t-CO2e) notified by this system's issuance decisions per committee, "
        "committees with none left out; by code."
    )
    async def notified_credits_by_committee(self, info: Info) -> list[CommitteeCredits]:
        rows = await info.context.db.run(project_stats.notified_by_committee)
        return [CommitteeCredits(committee_code=code, credits=amount) for code, amount in rows]

    @strawberry.field(description="Credits (t-CO2e) notified by this system per year of notifiedOn, oldest first.")
    async def notified_credits_by_year(self, info: Info) -> list[YearCredits]:
        rows = await info.context.db.run(project_stats.notified_by_year)
        return [YearCredits(year=year, credits=amount) for year, amount in rows]

    @strawberry.field(
        description="Credits (t-CO2e) notified by this system per sectoral scope of their project, all 15 scopes."
    )
    async def notified_credits_by_scope(self, info: Info) -> list[ScopeCredits]:
        rows = await info.context.db.run(project_stats.notified_by_scope)
        return [ScopeCredits(scope=SectoralScope(number=n, name=name), credits=amount) for n, name, amount in rows]

    @strawberry.field(
        description="Projects registered by this system per committee, year and sectoral scope together "
        "(non-zero rows only), by code, year and scope: the three registeredProjectsBy* lists in one."
    )
    async def registered_projects(self, info: Info) -> list[RegisteredProjectCount]:
        rows = await info.context.db.run(project_stats.registered_by_committee_year_scope)
        return [
            RegisteredProjectCount(
                committee_code=code, year=year, scope=SectoralScope(number=n, name=name), count=count
            )
            for code, year, n, name, count in rows
        ]

    @strawberry.field(
        description="Credits (t-CO2e) notified by this system per committee, year and sectoral scope together "
        "(non-zero rows only), by code, year and scope: the three notifiedCreditsBy* lists in one."
    )
    async def notified_credits(self, info: Info) -> list[NotifiedCredits]:
        rows = await info.context.db.run(project_stats.notified_by_committee_year_scope)
        return [
            NotifiedCredits(committee_code=code, year=year, scope=SectoralScope(number=n, name=name), credits=amount)
            for code, year, n, name, amount in rows
        ]


@strawberry.type
class StatisticsQueries:
    @strawberry.field(
        description="Counts for dashboards: decisions, methodologies per scope, published projects (May 2025), "
        "and projects registered and credits notified by this system."
    )
    def statistics(self) -> Statistics:
        return Statistics()
