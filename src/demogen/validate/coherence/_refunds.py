"""A refund gives back at most what was paid for the order it names (part of ``money``).

Per user: a payment (an event of Rules ``event_roles.revenue``) naming an id (a property
Rules call unique: ``order_id``, ``booking_no``) paid its total (role ``total``, else
``net``; a payment showing neither is not compared); a refund, return or cancel
(``event_roles.refund``) naming that id in the same currency gives back its total, else its
amount. One larger than the payment by
more than 1 % (a paid total shown rounded) refunds the order's lines, not what was paid
after its discount.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from demogen.analysis.rules import Rules
from demogen.validate.coherence._base import Report, Where

#: Roles read as what a payment paid (a payment showing neither is not compared: its
#: lines are not what was paid) / what a refund gave back, first found first.
_PAID = ("total", "net")
_GIVEN = ("total", "net", "amount", "subtotal", "gross")
#: Rounding a shown total may hide (a total shown in whole units).
_SLACK = 0.01


class Refunds:
    """The payments each user made by order id, and the refunds naming one."""

    def __init__(self, rules: Rules) -> None:
        self.ids = frozenset(name for name, spec in rules.properties.items()
                             if spec.id is not None and spec.id.mode == "unique")
        self.payments = frozenset(rules.event_roles.revenue)
        self.refunds = frozenset(rules.event_roles.refund) - self.payments
        #: (user, id property, id) → (currency, the amount paid, the paying event).
        self._paid: dict[tuple[str, str, Any], tuple[str | None, float, str]] = {}

    def record(self, uid: str, event: str, props: Mapping[str, Any], local: Mapping[str, float],
               code: str | None, where: Where, report: Report) -> None:
        """``local``: the record's amounts in its currency ``code``, by role."""
        if event not in self.payments and event not in self.refunds:
            return
        roles = _PAID if event in self.payments else _GIVEN
        amount = next((local[r] for r in roles if r in local), None)
        if amount is None:
            return
        for name in sorted(self.ids & props.keys()):
            value = props[name]
            if not isinstance(value, str | int | float):
                continue
            if event in self.payments:
                self._paid[(uid, name, value)] = (code, amount, event)
                continue
            paid = self._paid.get((uid, name, value))
            if paid is not None and paid[0] == code and amount > paid[1] * (1 + _SLACK) + 1e-9:
                report(where, f"user {uid}: {event} gives back {amount:g} {code or ''} for "
                              f"{name} {value!r}, whose {paid[2]} paid {paid[1]:g}")
