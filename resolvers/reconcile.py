"""Reconciling the registry: the unit blocks against what was issued and against the transfers.

The blocks are the registry's current state; the transfers its history. `jcm registry reconcile`
checks that they tell the same story, so that a row altered by hand, a lost update or a bug in a
movement is found and named rather than certified:

- for every issuance, the units held in all accounts equal what was issued (the sum of its
  allocations' issued amounts);
- no unit is in two blocks (no two blocks of one issuance overlap);
- every unit number lies within 1..issued;
- units in a NULLIFICATION or CANCELLATION account only ever entered it (no transfer out of one);
- replaying the transfers in order (each moving units its source held) gives the blocks;
- each account's holding of the issuance (`AccountHolding`, kept for balances) is what its blocks hold.

`Replay` is also how a certificate finds an account's holdings at a past instant.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.enums import RegistryAccountKind
from models.project import CreditAllocation, CreditIssuance, Project
from models.registry import FINAL, AccountHolding, RegistryAccount, Transfer, UnitBlock
from models.types import saved_id


@dataclass
class Replay:
    """Who holds each unit of one issuance, as runs [first, last, account id], sorted and disjoint."""

    runs: list[list[int]] = field(default_factory=list)

    def move(self, first: int, last: int, source: int | None, target: int) -> str | None:
        """Move units first..last from `source` (None: newly issued) to `target`; why not, if the
        source did not hold every one of them (issued units must not exist yet)."""
        inside = [run for run in self.runs if run[0] <= last and run[1] >= first]
        if source is None:
            if inside:
                return f"issues units {first}–{last} again (units {inside[0][0]}–{inside[0][1]} existed)"
        else:
            covered = first
            for run in inside:
                if run[2] != source or run[0] > covered:
                    return f"moves units {first}–{last}, which its source account did not all hold"
                covered = run[1] + 1
            if covered <= last:
                return f"moves units {first}–{last}, which its source account did not all hold"
        kept: list[list[int]] = []
        for run in self.runs:
            if run[1] < first or run[0] > last:
                kept.append(run)
                continue
            if run[0] < first:
                kept.append([run[0], first - 1, run[2]])
            if run[1] > last:
                kept.append([last + 1, run[1], run[2]])
        kept.append([first, last, target])
        self.runs = sorted(kept)
        return None

    def held_by(self, account: int) -> list[tuple[int, int]]:
        """The account's units as ranges, adjacent ones merged."""
        return merged([(run[0], run[1]) for run in self.runs if run[2] == account])


