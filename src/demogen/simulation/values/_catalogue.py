"""Catalogues: one entry per thing, shown the same way wherever the thing appears.

``product_id`` + ``product_name`` in one record, ``item_id`` + ``item_type`` in a row of
``reward_items``: the properties of one stem (``analysis.heuristic._catalogues``) show one
entry. The *anchor* (the stem's id, else its name) is drawn as before (enum, the plan's
examples, a catalogue id, a paired event's value …); every sibling is read from the anchor's
value. An entry is a function of its id and the run seed (or the Rules' own entry), so one
id has one name and one type in the whole output, whichever worker drew it.
"""

from __future__ import annotations

import bisect
import functools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from demogen.analysis.heuristic._catalogue_rules import plan_ids
from demogen.analysis.heuristic._catalogues import (
    ID,
    NAME,
    TYPE,
    Role,
    catalogue_data,
    catalogue_role,
    group_roles,
    thing_attributes,
)
from demogen.analysis.heuristic.values.names import normalize
from demogen.analysis.rules import Catalogue as CatalogueRules
from demogen.simulation._context import UserContext
from demogen.simulation.values._catalogue_entries import (
    Catalogue,
    Entry,
    categories,
    category_words,
)
from demogen.simulation.values._codegen import with_source
from demogen.simulation.values._convert import coerce_enum
from demogen.simulation.values._draw import (
    Sampler,
    choice_sampler,
    normalized,
    salt,
    zipf_cum,
)
from demogen.taxonomy import Property
from demogen.vocab import PropertyType

#: The value of an anchor → the value of one sibling field.
Reader = Callable[[Any], Any]


# -- the fields of an entry as a property shows them --------------------------------------


def _options(prop: Property) -> tuple[Any, ...]:
    """The values a sibling property may take: its enum (none: any)."""
    return tuple(x for x in coerce_enum(prop) if x is not None) if prop.enum else ()


def _type_words(option: Any, entry: Entry) -> set[str]:
    """The words that make ``entry`` of type ``option``: its name (all of its parts:
    ``gem_pack`` needs gem and pack), its synonyms, its shop category's aliases."""
    parts, words = _option_words(option)
    return words | parts if parts <= entry.words else set(words)


@functools.lru_cache(maxsize=None, typed=True)   # typed: True and 1 are different options
def _option_words(option: Any) -> tuple[frozenset[str], frozenset[str]]:
    """An option's name parts, and the words that make an entry of its type whatever the
    entry (made once per option: every entry read is matched against every option)."""
    norm = normalize(str(option))
    words = {norm, str(option).lower(), *catalogue_data()["type_words"].get(norm, ())}
    category = category_words().get(norm) or category_words().get(str(option).lower())
    if category:
        words |= {category.lower(), *(a.lower() for a in categories()[category]["aliases"])}
    return frozenset(norm.split("_")), frozenset(words)


def _matching(entry: Entry, options: Sequence[Any], salt_key: int, skew: float = 0.0) -> Any:
    """The option whose words the entry shares most (ties: the plan's order), else one by
    a hash of the id: the same option for the same id every time."""
    best, score = None, 0
    for option in options:
        found = len(_type_words(option, entry) & entry.words)
        if found > score:
            best, score = option, found
    if best is not None:
        return best
    return _by_id(options, salt_key, entry.id, skew)


#: A thing attribute's first options are the most common (R before SSR), as drawn alone.
_ATTRIBUTE_SKEW = 1.0
#: Examples enough to be the plan's list of a thing attribute's values (authors "예: 추공,
#: 알파타르트, 싱숑"); fewer only lead the vocabulary's.
_LISTED_EXAMPLES = 3


def _by_id(options: Sequence[Any], salt_key: int, ident: str, skew: float) -> Any:
    """One option picked by a hash of the id; ``skew`` > 0: the first ones more often."""
    if skew <= 0:
        return options[salt(salt_key, ident) % len(options)]
    cum = normalized(zipf_cum(len(options), skew))
    return options[bisect.bisect_right(cum, salt(salt_key, ident) / 2.0 ** 64)]


def field_reader(catalogue: Catalogue, anchor: str, role: Role, prop: Property,
                 seed: int, pool: Sequence[str] = ()) -> Reader:
    """The value ``prop`` (showing ``role.field``) takes given the anchor's value
    (``pool``: the values a thing attribute without an enum shows)."""
    find = catalogue.entry if anchor == ID else catalogue.entry_named
    options = _options(prop)
    key = salt(seed, "catalogue-field", prop.name)
    if role.field in thing_attributes():
        show = _attribute(role.field, options or tuple(pool), key, prop)
    elif role.field in catalogue_data().get("code_fields", {}) and not options:
        # keyed by the thing, not the property: sku and item_sku show one code per id
        show = _code(role.field, prop, salt(seed, "catalogue-code", role.stem))
    else:
        show = _shown(role.field, options, key, prop)

    # Bounded: an anchor that is new per event (a mail's uuid) must not pile up.
    @functools.lru_cache(maxsize=4096)
    def read(value: Any) -> Any:
        return show(find(value), value)

    return read


