"""validate's balances check: an event's balance view (Rules source ``after`` / a listed
``before``) shows the balance the event moved. The default outputs pass; a copy with one
view broken, or the profile record of one move dropped, is reported at that record only."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from demogen.validate.coherence import CHECKERS
from demogen.validate.coherence._balances import BalancesChecker
from tests.corpus import corpus
from tests.simulation.generated_outputs import generate, source_path, spender_config
from tests.validate.coherence.checking import findings, saved_input
from tests.validate.generated import Output

CARD = "te_data_generator__card-game-tracking-plan"
Record = dict[str, Any]


def _with(event: str, *names: str, test: Callable[[Record], bool] = lambda p: True
          ) -> Callable[[Record], bool]:
    return lambda r: r.get("#type") == "track" and r.get("#event_name") == event and \
        set(names) <= set(r["properties"]) and test(r["properties"])


def _broken(out: Path, tmp_path: Path, test: Callable[[Record], bool],
            change: Callable[[Output, str, int], None]) -> tuple[list[str], str, Record]:
    """``change`` applied to a copy of ``out`` at the first record passing ``test``: the
    findings on the copy, the record's place (``file:line``) and the record as it was."""
    output = Output(out)
    name, index, record = output.find(test)
    was = copy.deepcopy(record)
    change(output, name, index)
    return findings(output.write(tmp_path / "broken"), BalancesChecker, out), \
        f"{name}:{index + 1}", was


def _set(prop: str, value: Callable[[Any], Any]) -> Callable[[Output, str, int], None]:
    def change(output: Output, name: str, index: int) -> None:
        props = output.files[name][index]["properties"]
        props[prop] = value(props[prop])
    return change


def test_registered() -> None:
    assert BalancesChecker in CHECKERS


def test_game_has_views_and_passes(coherence_output: Any) -> None:
    out = coherence_output("game").out
    checker = BalancesChecker(saved_input(out))
    views = {e: [v.prop for v in here] for e, (here, _) in checker.events.items()}
    assert views["gold_spend"] == ["gold_balance"] and views["gold_earn"] == ["gold_balance"]
    Output(out).find(_with("gold_spend", "gold_balance"))
    assert findings(out, BalancesChecker, out) == []


def test_a_gold_balance_off_its_move_is_reported(coherence_output: Any,
                                                 tmp_path: Path) -> None:
    found, at, record = _broken(coherence_output("game").out, tmp_path,
                                _with("gold_spend", "gold_balance"),
                                _set("gold_balance", lambda v: v + 7))
    shown = record["properties"]["gold_balance"]
    assert len(found) == 1, found
    assert found[0].startswith(f"{at}: user {record['#distinct_id']}: gold_spend shows "
                               f"gold_balance {shown + 7}, but gold is {shown} after it")


def test_a_move_without_its_profile_record_is_reported(coherence_output: Any,
                                                       tmp_path: Path) -> None:
    """A gold_earn whose user record is lost: the profile's gold stays where it was, so
    the gold_balance the event shows is not the balance after it."""
    moved = _with("gold_earn", "gold_amount", "gold_balance",
                  test=lambda p: p["gold_amount"] > 0)

    def drop(output: Output, name: str, index: int) -> None:
        after = output.files[name][index + 1]
        assert after["#type"] == "user_set" and set(after["properties"]) == {"gold"}
        del output.files[name][index + 1]

    found, at, record = _broken(coherence_output("game").out, tmp_path, moved, drop)
    assert len(found) == 1, found
    before = record["properties"]["gold_balance"] - record["properties"]["gold_amount"]
    assert found[0].startswith(f"{at}: user {record['#distinct_id']}: gold_earn shows "
                               f"gold_balance {record['properties']['gold_balance']}, but "
                               f"gold is {before} after it")


def test_a_spend_larger_than_the_balance_is_reported(coherence_output: Any,
                                                     tmp_path: Path) -> None:
    """A gold_spend costing one more than the gold held before it (what a floored balance
    shows: balance-after + amount > balance-before) is reported; the view is not."""
    def overspend(output: Output, name: str, index: int) -> None:
        props = output.files[name][index]["properties"]
        props["gold_amount"] = props["gold_balance"] + props["gold_amount"] + 1

    found, at, record = _broken(coherence_output("game").out, tmp_path,
                                _with("gold_spend", "gold_amount", "gold_balance"), overspend)
    props = record["properties"]
    held = props["gold_balance"] + props["gold_amount"]
    assert len(found) == 1, found
    assert found[0] == (f"{at}: user {record['#distinct_id']}: gold_spend spends gold_amount "
                        f"{held + 1}, but gold was {held} before it")


