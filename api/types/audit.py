from datetime import datetime
from typing import Annotated, Self

import strawberry
from strawberry.scalars import JSON

from api.context import Info
from api.ids import from_global_id, to_global_id
from models.audit import AuditEvent as EventRow
from resolvers import audit


@strawberry.type(description="One change in the audit trail, chained by SHA-256 to the event before it.")
class AuditEvent:
    at: datetime = strawberry.field(description="When the change was recorded (UTC).")
    actor: str = strawberry.field(
        description="Who made it: the token's holder, or `JCM system` when a deadline passed."
    )
    actor_role: str = strawberry.field(
        description="SECRETARIAT, JAPAN, PARTNER, PUBLIC, or SYSTEM for a deadline passing."
    )
    action: str = strawberry.field(
        description="What happened, as a verb in camelCase: proposalCreated, publicCommentSubmitted, unitsTransferred ..."
    )
    subject_id: strawberry.ID = strawberry.field(description="The global id of what changed.")
    subject_type: str = strawberry.field(
        description="The GraphQL type of what changed: Proposal, Decision, RegistryAccount ..."
    )
    before: JSON | None = strawberry.field(description="The subject before the change; null when it was created.")
    after: JSON | None = strawberry.field(description="The subject after the change.")
    hash: str = strawberry.field(description="SHA-256 over this event's content and previousHash.")
    previous_hash: str = strawberry.field(
        description="The hash of the event before it in the chain (64 hex characters); zeros for the first."
    )

    @classmethod
    def from_row(cls, row: EventRow) -> Self:
        return cls(
            at=row.at,
            actor=row.actor,
            actor_role=row.actor_role,
            action=row.action,
            subject_id=strawberry.ID(to_global_id(row.subject_type, row.subject_id)),
            subject_type=row.subject_type,
            # JSON is a NewType over object: wrapping is the identity at runtime.
            before=None if row.before is None else JSON(row.before),
            after=None if row.after is None else JSON(row.after),
            hash=row.hash,
            previous_hash=row.prev_hash,
        )


@strawberry.type
class AuditQueries:
    @strawberry.field(
        description="Every audit event of one object (any global id), oldest first: for the secretariat, Japan, "
        "and a partner in its own committee."
    )
    async def audit_trail(
        self,
        info: Info,
        subject_id: Annotated[
            strawberry.ID,
            strawberry.argument(
                description="The global id of any object (a Proposal, Decision, RegistryAccount ...); an id of nothing gives an empty list."
            ),
        ],
    ) -> list[AuditEvent]:
        decoded = from_global_id(subject_id)
        if decoded is None:
            return []
        rows = await info.context.db.run(audit.trail, info.context.principal, decoded[0], decoded[1])
        return [AuditEvent.from_row(row) for row in rows]
