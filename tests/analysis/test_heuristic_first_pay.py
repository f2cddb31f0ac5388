"""The analyzer marks a first-pay flag (``is_first_purchase``, ``first_recharge``) as Rules
kind ``first_pay``: read from the payments, so no chance of true is written for it."""

from __future__ import annotations

import pytest

from demogen.analysis.heuristic.values.reading import field_spec
from demogen.taxonomy import Property
from demogen.vocab import PropertyType


@pytest.mark.parametrize("name", ["is_first_purchase", "is_first_pay", "first_recharge"])
def test_a_first_pay_flag_is_read_as_its_own_kind(name: str) -> None:
    spec = field_spec(Property(name=name, type=PropertyType.BOOLEAN))
    assert spec.kind == "first_pay"
    assert spec.source is None


@pytest.mark.parametrize("name", ["is_first_session", "is_paid", "first_login"])
def test_other_flags_stay_flags(name: str) -> None:
    spec = field_spec(Property(name=name, type=PropertyType.BOOLEAN))
    assert spec.kind == "flag"
    assert spec.source is not None and spec.source.type == "probability"
