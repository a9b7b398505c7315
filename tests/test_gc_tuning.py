"""The serving entry point freezes what start-up built and collects the young generation less often."""

import gc

import pytest

import api.app
from api.gc_tuning import YOUNG_THRESHOLD


@pytest.fixture
def restored_gc():
    threshold = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*threshold)


def test_the_serving_app_freezes_start_up_objects_and_raises_the_young_threshold(settings, monkeypatch, restored_gc):
    # Given the settings a server reads from its environment
    monkeypatch.setattr(api.app, "get_settings", lambda: settings)

    # When uvicorn builds the app through its factory
    app = api.app.asgi_app()

    # Then the objects built so far are frozen, and the young generation is larger
    assert gc.get_freeze_count() > 0
    assert gc.get_threshold()[0] == YOUNG_THRESHOLD
    assert app.state.settings is settings
