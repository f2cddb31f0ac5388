"""What each event is about: its words, verb, object, step number and concepts.

An event's *object* is what its name is about once the verb is taken out
(``Coupon Applied`` -> ``{coupon}``, ``Product Added to Wishlist`` -> ``{product, wishlist}``);
events about one object are ordered by their verbs (``_sequences``). Its *concepts*
(``install``, ``purchase``, ``tutorial_complete`` …, from ``heuristic_concepts.yaml``) carry
a score: how much of the name the matching pattern explains.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from demogen.analysis.heuristic._data import load
from demogen.analysis.heuristic._text import (
    Pattern,
    Reading,
    compile_pattern,
    contains_any,
    has_cjk,
    lexicon,
    norm,
    pattern_matches,
    read,
)
from demogen.taxonomy import Event

#: Weight of a concept found only through the display name (the name said nothing known).
ALIAS_WEIGHT = 0.6
#: Weight of a concept found only through a phrase of the description.
DESCRIPTION_WEIGHT = 0.3

_NUMBERED = re.compile(r"\d+")
#: Where the first clause of a description ends.
_CLAUSE_END = re.compile(r"[.;:,(\[\n。；：，（]|\s[-–—]\s")


@dataclass(frozen=True, slots=True)
class EventInfo:
    index: int
    event: Event
    words: tuple[str, ...]
    keys: frozenset[str]
    verb: str | None
    obj: frozenset[str]
    number: int | None
    stem: str | None
    cjk: str
    alias_keys: frozenset[str]
    desc: str

    @property
    def name(self) -> str:
        return self.event.name

    @property
    def props(self) -> tuple[str, ...]:
        return self.event.properties


def read_event(index: int, event: Event) -> EventInfo:
    lex = lexicon()
    reading = read(event.name, strip_prefix=True)
    # An opaque name (ev_a, e_17) says nothing: the description's first clause is the name.
    named_by = event.name
    clause = _first_clause(event.description) if _opaque(reading, event.name) else ""
    if clause and not has_cjk(clause):
        described = read(clause)
        if any(w in lex.known for w in described.words):
            reading, named_by = described, clause
    words = reading.words
    verbs = [i for i, w in enumerate(words) if w in lex.verb_of]
    verb = lex.verb_of[words[verbs[-1]]] if verbs else None
    obj = frozenset(w for i, w in enumerate(words) if not verbs or i != verbs[-1])
    alias = event.display_name
    alias_keys: frozenset[str] = frozenset()
    if alias and not has_cjk(alias):
        alias_keys = read(alias).keys
    cjk_text = norm(" ".join(t for t in (event.name, alias, clause) if has_cjk(t)))
    if not words and cjk_text:
        classes = lex.cjk_verb_classes(cjk_text)
        verb = classes[-1] if classes else None
        obj = frozenset(_strip_cjk_verbs(cjk_text).split())
    number = reading.numbers[-1] if reading.numbers else None
    stem = _NUMBERED.sub("#", named_by.lower()) if number is not None else None
    return EventInfo(
        index=index,
        event=event,
        words=words,
        keys=reading.keys,
        verb=verb,
        obj=obj,
        number=number,
        stem=stem,
        cjk=cjk_text,
        alias_keys=alias_keys,
        desc=norm(event.description),
    )


def _opaque(reading: Reading, name: str) -> bool:
    """A name with no word the analyzer knows, in no script it reads as words."""
    known = lexicon().known
    return not has_cjk(name) and not any(w in known for w in reading.words)


def _first_clause(description: str) -> str:
    """``"App installed (first launch only)."`` -> ``"App installed"``."""
    return _CLAUSE_END.split(description.strip(), maxsplit=1)[0].strip()


def _strip_cjk_verbs(text: str) -> str:
    for word, _ in lexicon().cjk_verbs:
        text = text.replace(word, " ")
    return text


@dataclass(frozen=True)
class Concept:
    name: str
    patterns: tuple[Pattern, ...]
    veto: frozenset[str]
    cjk: tuple[str, ...]
    cjk_veto: tuple[str, ...]
    desc: tuple[str, ...]

    def name_score(self, keys: frozenset[str], size: int) -> float:
        if not keys or keys & self.veto:
            return 0.0
        best = 0.0
        for pattern in self.patterns:
            if pattern_matches(pattern, keys):
                best = max(best, min(1.0, len(pattern) / max(size, 1)))
        return best

    def score(self, info: EventInfo, *, fallback: bool) -> float:
        score = self.name_score(info.keys, len(set(info.words)))
        if not score and fallback:
            alias = self.name_score(info.alias_keys, len(info.alias_keys))
            if not alias and info.cjk and not contains_any(info.cjk, self.cjk_veto):
                alias = 1.0 if contains_any(info.cjk, self.cjk) else 0.0
            score = ALIAS_WEIGHT * alias
        if not score and self.desc and contains_any(info.desc, self.desc):
            score = DESCRIPTION_WEIGHT
        return score


@cache
def concepts() -> dict[str, Concept]:
    lex = lexicon()
    book: dict[str, Concept] = {}
    for name, spec in load("concepts")["concepts"].items():
        book[name] = Concept(
            name=name,
            patterns=tuple(compile_pattern(p) for p in spec.get("en", [])),
            veto=frozenset(w if w.startswith("@") else lex.lemma(w) for w in spec.get("not", [])),
            cjk=tuple(w for lang in ("ko", "zh", "ja") for w in spec.get(lang, [])),
            cjk_veto=tuple(spec.get("cjk_not", [])),
            desc=tuple(spec.get("desc", [])),
        )
    return book


@dataclass
class EventIndex:
    """Events with their concepts; ``best("purchase")`` is the event that says it most."""

    infos: list[EventInfo]
    scores: dict[str, dict[str, float]] = field(default_factory=dict)
    #: An end → the event of the same object it ends (``paired``: Ride Pass Cancelled →
    #: Ride Pass Subscribed).
    partners: dict[str, str] = field(default_factory=dict)

    @classmethod
    def build(cls, events: tuple[Event, ...]) -> EventIndex:
        infos = [read_event(i, e) for i, e in enumerate(events)]
        index = cls(infos=infos)
        book = concepts()
        for info in infos:
            found = {n: c.score(info, fallback=False) for n, c in book.items()}
            found = {n: s for n, s in found.items() if s > 0}
            if not any(s > DESCRIPTION_WEIGHT for s in found.values()):
                found = {n: c.score(info, fallback=True) for n, c in book.items()}
                found = {n: s for n, s in found.items() if s > 0}
            index.scores[info.name] = found
        index._pair_ends()
        return index

    def _pair_ends(self) -> None:
        """Give an event ending what a partner event of the same object started the end's
        concept (``heuristic_concepts.yaml`` ``paired``): "Ride Pass Cancelled" is the
        cancel of "Ride Pass Subscribed", a subscription, though it names none. The pair
        explains the whole name: the end is sure of its concept."""
        for spec in load("concepts").get("paired", []):
            starts = {i.obj: i.name for i in reversed(self.all(spec["partner"])) if i.obj}
            for info in self.infos:
                said = self.scores[info.name]
                if info.verb in spec["verbs"] and info.obj in starts and not any(
                        s > DESCRIPTION_WEIGHT for s in said.values()):
                    said[spec["concept"]] = 1.0
                    self.partners[info.name] = starts[info.obj]

    def info(self, name: str) -> EventInfo:
        return self._by_name[name]

    @property
    def _by_name(self) -> dict[str, EventInfo]:
        cache_ = self.__dict__.get("_name_cache")
        if cache_ is None:
            cache_ = {i.name: i for i in self.infos}
            self.__dict__["_name_cache"] = cache_
        return cache_

    def has(self, name: str, concept: str) -> bool:
        return concept in self.scores.get(name, {})

    def score(self, name: str, concept: str) -> float:
        return self.scores.get(name, {}).get(concept, 0.0)

    def all(self, concept: str) -> list[EventInfo]:
        """Events with the concept, best first (ties: taxonomy order)."""
        hits = [i for i in self.infos if concept in self.scores[i.name]]
        return sorted(hits, key=lambda i: (-self.scores[i.name][concept], i.index))

    def best(
        self, concept: str, *, exclude: set[str] | frozenset[str] = frozenset()
    ) -> EventInfo | None:
        return next((i for i in self.all(concept) if i.name not in exclude), None)

    def concepts_of(self, name: str) -> dict[str, float]:
        return self.scores.get(name, {})


__all__ = ["Concept", "EventIndex", "EventInfo", "concepts", "read_event"]
