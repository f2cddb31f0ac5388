"""Which values belong to the user's role (character) rather than to their account.

In a plan where a role is created (Rules ``event_roles.new_role``: ``create_role``), a user
who moves to a new server creates a new role there, and the role's own values start afresh
with it: its level, experience and power, its id and name, the stage it reached. The
account's values carry on (VIP, money paid, balances, the account id). The analyzer marks
the role's with ``properties.<p>.per_role: true`` (words in ``heuristic_values.yaml``
``per_role``); properties showing one of them (a mirror) follow it without a mark of their
own (``rules.per_role_properties``).
"""

from __future__ import annotations

import re

from demogen.analysis.heuristic._data import load
from demogen.analysis.heuristic.values import identity, progression
from demogen.analysis.heuristic.values.names import normalize
from demogen.analysis.rules import EventRoles, PropertySpec
from demogen.taxonomy import EventTaxonomy

_DATA = load("values")["per_role"]
_NAMES = re.compile(_DATA["names"])
_DESCRIPTIONS = re.compile(_DATA["descriptions"], re.IGNORECASE)
_DESCRIPTION_KINDS = frozenset(_DATA["description_kinds"])
_ACCOUNT_KINDS = frozenset(_DATA["account_kinds"])


def with_per_role(specs: dict[str, PropertySpec], taxonomy: EventTaxonomy,
                  roles: EventRoles) -> dict[str, PropertySpec]:
    """``specs`` with ``per_role: true`` on the role's own values (none unless the plan
    creates roles)."""
    if not roles.new_role:
        return specs
    descriptions = {p.name: p.description or "" for p in (
        *taxonomy.properties, *taxonomy.common_properties, *taxonomy.user_properties)}
    out = dict(specs)
    for name, spec in specs.items():
        if spec.per_role is None and _is_role_value(name, spec, descriptions.get(name, "")):
            out[name] = spec.model_copy(update={"per_role": True})
    return out


def _is_role_value(name: str, spec: PropertySpec, description: str) -> bool:
    if name.startswith("#") or spec.kind in _ACCOUNT_KINDS or \
            spec.device == identity.ACCOUNT:
        return False
    if spec.source is not None and spec.source.of is not None and spec.source.of != name:
        return False    # it shows another property's value: it follows that one
    stem = spec.id.stem if spec.id is not None else None
    if progression.is_stage_name(name, stem) or progression.is_chapter_name(name):
        return True     # the stage reached (one position per role)
    if _NAMES.search(normalize(name)):
        return True
    lasting = spec.lifetime != "event" or spec.id is not None
    return lasting and spec.kind in _DESCRIPTION_KINDS and \
        bool(_DESCRIPTIONS.search(description))
