"""Users' ids (``simulation.ids``): derived from (seed, namespace, user index), unique in a
run, shaped like the plan's account id; and the plan properties that carry the account id.
``tests/cli/test_generate_ids.py`` checks the same through ``demogen generate``."""

from __future__ import annotations

import random
import re
from dataclasses import replace
from datetime import date
from itertools import pairwise

import pytest
from pydantic import ValidationError

from demogen.analysis.rules import Rules
from demogen.errors import ConfigError
from demogen.simulation._context import DeviceProfile, UserContext
from demogen.simulation.config import SimulationConfig
from demogen.simulation.ids import (
    DEFAULT_SHAPE,
    IdShape,
    RunIds,
    account_id_shape,
    check_id_prefix,
    id_namespace,
)
from demogen.simulation.values import ValueFactory
from demogen.taxonomy import Event, EventTaxonomy, ProductInfo, Property, ValueRange
from demogen.vocab import PropertyType as T
from demogen.vocab import Scope

UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"


def plan(*props: Property) -> EventTaxonomy:
    """A one-event plan holding ``props`` in the scope each declares."""
    return EventTaxonomy(
        events=(Event(name="login", properties=tuple(p.name for p in props
                                                     if p.scope is Scope.EVENT)),),
        properties=tuple(p for p in props if p.scope is Scope.EVENT),
        common_properties=tuple(p for p in props if p.scope is Scope.COMMON),
        user_properties=tuple(p for p in props if p.scope is Scope.USER))


def P(name: str, type_: T = T.STRING, scope: Scope = Scope.USER, **kw: object) -> Property:
    return Property(name=name, type=type_, scope=scope, **kw)  # type: ignore[arg-type]


# -- derivation -------------------------------------------------------------------------------


def test_same_inputs_same_ids_other_namespace_or_seed_none_in_common() -> None:
    users = range(2_000)

    def all_ids(ids: RunIds) -> set[str | int]:
        return ({ids.account_id(i) for i in users} | {ids.distinct_id(i) for i in users}
                | {ids.device_salt(i) for i in users})

    game = all_ids(RunIds(seed=0, namespace=id_namespace("f1", "Rune Knights")))
    assert game == all_ids(RunIds(seed=0, namespace=id_namespace("f1", "Rune Knights")))
    assert len(game) == 3 * len(users)                       # unique per user and kind
    for other in (RunIds(seed=0, namespace=id_namespace("f1", "Northbay")),
                  RunIds(seed=0, namespace=id_namespace("f2", "Rune Knights")),
                  RunIds(seed=1, namespace=id_namespace("f1", "Rune Knights"))):
        assert not game & all_ids(other)


@pytest.mark.parametrize("shape", [DEFAULT_SHAPE, IdShape("digits", 6), IdShape("hex", 8),
                                   IdShape("digits", 8, prefix="U")], ids=str)
def test_account_ids_are_unique_in_a_run_and_keep_the_shape(shape: IdShape) -> None:
    users = 60_000
    ids = RunIds(seed=3, shape=shape, users=users)
    made = [ids.account_id(i) for i in range(users)]
    assert len(set(made)) == users
    pattern = {"digits": rf"{shape.prefix}[1-9]\d{{{ids.shape.width - 1}}}",
               "hex": rf"[0-9a-f]{{{shape.width}}}"}[shape.kind]
    assert all(re.fullmatch(pattern, a) for a in made), made[:5]


def test_a_shape_too_narrow_for_the_run_widens() -> None:
    ids = RunIds(seed=0, shape=IdShape("digits", 4), users=20_000)
    assert ids.shape.width == 5
    assert len({ids.account_id(i) for i in range(20_000)}) == 20_000


def test_default_ids_do_not_count_up() -> None:
    ids = RunIds(seed=0)
    made = [int(ids.account_id(i)) for i in range(200)]
    steps = [b - a for a, b in pairwise(made)]
    assert len({s > 0 for s in steps}) == 2 and min(abs(s) for s in steps) > 1000
    assert all(re.fullmatch(UUID, ids.distinct_id(i)) for i in range(200))


def test_prefix_starts_account_and_distinct_ids_and_stays_under_64() -> None:
    ids = RunIds(seed=0, prefix="x" * 16, shape=IdShape("uuid", upper=True))
    account, distinct = ids.account_id(5), ids.distinct_id(5)
    assert account.startswith("x" * 16) and distinct.startswith("x" * 16)
    assert 0 < len(account) <= 64 and 0 < len(distinct) <= 64
    assert re.fullmatch(UUID, account[16:].lower()) and account[16:].isupper()


