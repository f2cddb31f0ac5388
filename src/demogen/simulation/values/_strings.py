"""String properties: enums, the plan's examples, ids, dates, and kinds named by the name.

:func:`string_property` picks one sampler per property at compile time, in this order:
enum ▸ examples (id-shaped or several) ▸ date-like names ▸ ids ▸ the name's string kind
(email, city, item name … from the pools).
"""

from __future__ import annotations

import re

from demogen import gazetteer
from demogen.analysis.heuristic.values import kinds, names
from demogen.analysis.heuristic.values.kinds import STRING_KINDS
from demogen.analysis.heuristic.values.priors import number_prior
from demogen.simulation.values._convert import coerce_enum
from demogen.simulation.values._device import previous_os_version
from demogen.simulation.values._draw import Sampler, choice_sampler, salt, stable_sampler
from demogen.simulation.values._ids import (
    ACCOUNT_STEMS,
    id_sampler,
    own_id_like,
    shared_size,
    shop_or_store_id,
    unique_id_like,
)
from demogen.simulation.values._numbers import ENUM_SKEW
from demogen.simulation.values._tables import Tables
from demogen.simulation.values._times import date_sampler
from demogen.taxonomy import Property

_PLACEHOLDER = re.compile(r"^(uuid|guid|xxx+|null|none|n/?a|-|string|text|id|value|\.\.\.)$|"
                          r"또는|업데이트|예시|예:|등$|xxx", re.IGNORECASE)


def string_property(tables: Tables, prop: Property, parent: str | None = None) -> Sampler:
    """The sampler of a string property (``parent``: the object it is a field of)."""
    norm = names.normalize(names.leaf(prop.name))
    if prop.enum:
        enum = _enum_string(prop, norm)
        if enum is not None:
            return enum
    examples = plan_examples(prop)
    if parent is None:
        spec = tables.id_shape(prop)
    else:   # a field of an object: a bare "id" is named after the object
        spec = names.id_spec(prop.name, parent=parent, industry=tables.industry)
        if norm in names.ACCOUNT_NAMES:
            spec = names.IdSpec(stem="account", mode="stable")
    from_examples = _from_examples(tables, prop, spec, examples)
    if from_examples is not None:
        return from_examples
    if (kinds.time_kind(prop.name) != "now" and norm.endswith(("_date", "_day"))) or \
            norm in ("date", "dt"):
        return date_sampler(prop.name, tables.seed, tables.spec(prop).lead_days)
    if spec is not None:
        if parent is not None and any(w in norm for w in names.OTHER_PERSON_WORDS):
            spec = names.IdSpec(stem=spec.stem, mode="catalogue")
        return id_sampler(tables.pools, spec, prop.name, numeric=False)
    kind = tables.kind(prop, STRING_KINDS, "generic")
    if kind == "birthday":
        return date_sampler("birthday", tables.seed)
    if kind == "date":
        return lambda u, v, t: t[:10]
    if kind in gazetteer.LEVELS:  # one place of the user's country (_places)
        place = tables.places.sampler(prop)
        if place is not None:
            return place
    if kind == "os_version":  # previous_os_version: one step below the device's
        return previous_os_version
    return tables.pools.string_sampler(kind, names.leaf(prop.name))


def _enum_string(prop: Property, norm: str) -> Sampler | None:
    values = coerce_enum(prop)
    if not values:
        return None
    if number_prior(norm).kind == "rating" and all(x.isdigit() for x in values):
        values = sorted(values, key=int, reverse=True)  # "1".."5" stars: most reviews are good
    return choice_sampler(values, ENUM_SKEW)


def _from_examples(tables: Tables, prop: Property, spec: names.IdSpec | None,
                   examples: list[str]) -> Sampler | None:
    """Values shaped like the plan's examples, when they are telling enough."""
    if not examples:
        return None
    stem = (spec.stem or "id") if spec is not None else ""
    if spec is not None and spec.mode == "stable" and shared_size(stem) is None \
            and stem.rsplit("_", 1)[-1] not in ACCOUNT_STEMS:
        # the user's very own (an order made theirs): a pool of 60 would hand it to others
        return own_id_like(examples, salt(tables.seed, "stable", prop.name))
    if spec is not None and spec.mode == "unique":
        return None if shop_or_store_id(stem) else unique_id_like(examples)
    if spec is not None:
        pool = tables.pools.example_pool(examples, prop.name, 60)
        if spec.mode == "stable":
            return stable_sampler(pool, salt(tables.seed, "stable", prop.name))
        return choice_sampler(pool, 0.7)
    kind = tables.kind(prop, STRING_KINDS, "generic")
    if spec is None and (len(examples) >= 2 or kind in ("generic", "category_code")):
        return choice_sampler(tables.pools.example_pool(examples, prop.name, 12), ENUM_SKEW)
    return None


def plan_examples(prop: Property) -> list[str]:
    """The plan's example values that look like values (not "UUID" or instructions)."""
    out = []
    for e in prop.examples:
        text = str(e).strip()
        if text and len(text) <= 60 and not _PLACEHOLDER.search(text) and \
                not text.startswith(("{", "[")):
            out.append(text)
    return out
