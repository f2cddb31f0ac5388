"""The plan's default market (Rules' ``market``): where its users are.

In this order: product.json's ``market``; the language the plan is written in (Korean
display names, descriptions, enum values and samples → a KR-led mix; Japanese → JP-led;
Chinese → TW or CN by its characters), or from a currency enum listing KRW/JPY first; the
countries of the plan's country/locale enums (a lead country among them keeps
``enum_lead_share``); the places product.json's description names ("in the US and
Europe"); else None (the global mix of ``data/locale/countries.yaml``).
``--market`` overrides whatever this writes. Word lists: ``data/heuristic_market.yaml``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from demogen.analysis.heuristic._data import load
from demogen.analysis.heuristic.values import names
from demogen.taxonomy import EventTaxonomy, ProductInfo, Property

__all__ = ["plan_language", "plan_market"]

_DATA = load("market")
_SHARE = float(_DATA["script_share"])
_HANS = frozenset(_DATA["hans_marks"])
_HANT = frozenset(_DATA["hant_marks"])
_CURRENCY_LEAD: dict[str, str] = dict(_DATA["currency_lead"])
_LEADS: dict[str, dict[str, float]] = {k: dict(v) for k, v in _DATA["leads"].items()}
_ENUM_LEAD = float(_DATA["enum_lead_share"])
_HANGUL = re.compile(r"[\uac00-\ud7a3]")
_KANA = re.compile(r"[\u3040-\u30ff]")
_HAN = re.compile(r"[\u4e00-\u9fff]")
_LETTER = re.compile(r"[^\W\d_]")


def plan_market(taxonomy: EventTaxonomy, product: ProductInfo) -> dict[str, float] | None:
    """Country (or region) → share of users for a plan; None: the global default."""
    if product.market:
        from demogen.simulation.mixes import parse_market  # the one market parser

        return parse_market(product.market)
    language = plan_language(taxonomy)
    lead = _LEADS.get(language) if language else None
    listed = _enum_countries(taxonomy)
    if lead is None:
        return _default_weights(listed) if listed else _described(product.description)
    country = next(iter(lead))
    if not listed or listed == [country]:
        return dict(lead)
    if country not in listed:      # the enum knows better where the users are
        return _default_weights(listed)
    others = [c for c in listed if c != country]
    rest = round((1 - _ENUM_LEAD) / len(others), 4)
    return {country: _ENUM_LEAD, **dict.fromkeys(others, rest)}


def plan_language(taxonomy: EventTaxonomy) -> str | None:
    """``ko``, ``ja``, ``zh_hant``, ``zh_hans`` for a plan written in that language (a
    share of its texts in the script), or the language its currency enum points at."""
    texts = [t for t in _texts(taxonomy) if _LETTER.search(t)]
    if texts:
        counts = {"ko": sum(1 for t in texts if _HANGUL.search(t)),
                  "ja": sum(1 for t in texts if _KANA.search(t)),
                  "zh": sum(1 for t in texts if _HAN.search(t) and not _HANGUL.search(t)
                            and not _KANA.search(t))}
        best = max(counts, key=lambda k: counts[k])
        if counts[best] >= _SHARE * len(texts):
            return _chinese(texts) if best == "zh" else best
    for prop in _all_properties(taxonomy):   # the home currency is listed first
        if prop.enum and names.device_attribute(prop.name) == "currency":
            lead = _CURRENCY_LEAD.get(str(prop.enum[0]).strip().upper())
            if lead is not None:
                return lead
    return None


def _chinese(texts: list[str]) -> str:
    joined = "".join(texts)
    hans = sum(joined.count(c) for c in _HANS)
    hant = sum(joined.count(c) for c in _HANT)
    return "zh_hans" if hans > hant else "zh_hant"


def _described(text: str) -> dict[str, float] | None:
    """The places the product's description names ("in the US and Europe": the US and the
    EU's countries at their countries.yaml weights), or None (the global default)."""
    found = [place for place, words in _DATA["description_places"].items()
             if any(_says(text, str(w)) for w in words)]
    if not found:
        return None
    from demogen.simulation.mixes import normalised, parse_market  # the one market parser

    return {c: round(w, 4) for c, w in normalised(parse_market(",".join(found))).items()}


def _says(text: str, word: str) -> bool:
    """``word`` as a whole word of ``text``: case-insensitively, an upper-case short form
    (``US``, ``UK``) only as written."""
    flags = 0 if word.isupper() and len(word) <= 3 else re.IGNORECASE
    return re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text, flags) is not None


def _default_weights(codes: list[str]) -> dict[str, float]:
    """Shares of ``codes`` at their ``countries.yaml`` weights (as a plan's enum had
    before markets were written down)."""
    from demogen.simulation.devices import load_countries

    known = load_countries()
    weights = {code: known[code].weight or 1.0 for code in codes}
    total = sum(weights.values())
    return {code: round(w / total, 4) for code, w in weights.items()}


def _enum_countries(taxonomy: EventTaxonomy) -> list[str]:
    """ISO codes the plan's country and locale enums name (``KR``, ``ko-KR`` → KR), in
    order, among the countries demogen has data for."""
    from demogen.simulation.devices import load_countries

    known = load_countries()
    found: list[str] = []
    for prop in _all_properties(taxonomy):
        if names.device_attribute(prop.name) not in ("country", "locale") or not prop.enum:
            continue
        for value in prop.enum:
            code = str(value).strip().replace("_", "-").split("-")[-1].upper()
            if code in known and code not in found:
                found.append(code)
    return found


def _all_properties(taxonomy: EventTaxonomy) -> Iterator[Property]:
    yield from (*taxonomy.properties, *taxonomy.common_properties, *taxonomy.user_properties)


def _texts(taxonomy: EventTaxonomy) -> Iterator[str]:
    for event in taxonomy.events:
        yield from (event.display_name, event.description)
    for prop in _all_properties(taxonomy):
        yield from (prop.display_name, prop.description)
        yield from (str(v) for v in prop.enum or ())
        yield from prop.examples
