"""A user who moves to a newer server creates a role there, in the session of the move;
nobody creates two roles on one server."""

from __future__ import annotations

from demogen.analysis.heuristic import servers
from demogen.analysis.heuristic.values import progression
from demogen.analysis.rules import per_role_properties
from tests.corpus import corpus

CARD = "te_data_generator__card-game-tracking-plan"


def _server_changes(g) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """Per user: the servers their records showed in order, and the server each of their
    role creations showed."""
    creations = set(g.rules.event_roles.new_role)
    shown: dict[str, list[str]] = {}
    created: dict[str, list[str]] = {}
    for record in g.records:
        uid, props = record["#distinct_id"], record.get("properties", {})
        if record["#type"] == "user_setOnce":
            continue
        ids = [str(v) for k, v in props.items() if servers.server_field(k) == servers.ID]
        if ids:
            seen = shown.setdefault(uid, [])
            if not seen or seen[-1] != ids[0]:
                seen.append(ids[0])
        if record["#type"] == "track" and record["#event_name"] in creations:
            created.setdefault(uid, []).append(ids[0] if ids else "")
    return shown, created


def test_movers_create_a_role_on_the_new_server(coherence_output) -> None:
    g = coherence_output("game")
    assert g.rules.event_roles.new_role
    shown, created = _server_changes(g)
    movers = [uid for uid, seen in shown.items() if len(seen) > 1]
    assert movers, "no user moved: the run shows nothing"
    for uid in movers:
        assert shown[uid][-1] in created.get(uid, []), uid
    for uid, on in created.items():
        assert len(on) == len(set(on)), f"{uid}: two role creations on one server {on}"


def test_a_new_role_starts_afresh(coherence_output) -> None:
    """A mover's role values (Rules per_role: the level and what shows it) restart with the
    role created on the new server; account values (the sum paid) carry on."""
    g = coherence_output("game")
    level = "level"
    assert g.rules.properties[level].per_role
    last: dict[str, tuple[str, int]] = {}
    restarted = carried = 0
    for record in g.records:
        props = record.get("properties", {})
        ids = [str(v) for k, v in props.items() if servers.server_field(k) == servers.ID]
        if record["#type"] != "track" or not ids or level not in props:
            continue
        uid, value = record["#distinct_id"], props[level]
        seen = last.get(uid)
        if seen is not None and seen[0] != ids[0]:
            restarted += value < seen[1]
            carried += value >= seen[1] > 2
        last[uid] = (ids[0], value)
    assert restarted > 0 and carried == 0, (restarted, carried)


def test_a_new_role_starts_at_the_first_stages(coherence_output) -> None:
    """A new role's stage ids restart from its own level, in the first chapter (a stage
    id's start read the old role's level: a role at level 2 showed ``stage_10_1`` or the
    last stage)."""
    g = coherence_output("game")
    stage = "cur_stage_id"
    assert stage in per_role_properties(g.rules)
    last: dict[str, tuple[str, tuple[int, ...]]] = {}
    firsts: list[tuple[tuple[int, ...], tuple[int, ...]]] = []
    for record in g.records:
        props = record.get("properties", {})
        ids = [str(v) for k, v in props.items() if servers.server_field(k) == servers.ID]
        order = progression.stage_order(props.get(stage))
        if record["#type"] != "track" or not ids or order is None:
            continue
        uid = record["#distinct_id"]
        seen = last.get(uid)
        if seen is not None and seen[0] != ids[0]:
            firsts.append((seen[1], order[1]))
        last[uid] = (ids[0], order[1])
    assert any(old[0] > 1 for old, _ in firsts), "no mover was past the first chapter"
    late = [(old, new) for old, new in firsts if new[0] > 1]     # a role at level 1 or 2
    assert not late, f"{len(late)} of {len(firsts)} new roles start late: {late[:5]}"


@corpus
def test_a_new_roles_drawn_number_starts_low(coherence_output) -> None:
    """A number drawn once per user (the card workbook's ``tmp_power``) starts near its
    range's bottom with a new role: no higher above it than the new role's level is to the
    old role's (it was drawn again from the whole range: 877 → 10,550 at level 24 → 2)."""
    g = coherence_output(CARD)
    power, level = "tmp_power", "tmp_level"
    assert power in per_role_properties(g.rules)
    low = g.rules.value_ranges[power].min
    last: dict[str, tuple[str, float, float]] = {}
    firsts: list[tuple[float, float, float, float]] = []
    for record in g.records:
        props = record.get("properties", {})
        ids = [str(v) for k, v in props.items() if servers.server_field(k) == servers.ID]
        if record["#type"] != "track" or not ids or power not in props or level not in props:
            continue
        uid = record["#distinct_id"]
        seen = last.get(uid)
        if seen is not None and seen[0] != ids[0]:
            firsts.append((seen[1], seen[2], props[power], props[level]))
        last[uid] = (ids[0], props[power], props[level])
    assert firsts, "no user moved: the run shows nothing"
    # the level shown may lag the role's by one: twice the share is still the bottom
    high = [f for f in firsts if f[2] > low + (f[0] - low) * 2 * max(f[3], 1) / f[1] + 1]
    assert not high, f"{len(high)} of {len(firsts)} new roles drew high: {high[:5]}"