def _shown(part: str, options: Sequence[Any], key: int, prop: Property
           ) -> Callable[[Entry, Any], Any]:
    if part == ID:
        return lambda e, value: value if prop.type == PropertyType.NUMBER else e.id
    if options:
        if part == TYPE:
            return lambda e, value: e.type if e.type in options else _matching(e, options, key)
        if part == NAME:    # an entry the plan names (item_name: Sword) shows that name
            return lambda e, value: e.name if e.name in options else _matching(e, options, key)
        return lambda e, value: _matching(e, options, key)
    if part == NAME:
        return lambda e, value: e.name
    if part == TYPE:
        return lambda e, value: e.type or _matching(e, _default_types(e), key)
    if part not in _DRAWN_ATTRIBUTES and prop.type == PropertyType.NUMBER:
        return _whole_in_range(prop, key)
    return lambda e, value: e.attributes.get(part, "")


def _attribute(part: str, options: Sequence[Any], key: int, prop: Property
               ) -> Callable[[Entry, Any], Any]:
    """A thing attribute (``hero_rarity``): the Rules entry's own, else an option the id
    picks; a number without options: a whole number in the plan's range."""
    if not options:
        return _whole_in_range(prop, key) if prop.type == PropertyType.NUMBER else \
            lambda e, value: e.attributes.get(part, "")

    def show(e: Entry, value: Any) -> Any:
        own = e.attributes.get(part)
        if own is not None and (own in options or not prop.enum):
            return own
        return _matching(e, options, key, _ATTRIBUTE_SKEW)

    return show


#: Attributes an entry draws itself (sizes for clothing, colours); others are the plan's.
_DRAWN_ATTRIBUTES = ("size", "color")


def _whole_in_range(prop: Property, key: int) -> Callable[[Entry, Any], Any]:
    """A numeric attribute without an enum (a hotel's star of 1-5): a whole number in the
    plan's range picked by the id, the same for the same id every time; two decimals where
    the plan writes the range with them (a driver's rating "(4.0~5.0)": 4.87)."""
    bounds = prop.value_range
    if bounds is not None and not bounds.integer and bounds.max > bounds.min:
        low, width = float(bounds.min), float(bounds.max) - float(bounds.min)
        return lambda e, value: round(low + width * (salt(key, e.id) % 10_001) / 10_000, 2)
    lo, hi = (1, 5) if bounds is None else (math.ceil(bounds.min), math.floor(bounds.max))
    span = max(hi - lo + 1, 1)
    return lambda e, value: lo + salt(key, e.id) % span


def _code(part: str, prop: Property, key: int) -> Callable[[Entry, Any], Any]:
    """An entry's own code (a sku beside its id): made from the id, so one id shows one
    code everywhere (``SKU-`` and six digits; a number: the six digits)."""
    def code(e: Entry, value: Any) -> Any:
        digits = 100_000 + salt(key, e.id) % 900_000
        return digits if prop.type == PropertyType.NUMBER else f"{part.upper()}-{digits}"

    return code


def _default_types(entry: Entry) -> tuple[str, ...]:
    """Types for a plan that lists none: the type words the entry matches, else the
    shop's categories."""
    table = catalogue_data()["type_words"]
    matched = tuple(t for t, words in table.items() if entry.words & set(words))
    return matched or tuple(sorted(categories()))


# -- compiling: which property reads which -----------------------------------------------