@pytest.mark.parametrize("prefix", ["demo1_", "A", "run-7.b", "x" * 16])
def test_good_prefixes(prefix: str) -> None:
    assert check_id_prefix(prefix) == prefix
    assert SimulationConfig(start=date(2025, 1, 6), id_prefix=prefix).id_prefix == prefix


@pytest.mark.parametrize("prefix", ["", "a b", "a/b", "é", "x" * 17, "a\n"])
def test_bad_prefixes_name_the_option(prefix: str) -> None:
    with pytest.raises(ConfigError, match="--id-prefix"):
        check_id_prefix(prefix)
    with pytest.raises(ValidationError, match="--id-prefix"):
        SimulationConfig(start=date(2025, 1, 6), id_prefix=prefix)


# -- the plan's shape -------------------------------------------------------------------------


@pytest.mark.parametrize(("prop", "expected"), [
    (P("account_id", examples=("8812345678",)), IdShape("digits", 10)),
    (P("member_id", description="Member number, e.g. M20240001."),
     IdShape("digits", 8, prefix="M")),
    (P("uid", description="12자리 숫자 회원 번호"), IdShape("digits", 12)),
    (P("user_id", description="The user's UUID from the auth service."), IdShape("uuid")),
    (P("player_id", examples=("3F2504E0-4F89-41D3-9A0C-0305E82C3301",)),
     IdShape("uuid", upper=True)),
    (P("customer_id", examples=("5f3a9c01be77",)), IdShape("hex", 12)),
    (P("account_id", T.NUMBER), IdShape("digits", 10)),
    (P("member_no", T.NUMBER, value_range=ValueRange(min=100_000, max=999_999)),
     IdShape("digits", 6)),
], ids=lambda v: v.name if isinstance(v, Property) else "")
def test_shape_read_from_the_account_property(prop: Property, expected: IdShape) -> None:
    assert account_id_shape(plan(prop)) == replace(expected, source=prop.name)


def test_the_user_property_and_the_account_word_come_first() -> None:
    taxonomy = plan(P("role_id", examples=("R1234567",)),
                    P("user_id", scope=Scope.EVENT, examples=("U1234567",)),
                    P("account_id", examples=("A1234567",)))
    assert account_id_shape(taxonomy).prefix == "A"
    assert account_id_shape(plan(P("role_id", examples=("R1234567",)))).prefix == "R"


@pytest.mark.parametrize("prop", [
    P("account_id", description="사용자의 고유 계정 식별자. 최초 생성 후 변경되지 않음."),
    P("open_id", examples=("8812345678",)),          # another system's id of the user
    P("guild_id", examples=("8812345678",)),
    P("account_name", examples=("M20240001",)),
    P("account_id", description="Created in 2024."),   # a year is not a sample id
], ids=lambda p: f"{p.name}:{p.description[:12] or p.examples}")
def test_no_shape_shown_gives_the_default(prop: Property) -> None:
    assert account_id_shape(plan(prop)) == DEFAULT_SHAPE


# -- properties that carry the account id -----------------------------------------------------


@pytest.mark.parametrize(("account", "number"), [("4821937465", 4821937465),
                                                  ("demo1_4821937465", None), (None, None)])
def test_account_properties_carry_the_account_id(account: str | None,
                                                 number: int | None) -> None:
    taxonomy = plan(P("member_id", scope=Scope.EVENT), P("user_id", T.NUMBER, Scope.EVENT))
    values = ValueFactory(taxonomy, Rules(), ProductInfo(), seed=0)
    device = DeviceProfile(distinct_id="d", country="US", zone_offset=0, ip="8.8.8.8",
                           locale="en_US", language="en", currency="USD")
    user = UserContext(index=4, rnd=random.Random(1), device=device, account_id=account)
    props = values.event_sampler("login").sample(user, "2025-01-06 10:00:00.000")
    if account is not None:
        assert props["member_id"] == account
    if account is None:     # user_id holds #account_id: left out until the user has one
        assert "user_id" not in props
    elif number is not None:
        assert props["user_id"] == number
    else:       # no numeric account id to show: still a number, never the text
        assert isinstance(props["user_id"], int)
