"""Ids new on every event in the shape of the plan's example (simulation/values/_ids.py).

The ride-hailing plan's ``ride_id`` ("Unique id of the ride", example ``r_8f2a91``) was
drawn from a pool of 60 ids shaped like the example, then, once unique, as UUIDs.
"""

from __future__ import annotations

import random
import re

import pytest

from demogen.simulation.values._ids import shop_or_store_id, unique_id_like


class _User:
    def __init__(self, seed: int) -> None:
        self.rnd = random.Random(seed)


@pytest.mark.parametrize(("example", "shape"), [
    ("r_8f2a91", r"r_[0-9a-f]{10}"),
    ("ORD-2024-000123", r"ORD-\d{4}-\d{6}"),
    ("booking 12345678", r"booking \d{10}"),
    ("TRIP-A7B3C9", r"TRIP-[A-Z][0-9][A-Z][0-9][A-Z][0-9]{5}"),
])
def test_an_id_new_on_every_event_keeps_the_example_shape(example: str, shape: str) -> None:
    sampler = unique_id_like([example])
    assert sampler is not None
    user = _User(7)
    ids = [sampler(user, {}, "2026-11-23 10:00:00.000") for _ in range(20_000)]  # type: ignore[arg-type]

    assert all(re.fullmatch(shape, i) for i in ids), ids[:3]
    assert len(set(ids)) == len(ids)


def test_an_example_with_too_little_to_draw_leaves_a_uuid() -> None:
    assert unique_id_like(["a1b2", "ride"]) is None


def test_orders_and_store_transactions_keep_their_own_shape() -> None:
    assert shop_or_store_id("order") is not None
    assert shop_or_store_id("store_transaction") is not None
    assert shop_or_store_id("ride") is None
