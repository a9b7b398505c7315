from typing import TYPE_CHECKING, Annotated, Self

import strawberry

from api.ids import to_global_id
from api.types.common import LocalizedText, Node
from api.types.enums import Region
from api.types.relations import relation
from api.types.rows import renders
from models import Country as CountryRow
from models.types import saved_id

if TYPE_CHECKING:
    from api.types.committee import JointCommittee


@renders(CountryRow, node=lambda loaders: loaders.country)
@strawberry.type(description="Japan, or one of the partner countries of the JCM.")
class Country(Node):
    pk: strawberry.Private[int]
    code: str = strawberry.field(description="ISO 3166-1 alpha-2 code: VN, ID, MN ...; JP for Japan.")
    name: LocalizedText = strawberry.field(description="The country's name in English and Japanese.")
    region: Region | None = strawberry.field(
        description="The region the Japanese government groups it in; null for Japan."
    )
    signing_order: int | None = strawberry.field(
        description="Position in the order of signing the bilateral JCM document: 1 = Mongolia; null for Japan."
    )
    signed_on: str | None = strawberry.field(
        description='Date of signing, as precise as published: "2015", "2013-03" or "2013-01-08".'
    )
    published_project_count: int | None = strawberry.field(
        description="JCM projects published for the country (May 2025); null where none were reported."
    )
    committee = relation(
        Annotated["JointCommittee", strawberry.lazy("api.types.committee")] | None,
        lambda loaders: loaders.committee_by_country,
        lambda country: country.pk,
        description="The Joint Committee with Japan; null for Japan itself.",
    )

    @classmethod
    def from_row(cls, row: CountryRow) -> Self:
        return cls(
            id=strawberry.ID(to_global_id("Country", saved_id(row))),
            pk=saved_id(row),
            code=row.code,
            name=LocalizedText(en=row.name_en, ja=row.name_ja),
            region=row.region,
            signing_order=row.signing_order,
            signed_on=row.signed_on,
            published_project_count=row.published_project_count,
        )