def test_a_literal_amount_moves_the_view_too(tmp_path: Path) -> None:
    """A spend of a fixed amount (no event property read) is shown like any other: the
    engine took the view's balance after that move (1,659 views off in 200 users)."""
    overlay = tmp_path / "overlay.yaml"
    overlay.write_text("update_patterns:\n  gold_spend:\n"
                       "    gold: {type: decrement, value: 5}\n", encoding="utf-8")
    g = generate(source_path("game", tmp_path), tmp_path / "out", users=60, days=3, seed=3,
                 extra=["--rules", str(overlay)])
    output = Output(g.out)
    name, index, record = output.find(_with("gold_spend", "gold_balance"))
    following = output.files[name][index + 1]
    assert following["properties"] == {"gold": record["properties"]["gold_balance"]}
    assert findings(g.out, BalancesChecker, g.out) == []


@corpus
def test_card_has_views_and_passes(coherence_output: Any) -> None:
    out = coherence_output(CARD).out
    checker = BalancesChecker(saved_input(out))
    here, _ = checker.events["token_get"]
    assert {(v.prop, v.after) for v in here} == {("token_change_after", True),
                                                 ("token_change_before", False)}
    assert findings(out, BalancesChecker, out) == []


@corpus
@pytest.mark.parametrize(("event", "prop", "moment"), [
    ("token_get", "token_change_after", "is {} after it"),
    ("token_consume", "token_change_before", "was {} before it"),
])
def test_a_card_token_view_off_its_balance_is_reported(
        coherence_output: Any, tmp_path: Path, event: str, prop: str, moment: str) -> None:
    found, at, record = _broken(coherence_output(CARD).out, tmp_path,
                                _with(event, prop, "token_id"),
                                _set(prop, lambda v: v + 3))
    props = record["properties"]
    balance = {"gold": "current_gold", "diamond": "current_diamond"}[props["token_id"]]
    assert len(found) == 1, found
    assert found[0].startswith(f"{at}: user {record['#distinct_id']}: {event} shows {prop} "
                               f"{props[prop] + 3}, but {balance} {moment.format(props[prop])}")


@corpus
def test_a_card_spend_of_more_than_the_token_held_is_reported(coherence_output: Any,
                                                              tmp_path: Path) -> None:
    """token_consume takes current_gold only when its token_id is gold (a ``when``): one
    costing more than the gold before it is reported (the run withholds such spends: 952
    of 16,051 floored at 0 at 1,000 x 14 seed 3 before)."""
    def overspend(output: Output, name: str, index: int) -> None:
        props = output.files[name][index]["properties"]
        props["token_consume_amount"] = props["token_change_before"] + 1

    found, at, record = _broken(
        coherence_output(CARD).out, tmp_path,
        _with("token_consume", "token_consume_amount", "token_change_before",
              test=lambda p: p.get("token_id") == "gold"), overspend)
    held = record["properties"]["token_change_before"]
    assert len(found) == 1, found
    assert found[0] == (f"{at}: user {record['#distinct_id']}: token_consume spends "
                        f"token_consume_amount {held + 1}, but current_gold was {held} "
                        "before it")


@corpus
def test_a_before_view_showing_the_after_is_reported(coherence_output: Any,
                                                     tmp_path: Path) -> None:
    """token_change_before is the balance before the move, not the one it leaves."""
    moved = _with("token_get", "token_change_before", "token_change_after",
                  test=lambda p: p["token_change_after"] != p["token_change_before"])

    def swap(output: Output, name: str, index: int) -> None:
        props = output.files[name][index]["properties"]
        props["token_change_before"] = props["token_change_after"]

    found, at, record = _broken(coherence_output(CARD).out, tmp_path, moved, swap)
    props = record["properties"]
    assert len(found) == 1, found
    assert found[0].startswith(f"{at}: user {record['#distinct_id']}: token_get shows "
                               f"token_change_before {props['token_change_after']}, but ")
    assert found[0].endswith(f" was {props['token_change_before']} before it")


