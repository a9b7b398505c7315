import strawberry

from api.context import Info
from api.mutations.base import decode_id, mutate
from api.mutations.project_payloads import IssuancePayload, render_issuance
from api.types.enums import UsePurpose
from resolvers import issuances


@strawberry.input(description="A government's Article 6.3 authorization of notified credits.")
class AuthorizeCreditsInput:
    issuance_id: strawberry.ID = strawberry.field(description="A NOTIFIED issuance.")
    amount: int = strawberry.field(description="t-CO2e, above 0 and at most the notified amount.")
    use_purposes: list[UsePurpose] = strawberry.field(description="At least one.")


@strawberry.mutation(
    description="Authorize an issuance's credits under Article 6.3 for your own government's side: the Japanese "
    "government and that committee's partner, once each. `authorized` is true once both have."
)
async def authorize_credits(info: Info, input: AuthorizeCreditsInput) -> IssuancePayload:
    return await mutate(
        info,
        lambda session, principal: issuances.authorize_credits(
            session,
            principal,
            issuance_id=decode_id(input.issuance_id, "CreditIssuance", "issuanceId"),
            amount=input.amount,
            use_purposes=list(input.use_purposes),
        ),
        IssuancePayload,
        render_issuance,
    )
