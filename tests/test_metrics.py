"""Prometheus metrics at /metrics (api/metrics.py): requests and latency per operation, userErrors
per code, decisions, subscriptions and the database pool; label values clients choose stay bounded."""

import asyncio

import httpx
import prometheus_client.values
from prometheus_client.values import MultiProcessValue

import api.metrics
from api.app import close_listeners, create_app
from tests.support.documents import CREATE
from tests.support.http import http
from tests.support.logs import metric
from tests.support.websocket import init, socket, subscribe

NAMED = "query Countries { countries { code } }"
SUBSCRIBE = 'subscription Decisions { decisionMade(committeeCode: "VN") { reference } }'


async def scrape(client: httpx.AsyncClient) -> str:
    response = await client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=")
    return response.text


async def test_requests_and_latency_are_counted_per_operation_and_route(client):
    # Given two runs of a named query, one anonymous query and a health check
    await client.post("/graphql", json={"query": NAMED})
    await client.get("/graphql", params={"query": NAMED})
    await client.post("/graphql", json={"query": "{ countries { code } }"})
    await client.get("/healthz")

    # When
    text = await scrape(client)

    # Then
    assert metric(text, "jcm_http_requests_total", operation="Countries", type="query", status="200") == 2
    assert metric(text, "jcm_http_requests_total", operation="anonymous", type="query", status="200") == 1
    assert metric(text, "jcm_http_requests_total", operation="/healthz", type="http", status="200") == 1
    assert metric(text, "jcm_http_request_duration_seconds_count", operation="Countries", type="query") == 2
    assert metric(text, "jcm_http_request_duration_seconds_bucket", operation="Countries", type="query", le="+Inf") == 2


async def test_user_errors_are_counted_by_code(gql, client, tokens):
    # Given a mutation refused for its input
    token = await tokens.secretariat()
    await gql(CREATE, {"input": {"committeeCode": "VN", "kind": "OTHER", "title": "  "}}, token=token)

    # Then
    assert metric(await scrape(client), "jcm_user_errors_total", code="INVALID_INPUT") == 1


async def test_decisions_are_counted_once_committed(flow, client):
    assert metric(await scrape(client), "jcm_decisions_total") == 0

    await flow.decided()

    assert metric(await scrape(client), "jcm_decisions_total") == 1


async def test_the_database_pool_is_reported(client, settings):
    text = await scrape(client)

    assert metric(text, "jcm_db_pool_size") == settings.database_pool_size
    assert metric(text, "jcm_db_pool_checked_out") == 0  # the scrape itself holds none


async def test_open_subscriptions_are_reported(live_server):
    async with httpx.AsyncClient(base_url=live_server.http_url) as client:
        assert metric(await scrape(client), "jcm_active_subscriptions") == 0
        async with socket(live_server) as ws:
            await init(ws)
            await subscribe(ws, "1", SUBSCRIBE)
            # Then the gauge counts it once its operation runs
            for _ in range(100):
                if metric(await scrape(client), "jcm_active_subscriptions") == 1:
                    break
                await asyncio.sleep(0.05)
            assert metric(await scrape(client), "jcm_active_subscriptions") == 1
        for _ in range(100):  # and forgets it once the socket is gone
            if metric(await scrape(client), "jcm_active_subscriptions") == 0:
                break
            await asyncio.sleep(0.05)
        assert metric(await scrape(client), "jcm_active_subscriptions") == 0


async def test_operation_names_clients_choose_are_bounded(settings, engine, monkeypatch):
    # Given an app counting at most 2 distinct operation names
    monkeypatch.setattr(api.metrics, "MAX_OPERATIONS", 2)
    app = create_app(settings, engine=engine)
    async with http(app) as client:
        # When clients send 3 names, one of them too long
        for name in ("First", "Second", "Third", "Long" + "x" * 64):
            await client.post("/graphql", json={"query": f"query {name} {{ countries {{ code }} }}"})
        text = await scrape(client)
    await close_listeners(app)

    # Then the third distinct name and the long one count as "other"
    assert metric(text, "jcm_http_requests_total", operation="First", type="query", status="200") == 1
    assert metric(text, "jcm_http_requests_total", operation="Second", type="query", status="200") == 1
    assert metric(text, "jcm_http_requests_total", operation="other", type="query", status="200") == 2
    assert "Third" not in text


async def test_paths_no_route_serves_are_one_label(client):
    # Given requests for made-up paths, a decision page and an export
    for n in range(30):
        await client.get(f"/made-up-{n}")
    await client.get("/decisions/JC-VN-2026-999")
    await client.get("/exports/decisions.json")
    await client.get("/")

    # When
    text = await scrape(client)

    # Then the made-up paths count together as "other"; the app's routes keep their own labels
    assert metric(text, "jcm_http_requests_total", operation="other", type="http", status="404") == 30
    assert metric(text, "jcm_http_requests_total", operation="/decisions", type="http", status="404") == 1
    assert metric(text, "jcm_http_requests_total", operation="/exports", type="http", status="200") == 1
    assert metric(text, "jcm_http_requests_total", operation="/", type="http", status="200") == 1  # the home page
    assert "made-up" not in text


async def test_metrics_can_be_switched_off(settings, engine):
    app = create_app(settings.model_copy(update={"metrics": False}), engine=engine)
    async with http(app) as client:
        assert (await client.get("/metrics")).status_code == 404
    await close_listeners(app)


async def test_each_app_counts_its_own_requests(settings, engine, client):
    # Given a second app on the same database, asked nothing
    await client.post("/graphql", json={"query": NAMED})
    other = create_app(settings, engine=engine)
    async with http(other) as other_client:
        text = await scrape(other_client)
    await close_listeners(other)

    assert metric(text, "jcm_http_requests_total", operation="Countries", type="query", status="200") is None


async def test_with_a_multiprocess_folder_every_workers_requests_are_summed(settings, engine, monkeypatch, tmp_path):
    # Given prometheus-client's multiprocess mode, and two apps standing for two worker processes
    folder = tmp_path / "prometheus"  # of its own: the test's SQLite database is beside it
    folder.mkdir()
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(folder))
    apps = []
    for pid in (1001, 1002):  # each "worker" writes its own file, as its own process would
        monkeypatch.setattr(prometheus_client.values, "ValueClass", MultiProcessValue(lambda pid=pid: pid))
        apps.append(create_app(settings, engine=engine))
        # When each answers a query
        async with http(apps[-1]) as client:
            await client.post("/graphql", json={"query": NAMED})

    # and the first is scraped
    async with http(apps[0]) as client:
        text = await scrape(client)
    for app in apps:
        await close_listeners(app)
    assert sorted(path.name for path in folder.iterdir()) == [
        "counter_1001.db",
        "counter_1002.db",
        "histogram_1001.db",
        "histogram_1002.db",
    ]

    # Then the scrape counts both workers' queries
    assert metric(text, "jcm_http_requests_total", operation="Countries", type="query", status="200") == 2
    assert metric(text, "jcm_active_subscriptions") == 0
