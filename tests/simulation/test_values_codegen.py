"""The generated per-event samplers (``_codegen``) draw exactly what their closures draw.

Each event's sampler is one generated function in which simple samplers are written out
instead of called. The closures stay the reference: run one after the other on an
identical user, both must give the same values in the same order, leave the same
per-user memory and consume the user's random stream alike.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest

from demogen.analysis.heuristic import HeuristicAnalyzer
from demogen.simulation._context import DeviceProfile, UserContext
from demogen.simulation.values import EventSampler, ValueFactory
from demogen.simulation.values._codegen import event_function, indent, with_source
from demogen.simulation.values._convert import MISS
from demogen.simulation.values._draw import choice_sampler
from demogen.simulation.values._sticky import per_user
from demogen.taxonomy import load_taxonomy
from demogen.vocab import Segment

from .test_values import make_user

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
PLANS = ["taxonomies/ga4_games", "kr-xlsx/te_data_generator__card-game-tracking-plan.xlsx"]


def _reference(sampler: EventSampler, user: UserContext, t: str) -> dict[str, Any]:
    """What ``sample`` did before it was generated: the closures in a loop, inside the
    same wrappers (a follow-up's ledger, a later payment's order)."""

    def closures(u: UserContext, t: str) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for name, fn in sampler.steps:
            values[name] = fn(u, values, t)
        for hook in sampler.hooks:
            hook(u, values)
        return {name: values[name] for name in sampler.properties}

    for wrapper in sampler.wrappers:
        closures = wrapper(closures)
    return closures(user, t)


def _compare(folder: Path) -> None:
    loaded = load_taxonomy(folder)
    rules = HeuristicAnalyzer().analyze(loaded.taxonomy, loaded.product)
    factory = ValueFactory(loaded.taxonomy, rules, loaded.product, seed=3, pool_size=40)
    events = factory.event_names
    segments = list(Segment)
    for index in range(10):
        ours, theirs = (make_user(index, seed=5, segment=segments[index % len(segments)])
                        for _ in range(2))
        if index % 3:   # some users with a state to mirror, the others fall back
            ours.state = factory.initial_user_state(ours, "2024-05-01 08:00:00.000")
            theirs.state = factory.initial_user_state(theirs, "2024-05-01 08:00:00.000")
        pick = random.Random(index)
        for step in range(60):
            for user in (ours, theirs):
                user.session_number = 1 + step // 12
                user.clock = user.session_start = 3600.0 * user.session_number
            event = events[pick.randrange(len(events))]
            t = f"2024-05-{1 + step // 12:02d} 12:{step % 60:02d}:00.000"
            sampler = factory.event_sampler(event)
            got, want = sampler.sample(ours, t), _reference(sampler, theirs, t)
            # A value a sampler could not give (the account id before sign-up) is left out.
            want = {name: x for name, x in want.items() if x is not MISS}
            assert list(got.items()) == list(want.items()), (event, step)
            assert ours.sticky == theirs.sticky, (event, step)
            assert ours.rnd.getstate() == theirs.rnd.getstate(), (event, step)


@pytest.mark.parametrize("example", ["game", "ecommerce", "saas"])
def test_generated_samplers_draw_what_their_closures_draw(example: str) -> None:
    _compare(EXAMPLES / example)


@pytest.mark.parametrize("plan", PLANS)
def test_same_on_real_plans(shared_dir: Path, plan: str) -> None:
    _compare(shared_dir / plan)


def _user() -> UserContext:
    device = DeviceProfile(distinct_id="d", country="KR", zone_offset=9.0, ip="1.1.1.1",
                           locale="ko_KR", language="ko", currency="KRW")
    return UserContext(index=1, rnd=random.Random(1), device=device)


def test_any_names_make_valid_code() -> None:
    fn = per_user("서버'\"\\\n", choice_sampler(["a", "b"]))
    sample, source = event_function("결제 완료²", [("서버'\"\\\n", fn)], ["서버'\"\\\n"],
                                    frozenset(), [])
    assert sample(_user(), "t") == {"서버'\"\\\n": sample(_user(), "t")["서버'\"\\\n"]}
    assert source.startswith("def sample_")


def test_too_deep_to_write_out_is_called_instead() -> None:
    """Python refuses more than 20 nested loops: such an event calls its samplers."""

    def looped(inner: Any) -> Any:
        def fn(u: UserContext, v: dict[str, Any], t: str) -> list[Any]:
            return [inner(u, v, t)]

        def source(w: Any, out: str) -> list[str]:
            x = w.temp()
            return [f"{out} = []", "for _ in range(1):", *indent(w.value(inner, x)),
                    f"    {out}.append({x})"]

        return with_source(fn, source)

    fn = with_source(lambda u, v, t: u.rnd.random(), lambda w, out: [f"{out} = rnd()"])
    for _ in range(25):
        fn = looped(fn)
    sample, source = event_function("deep", [("x", fn)], ["x"], frozenset(), [])
    assert "for " not in source
    value = sample(_user(), "t")["x"]
    for _ in range(25):
        value = value[0]
    assert value == random.Random(1).random()
