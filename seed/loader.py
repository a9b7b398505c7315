"""Idempotent seeding: rows are matched by their natural key, added when missing and corrected
when they differ, so a second run changes nothing."""

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlmodel import SQLModel, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models import Country, JointCommittee, RuleDocument, RuleDocumentKind, SectoralScope
from models.db import write_transaction
from models.enums import Role
from models.principal import Principal
from models.registry import SEEDED_KINDS, Registry, RegistryAccount, account_number, first_day, seeded_holder
from resolvers import audit
from seed.data import JAPAN, PARTNERS, RULE_DOCUMENT_KINDS, SECTORAL_SCOPES, committee_names

# Corrections of reference data are changes like any other: audited, and they move the
# publication version, so cached public answers go stale.
SEED = Principal(Role.SECRETARIAT, name="jcm seed", system=True)


@dataclass
class SeedReport:
    inserted: int = 0
    updated: int = 0
    changes: list[tuple[str, Any, dict[str, Any] | None]] = field(default_factory=list)

    def __str__(self) -> str:
        return f"seed: {self.inserted} rows inserted, {self.updated} updated"


class _Table:
    """The rows of one table by natural key (one column or several), loaded once."""

    def __init__(self, session: AsyncSession, report: SeedReport, model: type[SQLModel], *key: str):
        self.session, self.report, self.model, self.key = session, report, model, key
        self.rows: dict[Any, Any] = {}

    def _key_of(self, row: Any) -> Any:
        values = tuple(getattr(row, name) for name in self.key)
        return values[0] if len(values) == 1 else values

    async def load(self) -> "_Table":
        for row in (await self.session.exec(select(self.model))).all():
            self.rows[self._key_of(row)] = row
        return self

    def upsert(self, key: Any, **values: Any) -> Any:
        row = self.rows.get(key)
        if row is None:
            key_values = key if isinstance(key, tuple) else (key,)
            row = self.model(**dict(zip(self.key, key_values, strict=True)), **values)
            self.session.add(row)
            self.rows[key] = row
            self.report.inserted += 1
            self.report.changes.append(("referenceDataAdded", row, None))
            return row
        changed = {name: value for name, value in values.items() if getattr(row, name) != value}
        if changed:
            self.report.changes.append(("referenceDataCorrected", row, audit.snapshot(row)))
        for name, value in changed.items():
            setattr(row, name, value)
        self.report.updated += bool(changed)
        return row


async def load(session: AsyncSession) -> SeedReport:
    report = SeedReport()
    async with write_transaction(session):
        countries = await _Table(session, report, Country, "code").load()
        first_seed = not countries.rows
        committees = await _Table(session, report, JointCommittee, "code").load()
        scopes = await _Table(session, report, SectoralScope, "number").load()
        kinds = await _Table(session, report, RuleDocumentKind, "type").load()
        documents = await _Table(session, report, RuleDocument, "committee_id", "type", "form_name").load()
        registries = await _Table(session, report, Registry, "code").load()
        accounts = await _Table(session, report, RegistryAccount, "registry_id", "kind", "sequence").load()

        code, name_en, name_ja = JAPAN
        countries.upsert(code, name_en=name_en, name_ja=name_ja)
        for order, partner in enumerate(PARTNERS, start=1):
            countries.upsert(
                partner.code,
                name_en=partner.name_en,
                name_ja=partner.name_ja,
                region=partner.region,
                signing_order=order,
                signed_on=partner.signed_on,
                published_project_count=partner.projects,
            )
        await session.flush()  # committees refer to the countries' ids
        for partner in PARTNERS:
            en, ja = committee_names(partner)
            committees.upsert(partner.code, country_id=countries.rows[partner.code].id, name_en=en, name_ja=ja)
        for number, name in enumerate(SECTORAL_SCOPES, start=1):
            scopes.upsert(number, name=name)
        await session.flush()  # documents refer to the committees' ids
        for position, (doc_type, short_code, title) in enumerate(RULE_DOCUMENT_KINDS, start=1):
            kinds.upsert(doc_type, short_code=short_code, title=title, position=position)
            # Every committee keeps its own version line of each document.
            for committee in committees.rows.values():
                documents.upsert((committee.id, doc_type, ""), title=title, position=position)
        # A registry per country, Japan's and each partner's, with its government, nullification and
        # cancellation accounts, opened the day its country signed (Japan's with the first partner).
        for country in countries.rows.values():
            registries.upsert(country.code, country_id=country.id)
        await session.flush()
        opened = {p.code: first_day(p.signed_on, date(2013, 1, 1)) for p in PARTNERS}
        opened[code] = min(opened.values())
        for registry in registries.rows.values():
            country = countries.rows[registry.code]
            for kind in SEEDED_KINDS:
                accounts.upsert(
                    (registry.id, kind, 1),
                    number=account_number(registry.code, kind, 1),
                    holder_name=seeded_holder(kind, country.name_en),
                    opened_on=opened[registry.code],
                )
        await session.flush()
        if first_seed:
            report.changes.clear()  # a new database's reference data is its starting point
        for action, row, before in report.changes:
            await audit.record(session, SEED, action, row, committee_id=None, before=before)
    return report
