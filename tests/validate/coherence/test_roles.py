"""validate's roles check: a role creation once per server, again only after a move."""

from __future__ import annotations

import copy
from pathlib import Path

from demogen.validate.coherence._roles import RolesChecker
from tests.validate.coherence.checking import findings
from tests.validate.generated import Output, event, shifted

CREATE = "create_character"


def test_clean_game_passes(coherence_output) -> None:
    g = coherence_output("game")
    assert g.rules.event_roles.new_role == [CREATE]
    assert findings(g.out, RolesChecker, g.out) == []


def test_second_creation_on_one_server(coherence_output, tmp_path: Path) -> None:
    out = coherence_output("game").out
    output = Output(out).copy()
    name, index, record = output.find(event(CREATE))
    again = copy.deepcopy(record)
    again["#time"] = shifted(record["#time"], 1)
    again["#uuid"] = "00000000-0000-4000-8000-000000000001"
    output.files[name].insert(index + 1, again)
    found = findings(output.write(tmp_path / "broken"), RolesChecker, out)
    assert len(found) == 1 and CREATE in found[0] and record["#distinct_id"] in found[0]


def test_creation_after_a_move_passes(coherence_output, tmp_path: Path) -> None:
    g = coherence_output("game")
    output = Output(g.out).copy()
    name, index, record = output.find(event(CREATE))
    server = next(k for k in record["properties"] if k in g.rules.properties
                  and k.startswith("server"))
    again = copy.deepcopy(record)
    again["#time"] = shifted(record["#time"], 1)
    again["#uuid"] = "00000000-0000-4000-8000-000000000002"
    again["properties"][server] = "a_newer_server"   # the user moved before creating it
    output.files[name].insert(index + 1, again)
    assert findings(output.write(tmp_path / "moved"), RolesChecker, g.out) == []


def test_a_level_carried_into_a_new_role(coherence_output, tmp_path: Path) -> None:
    """A mover whose new role shows the old role's level (per_role) is reported there."""
    g = coherence_output("game")
    assert findings(g.out, RolesChecker, g.out) == []
    output = Output(g.out).copy()
    old: dict[str, tuple[str, int]] = {}
    for records in output.files.values():
        for record in records:
            props = record.get("properties", {})
            uid, server, level = record["#distinct_id"], props.get("server_id"), props.get("level")
            if record["#type"] != "track" or server is None or not isinstance(level, int):
                continue
            seen = old.get(uid)
            if seen is not None and seen[0] != server and seen[1] > level and seen[1] > 2:
                props["level"] = seen[1] + 1     # the old role's level, carried on
                found = findings(output.write(tmp_path / "broken"), RolesChecker, g.out)
                assert len(found) == 1 and "level" in found[0] and uid in found[0], found
                return
            old[uid] = (server, level)
    raise AssertionError("no mover with a level on both servers in the run")


def test_a_level_back_within_a_role(coherence_output, tmp_path: Path) -> None:
    """A role's level going back on the same server is reported (the progression check
    leaves per_role levels to this one)."""
    g = coherence_output("game")
    output = Output(g.out).copy()
    name, index, record = output.find(event("level_up"))
    later = next(r for r in output.files[name][index + 1:]
                 if r["#distinct_id"] == record["#distinct_id"] and r["#type"] == "track"
                 and isinstance(r.get("properties", {}).get("level"), int))
    later["properties"]["level"] = 0
    found = findings(output.write(tmp_path / "back"), RolesChecker, g.out)
    assert any("went back" in f and record["#distinct_id"] in f for f in found), found
