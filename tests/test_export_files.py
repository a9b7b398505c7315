"""Exports and feeds as people open them by hand: CSV files that Excel on a Japanese Windows reads
as UTF-8 and that never run a formula from the register, and conditional requests (ETag,
Last-Modified, 304) on every export and feed."""

import json
from datetime import UTC, datetime

import api.exports
from tests.support.export_files import BOM, bad_request, csv_rows

FORMULA = '=HYPERLINK("http://x","y")'


async def test_a_formula_in_a_title_is_exported_as_text_in_a_file_excel_reads_as_utf8(flow, client):
    # Given decisions whose titles a spreadsheet would take for formulas, and one in Japanese
    await flow.decide("VN", title=FORMULA)
    await flow.decide("VN", title="+81 3 1234 5678")
    await flow.decide("VN", title="@SUM(A1:A9)")
    await flow.decide("VN", title="-2+3|calc")
    await flow.decide("VN", title="冷凍機の高効率化")

    # When the register is exported
    response = await client.get("/exports/decisions.csv")

    # Then the file starts with the UTF-8 byte order mark
    assert response.status_code == 200
    assert response.content.startswith(b"\xef\xbb\xbfreference,committee,")
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    # and Python's csv module reads the same columns back (after the BOM)
    rows = csv_rows(response.text)
    assert rows[0] == [
        "reference",
        "committee",
        "kind",
        "outcome",
        "title",
        "decided_on",
        "mode",
        "meeting_number",
        "japan_position",
        "partner_position",
        "objection_statement",
    ]
    # with every would-be formula shown as text (an apostrophe first, and defusedcsv's \| for a pipe)
    assert [(row[0], row[4]) for row in rows[1:]] == [
        ("JC-VN-2026-005", "冷凍機の高効率化"),
        ("JC-VN-2026-004", "'-2+3\\|calc"),
        ("JC-VN-2026-003", "'@SUM(A1:A9)"),
        ("JC-VN-2026-002", "'+81 3 1234 5678"),
        ("JC-VN-2026-001", "'" + FORMULA),
    ]
    assert rows[5][5] == "2026-11-28"  # dates, which start with a digit, as they are

    # while the JSON export keeps the titles exactly as recorded
    as_json = await client.get("/exports/decisions.json")
    assert not as_json.content.startswith(BOM.encode())
    assert [row["title"] for row in as_json.json()][-1] == FORMULA


async def test_what_a_csv_cell_is_neutralised_for():
    # Given one row holding every kind of leading character (text the register cleans on input,
    # such as a leading tab, is here to show what the file would do with it)
    values = {
        "formula": "=1+1",
        "plus": "+1",
        "at": "@A1",
        "minus text": "-x",
        "pipe": "|x",
        "percent": "%x",
        "tab": "\tx",
        "carriage return": "\rx",
        "negative number as text": "-1",
        "negative number": -5,
        "amount": 1000,
        "flag": True,
        "plain": "Chillers",
        "empty": None,
    }

    async def one_page():
        yield [values]

    # When it is written as CSV
    text = "".join([chunk async for chunk in api.exports._csv(one_page(), list(values))])

    # Then
    assert text.startswith(BOM)
    header, row = csv_rows(text)
    assert header == list(values)
    assert dict(zip(header, row, strict=True)) == {
        "formula": "'=1+1",
        "plus": "'+1",
        "at": "'@A1",
        "minus text": "'-x",
        "pipe": "'\\|x",
        "percent": "'%x",
        "tab": "'\tx",
        "carriage return": "'\rx",
        "negative number as text": "-1",  # defusedcsv leaves plain numbers alone
        "negative number": "-5",
        "amount": "1000",
        "flag": "true",
        "plain": "Chillers",
        "empty": "",
    }


# --- conditional requests ----------------------------------------------------------------------

LATER = datetime(2026, 11, 28, 15, 30, 5, tzinfo=UTC)


