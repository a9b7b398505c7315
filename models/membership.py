"""Membership rules: terms never overlap for a co-chair seat, and history is never rewritten."""

from datetime import date, timedelta

from models.enums import MemberRole
from models.errors import DomainError, ErrorCode, invalid
from models.member import CommitteeMember


def check_term(since: date, until: date | None, field: str = "until") -> None:
    if until is not None and until < since:
        raise invalid(field, f"{field} ({until}) must not be before since ({since}).")


def co_chairs_to_end(new_since: date, current: list[CommitteeMember]) -> list[CommitteeMember]:
    """The sitting co-chairs of a side whose terms a new co-chair from `new_since` cuts short.

    Each is ended the day before the new term starts. A co-chair whose own term starts on or
    after that day cannot be cut short without rewriting history, so that appointment is refused.
    """
    ending = []
    for member in current:
        if member.role is not MemberRole.CO_CHAIR:
            continue
        if member.until is not None and member.until < new_since:
            continue
        if member.since >= new_since:
            raise invalid(
                "since",
                f"{member.name} is co-chair from {member.since}; a new co-chair must start after that.",
            )
        ending.append(member)
    return ending


def end_date_for_successor(new_since: date) -> date:
    return new_since - timedelta(days=1)


def check_can_end(member: CommitteeMember, until: date) -> None:
    if member.until is not None:
        raise DomainError(
            ErrorCode.INVALID_TRANSITION,
            f"This membership already ended on {member.until}.",
            "memberId",
        )
    check_term(member.since, until)
