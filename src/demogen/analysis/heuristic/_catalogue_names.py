"""Catalogue entries from a plan's list of names (``item_name``: Sword, Shield, Potion).

A plan that lists a thing's names in a *name* property's enum (an item, a game currency, a
stage) and gives no list of its ids still says what its catalogue holds: those things
(where the plan shows the thing otherwise too: an id, a type, a field of an object's rows). Each
name becomes an entry of the stem's catalogue in Rules, so the run shows only those names
and an id beside one is the same for the same name everywhere. The id is the id enum's item
in the same place when the plan lists both, one by one; else the name as a slug (``Google
Drive`` → ``google_drive``), or its position when the stem's id is a number. The type is
the first of ``data/catalogues.yaml``' ``type_words`` the name's words name (Sword →
equipment); none when no type word knows it.

Ids the plan lists alone (``commodity_id``: 상품1 … 상품6, no name list) get their name and
type here too (:func:`with_names`): what the run would show for them, now written in Rules
so ``demogen analyze`` shows them and a user edits them.
"""

from __future__ import annotations

import hashlib
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass

from demogen.analysis.heuristic._catalogues import (
    ID,
    NAME,
    catalogue_data,
    catalogue_role,
    fields_stem,
)
from demogen.analysis.heuristic._entry_names import drawn_name
from demogen.analysis.heuristic.values.names import leaf
from demogen.analysis.rules import Catalogue
from demogen.taxonomy import Property
from demogen.vocab import PropertyType

__all__ = ["NamedThings", "named_ids", "plan_names", "type_of", "with_names"]

_NOT_WORD = re.compile(r"[\W_]+")


@dataclass(frozen=True, slots=True)
class NamedThings:
    """The names a plan lists for one stem, and whether the stem's id is a number."""

    names: tuple[str, ...]
    numeric_id: bool


def plan_names(props: Sequence[Property]) -> dict[str, NamedThings]:
    """Stem → the names its name properties list in their enums, in the plan's order, for
    the stems the plan also shows otherwise (an id, a type, a field of an object's rows):
    a name enum shown alone (``screen_name``) already is the whole list."""
    names: dict[str, tuple[str, ...]] = {}
    for prop in props:
        role = catalogue_role(prop.name)
        if role is not None and role.field == NAME and prop.enum:
            listed = (str(x).strip() for x in prop.enum if x is not None and str(x).strip())
            names[role.stem] = tuple(dict.fromkeys((*names.get(role.stem, ()), *listed)))
    shown = _shown_otherwise(props)
    return {stem: NamedThings(listed, shown[stem]) for stem, listed in names.items()
            if stem in shown}


def _shown_otherwise(props: Sequence[Property], stem_of_object: str | None = None
                     ) -> dict[str, bool]:
    """Stem → whether its id is a number, for the stems a property other than a name enum
    shows (object fields too: a bare ``name`` of ``items``' rows is an item's)."""
    out: dict[str, bool] = {}
    for prop in props:
        if prop.children:
            keys = [leaf(c.name) for c in prop.children]
            for stem, numeric in _shown_otherwise(prop.children,
                                                  fields_stem(prop.name, keys)).items():
                out[stem] = out.get(stem, False) or numeric
        role = catalogue_role(prop.name, stem_of_object)
        if role is None or (role.field == NAME and prop.enum):
            continue
        numeric = role.field == ID and prop.type == PropertyType.NUMBER
        out[role.stem] = out.get(role.stem, False) or numeric
    return out


def named_ids(things: NamedThings, plan_ids: Sequence[str]) -> dict[str, str]:
    """Id → name for the things the plan names: the plan's own ids when it lists as many
    (the same order), else ids made from the names; none when it lists another number of
    ids (which id is which name is unknown: the run matches them by their words)."""
    if plan_ids and len(plan_ids) != len(things.names):
        return {}
    ids = tuple(plan_ids) or _ids(things)
    return dict(zip(ids, things.names, strict=True))


def _ids(things: NamedThings) -> tuple[str, ...]:
    """One id per name: its position for a number id, else its slug (made unique)."""
    if things.numeric_id:
        return tuple(str(k) for k in range(1, len(things.names) + 1))
    out: list[str] = []
    for name in things.names:
        slug = _NOT_WORD.sub("_", name.lower()).strip("_") or "entry"
        ident, k = slug, 2
        while ident in out:
            ident, k = f"{slug}_{k}", k + 1
        out.append(ident)
    return tuple(out)


def type_of(name: str) -> str | None:
    """The first type whose words the name's words include (Sword → equipment), or None."""
    words = {w for w in _NOT_WORD.split(name.lower()) if w}
    words.add(_NOT_WORD.sub("_", name.lower()).strip("_"))
    table: dict[str, list[str]] = catalogue_data()["type_words"]
    return next((kind for kind, known in table.items() if words & set(known)), None)


def with_names(stem: str, catalogue: Catalogue, industry: str) -> Catalogue:
    """``catalogue`` with a name and a type for each entry that has no name (the plan lists
    its id alone), for the first ``named_entries_cap`` entries (``data/catalogues.yaml``:
    a Rules file stays readable; later ids get theirs in the run). The name is a function of
    the id, so the same plan writes the same Rules."""
    cap = int(catalogue_data()["named_entries_cap"])
    kind = industry.lower()
    gaming = "gam" in kind
    commerce = any(w in kind for w in ("commerce", "retail", "shop"))
    entries = []
    for k, entry in enumerate(catalogue.entries):
        if entry.name is not None or k >= cap:
            entries.append(entry)
            continue
        rnd = random.Random(_id_seed(stem, entry.id))
        name, category, _ = drawn_name(stem, entry.id, rnd, gaming=gaming, commerce=commerce)
        entries.append(entry.model_copy(update={
            "name": name, "type": entry.type or category or type_of(name)}))
    return catalogue.model_copy(update={"entries": entries})


def _id_seed(stem: str, ident: str) -> int:
    digest = hashlib.blake2b(f"{stem}\x1fname\x1f{ident}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big")
