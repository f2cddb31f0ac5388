"""Lists, objects and object groups (ThinkingData ``list``, ``object``, ``object group``).

Children come from the plan (``rewards_info.quantity`` rows) or, when the plan gives only
a JSON sample in the description, from that sample. Children get enums, ranges and name
priors, but no state mirrors or rules formulas.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, cast

from demogen.analysis.heuristic._catalogues import ID, catalogue_role, fields_stem, is_quantity
from demogen.analysis.heuristic.values import kinds, names
from demogen.analysis.heuristic.values.priors import number_prior
from demogen.simulation._context import UserContext
from demogen.simulation.values._catalogue import Reader
from demogen.simulation.values._codegen import Writer, indent, with_source
from demogen.simulation.values._convert import MAX_LIST, coerce_enum, to_str
from demogen.simulation.values._draw import Sampler, choice_sampler
from demogen.simulation.values._ids import id_sampler
from demogen.simulation.values._json import children_from_example, example_fields
from demogen.simulation.values._number_shapes import number_sampler
from demogen.simulation.values._numbers import ENUM_SKEW, number_spec, prior_sampler
from demogen.simulation.values._strings import plan_examples, string_property
from demogen.simulation.values._tables import Tables
from demogen.simulation.values._times import epoch_sampler, time_sampler
from demogen.taxonomy import Property, ValueRange
from demogen.vocab import PropertyType

#: Compiles a property of any type (``_compile.core``), for children that are not
#: numbers or strings.
Core = Callable[[Tables, Property], Sampler]

MAX_OBJECT_KEYS = 100
MAX_GROUP_ROWS = 500
_INDEX_CHILD = re.compile(r"^(index|idx|seq|sequence|no|order|rank|row|position)$")
_TIME_WORDS = re.compile(r"time|date|timestamp")
#: Draws of a row before a list leaves it out for naming a thing already listed.
_REDRAWS = 4


def list_property(tables: Tables, prop: Property) -> Sampler:
    """Distinct strings: enum values, example-like values, or elements named by the list."""
    lo, hi = length_bounds(prop.list_length or prop.value_range, default=(1, 3), cap=MAX_LIST)
    values = tuple(str(x) for x in coerce_enum(prop) if x is not None) if prop.enum else ()
    examples = plan_examples(prop)
    if values:
        element = choice_sampler(values, ENUM_SKEW)
    elif examples:
        element = choice_sampler(tables.pools.example_pool(examples, prop.name, 40), 0.5)
    else:
        element = _list_element(tables, prop)

    def make_list(u: UserContext, v: dict[str, Any], t: str) -> list[str]:
        n = lo if lo == hi else lo + int(u.rnd.random() * (hi - lo + 1))
        out: list[str] = []
        seen: set[str] = set()
        for _ in range(n * 3):
            if len(out) >= n:
                break
            x = element(u, v, t)
            x = x if isinstance(x, str) else to_str(x)
            if x not in seen:
                seen.add(x)
                out.append(x)
        return out

    def source(w: Writer, out: str) -> list[str]:
        n, seen, x = w.temp(), w.temp(), w.temp()
        return [f"{n} = {_length(lo, hi)}", f"{out} = []", f"{seen} = set()",
                f"for _ in range({n} * 3):", f"    if len({out}) >= {n}:", "        break",
                *indent(w.value(element, x)),
                f"    if {x}.__class__ is not str:", f"        {x} = {w.ref(to_str)}({x})",
                f"    if {x} not in {seen}:", f"        {seen}.add({x})",
                f"        {out}.append({x})"]

    return with_source(make_list, source)


def _length(lo: int, hi: int) -> str:
    """How many elements or rows: lo … hi, uniformly (an expression of ``rnd()``)."""
    return str(lo) if lo == hi else f"{lo} + int(rnd() * {hi - lo + 1})"


def _list_element(tables: Tables, prop: Property) -> Sampler:
    norm = names.normalize(names.leaf(prop.name))
    for suffix in ("_list", "_array", "_arr", "_set"):
        if norm.endswith(suffix):
            norm = norm[: -len(suffix)]
    if _TIME_WORDS.search(norm):
        return time_sampler("last_" + norm, tables.seed, kinds.time_kind("last_" + norm))
    elem = names.singular(norm) if not norm.endswith(("_ids", "_id")) else norm
    if elem.endswith("_ids"):
        elem = elem[:-1]
    spec = names.id_spec(elem, industry=tables.industry)
    if spec is None and kinds.string_kind(elem) in ("generic", "category_code"):
        stem = elem
        for noise in ("tmp_", "current_", "cur_", "my_"):
            if stem.startswith(noise):
                stem = stem[len(noise):]
        spec = names.IdSpec(stem=stem, mode="catalogue")
    if spec is None:
        return string_property(tables, Property(name=elem, type=PropertyType.STRING))
    if any(w in norm for w in names.OTHER_PERSON_WORDS):
        spec = names.IdSpec(stem=spec.stem, mode="catalogue")
    return id_sampler(tables.pools, spec, elem, numeric=False)


def object_property(tables: Tables, prop: Property, core: Core) -> Sampler:
    fields = _object_fields(tables, prop, core)

    def make_object(u: UserContext, v: dict[str, Any], t: str) -> dict[str, Any]:
        return _row(fields, u, v, t, 1)

    return with_source(make_object, lambda w, out: _fields_source(w, out, fields, "1"))


def object_group_property(tables: Tables, prop: Property, core: Core) -> Sampler:
    fields = _object_fields(tables, prop, core)
    lo, hi = length_bounds(prop.list_length or prop.value_range, default=(1, 3),
                            cap=MAX_GROUP_ROWS)
    found = row_thing(prop)
    thing = found[0] if found is not None else None

    def make_rows(u: UserContext, v: dict[str, Any], t: str) -> list[dict[str, Any]]:
        n = lo if lo == hi else lo + int(u.rnd.random() * (hi - lo + 1))
        if thing is not None:
            return _distinct_rows(fields, thing, u, v, t, n)
        return [_row(fields, u, v, t, i + 1) for i in range(n)]

    if thing is not None:   # redraws: called, not written out
        return make_rows

    def source(w: Writer, out: str) -> list[str]:
        row, i = w.temp(), w.temp()
        return [f"{out} = []", f"for {i} in range(1, {_length(lo, hi)} + 1):",
                *indent(_fields_source(w, row, fields, i)), f"    {out}.append({row})"]

    return with_source(make_rows, source)


def row_thing(prop: Property) -> tuple[str, str] | None:
    """The field naming each row's catalogue thing and its stem (``commodity_id``,
    ``commodity`` of ``commodity_list``), if any: one list names a thing once (a quantity
    says how many)."""
    children = _children(prop)
    keys = [names.leaf(c.name) for c in children]
    stem = fields_stem(prop.name, keys)
    return next(((key, role.stem) for key, child in zip(keys, children, strict=True)
                 if not _is_index(key, child)
                 and (role := catalogue_role(key, stem)) is not None and role.field == ID),
                None)


#: The rows of given catalogue ids (``u``, ``v``, ``t``, the ids, in order).
GivenRows = Callable[[UserContext, dict[str, Any], str, Sequence[str]], list[dict[str, Any]]]


def given_rows(tables: Tables, prop: Property, core: Core) -> GivenRows | None:
    """The rows of an object group naming the things given (a basket's products): each
    row's thing field is the id, the fields describing the thing read its entry, the others
    (a quantity) drawn; prices are written by the record's money (``Lines``) or by
    ``row_prices``. None where the rows name no catalogue thing."""
    found = row_thing(prop)
    if found is None:
        return None
    key = found[0]
    fields = _object_fields(tables, prop, core)
    child = next(c for c in _children(prop) if names.leaf(c.name) == key)
    numeric = child.type == PropertyType.NUMBER

    def rows(u: UserContext, v: dict[str, Any], t: str, ids: Sequence[str]
             ) -> list[dict[str, Any]]:
        return [_row(fields, u, v, t, i + 1, (key, _as_id(x, numeric)))
                for i, x in enumerate(ids)]

    return rows


def _as_id(ident: str, numeric: bool) -> Any:
    """An id as the row's field holds it (a number where the field is one)."""
    return int(ident) if numeric and ident.lstrip("-").isdigit() else ident


def _distinct_rows(fields: list[_Field], key: str, u: UserContext, v: dict[str, Any],
                   t: str, n: int) -> list[dict[str, Any]]:
    """``n`` rows naming ``key`` things each once: a row repeating one is redrawn a few
    times, then left out (a list of a few things is shorter, never repeats one)."""
    rows: list[dict[str, Any]] = []
    seen: set[Any] = set()
    for _ in range(n):
        for _ in range(_REDRAWS):
            row = _row(fields, u, v, t, len(rows) + 1)
            ident = row.get(key)
            if ident not in seen:
                seen.add(ident)
                rows.append(row)
                break
    return rows


@dataclass(frozen=True, slots=True)
class _Field:
    """One child of an object: drawn by ``fn``, a row index, or read by ``read`` from the
    value of its sibling ``reads`` (the field naming the same catalogue entry)."""

    key: str
    fn: Sampler
    index: bool = False
    as_str: bool = False
    reads: str | None = None
    read: Reader | None = None


def _row(fields: list[_Field], u: UserContext, v: dict[str, Any], t: str, i: int,
         given: tuple[str, Any] | None = None) -> dict[str, Any]:
    """One object: drawn fields in order, then those read from a sibling, in plan order
    (``given``: a field's value, not drawn)."""
    row: dict[str, Any] = {}
    for f in fields:
        if f.index:
            row[f.key] = str(i) if f.as_str else i
        elif given is not None and f.key == given[0]:
            row[f.key] = given[1]
        elif f.read is None:
            row[f.key] = f.fn(u, v, t)
    for f in fields:
        if f.read is not None and (given is None or f.key != given[0]):
            x = row[f.reads] if f.reads is not None else None
            row[f.key] = f.fn(u, v, t) if x is None else f.read(x)
    return {f.key: row[f.key] for f in fields}


def _fields_source(w: Writer, out: str, fields: list[_Field], index: str) -> list[str]:
    """An object's fields drawn in order, then the dict (``index``: the row number)."""
    lines: list[str] = []
    temps: dict[str, str] = {}
    for f in fields:
        if f.index:
            temps[f.key] = f"str({index})" if f.as_str else index
        elif f.read is None:
            x = temps[f.key] = w.temp()
            lines += w.value(f.fn, x)
    for f in fields:
        if f.read is not None and f.reads is not None:
            x = temps[f.key] = w.temp()
            lines += [f"if {temps[f.reads]} is None:", *indent(w.value(f.fn, x)),
                      "else:", f"    {x} = {w.ref(f.read)}({temps[f.reads]})"]
    items = [f"{f.key!r}: {temps[f.key]}" for f in fields]
    return [*lines, f"{out} = {{{', '.join(items)}}}"]


def _object_fields(tables: Tables, prop: Property, core: Core) -> list[_Field]:
    """The object's children; those describing one catalogue thing (``item_id``,
    ``item_name``, a bare ``id``) show one entry (``_catalogue``)."""
    children = _children(prop)
    by_key = {names.leaf(c.name): c.model_copy(update={"name": names.leaf(c.name)})
              for c in children}
    links = tables.catalogues.links(list(by_key.values()), fields_stem(prop.name, by_key))
    fields = []
    for child in children:
        key = names.leaf(child.name)
        index = _is_index(key, child)
        fn = _child_sampler(tables, child, prop, core)
        link = links.get(key)
        if index or link is None or link.fn is None:
            fields.append(_Field(key, fn, index, child.type == PropertyType.STRING))
        elif link.anchor is None:
            fields.append(_Field(key, cast(Sampler, link.fn)))
        else:
            fields.append(_Field(key, fn, reads=link.anchor, read=link.fn))
    return fields


def _is_index(key: str, child: Property) -> bool:
    """A row number (``index``, ``seq``), not a value of the row's thing."""
    return bool(_INDEX_CHILD.match(names.normalize(key))) and \
        child.type in (PropertyType.NUMBER, PropertyType.STRING) and not child.enum


def _children(prop: Property) -> list[Property]:
    children = [_without_parent_name(c, prop.name) for c in prop.children] or \
        children_from_example(prop, MAX_OBJECT_KEYS)
    seen = example_fields(prop)
    if seen:  # the plan's JSON sample shows values: use them as the children's examples
        children = [
            c.model_copy(update={"examples": tuple(seen[names.leaf(c.name)])})
            if not c.examples and not c.enum and c.type == PropertyType.STRING
            and seen.get(names.leaf(c.name)) else c
            for c in children
        ]
    return children[:MAX_OBJECT_KEYS]


def _without_parent_name(child: Property, parent: str) -> Property:
    """Some plans repeat the object's name as each field's example (``hero_id``:
    "hero_info"): that is no value."""
    if parent not in child.examples:
        return child
    return child.model_copy(update={"examples": tuple(e for e in child.examples if e != parent)})


def _child_sampler(tables: Tables, child: Property, parent: Property, core: Core) -> Sampler:
    """A child of an object: enum, ranges (by ``parent.child`` then by the child's own
    name), name priors."""
    if child.type == PropertyType.NUMBER:
        return _child_number(tables, child, parent)
    if child.type == PropertyType.STRING:
        return string_property(tables, child, parent=parent.name)
    return core(tables, child)


def _child_number(tables: Tables, child: Property, parent: Property) -> Sampler:
    name = child.name if "." in child.name else f"{parent.name}.{child.name}"
    key = names.leaf(name)
    vr = tables.rules.value_ranges.get(name) or tables.rules.value_ranges.get(key)
    prior = number_prior(key)
    stem = fields_stem(parent.name, [names.leaf(c.name) for c in parent.children])
    namesake = tables.rules.value_ranges.get(key)
    if namesake is not None and key.startswith(f"{stem}_") and is_quantity(key, stem):
        vr = namesake   # how many of the row's thing (commodity_amount): as the plan counts it
    if child.enum:
        values = [x for x in coerce_enum(child) if isinstance(x, int | float)]
        if values:
            return choice_sampler(values, ENUM_SKEW)
    if vr is not None:
        integer = bool(child.value_range and child.value_range.integer)
        return number_sampler(number_spec(child, prior, vr.min, vr.max, vr.mean, integer))
    if child.value_range is not None:
        r = child.value_range
        return number_sampler(number_spec(child, prior, r.min, r.max, None, r.integer))
    spec = names.id_spec(key, parent=parent.name, industry=tables.industry)
    if spec is not None:
        return id_sampler(tables.pools, spec, name, numeric=True)
    return prior_sampler(prior) if prior.shape != "epoch" else epoch_sampler(millis=False)


def length_bounds(rng: ValueRange | None, *, default: tuple[int, int],
                   cap: int) -> tuple[int, int]:
    if rng is None:
        return default
    lo = max(0, math.ceil(rng.min))
    hi = min(cap, math.floor(rng.max))
    return (lo, hi) if lo <= hi else default
