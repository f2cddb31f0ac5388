"""A first-pay flag (Rules kind ``first_pay``: ``is_first_pay``, ``first_recharge``) read
from the user's payments, never drawn.

On a revenue event it is true on the user's first payment and false on every later one;
a user whose paid total (the user property a revenue event adds its amount to) is above 0
before their first payment in the window paid before it, so theirs is false too. On any
other event (``begin_checkout`` carrying ``is_first_purchase``) it says whether the user
has yet to pay: the payment it leads to would be their first.

``user.sticky[PAID]`` holds the ``#time`` of the user's first payment ("" for a payment
before the window): every first-pay flag of that record reads true, none after.
"""

from __future__ import annotations

from typing import Any

from demogen.analysis.heuristic.values.vocabulary import FIRST_PAY
from demogen.simulation._context import UserContext
from demogen.simulation.values._codegen import with_source
from demogen.simulation.values._draw import Sampler
from demogen.simulation.values._progress import paid_total
from demogen.simulation.values._tables import Tables
from demogen.taxonomy import Property
from demogen.vocab import PropertyType

__all__ = ["PAID", "first_pay_sampler", "flag_values"]

#: ``user.sticky`` key: the ``#time`` of the user's first payment ("": before the window).
PAID = "first pay\x1fat"


def first_pay_sampler(tables: Tables, prop: Property, event: str | None) -> Sampler | None:
    """The flag's sampler on ``event`` (None: ``prop`` is no first-pay flag there)."""
    if event is None or prop.is_preset or tables.spec(prop).kind != FIRST_PAY:
        return None
    yes, no = flag_values(prop.type)
    pays = event in tables.rules.event_roles.revenue
    total = paid_total(tables)

    def first(u: UserContext, v: dict[str, Any], t: str) -> Any:
        at = u.sticky.get(PAID)
        if at is None and total is not None and _positive(u.state.get(total)):
            at = u.sticky[PAID] = ""    # a known payer: paid before the window
        if at is None:
            if not pays:
                return yes  # not paid yet: the payment this leads to would be the first
            at = u.sticky[PAID] = t
        return yes if at == t else no

    return with_source(first, lambda w, out: [f"{out} = {w.ref(first)}(u, v, t)"])


def flag_values(ptype: PropertyType) -> tuple[Any, Any]:
    """True and false in the property's type (a 0/1 number, a "true"/"false" string)."""
    if ptype == PropertyType.NUMBER:
        return 1, 0
    if ptype == PropertyType.STRING:
        return "true", "false"
    return True, False


def _positive(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value > 0
