"""`accountCertificate`: a signed statement of what an account held at an instant.

The account and its blocks are the registry area's types (api/types/registry.py), named lazily so
that this module does not import that area. `CertificateQueries` joins the schema's Query bases
once that module exists (see api/schema.py).
"""

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from api.certificates import SignedCertificate, account_certificate
from api.context import Info
from api.types.rows import render, render_all

if TYPE_CHECKING:
    from api.types.registry import RegistryAccount, UnitBlock


@strawberry.type(
    description="What an account held at asOf, signed: verify `signature` over the exact bytes of `document` "
    "with the published key `keyId` (/.well-known/jcm-registry-keys.json), or run `jcm certificate verify FILE`."
)
class AccountCertificate:
    signed: strawberry.Private[SignedCertificate]
    as_of: datetime = strawberry.field(
        description="The instant certified (UTC); the holdings are those at that instant."
    )
    document: str = strawberry.field(
        description="Canonical JSON of what is certified: account, registry, kind, holder, asOf, blocks "
        "(issuance, serial range, quantity) and total."
    )
    signature: str = strawberry.field(description="Ed25519 over the UTF-8 bytes of `document`, base64.")
    key_id: str = strawberry.field(description="Which published key verifies the signature.")

    @strawberry.field(description="The account certified.")
    def account(self) -> Annotated["RegistryAccount", strawberry.lazy("api.types.registry")]:
        result: Any = render(self.signed.holdings.account)
        return result

    @strawberry.field(description="Its units at asOf, adjacent serials merged (not necessarily today's blocks).")
    def blocks(self) -> list[Annotated["UnitBlock", strawberry.lazy("api.types.registry")]]:
        result: Any = render_all(self.signed.holdings.blocks)
        return result

    @classmethod
    def of(cls, signed: SignedCertificate) -> "AccountCertificate":
        return cls(
            signed=signed,
            as_of=signed.holdings.as_of,
            document=signed.document,
            signature=signed.signature,
            key_id=signed.key_id,
        )


@strawberry.type
class CertificateQueries:
    @strawberry.field(
        description="The signed holdings of an account at asOf (default now): the secretariat and the registry's "
        "government for any account of theirs; anyone for government, nullification and cancellation accounts; "
        "null otherwise, as for an account that does not exist."
    )
    async def account_certificate(
        self,
        info: Info,
        number: Annotated[str, strawberry.argument(description="The account's number: JP-100-0001.")],
        as_of: Annotated[
            datetime | None,
            strawberry.argument(
                description="The instant to certify (ISO 8601 with a time zone); now when null. Not in the future."
            ),
        ] = None,
    ) -> AccountCertificate | None:
        signed = await account_certificate(info.context, number, as_of)
        return None if signed is None else AccountCertificate.of(signed)
