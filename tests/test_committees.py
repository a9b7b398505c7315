"""Reading countries and committees: the facts of domain.md §9, in signing order."""

from api.ids import to_global_id
from seed.data import PARTNERS

COMMITTEES = """
query {
  committees { code name { en ja } partner { signingOrder signedOn region } }
}
"""

COMMITTEES_IN_REGION = """
query ($region: Region) { committees(region: $region) { code } }
"""

COMMITTEE = """
query ($code: String!) {
  committee(code: $code) {
    code
    name { en ja text(lang: "ja") fallback: text(lang: "fr") }
    partner { code name { en ja } region signingOrder signedOn publishedProjectCount committee { code } }
  }
}
"""

COUNTRIES = "query { countries { code signingOrder region committee { code } } }"

NODE = """
query ($id: ID!) {
  node(id: $id) {
    id
    __typename
    ... on JointCommittee { code }
    ... on Country { code }
  }
}
"""


async def test_committees_come_in_signing_order_with_published_facts(gql):
    # When
    data = await gql(COMMITTEES)

    # Then
    committees = data["committees"]
    assert len(committees) == 30
    assert committees[0] == {
        "code": "MN",
        "name": {"en": "Japan–Mongolia Joint Committee", "ja": "日本・モンゴル合同委員会"},
        "partner": {"signingOrder": 1, "signedOn": "2013-01-08", "region": "EAST_ASIA_CAUCASUS_CENTRAL_ASIA"},
    }
    assert committees[-1] == {
        "code": "TZ",
        "name": {"en": "Japan–Tanzania Joint Committee", "ja": "日本・タンザニア合同委員会"},
        "partner": {"signingOrder": 30, "signedOn": "2025-05-28", "region": "AFRICA"},
    }
    assert [c["code"] for c in committees] == [p.code for p in PARTNERS]
    assert [c["partner"]["signingOrder"] for c in committees] == list(range(1, 31))


async def test_signing_dates_keep_the_precision_that_is_known(gql):
    data = await gql(COMMITTEES)

    signed = {c["code"]: c["partner"]["signedOn"] for c in data["committees"]}
    assert signed["BD"] == "2013-03"
    assert signed["TH"] == "2015"
    assert signed["VN"] == "2013-07-02"


async def test_committees_filter_by_region(gql):
    data = await gql(COMMITTEES_IN_REGION, {"region": "EASTERN_EUROPE"})

    assert data["committees"] == [{"code": "MD"}, {"code": "UA"}]


async def test_committee_by_code_is_case_insensitive_and_bilingual(gql):
    data = await gql(COMMITTEE, {"code": "vn"})

    assert data["committee"] == {
        "code": "VN",
        "name": {
            "en": "Japan–Viet Nam Joint Committee",
            "ja": "日本・ベトナム合同委員会",
            "text": "日本・ベトナム合同委員会",
            "fallback": "Japan–Viet Nam Joint Committee",
        },
        "partner": {
            "code": "VN",
            "name": {"en": "Viet Nam", "ja": "ベトナム"},
            "region": "SOUTHEAST_SOUTH_ASIA_OCEANIA",
            "signingOrder": 6,
            "signedOn": "2013-07-02",
            "publishedProjectCount": 50,
            "committee": {"code": "VN"},
        },
    }


async def test_unknown_committee_is_null(gql):
    assert await gql(COMMITTEE, {"code": "FR"}) == {"committee": None}


async def test_countries_list_japan_first_without_committee(gql):
    data = await gql(COUNTRIES)

    assert len(data["countries"]) == 31
    assert data["countries"][0] == {"code": "JP", "signingOrder": None, "region": None, "committee": None}
    assert data["countries"][1] == {
        "code": "MN",
        "signingOrder": 1,
        "region": "EAST_ASIA_CAUCASUS_CENTRAL_ASIA",
        "committee": {"code": "MN"},
    }


async def test_global_ids_round_trip_through_node(gql):
    committee_id = (await gql('{ committee(code: "ID") { id } }'))["committee"]["id"]
    country_id = (await gql('{ committee(code: "ID") { partner { id } } }'))["committee"]["partner"]["id"]

    assert await gql(NODE, {"id": committee_id}) == {
        "node": {"id": committee_id, "__typename": "JointCommittee", "code": "ID"}
    }
    assert await gql(NODE, {"id": country_id}) == {"node": {"id": country_id, "__typename": "Country", "code": "ID"}}


async def test_node_answers_null_for_unknown_or_malformed_ids(gql):
    for unknown in [to_global_id("JointCommittee", 999), to_global_id("Nothing", 1), "not-an-id", ""]:
        assert await gql(NODE, {"id": unknown}) == {"node": None}


async def test_sectoral_scopes_are_the_fifteen_cdm_scopes(gql):
    data = await gql("{ sectoralScopes { number name } }")

    assert [s["number"] for s in data["sectoralScopes"]] == list(range(1, 16))
    assert data["sectoralScopes"][2] == {"number": 3, "name": "Energy demand"}
    assert data["sectoralScopes"][13] == {"number": 14, "name": "Afforestation and reforestation"}
