"""Reads load plain records, not ORM instances: the same values, none of the ORM's bookkeeping."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.orm.exc import UnmappedInstanceError
from sqlmodel import SQLModel, col, select

import models
from models.db import new_session
from models.records import record_class
from resolvers.reads import records, select_records

READS = """
query ($reference: String!) {
  decisions(first: 20) {
    totalCount
    edges { node { reference outcome committee { name { en } } positions { side position } proposal { title } } }
  }
  decision(reference: $reference) { reference summary decidedOn meeting { number } }
  committees { code partner { name { en } } members { name } }
  committee(code: "VN") { decisions(first: 5) { edges { node { reference } } } }
}
"""


def table_models() -> list[type[SQLModel]]:
    return [mapper.class_ for mapper in SQLModel._sa_registry.mappers if mapper.local_table is not None]


@contextmanager
def orm_loads() -> Iterator[list[str]]:
    """The names of the ORM instances SQLAlchemy loads meanwhile, whatever the session."""
    loaded: list[str] = []

    def on_load(target: Any, _context: Any) -> None:
        loaded.append(type(target).__name__)

    sa.event.listen(SQLModel, "load", on_load, propagate=True)
    try:
        yield loaded
    finally:
        sa.event.remove(SQLModel, "load", on_load)


async def test_a_record_holds_what_the_orm_instance_holds_column_by_column(flow, engine):
    # Given a decision, with its proposal, positions, workflow events and audit events (JSON, UTC instants)
    await flow.decided("VN")

    # When every table is read both ways
    async with new_session(engine) as session:
        for model in table_models():
            key = [col(column) for column in model.__table__.primary_key.columns]
            instances = (await session.exec(select(model).order_by(*key))).all()
            found = await records(session, model, select_records(model).order_by(*key))

            # Then the records hold the same values, of the same types, under the same names
            fields = record_class(model)._fields
            assert fields == tuple(attribute.key for attribute in sa.inspect(model).column_attrs)
            expected = [tuple(getattr(instance, name) for name in fields) for instance in instances]
            assert [tuple(record) for record in found] == expected, model.__name__
            assert [list(map(type, record)) for record in found] == [list(map(type, row)) for row in expected]
            for name, value in vars(model).items():  # and answer the model's properties alike
                if isinstance(value, property):
                    assert [getattr(r, name) for r in found] == [getattr(i, name) for i in instances]


async def test_a_record_cannot_be_written(flow, engine):
    # Given a decision read as a record
    await flow.decided("VN")
    async with new_session(engine) as session:
        [decision] = await records(session, models.Decision, select_records(models.Decision))

        # When it is given to a session to write, Then SQLAlchemy refuses it: writes load the ORM instance
        with pytest.raises(UnmappedInstanceError):
            session.add(decision)
        with pytest.raises(AttributeError):
            decision.title = "Changed"


async def test_reading_the_register_loads_no_orm_instance(flow, gql):
    # Given a decision
    decided = await flow.decided("VN")
    reference = decided["decision"]["reference"]

    # When the public reads the register page, one decision, the committees and a committee's decisions
    with orm_loads() as loaded:
        data = await gql(READS, {"reference": reference})

    # Then the answer is complete and no ORM instance was made for it
    node = data["decisions"]["edges"][0]["node"]
    assert node["reference"] == reference
    assert node["committee"] == {"name": {"en": "Japan–Viet Nam Joint Committee"}}
    assert node["proposal"] == {"title": "Interim special measures"}
    assert [p["side"] for p in node["positions"]] == ["JAPAN", "PARTNER"]
    assert data["decision"]["reference"] == reference
    assert data["committee"]["decisions"]["edges"] == [{"node": {"reference": reference}}]
    assert loaded == []


OTHER_READS = """
query ($id: ID!) {
  proposals(first: 5) { totalCount edges { node { title status committee { code } decision { reference } } } }
  node(id: $id) { ... on Proposal { title positions { side } history { action } } }
  auditTrail(subjectId: $id) { action actorRole }
  search(text: "interim") { decisions { reference } }
  statistics { projectsByCountry { country { code } count } }
  viewer { role }
}
"""


async def test_other_reads_load_no_orm_instance_either(flow, gql):
    # Given a decision
    decided = await flow.decided("VN")
    proposal_id = decided["proposal"]["id"]

    # When the secretariat reads proposals, one by global id with its history, its audit trail, a search and statistics
    with orm_loads() as loaded:
        data = await gql(OTHER_READS, {"id": proposal_id}, token=await flow.token("secretariat"))

    # Then the answer is complete and no ORM instance was made for it
    assert data["proposals"]["edges"][0]["node"]["decision"] == {"reference": decided["decision"]["reference"]}
    assert data["node"]["title"] == "Interim special measures"
    assert len(data["node"]["positions"]) == 2
    assert data["auditTrail"] and data["search"]["decisions"]
    assert loaded == []
