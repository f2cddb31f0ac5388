"""A value only one OS has: an Apple Watch pairs with an iPhone, a Wear OS watch with an
Android phone.

A text enum listing such values beside others (``device_type``: Apple Watch, Garmin, Fitbit,
Wear OS) depends on the device's ``#os``: the analyzer writes ``property_constraints`` whose
mapping gives each OS the enum without the other OS's values (``iOS: [Apple Watch, Garmin,
Fitbit]``). The run draws it and validate's ``constraint`` check reads it. Words:
``heuristic_market.yaml`` os_only_values (matched on the value's words, loosely).
"""

from __future__ import annotations

from demogen.analysis.heuristic._context import Context
from demogen.analysis.heuristic._data import load
from demogen.analysis.heuristic._text import split_words
from demogen.analysis.rules import PropertyConstraint
from demogen.vocab import PropertyType

#: The OS as ``#os`` writes it, per key of os_only_values.
_OS_NAMES = {"ios": "iOS", "android": "Android"}


def os_value_constraints(ctx: Context) -> dict[str, PropertyConstraint]:
    """Each text enum holding a value of one OS's list: its values per ``#os``."""
    only = {os_: [" ".join(split_words(w)) for w in words]
            for os_, words in load("market")["os_only_values"].items()}
    props = [*ctx.event_props.values(), *ctx.taxonomy.common_properties,
             *ctx.taxonomy.user_properties]
    out: dict[str, PropertyConstraint] = {}
    for prop in props:
        if prop.type != PropertyType.STRING or not prop.enum or prop.is_preset \
                or prop.name in out:
            continue
        owner = {str(v): _os_of(str(v), only) for v in prop.enum}
        if not any(owner.values()) or all(owner.values()):
            continue
        out[prop.name] = PropertyConstraint(depends_on=["#os"], mapping={
            shown: [v for v, os_ in owner.items() if os_ in (None, key)]
            for key, shown in _OS_NAMES.items()})
    return out


def _os_of(value: str, only: dict[str, list[str]]) -> str | None:
    """The OS whose list names ``value`` (``apple watch`` in "Apple Watch Ultra"), if one."""
    words = f" {' '.join(split_words(value))} "
    found = [os_ for os_, names in only.items() if any(f" {n} " in words for n in names)]
    return found[0] if len(found) == 1 else None


__all__ = ["os_value_constraints"]