@corpus
def test_a_currency_no_balance_holds_is_not_judged(coherence_output: Any,
                                                   tmp_path: Path) -> None:
    """A token_get of a token no update's ``when`` names moves no balance: its views keep
    their drawn values (the simulation's rule), so nothing is reported for them."""
    def other_token(output: Output, name: str, index: int) -> None:
        props = output.files[name][index]["properties"]
        props["token_id"] = "stamina_ticket"
        props["token_change_after"] += 11

    found, _, _ = _broken(coherence_output(CARD).out, tmp_path,
                          _with("token_get", "token_id", "token_change_after"), other_token)
    assert found == []


# -- consumables: a use takes one from its balance (Sparkd's boosts and Super Likes) ------

DATING = Path(__file__).parents[2] / "data" / "unseen" / "dating"


@pytest.fixture(scope="module")
def dating(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Sparkd with every user a spender (a custom segment), so packs are bought and used."""
    root = tmp_path_factory.mktemp("balances_dating")
    return generate(DATING, root / "out", users=100, days=5, seed=3,
                    extra=["--config", spender_config(root)]).out


def test_dating_uses_are_judged_and_pass(dating: Path) -> None:
    checker = BalancesChecker(saved_input(dating))
    assert [(m.balance, amount) for m, amount in checker.spends["boost_activated"]] == [
        ("boosts_balance", 1.0)]
    views = {e: [v.prop for v in here] for e, (here, _) in checker.events.items()}
    assert views["super_like_used"] == ["super_likes_left"]
    assert views["purchase_completed"] == ["boosts_left", "super_likes_left"]
    assert findings(dating, BalancesChecker, dating) == []


def test_a_left_off_its_balance_is_reported(dating: Path, tmp_path: Path) -> None:
    found, at, record = _broken(dating, tmp_path, _with("boost_activated", "boosts_left"),
                                _set("boosts_left", lambda v: v + 1))
    shown = record["properties"]["boosts_left"]
    assert len(found) == 1, found
    assert found[0] == (f"{at}: user {record['#distinct_id']}: boost_activated shows "
                        f"boosts_left {shown + 1}, but boosts_balance is {shown} after it")


def test_a_use_with_nothing_left_is_reported(dating: Path, tmp_path: Path) -> None:
    """A second Super Like right after the one that emptied the balance (a copy placed
    after its profile record): it spends one the user no longer holds."""
    emptied = _with("super_like_used", "super_likes_left",
                    test=lambda p: p["super_likes_left"] == 0)

    def again(output: Output, name: str, index: int) -> None:
        rows = output.files[name]
        following = rows[index + 1]
        assert following["#type"] == "user_set" and \
            following["properties"] == {"super_likes_balance": 0}
        rows.insert(index + 2, copy.deepcopy(rows[index]))

    found, at, record = _broken(dating, tmp_path, emptied, again)
    name, line = at.split(":")
    assert found == [f"{name}:{int(line) + 2}: user {record['#distinct_id']}: super_like_used "
                     "spends 1 of super_likes_balance, but super_likes_balance was 0 before it"]


def test_a_pack_not_all_given_is_reported(dating: Path, tmp_path: Path) -> None:
    """The profile record after a pack bought shows one Super Like fewer than the balance
    before it plus the pack's quantity (what a balance held at its top showed)."""
    def bought(r: Record) -> bool:
        return r.get("#type") == "track" and r.get("#event_name") == "purchase_completed" \
            and str(r["properties"]["product_id"]).startswith("super_like")

    def short(output: Output, name: str, index: int) -> None:
        following = output.files[name][index + 1]
        assert following["#type"] == "user_set"
        following["properties"]["super_likes_balance"] -= 1

    output = Output(dating)
    name, index, _ = output.find(bought)
    now = output.files[name][index + 1]["properties"]["super_likes_balance"]
    found, at, record = _broken(dating, tmp_path, bought, short)
    quantity = record["properties"]["quantity"]
    assert found[:1] == [f"{at}: user {record['#distinct_id']}: purchase_completed adds "
                         f"quantity {quantity} to super_likes_balance {now - quantity}, but "
                         f"super_likes_balance is {now - 1} after it"], found