async def test_an_export_or_feed_asked_for_again_unchanged_is_a_304(flow, client):
    # Given a decision
    await flow.decide("VN", title="Interim rules for chillers")

    for path in ("/exports/decisions.csv", "/exports/decisions.json?committee=VN", "/feeds/decisions.atom"):
        # When it is fetched, then fetched again with its validators
        first = await client.get(path)
        etag, last_modified = first.headers["etag"], first.headers["last-modified"]
        by_etag = await client.get(path, headers={"If-None-Match": etag})
        by_etag_in_a_list = await client.get(path, headers={"If-None-Match": f'"other", W/{etag}'})
        by_date = await client.get(path, headers={"If-Modified-Since": last_modified})

        # Then the first answer is public and revalidated, the others 304 without a body
        assert first.status_code == 200, path
        assert first.headers["cache-control"] == "public, max-age=0, must-revalidate"
        assert last_modified == "Sat, 28 Nov 2026 09:00:00 GMT"  # the decision's time
        for again in (by_etag, by_etag_in_a_list, by_date):
            assert (again.status_code, again.content) == (304, b""), path
            assert again.headers["etag"] == etag
            assert again.headers["last-modified"] == last_modified


async def test_an_etag_is_per_url_and_changes_with_every_write_and_every_day(flow, client, frozen_clock):
    # Given an export fetched once
    await flow.decide("VN", title="Interim rules for chillers")
    before = await client.get("/exports/decisions.csv")
    etag = before.headers["etag"]

    # Then another query string has another ETag
    other = await client.get("/exports/decisions.csv?committee=VN")
    assert other.headers["etag"] != etag
    assert (await client.get("/exports/decisions.json")).headers["etag"] != etag

    # When something is decided later that day
    frozen_clock.set(LATER)
    await flow.decide("ID", title="Registry fee schedule")
    after = await client.get("/exports/decisions.csv", headers={"If-None-Match": etag})
    since = await client.get("/exports/decisions.csv", headers={"If-Modified-Since": before.headers["last-modified"]})

    # Then the old validators no longer match: the new list comes back, modified at that time
    assert after.status_code == 200 and len(csv_rows(after.text)) == 3
    assert after.headers["etag"] != etag
    assert after.headers["last-modified"] == "Sat, 28 Nov 2026 15:30:05 GMT"
    assert since.status_code == 200

    # When the next day comes (statuses such as LAPSED follow the calendar) with nothing written
    frozen_clock.set(datetime(2026, 11, 29, 0, 0, 1, tzinfo=UTC))
    next_day = await client.get("/exports/decisions.csv", headers={"If-None-Match": after.headers["etag"]})

    # Then it is answered afresh, modified at the start of the day
    assert next_day.status_code == 200
    assert next_day.headers["last-modified"] == "Sun, 29 Nov 2026 00:00:00 GMT"


async def test_if_none_match_wins_over_if_modified_since_and_a_bad_date_is_ignored(flow, client):
    # Given
    await flow.decide("VN")
    first = await client.get("/feeds/decisions.atom")
    last_modified = first.headers["last-modified"]

    # When
    stale_etag = await client.get(
        "/feeds/decisions.atom", headers={"If-None-Match": '"stale"', "If-Modified-Since": last_modified}
    )
    bad_date = await client.get("/feeds/decisions.atom", headers={"If-Modified-Since": "yesterday"})
    earlier = await client.get("/feeds/decisions.atom", headers={"If-Modified-Since": "Fri, 27 Nov 2026 09:00:00 GMT"})
    star = await client.get("/feeds/decisions.atom", headers={"If-None-Match": "*"})

    # Then each is a full answer
    assert [r.status_code for r in (stale_etag, bad_date, earlier, star)] == [200, 200, 200, 200]
    assert stale_etag.content == first.content


async def test_a_bad_parameter_or_unknown_committee_is_refused_whatever_the_validators(flow, client):
    # Given validators of a good answer
    await flow.decide("VN")
    etag = (await client.get("/exports/decisions.csv")).headers["etag"]
    since = "Sat, 28 Nov 2027 09:00:00 GMT"

    # When a bad request carries them
    bad = await client.get("/exports/decisions.csv?from=soon", headers={"If-None-Match": etag})
    bad_since = await client.get("/exports/decisions.csv?from=soon", headers={"If-Modified-Since": since})
    unknown = await client.get("/feeds/decisions.atom?committee=XX", headers={"If-Modified-Since": since})

    # Then it is refused as without them, in GraphQL's error shape
    assert (bad.status_code, bad.json()) == (400, bad_request("from must be a date like 2026-11-28.", "from"))
    assert bad_since.status_code == 400
    assert unknown.status_code == 404
    assert json.loads(unknown.content)["errors"][0]["extensions"] == {"code": "NOT_FOUND", "field": "committee"}
