"""The Subscription root: decisions as they are taken."""

from collections.abc import AsyncGenerator
from typing import Annotated

import strawberry

from api.context import Info
from api.types.decision import Decision


@strawberry.type(
    description="Events pushed over WebSocket (graphql-transport-ws) as they happen; no token needed for public ones."
)
class Subscription:
    @strawberry.subscription(
        description="A decision was taken: in one committee, or in any when committeeCode is null."
    )
    async def decision_made(
        self,
        info: Info,
        committee_code: Annotated[
            str | None,
            strawberry.argument(
                description="Only this committee's decisions: the partner's ISO code (VN); every committee's when null."
            ),
        ] = None,
    ) -> AsyncGenerator[Decision, None]:
        context = info.context
        wanted = committee_code.strip().upper() if committee_code else None
        async with context.broker.subscribe() as queue:
            try:
                while True:
                    event = await queue.get()
                    if wanted is not None and event.committee_code != wanted:
                        continue
                    context.forget_loaded()
                    row = await context.loaders.decision.load(event.decision_id)
                    if row is not None:
                        yield Decision.from_row(row)
                    # The event has been sent: hold no transaction while waiting for the next.
                    await context.db.close()
            finally:
                await context.db.close()
