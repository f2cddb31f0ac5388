"""The analyzer ties balances, running totals, experience and play time to the events that
move them (issue 11), on small plans written here (no corpus needed)."""

from __future__ import annotations

from demogen.analysis.heuristic import HeuristicAnalyzer
from demogen.analysis.rules import Rules, UpdateRule
from demogen.taxonomy import Event, EventTaxonomy, ProductInfo, Property
from demogen.vocab import PropertyType, Scope, UpdateMethod, UpdateType

NUMBER, STRING = PropertyType.NUMBER, PropertyType.STRING


def _prop(name: str, kind: PropertyType = NUMBER, *, enum: tuple[str, ...] = (),
          examples: tuple[str, ...] = (), description: str = "") -> Property:
    return Property(name=name, type=kind, enum=enum or None, examples=examples,
                    description=description)


def _user(name: str, method: UpdateMethod = UpdateMethod.USER_SET, *,
          description: str = "") -> Property:
    return Property(name=name, type=NUMBER, scope=Scope.USER, update_method=method,
                    description=description)


def _analyze(events: tuple[Event, ...], props: tuple[Property, ...],
             users: tuple[Property, ...]) -> Rules:
    plan = EventTaxonomy(events=(Event(name="app_start"), *events, Event(name="app_end")),
                         properties=props, user_properties=users)
    return HeuristicAnalyzer().analyze(plan, ProductInfo(industry="game"))


def test_token_events_move_the_balance_of_the_currency_they_name() -> None:
    """An id-like currency property gets the balances' currencies as its pool."""
    rules = _analyze(
        (Event(name="token_get", properties=("token_id", "token_get_amount")),
         Event(name="token_consume", properties=("token_id", "token_consume_amount"))),
        (_prop("token_id", STRING), _prop("token_get_amount"), _prop("token_consume_amount")),
        (_user("current_gold"), _user("current_diamond")))
    get, consume = rules.update_patterns["token_get"], rules.update_patterns["token_consume"]
    assert get["current_gold"] == UpdateRule(type=UpdateType.INCREMENT,
                                             value="{{token_get_amount}}",
                                             when={"token_id": ["gold"]})
    assert get["current_diamond"].when == {"token_id": ["diamond"]}
    assert consume["current_gold"].type is UpdateType.DECREMENT
    assert consume["current_gold"].when == {"token_id": ["gold"]}
    source = rules.properties["token_id"].source
    assert source is not None and source.type == "pool"
    assert sorted(source.values) == ["diamond", "gold"]


def test_a_flow_event_adds_on_gains_and_takes_on_spends_of_its_currency() -> None:
    """A direction property (in / out) and an enum naming the currencies: the conditions use
    the plan's own values, a premium balance takes the hard currency, the lifetime total
    counts gains only, and the enum is left as it is (no pool)."""
    rules = _analyze(
        (Event(name="wallet_change", properties=("currency_type", "direction", "qty")),),
        (_prop("currency_type", STRING, enum=("GOLD", "GEM", "STAMINA")),
         _prop("direction", STRING, enum=("in", "out")), _prop("qty")),
        (_user("gold_balance"), _user("premium_currency_balance"),
         _user("lifetime_gold_earned", UpdateMethod.USER_ADD)))
    flow = rules.update_patterns["wallet_change"]
    assert flow["gold_balance"] == UpdateRule(
        type=UpdateType.INCREMENT, value="{{qty}}", when={"currency_type": ["GOLD"]},
        reverse_when={"direction": ["out"]})
    assert flow["premium_currency_balance"].when == {"currency_type": ["GEM"]}
    assert flow["lifetime_gold_earned"].when == {"currency_type": ["GOLD"], "direction": ["in"]}
    assert flow["lifetime_gold_earned"].reverse_when is None
    spec = rules.properties.get("currency_type")
    assert spec is None or spec.source is None or spec.source.type != "pool"


def test_a_currency_the_enum_lacks_is_never_moved_by_that_event() -> None:
    rules = _analyze(
        (Event(name="currency_flow", properties=("currency_id", "flow_type", "amount")),),
        (_prop("currency_id", STRING, enum=("gold",)),
         _prop("flow_type", STRING, enum=("earn", "consume")), _prop("amount")),
        (_user("current_gold"), _user("current_ruby")))
    flow = rules.update_patterns["currency_flow"]
    assert flow["current_gold"].when == {"currency_id": ["gold"]}
    assert "current_ruby" not in flow


