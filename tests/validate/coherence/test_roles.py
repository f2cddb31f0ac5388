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
