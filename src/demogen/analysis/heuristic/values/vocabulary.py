"""What ``Rules.properties`` accepts: every ``kind:`` and every ``device:`` field."""

from __future__ import annotations

from demogen.analysis.heuristic.values.kinds import STRING_KINDS, TIME_KINDS
from demogen.analysis.heuristic.values.names import DEVICE_ATTRIBUTES
from demogen.analysis.heuristic.values.priors import NUMBER_KINDS

__all__ = ["CONTAINER_KINDS", "DEVICE_ATTRIBUTES", "FIRST_PAY", "FLAG", "KINDS"]

#: A boolean's kind; its chance of true is the source's ``p``.
FLAG = "flag"
#: A boolean with a history (``is_first_pay``, ``first_recharge``): true on the user's
#: first payment only, read from their payments, never drawn.
FIRST_PAY = "first_pay"
#: Containers: their fields and elements are read by name when values are drawn.
CONTAINER_KINDS = frozenset({"list", "object", "object_group"})

KINDS = frozenset({*STRING_KINDS, *NUMBER_KINDS, *TIME_KINDS, FLAG, FIRST_PAY,
                   *CONTAINER_KINDS})
