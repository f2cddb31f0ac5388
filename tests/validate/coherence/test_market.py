"""validate's market check finds each hand-broken identity and platform value."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from demogen import regions
from demogen.analysis.heuristic import servers
from demogen.analysis.heuristic.values import identity
from demogen.validate.coherence._market import MarketChecker
from tests.corpus import corpus
from tests.validate.coherence.checking import findings
from tests.validate.generated import Output

IDLE = "te_data_generator__idle-game-example"
CARD = "te_data_generator__card-game-tracking-plan"


def _broken(out: Path, tmp_path: Path, test: Callable[[dict[str, Any]], bool],
            change: Callable[[dict[str, Any]], None]) -> list[str]:
    output = Output(out).copy()
    _, _, record = output.find(test)
    change(record["properties"])
    return findings(output.write(tmp_path / "broken"), MarketChecker, out)


def _track_with(name: str, os_: str | None = None) -> Callable[[dict[str, Any]], bool]:
    return lambda r: r.get("#type") == "track" and name in r["properties"] and (
        os_ is None or r["properties"].get("#os") == os_)


def test_clean_game_passes(coherence_output) -> None:
    out = coherence_output("game").out
    assert findings(out, MarketChecker, out) == []


def test_store_of_the_other_os(coherence_output, tmp_path: Path) -> None:
    out = coherence_output("game").out
    found = _broken(out, tmp_path, _track_with("install_store", "iOS"),
                    lambda p: p.__setitem__("install_store", "google_play"))
    assert len(found) == 1 and "google_play" in found[0] and "ios" in found[0]


def test_language_other_than_the_system_language(coherence_output, tmp_path: Path) -> None:
    out = coherence_output("game").out
    found = _broken(out, tmp_path,
                    lambda r: _track_with("language")(r)
                    and r["properties"].get("#system_language") == "ko",
                    lambda p: p.__setitem__("language", "ja"))
    assert len(found) == 1 and "'ja'" in found[0] and "'ko'" in found[0]


def test_name_mirror_other_than_the_profile(coherence_output, tmp_path: Path) -> None:
    g = coherence_output("game")
    assert g.rules.properties["nickname"].kind in identity.NAME_KINDS
    output = Output(g.out).copy()
    # An event after the user's profile record: the name it shows must be the profile's.
    profiled: set[str] = set()

    def after_profile(r: dict[str, Any]) -> bool:
        if r["#type"] != "track" and "nickname" in r["properties"]:
            profiled.add(r["#distinct_id"])
        return _track_with("nickname")(r) and r["#distinct_id"] in profiled

    _, _, record = output.find(after_profile)
    record["properties"]["nickname"] = "NotTheirName42"
    found = findings(output.write(tmp_path / "broken"), MarketChecker, g.out)
    assert len(found) == 1 and "NotTheirName42" in found[0]


@corpus
def test_account_property_other_than_the_account_id(coherence_output, tmp_path: Path) -> None:
    out = coherence_output(CARD).out
    assert findings(out, MarketChecker, out) == []
    found = _broken(out, tmp_path,
                    lambda r: r.get("#type") != "track" and "account" in r["properties"],
                    lambda p: p.__setitem__("account", "1234567890"))
    assert len(found) == 1 and "1234567890" in found[0]


@corpus
def test_account_property_without_an_account_id(coherence_output, tmp_path: Path) -> None:
    out = coherence_output(CARD).out
    output = Output(out).copy()
    _, _, record = output.find(lambda r: r.get("#type") == "track" and "#account_id" not in r)
    record["properties"]["account"] = "1234567890"
    found = findings(output.write(tmp_path / "broken"), MarketChecker, out)
    assert len(found) == 1 and "without #account_id" in found[0]


@pytest.mark.parametrize("source", [pytest.param(IDLE, marks=corpus, id="idle")])
def test_idle_name_mirror(coherence_output, tmp_path: Path, source: str) -> None:
    out = coherence_output(source).out
    assert findings(out, MarketChecker, out) == []
    output = Output(out).copy()
    profiled = {r["#distinct_id"] for _, _, r in output.records()
                if r["#type"] != "track" and "nick_name" in r["properties"]}
    _, _, record = output.find(lambda r: _track_with("tmp_name")(r)
                               and r["#distinct_id"] in profiled)
    record["properties"]["tmp_name"] = "CrimsonLyra105"
    found = findings(output.write(tmp_path / "broken"), MarketChecker, out)
    assert len(found) == 1 and "CrimsonLyra105" in found[0]


KR_SHOP = "te_data_generator__ecommerce-tracking-plan"


@corpus
def test_province_that_does_not_hold_the_city(coherence_output, tmp_path: Path) -> None:
    out = coherence_output(KR_SHOP).out
    assert findings(out, MarketChecker, out) == []
    found = _broken(out, tmp_path, _track_with("receiver_city"),
                    lambda p: p.update(receiver_province="Hokkaido", receiver_city="서울"))
    assert len(found) == 1 and "'Hokkaido' does not hold receiver_city '서울'" in found[0]


@pytest.mark.parametrize("source", ["game", pytest.param(IDLE, marks=corpus, id="idle"),
                                    pytest.param(CARD, marks=corpus, id="card")])
def test_server_of_another_region(coherence_output, tmp_path: Path, source: str) -> None:
    """Measured: ``server_id`` "europe_270" beside carrier SKT: a Korean user's event names
    a server of a region that does not serve Korea (where the run has one that does)."""
    g = coherence_output(source)
    far = next(e for e in g.rules.catalogues["server"].entries
               if servers.entry_region(e) not in (None, regions.ALL)
               and not regions.serves(servers.entry_region(e), "KR"))
    output = Output(g.out).copy()
    _, _, first = output.find(lambda r: _track_with("server_id")(r)
                              and regions.country_of_ip(r.get("#ip")) == "KR")
    # The user's last server record: a server shown before a return would also be a flap.
    record = [r for _, _, r in output.user_records(first["#distinct_id"])
              if _track_with("server_id")(r)][-1]
    value = record["properties"]["server_id"]
    record["properties"]["server_id"] = int(far.id) if isinstance(value, int) else far.id
    found = findings(output.write(tmp_path / "broken"), MarketChecker, g.out)
    assert len(found) == 1 and "the user is in KR" in found[0], found


def _server_sequences(output: Output, name: str) -> dict[str, list[str]]:
    """Per user, the servers their ``name`` showed in file order (repeats collapsed)."""
    out: dict[str, list[str]] = {}
    for _, _, r in output.records():
        if r["#type"] != "user_setOnce" and name in r.get("properties", {}):
            shown = out.setdefault(r["#distinct_id"], [])
            if not shown or shown[-1] != str(r["properties"][name]):
                shown.append(str(r["properties"][name]))
    return out


@pytest.mark.parametrize("source", ["game", pytest.param(IDLE, marks=corpus, id="idle"),
                                    pytest.param(CARD, marks=corpus, id="card")])
def test_a_few_users_move_to_a_second_server_once(coherence_output, source: str) -> None:
    """Some users move once to another server of their region; nobody comes back."""
    g = coherence_output(source)
    assert g.rules.catalogues["server"].move_share > 0
    moves = _server_sequences(Output(g.out), "server_id")
    moved = [s for s in moves.values() if len(s) > 1]
    assert moved, "nobody moved"
    assert len(moved) <= 0.1 * len(moves)
    assert all(len(s) == 2 for s in moved), moved


def test_server_flapping_is_found(coherence_output, tmp_path: Path) -> None:
    """A user who moved shows their old server again on one record: a flap."""
    g = coherence_output("game")
    output = Output(g.out).copy()
    user, (old, new) = next((u, s) for u, s in _server_sequences(output, "server_id").items()
                            if len(s) == 2)
    record = [r for _, _, r in output.user_records(user)
              if _track_with("server_id")(r)][-1]
    assert record["properties"]["server_id"] == new
    record["properties"]["server_id"] = old
    found = findings(output.write(tmp_path / "broken"), MarketChecker, g.out)
    assert len(found) == 1 and "back and forth" in found[0] and repr(old) in found[0], found


def test_server_outside_the_plans_list_is_judged_by_its_id(tmp_path: Path) -> None:
    """Without a server catalogue in the rules, the id's own region word decides."""
    from demogen.analysis.rules import Rules
    from demogen.validate.coherence import CoherenceInput

    rules = Rules.model_validate({"properties": {"server_id": {"kind": "generic"}},
                                  "market": {"KR": 1.0}})
    day = tmp_path / "out" / "logs_20240501.jsonl"
    day.parent.mkdir()
    lines = [{"#type": "track", "#time": "2024-05-01 10:00:00.000", "#distinct_id": "u1",
              "#event_name": "login", "#ip": "1.234.5.6",
              "properties": {"server_id": server}} for server in ("kr_01", "europe_270")]
    day.write_text("".join(json.dumps(x) + "\n" for x in lines))
    found = findings(day.parent, MarketChecker, CoherenceInput(rules))
    assert len(found) == 1 and "europe_270" in found[0] and "europe" in found[0]
