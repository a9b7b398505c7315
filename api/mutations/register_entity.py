from datetime import date

import strawberry

from api.context import Info
from api.mutations.base import mutate
from api.types.common import UserError
from api.types.enums import AccreditationBasis
from api.types.tpe import ThirdPartyEntity
from resolvers import tpes


@strawberry.input(description="A validation and verification body.")
class RegisterEntityInput:
    name: str = strawberry.field(description="At most 200 characters; unique.")
    country_code: str | None = strawberry.field(
        default=None, description="Where it is established: JP or a partner's code."
    )
    accreditation: AccreditationBasis = strawberry.field(
        description="What makes it eligible: ISO_14065, CDM_DOE, or PROVISIONAL while accreditation is under way."
    )
    accreditation_body: str | None = strawberry.field(
        default=None, description="The body that accredited it (for ISO_14065), at most 200 characters."
    )
    accreditation_expires_on: date | None = strawberry.field(
        default=None, description="After this day it cannot be proposed for designation."
    )


@strawberry.type(description="What registerEntity returns: the entity as registered, or why nothing changed.")
class EntityPayload:
    entity: ThirdPartyEntity | None = strawberry.field(description="The entity as registered; null on error.")
    user_errors: list[UserError] = strawberry.field(description="Why nothing changed; empty on success.")


@strawberry.mutation(description="Register a validation and verification body: the secretariat.")
async def register_entity(info: Info, input: RegisterEntityInput) -> EntityPayload:
    return await mutate(
        info,
        lambda session, principal: tpes.register_entity(
            session,
            principal,
            name=input.name,
            accreditation=input.accreditation,
            country_code=input.country_code,
            accreditation_body=input.accreditation_body,
            accreditation_expires_on=input.accreditation_expires_on,
        ),
        EntityPayload,
        lambda entity: {"entity": ThirdPartyEntity.from_row(entity)},
    )
