"""Answers are encoded with orjson: the same JSON to a client, text over a WebSocket, and what
orjson refuses encoded as before."""

import json

from api.json_encoding import encode_json

COMMITTEES = "{ committees { code name { en ja } } }"


async def test_an_answer_with_japanese_text_decodes_to_the_same_values(client):
    # When the public reads the committees' Japanese names
    response = await client.post("/graphql", json={"query": COMMITTEES})

    # Then the answer is UTF-8 JSON that decodes to the names
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert "日本・ベトナム合同委員会".encode() in response.content
    vietnam = next(c for c in response.json()["data"]["committees"] if c["code"] == "VN")
    assert vietnam["name"] == {"en": "Japan–Viet Nam Joint Committee", "ja": "日本・ベトナム合同委員会"}


def test_what_orjson_refuses_is_encoded_as_json_dumps_did():
    # Given values orjson refuses: a lone surrogate (as a message quoting a client's input could
    # hold) and an integer past 64 bits
    data = {"message": "quoted \ud800", "count": 2**70}

    # When encoded
    encoded = encode_json(data)

    # Then as the standard library encodes them, and as text
    assert isinstance(encoded, str)
    assert encoded == json.dumps(data, separators=(",", ":"))
    assert json.loads(encoded) == data


def test_an_answer_is_text_with_the_standard_separators():
    assert encode_json({"data": {"a": [1, None, True, "é"]}}) == '{"data":{"a":[1,null,true,"é"]}}'