def merged(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    result: list[tuple[int, int]] = []
    for first, last in sorted(ranges):
        if result and first == result[-1][1] + 1:
            result[-1] = (result[-1][0], last)
        else:
            result.append((first, last))
    return result


def spans(ranges: list[tuple[int, int]]) -> str:
    return ", ".join(f"{first}–{last}" for first, last in ranges) or "none"


@dataclass(frozen=True)
class Reconciliation:
    issuances: int
    blocks: int
    transfers: int
    discrepancies: list[str]  # in order: per issuance, the checks in the order of the module's docstring


async def reconcile(session: AsyncSession) -> Reconciliation:
    accounts = {
        saved_id(account): (account.number, account.kind)
        for account in (await session.exec(select(RegistryAccount))).all()
    }
    issued: dict[int, int] = {
        issuance_id: int(total or 0)
        for issuance_id, total in (
            await session.exec(
                select(col(CreditAllocation.issuance_id), sa.func.sum(CreditAllocation.issued_amount))
                .where(col(CreditAllocation.issued_amount).is_not(None))
                .group_by(col(CreditAllocation.issuance_id))
            )
        ).all()
    }
    blocks = (
        await session.exec(select(UnitBlock).order_by(col(UnitBlock.issuance_id), col(UnitBlock.first_unit)))
    ).all()
    transfers = (await session.exec(select(Transfer).order_by(col(Transfer.id)))).all()
    kept: dict[int, dict[int, int]] = defaultdict(dict)
    for holding in (await session.exec(select(AccountHolding))).all():
        kept[holding.issuance_id][holding.account_id] = holding.units
    by_issuance: dict[int, list[UnitBlock]] = defaultdict(list)
    for block in blocks:
        by_issuance[block.issuance_id].append(block)
    moves: dict[int, list[Transfer]] = defaultdict(list)
    for transfer in transfers:
        moves[transfer.issuance_id].append(transfer)
    ids = sorted(set(issued) | set(by_issuance) | set(moves) | set(kept))
    labels = (
        {
            id_: f"{reference}-{number:04d}"
            for id_, reference, number in (
                await session.exec(
                    select(CreditIssuance.id, Project.reference, CreditIssuance.number)
                    .join(Project, col(Project.id) == col(CreditIssuance.project_id))
                    .where(col(CreditIssuance.id).in_(ids))
                )
            ).all()
        }
        if ids
        else {}
    )

    def number(account_id: int | None) -> str:
        return accounts[account_id][0] if account_id in accounts else f"account {account_id}"

    found: list[str] = []
    for id_ in ids:
        label = f"issuance {labels.get(id_, id_)}"
        check = _Check(label, issued.get(id_, 0), by_issuance[id_], moves[id_], kept[id_], accounts, number)
        found += check.all()
    return Reconciliation(len(ids), len(blocks), len(transfers), found)


@dataclass
class _Check:
    label: str
    issued: int
    blocks: list[UnitBlock]
    transfers: list[Transfer]
    kept: dict[int, int]  # account -> units, as models.registry.AccountHolding keeps them
    accounts: dict[int, tuple[str, RegistryAccountKind]]
    number: Callable[[int | None], str]

    def all(self) -> list[str]:
        return self.overlaps() + self.bounds() + self.totals() + self.final_exits() + self.replayed() + self.holdings()

    def _n(self, account_id: int | None) -> str:
        return self.number(account_id)

    def overlaps(self) -> list[str]:
        """Blocks in order of first unit; each compared with the earlier block reaching furthest."""
        found = []
        reach: UnitBlock | None = None
        for block in self.blocks:
            if reach is not None and block.first_unit <= reach.last_unit:
                found.append(
                    f"{self.label}: units {block.first_unit}–{min(reach.last_unit, block.last_unit)} are in two "
                    f"blocks (block {reach.id} in {self._n(reach.account_id)}, block {block.id} in "
                    f"{self._n(block.account_id)})"
                )
            if reach is None or block.last_unit > reach.last_unit:
                reach = block
        return found

    def bounds(self) -> list[str]:
        return [
            f"{self.label}: block {block.id} in {self._n(block.account_id)} holds units "
            f"{block.first_unit}–{block.last_unit}, outside 1–{self.issued} issued"
            for block in self.blocks
            if block.first_unit < 1 or block.last_unit > self.issued
        ]

    def totals(self) -> list[str]:
        held = sum(block.last_unit - block.first_unit + 1 for block in self.blocks)
        if held == self.issued:
            return []
        return [f"{self.label}: the accounts hold {held:,} units, {self.issued:,} were issued"]

    def holdings(self) -> list[str]:
        """The units each account is said to hold (its holding) are those its blocks hold."""
        by_blocks: dict[int, int] = defaultdict(int)
        for block in self.blocks:
            by_blocks[block.account_id] += block.last_unit - block.first_unit + 1
        return [
            f"{self.label}: {self._n(account)} is kept as holding {self.kept.get(account, 0):,} units, "
            f"its blocks hold {by_blocks.get(account, 0):,}"
            for account in sorted(set(by_blocks) | set(self.kept), key=self._n)
            if self.kept.get(account, 0) != by_blocks.get(account, 0)
        ]

    def final_exits(self) -> list[str]:
        return [
            f"{self.label}: transfer {transfer.id} moves units out of {self._n(transfer.from_account_id)} "
            f"({self.accounts[transfer.from_account_id or 0][1].value}), whose units never move again"
            for transfer in self.transfers
            if transfer.from_account_id is not None
            and transfer.from_account_id in self.accounts
            and self.accounts[transfer.from_account_id][1] in FINAL
        ]

    def replayed(self) -> list[str]:
        replay = Replay()
        found = []
        for transfer in self.transfers:
            ranges = [(int(first), int(last)) for first, last in transfer.ranges]
            if sum(last - first + 1 for first, last in ranges) != transfer.quantity:
                found.append(
                    f"{self.label}: transfer {transfer.id} is of {transfer.quantity:,} units but its ranges "
                    f"({spans(ranges)}) hold another number"
                )
            for first, last in ranges:
                why = replay.move(first, last, transfer.from_account_id, transfer.to_account_id)
                if why is not None:
                    found.append(f"{self.label}: transfer {transfer.id} {why}")
        held: dict[int, list[tuple[int, int]]] = defaultdict(list)
        for block in self.blocks:
            held[block.account_id].append((block.first_unit, block.last_unit))
        for account in sorted(set(held) | {run[2] for run in replay.runs}, key=self._n):
            by_blocks, by_transfers = merged(held[account]), replay.held_by(account)
            if by_blocks != by_transfers:
                found.append(
                    f"{self.label}: {self._n(account)} holds units {spans(by_blocks)} by its blocks, "
                    f"{spans(by_transfers)} by the transfers"
                )
        return found
