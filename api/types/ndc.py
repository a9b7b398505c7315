"""`ndcAccounting`: Japan's NDC accounting from the registry, public figures (see resolvers/ndc_accounting.py)."""

from datetime import date
from typing import Annotated

import strawberry

from api.context import Info
from api.types.country import Country
from resolvers import ndc_accounting as ndc


@strawberry.type(description="The corresponding adjustment a partner country adds for the units counted.")
class PartnerAdjustment:
    country: Country = strawberry.field(description="The partner country whose projects the units came from.")
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
    fiscal_year: int = strawberry.field(
        description="The Japanese fiscal year of the target (FY2030 runs 1 April 2030 – 31 March 2031)."
    )
    issued: int = strawberry.field(
        description="t-CO2e issued in all registries for monitoring periods ending by 31 March after fiscalYear."
    )
    nullified_for_ndc: int = strawberry.field(
        description="t-CO2e of those in JP's NULLIFICATION account, authorized for NDC use by both governments."
    )
    share: float = strawberry.field(
        description="issued / target, as a fraction (0.25 is a quarter of the way); may exceed 1."
    )


@strawberry.type(
    description="Units in JP's NULLIFICATION account of one issuance that overlap the period but are not counted."
)
class NdcExclusion:
    project_reference: str = strawberry.field(description="The issuance's project: VN051.")
    issuance_number: int = strawberry.field(description="Which issuance of the project (1, 2 …).")
    monitoring_from: date = strawberry.field(description="First day of its monitoring period.")
    monitoring_to: date = strawberry.field(description="Last day of its monitoring period.")
    units: int = strawberry.field(
        description="Units (t-CO2e) of that issuance in JP's NULLIFICATION account that were left out."
    )
    reason: str = strawberry.field(
        description="Why not counted: the monitoring period straddles a boundary of the period, or "
        "the issuance is not authorized for NDC use by both governments."
    )


@strawberry.type(
    description="Units in JP's NULLIFICATION account (any purpose) authorized for NDC use by both governments, "
    "whose monitoring period lies inside fromYear-01-01..toYear-12-31."
)
class NdcAccounting:
    from_year: int = strawberry.field(description="First calendar year of the period (from 1 January).")
    to_year: int = strawberry.field(description="Last calendar year of the period (to 31 December).")
    nullified_total: int = strawberry.field(description="Units counted for the period.")
    annual_average: float = strawberry.field(description="nullifiedTotal / number of years in the period.")
    by_partner: list[PartnerAdjustment] = strawberry.field(
        description="The corresponding adjustment per partner country whose units were counted, in signing order."
    )
    targets: list[TargetProgress] = strawberry.field(
        description="Progress against Japan's JCM targets: 100 Mt by FY2030 and 200 Mt by FY2040."
    )
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
        self,
        info: Info,
        from_year: Annotated[
            int | None,
            strawberry.argument(
                description="First calendar year of the period (from 1 January); 2021, the NDC period's start, when null."
            ),
        ] = 2021,
        to_year: Annotated[
            int | None,
            strawberry.argument(
                description="Last calendar year of the period (to 31 December); 2030, the NDC period's end, when null."
            ),
        ] = 2030,
    ) -> NdcAccounting:
        # Nullable with defaults, as the contract has it: an explicit null means the default.
        return _render(await info.context.db.run(ndc.ndc_accounting, *_years(from_year, to_year)))
