"""What a write publishes leaves it only after it committed, once; a subject kind without effects
fails loudly instead of being decided without them."""

import pytest

from models.db import new_session, write_transaction
from models.subjects import MissingSubjectEffects, SubjectType, effects_of, unregistered
from resolvers import effects  # noqa: F401 (importing it registers every area's effects)
from resolvers.events import DecisionBroker, DecisionTaken, announce


async def test_an_event_is_published_once_after_its_commit_and_never_after_a_rollback(engine):
    # Given a broker told of this engine's commits, and a subscriber
    broker = DecisionBroker(engine=engine)
    async with broker.subscribe() as queue, new_session(engine) as session:
        # When a transaction announces a decision and fails (as one aborted to be run again)
        with pytest.raises(RuntimeError):
            async with write_transaction(session):
                await announce(session, DecisionTaken(7, "ID"))
                raise RuntimeError("the deciding transaction failed")
        # and the next one in the same session announces another, then the session writes again
        async with write_transaction(session):
            await announce(session, DecisionTaken(8, "ID"))
            before_commit = queue.qsize()
        async with write_transaction(session):
            pass

        # Then only the committed one was published, after its commit, and once
        assert before_commit == 0
        assert queue.get_nowait() == DecisionTaken(8, "ID")
        assert queue.empty()


def test_every_subject_type_has_effects_and_an_unknown_one_is_refused():
    assert unregistered() == set()
    assert effects_of(SubjectType.METHODOLOGY) is effects_of("Methodology")
    with pytest.raises(MissingSubjectEffects, match="'Registry'"):
        effects_of("Registry")
