"""Orders cancelled or refunded are not paid afterwards (part of the ``flows`` check).

Per user: a payment (an event of Rules ``event_roles.revenue``) naming an id (a property
Rules call unique: ``order_id``, ``booking_no``) that a cancel or refund (an event of
``event_roles.refund``) of the same user named before it pays an order that no longer
stands: a held order paid after its cancel.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from demogen.analysis.rules import Rules
from demogen.validate.coherence._base import Report, Where


class CancelledOrders:
    """The ids each user's cancels and refunds named, and the payments naming one."""

    def __init__(self, rules: Rules) -> None:
        self.ids = frozenset(name for name, spec in rules.properties.items()
                             if spec.id is not None and spec.id.mode == "unique")
        self.payments = frozenset(rules.event_roles.revenue)
        self.cancels = frozenset(rules.event_roles.refund) - self.payments
        #: (user, id property) → the values the user's cancels and refunds named.
        self._named: dict[tuple[str, str], dict[Any, str]] = {}

    @property
    def active(self) -> bool:
        return bool(self.ids and self.payments and self.cancels)

    def record(self, uid: str, event: str, props: Mapping[str, Any], where: Where,
               report: Report) -> None:
        if event not in self.payments and event not in self.cancels:
            return
        for name in sorted(self.ids & props.keys()):
            value = props[name]
            if not isinstance(value, str | int | float):
                continue
            named = self._named.setdefault((uid, name), {})
            if event in self.cancels:
                named.setdefault(value, event)
            elif value in named:
                report(where, f"user {uid}: {event} pays {name} {value!r}, which its "
                              f"{named[value]} before it cancelled (a cancelled order is "
                              f"not paid)")