class Catalogues:
    """Every stem's :class:`Catalogue` of one factory, made on first use."""

    def __init__(self, seed: int, rules: dict[str, CatalogueRules], *, gaming: bool,
                 commerce: bool, plan: Sequence[Property] = (),
                 vocab: Callable[[str], tuple[str, ...]] | None = None):
        self._seed = seed
        self._vocab = vocab
        self._plan_ids = plan_ids(plan)
        self._rules = rules
        self._gaming = gaming
        self._commerce = commerce
        self._made: dict[str, Catalogue] = {}

    def get(self, stem: str) -> Catalogue:
        found = self._made.get(stem)
        if found is None:
            found = self._made[stem] = Catalogue(stem, self._seed, gaming=self._gaming,
                                                 commerce=self._commerce,
                                                 rules=self._rules.get(stem))
        return found

    def links(self, props: Sequence[Property], stem_of_object: str | None = None
              ) -> dict[str, Link]:
        """Property name → how it shows its stem's entry, for ``props`` of one record
        (or of one object); properties of no shared stem are left out."""
        by_name = {p.name: p for p in props}
        out: dict[str, Link] = {}
        for stem, roles in group_roles(by_name, stem_of_object).items():
            anchor = next((n for n, r in roles.items() if r.field == ID), None) or \
                next(n for n, r in roles.items() if r.field == NAME)
            catalogue = self.get(stem)
            out[anchor] = Link(None, self._anchor_sampler(catalogue, roles[anchor],
                                                          by_name[anchor]))
            for name, role in roles.items():
                if name != anchor:
                    out[name] = Link(anchor, field_reader(
                        catalogue, roles[anchor].field, role, by_name[name], self._seed,
                        self._attribute_pool(role, by_name[name])))
        for name, prop in by_name.items():    # an id alone still names the catalogue's things
            role = catalogue_role(name, stem_of_object)
            if name not in out and role is not None and role.field == ID:
                out[name] = Link(None, self._anchor_sampler(self.get(role.stem), role, prop))
        out.update(self._counts(by_name, out, stem_of_object))
        return out

    def _counts(self, by_name: dict[str, Property], linked: dict[str, Link],
                stem_of_object: str | None) -> dict[str, Link]:
        """A number property a Rules entry gives as an attribute (``coin_amount: "100"``
        on ``coin_100``): a pack's count, read from the id the record names."""
        out: dict[str, Link] = {}
        for anchor in sorted(n for n, link in linked.items() if link.anchor is None):
            role = catalogue_role(anchor, stem_of_object)
            if role is None or role.field != ID:
                continue
            catalogue = self.get(role.stem)
            for name, prop in by_name.items():
                if name not in linked and name not in out and prop.type == PropertyType.NUMBER \
                        and any(name in e.attributes for e in catalogue.listed):
                    out[name] = Link(anchor, _count_reader(catalogue, name))
        return out

    def _attribute_pool(self, role: Role, prop: Property) -> tuple[str, ...]:
        """What a thing attribute without an enum shows: the plan's examples, else the
        attribute's vocabulary list (``data/catalogues.yaml`` thing_attributes); one or two
        examples (a driver's "Toyota Prius") lead the list, not make it."""
        from demogen.simulation.values._strings import plan_examples

        listed = thing_attributes().get(role.field)
        if listed is None or prop.type == PropertyType.NUMBER:
            return ()
        examples = tuple(dict.fromkeys(plan_examples(prop)))
        if len(examples) >= _LISTED_EXAMPLES or self._vocab is None:
            return examples
        given = {e.casefold() for e in examples}
        return (*examples, *(w for w in self._vocab(listed) if w.casefold() not in given))

    def _anchor_sampler(self, catalogue: Catalogue, role: Role, prop: Property
                        ) -> Sampler | None:
        """The anchor's own draw when the catalogue decides it (Rules entries, or names
        that must be entries' names); None: the property's usual sampler."""
        # _strings reads Tables, which holds the catalogues: imported when first compiling
        from demogen.simulation.values._strings import plan_examples

        if prop.enum:
            return None
        ids: tuple[Any, ...] = catalogue.ids or (
            () if plan_examples(prop) else self._plan_ids.get(catalogue.stem, ()))
        if role.field == ID and ids:
            if prop.type == PropertyType.NUMBER:
                ids = tuple(int(x) if x.isdigit() else x for x in ids)
            return choice_sampler(ids, 0.7)
        if role.field == NAME and prop.type == PropertyType.STRING:
            return choice_sampler(catalogue.names(), 0.7)
        return None


def _count_reader(catalogue: Catalogue, name: str) -> Reader:
    """The entry's own count (a whole number); an id Rules do not list: its number."""
    @functools.lru_cache(maxsize=4096)
    def read(value: Any) -> Any:
        own = catalogue.entry(value).attributes.get(name)
        digits = own if own is not None else "".join(c for c in str(value) if c.isdigit())
        return float(digits) if "." in digits else int(digits or 0)

    return read


@dataclass(frozen=True, slots=True)
class Link:
    """How one property shows its stem's entry: the anchor it reads (None: it is the
    anchor) and its sampler (an anchor's own draw, None to keep its usual one) or reader."""

    anchor: str | None
    fn: Sampler | Reader | None


def sibling_sampler(anchor: str, read: Reader, fallback: Sampler) -> Sampler:
    """A sibling's value read from the anchor's value in this record (``v``); without
    one (a paired event left it out), its usual draw."""

    def sibling(u: UserContext, v: dict[str, Any], t: str) -> Any:
        value = v.get(anchor)
        return fallback(u, v, t) if value is None else read(value)

    return with_source(sibling, lambda w, out: [
        f"{out} = v.get({anchor!r})",
        f"{out} = {w.ref(fallback)}(u, v, t) if {out} is None else {w.ref(read)}({out})"])


def catalogue_link(link: Link | None, fn: Sampler, deps: set[str]) -> Sampler:
    """``fn`` as ``link`` says: an anchor's own draw, or a sibling read from its anchor
    (which then goes into ``deps``); ``fn`` unchanged without a link."""
    if link is None or link.fn is None:
        return fn
    if link.anchor is None:
        return link.fn
    deps.add(link.anchor)
    return sibling_sampler(link.anchor, link.fn, fn)
