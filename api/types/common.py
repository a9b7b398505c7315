from typing import Annotated

import strawberry

from api.types.enums import UserErrorCode


@strawberry.interface(
    description="Relay global object identification: every entity is fetchable with `Query.node(id)`."
)
class Node:
    id: strawberry.ID = strawberry.field(
        description="Opaque global id, stable across restarts: pass it to `node(id:)` or `nodes(ids:)`."
    )


@strawberry.type(description="Text that exists in several languages. English is authoritative.")
class LocalizedText:
    en: str = strawberry.field(description="English, the authoritative text.")
    ja: str | None = strawberry.field(description="Japanese, where published.")

    @strawberry.field(description="The text in `lang` (an ISO 639-1 code: en, ja), falling back to English.")
    def text(
        self,
        lang: Annotated[
            str, strawberry.argument(description="An ISO 639-1 language code: en or ja; any other gives English.")
        ],
    ) -> str:
        if lang.strip().lower() == "ja" and self.ja:
            return self.ja
        return self.en


@strawberry.type(description="Why a mutation did not happen. When any user error is returned, nothing was changed.")
class UserError:
    code: UserErrorCode = strawberry.field(description="What kind of failure this is.")
    message: str = strawberry.field(description="A sentence for a person.")
    field: list[str] | None = strawberry.field(
        description='Path of the offending input field, from the mutation\'s `input`: ["since"].'
    )
