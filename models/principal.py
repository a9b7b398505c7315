from dataclasses import dataclass

from models.enums import Role, Side


@dataclass(frozen=True)
class Principal:
    """Who is acting: taken from the bearer token, or PUBLIC without one."""

    role: Role
    country_code: str | None = None
    name: str | None = None
    token_id: int | None = None
    system: bool = False  # the service itself (a deadline passing), never a token

    @property
    def audit_role(self) -> str:
        return "SYSTEM" if self.system else self.role.value

    @property
    def side(self) -> Side | None:
        """The government side this principal speaks for; None for the secretariat and public."""
        return {Role.JAPAN: Side.JAPAN, Role.PARTNER: Side.PARTNER}.get(self.role)

    @property
    def label(self) -> str:
        """How the principal appears in audit trails and histories."""
        where = f" ({self.country_code})" if self.country_code else ""
        return f"{self.name or self.role.value}{where}"


PUBLIC = Principal(Role.PUBLIC)
