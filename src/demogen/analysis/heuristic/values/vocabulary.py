"""Every kind a property may have in ``Rules.properties`` (what ``kind:`` accepts)."""

from __future__ import annotations

from demogen.analysis.heuristic.values.kinds import STRING_KINDS, TIME_KINDS
from demogen.analysis.heuristic.values.priors import NUMBER_KINDS

#: A boolean's kind; its chance of true is the source's ``p``.
FLAG = "flag"
#: Containers: their fields and elements are read by name when values are drawn.
CONTAINER_KINDS = frozenset({"list", "object", "object_group"})

KINDS = frozenset({*STRING_KINDS, *NUMBER_KINDS, *TIME_KINDS, FLAG, *CONTAINER_KINDS})
