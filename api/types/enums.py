"""The domain's enums as GraphQL enums, described for clients."""

import strawberry

from models import enums
from models.errors import ErrorCode


def _describe(enum: type, description: str, values: dict[str, str], name: str | None = None) -> type:
    registered = strawberry.enum(enum, name=name, description=description)
    for value in registered.__strawberry_definition__.values:
        value.description = values.get(value.name)
    return registered


Side = _describe(
    enums.Side,
    "The two governments of every Joint Committee.",
    {"JAPAN": "The Government of Japan.", "PARTNER": "The partner country's government."},
)
Role = _describe(
    enums.Role,
    "What a bearer token allows.",
    {
        "SECRETARIAT": "The JCM Agency: prepares, checks, circulates and records items in every committee.",
        "JAPAN": "The Japanese government, a side in every committee.",
        "PARTNER": "A partner government, a side in its own committee only.",
        "PUBLIC": "No token: reads what is published.",
    },
)
MemberRole = _describe(
    enums.MemberRole,
    "A member's role in a committee.",
    {
        "CO_CHAIR": "One co-chair serves per side at any time.",
        "MEMBER": "A member representing a government.",
        "OBSERVER": "Attends without representing a side's vote.",
    },
)
Region = _describe(
    enums.Region,
    "Regions as the Japanese government groups the partner countries.",
    {
        "EAST_ASIA_CAUCASUS_CENTRAL_ASIA": "East Asia, Caucasus and Central Asia.",
        "SOUTHEAST_SOUTH_ASIA_OCEANIA": "Southeast Asia, South Asia and Oceania.",
        "AFRICA": "Africa.",
        "MIDDLE_EAST": "Middle East.",
        "LATIN_AMERICA": "Latin America.",
        "EASTERN_EUROPE": "Eastern Europe.",
    },
)
UserErrorCode = _describe(
    ErrorCode,
    "Why a mutation did not happen. A mutation that answers any user error changed nothing.",
    {
        "UNAUTHENTICATED": "No valid bearer token was sent where one is needed.",
        "FORBIDDEN": "This role or country may not do this here.",
        "NOT_FOUND": "What the input names does not exist, or is not visible to you.",
        "INVALID_INPUT": "An input value is not acceptable; `field` points at it.",
        "INVALID_TRANSITION": "Not allowed from the current state.",
        "STALE_VERSION": "expectedVersion did not match: reload and retry.",
        "WINDOW_CLOSED": "The public-input period or deadline is already over.",
    },
    name="UserErrorCode",
)
