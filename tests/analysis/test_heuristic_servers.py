"""The analyzer's server catalogue: which properties are servers, and the entries' regions."""

from __future__ import annotations

import pytest

from demogen import regions
from demogen.analysis.heuristic.servers import (
    ID,
    NAME,
    entry_region,
    plan_servers,
    server_field,
    server_name,
)
from demogen.taxonomy import Event, EventTaxonomy, Property
from demogen.vocab import PropertyType


def _plan(*props: Property) -> EventTaxonomy:
    return EventTaxonomy(events=(Event(name="login", properties=tuple(p.name for p in props)),),
                         properties=props)


@pytest.mark.parametrize(("name", "field"), [
    ("server_id", ID), ("realm", ID), ("world_id", ID), ("shard_no", ID),
    ("cur_server_name", NAME), ("zone_name", NAME),
    ("zone", None), ("world", None), ("#zone_offset", None), ("server_time", None),
    ("item_id", None),
])
def test_server_properties_by_name(name: str, field: str | None) -> None:
    assert server_field(name) == field


@pytest.mark.parametrize(("server", "region"), [
    ("kr_01", "KR"), ("asia_01", "asia"), ("europe_103", "europe"), ("global_01", "global"),
    ("NA-2", "na"), ("s1", None), ("1001", None), ("server_kr", None),
])
def test_region_read_from_the_first_word(server: str, region: str | None) -> None:
    assert regions.region_of(server) == region


def test_an_enum_is_the_whole_list() -> None:
    plan = _plan(Property(name="server_id", type=PropertyType.STRING,
                          enum=("kr_01", "kr_02", "jp_01", "global_01")))
    found = plan_servers(plan, {"KR": 0.8, "US": 0.2})
    assert found is not None
    assert [(e.id, entry_region(e)) for e in found.entries] == [
        ("kr_01", "KR"), ("kr_02", "KR"), ("jp_01", "JP"), ("global_01", "global")]


def test_examples_are_filled_per_region_and_the_market_is_served() -> None:
    plan = _plan(Property(name="server_id", type=PropertyType.STRING,
                          examples=("asia_01", "europe_103")))
    found = plan_servers(plan, {"KR": 0.8, "US": 0.1, "JP": 0.1})
    assert found is not None
    ids = [e.id for e in found.entries]
    assert ids[:2] == ["asia_01", "europe_103"]
    assert {"asia_02", "asia_03", "europe_104"} <= set(ids)
    for country in ("KR", "US", "JP"):     # US: no example region serves it → a global one
        assert any(regions.serves(entry_region(e), country) for e in found.entries), country


def test_no_list_gives_servers_per_market_country_numbers_where_a_server_is_a_number() -> None:
    text = _plan(Property(name="realm", type=PropertyType.STRING),
                 Property(name="zone_name", type=PropertyType.STRING))
    found = plan_servers(text, {"JP": 0.7, "TW": 0.3})
    assert found is not None
    assert [(e.id, entry_region(e)) for e in found.entries] == [
        ("jp_01", "JP"), ("jp_02", "JP"), ("jp_03", "JP"), ("tw_01", "TW")]
    assert server_name(found.entries[0]) == "JP 01"
    numbers = _plan(Property(name="world_id", type=PropertyType.NUMBER))
    found = plan_servers(numbers, {"KR": 1.0})
    assert found is not None
    assert [(e.id, entry_region(e)) for e in found.entries] == [("1", "KR"), ("2", "KR"),
                                                                ("3", "KR")]
    assert plan_servers(_plan(Property(name="zone", type=PropertyType.STRING)), None) is None