def test_examples_missing_a_balances_currency_get_it_in_their_pool() -> None:
    rules = _analyze(
        (Event(name="currency_flow", properties=("currency_id", "transaction_type", "amount")),),
        (_prop("currency_id", STRING, examples=("gold", "stamina")),
         _prop("transaction_type", STRING, enum=("gain", "spend")), _prop("amount")),
        (_user("current_gold_balance"),
         _user("current_premium_balance", description="유료 재화(젬 등)의 양")))
    assert rules.update_patterns["currency_flow"]["current_premium_balance"].when == {
        "currency_id": ["gem"]}
    source = rules.properties["currency_id"].source
    assert source is not None and source.values == ["gold", "stamina", "gem"]


def test_play_time_adds_the_session_length_in_its_unit() -> None:
    rules = _analyze((), (), (_user("total_playtime_minutes", UpdateMethod.USER_ADD),
                              _user("lifetime_play_time", UpdateMethod.USER_ADD),
                              _user("avg_session_duration")))
    end = rules.update_patterns["app_end"]
    assert end["total_playtime_minutes"] == UpdateRule(
        type=UpdateType.INCREMENT, value="{{#duration}}", scale=round(1 / 60, 6))
    assert end["lifetime_play_time"].scale is None      # seconds, like #duration
    assert "avg_session_duration" not in end


def test_experience_grows_with_the_events_that_give_it() -> None:
    rules = _analyze(
        (Event(name="stage_clear", properties=("stage_id", "exp_gain", "total_exp")),
         Event(name="quest_complete", properties=("quest_id", "reward_xp"))),
        (_prop("stage_id", STRING), _prop("exp_gain"), _prop("total_exp"),
         _prop("quest_id", STRING), _prop("reward_xp")),
        (_user("current_xp"),))
    assert rules.update_patterns["stage_clear"]["current_xp"] == UpdateRule(
        type=UpdateType.INCREMENT, value="{{exp_gain}}")
    assert rules.update_patterns["quest_complete"]["current_xp"].value == "{{reward_xp}}"


def test_a_total_of_things_counts_the_one_the_description_says() -> None:
    """``total_workouts`` (user_add, "+1 per completed workout") adds 1 on
    ``workout_complete``, not on the start listed first, and is a whole count (Stridely:
    no update at all, and a money range from 0.99)."""
    rules = _analyze(
        (Event(name="workout_start", properties=("workout_id",)),
         Event(name="workout_pause", properties=("workout_id",)),
         Event(name="workout_complete", properties=("workout_id", "duration_sec"))),
        (_prop("workout_id", STRING), _prop("duration_sec")),
        (_user("total_workouts", UpdateMethod.USER_ADD,
               description="+1 per completed workout"),))
    assert rules.update_patterns["workout_complete"]["total_workouts"] == UpdateRule(
        type=UpdateType.INCREMENT, value=1)
    assert "workout_start" not in rules.update_patterns
    found = rules.value_ranges["total_workouts"]
    assert found.min == 0 and float(found.max).is_integer()


def test_a_total_adds_what_its_unit_counts() -> None:
    """A user_add total's unit chooses what it adds (툰나무): a money total (금액(원)) the
    charge's money, not the coins it carries; a count of things (회차 수, "1 증가") one per
    event, not a number sharing a word (``read_progress``); a currency total its coins."""
    charge = Event(name="coin_charge", properties=("coin_amount", "pay_amount", "currency"))
    read = Event(name="episode_read", properties=("episode_no", "read_progress"))
    rules = _analyze(
        (read, charge),
        (_prop("coin_amount", description="충전 코인 (100~10000)"),
         _prop("pay_amount", description="단위 원 (1000~100000)"),
         _prop("currency", STRING, enum=("KRW",)), _prop("episode_no"),
         _prop("read_progress", description="뷰어를 닫을 때의 진행률 (0~1)")),
        (Property(name="total_charge_amount", display_name="누적 충전 금액", type=NUMBER,
                  scope=Scope.USER, update_method=UpdateMethod.USER_ADD,
                  description="코인 충전 시 결제 금액(원) 누적"),
         Property(name="total_read_episodes", display_name="누적 열람 회차 수", type=NUMBER,
                  scope=Scope.USER, update_method=UpdateMethod.USER_ADD,
                  description="회차 열람 시 1 증가"),
         _user("total_charged_coins", UpdateMethod.USER_ADD, description="충전한 코인 누적")))
    charged = rules.update_patterns["coin_charge"]
    assert charged["total_charge_amount"].value == "{{pay_amount}}"
    assert charged["total_charged_coins"].value == "{{coin_amount}}"
    assert rules.update_patterns["episode_read"]["total_read_episodes"] == UpdateRule(
        type=UpdateType.INCREMENT, value=1)
    episodes = rules.value_ranges["total_read_episodes"]
    assert episodes.min == 0 and float(episodes.max).is_integer()
