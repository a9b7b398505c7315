"""`ndcAccounting`: Japan's NDC accounting from the registry, public figures (see resolvers/ndc_accounting.py)."""

from datetime import date

import strawberry

from api.context import Info
from api.types.country import Country
from resolvers import ndc_accounting as ndc


@strawberry.type(description="The corresponding adjustment a partner country adds for the units counted.")
class PartnerAdjustment:
    country: Country
    nullified_total: int = strawberry.field(description="Units of this partner's projects counted in the period.")
    annual_average: float = strawberry.field(description="nullifiedTotal / number of years in the period.")


@strawberry.type(
    description="Progress against a target of the JCM: issued is the units issued in all registries for "
    "monitoring periods ending by 31 March after fiscalYear (Japan's fiscal year starts 1 April); "
    "nullifiedForNdc, of those, the units in JP's NULLIFICATION account authorized for NDC use; "
    "share = issued / target."
)
class TargetProgress:
    target: int = strawberry.field(description="t-CO2: 100,000,000 by FY2030, 200,000,000 by FY2040.")
    fiscal_year: int
    issued: int
    nullified_for_ndc: int
    share: float


@strawberry.type(
    description="Units in JP's NULLIFICATION account of one issuance that overlap the period but are not counted."
)
class NdcExclusion:
    project_reference: str
    issuance_number: int
    monitoring_from: date
    monitoring_to: date
    units: int
    reason: str = strawberry.field(
        description="Why not counted: the monitoring period straddles a boundary of the period, or "
        "the issuance is not authorized for NDC use by both governments."
    )


@strawberry.type(
    description="Units in JP's NULLIFICATION account (any purpose) authorized for NDC use by both governments, "
    "whose monitoring period lies inside fromYear-01-01..toYear-12-31."
)
class NdcAccounting:
    from_year: int
    to_year: int
    nullified_total: int = strawberry.field(description="Units counted for the period.")
    annual_average: float = strawberry.field(description="nullifiedTotal / number of years in the period.")
    by_partner: list[PartnerAdjustment]
    targets: list[TargetProgress]
    excluded: list[NdcExclusion] = strawberry.field(
        description="Issuances overlapping the period that are not counted, with the reason: never dropped silently."
    )


def _render(result: ndc.NdcAccounting) -> NdcAccounting:
    return NdcAccounting(
        from_year=result.from_year,
        to_year=result.to_year,
        nullified_total=result.nullified_total,
        annual_average=result.annual_average,
        by_partner=[
            PartnerAdjustment(
                country=Country.from_row(share.country),
                nullified_total=share.nullified_total,
                annual_average=share.annual_average,
            )
            for share in result.by_partner
        ],
        targets=[
            TargetProgress(
                target=t.target,
                fiscal_year=t.fiscal_year,
                issued=t.issued,
                nullified_for_ndc=t.nullified_for_ndc,
                share=t.share,
            )
            for t in result.targets
        ],
        excluded=[
            NdcExclusion(
                project_reference=e.project_reference,
                issuance_number=e.issuance_number,
                monitoring_from=e.monitoring_from,
                monitoring_to=e.monitoring_to,
                units=e.units,
                reason=e.reason,
            )
            for e in result.excluded
        ],
    )


def _years(from_year: int | None, to_year: int | None) -> tuple[int, int]:
    return (2021 if from_year is None else from_year, 2030 if to_year is None else to_year)


@strawberry.type
class NdcQueries:
    @strawberry.field(
        description="Japan's NDC accounting for fromYear..toYear (calendar years, both included): public."
    )
    async def ndc_accounting(
        self, info: Info, from_year: int | None = 2021, to_year: int | None = 2030
    ) -> NdcAccounting:
        # Nullable with defaults, as the contract has it: an explicit null means the default.
        return _render(await info.context.db.run(ndc.ndc_accounting, *_years(from_year, to_year)))
