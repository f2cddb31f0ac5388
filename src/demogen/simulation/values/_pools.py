"""Value pools: built once per ValueFactory, drawn from per event.

Faker is called only here, while a pool is filled (``pool_size`` values per kind and
locale, seeded from the factory seed, the kind and the locale, so a pool's content does
not depend on which user asked for it first). Per event a sampler picks from a pool with
one ``user.rnd.random()``.

Values that identify the user's own things (their email, their guild, their city) are
picked by a hash of the user index instead, so they stay the same for that user on
every event without storing anything.
"""

from __future__ import annotations

import functools
import random
import re
from collections.abc import Callable, Sequence
from importlib import resources
from typing import Any

import yaml
from faker import Faker
from faker.config import AVAILABLE_LOCALES

from demogen.analysis.heuristic.values import identity
from demogen.analysis.heuristic.values.names import OTHER_PERSON_WORDS, normalize
from demogen.simulation._context import UserContext
from demogen.simulation.devices import AppVersionRollout
from demogen.simulation.values._draw import Sampler, choice_sampler, mix64, salt, stable_sampler

MAX_STRING = 2048
_DIGITS = re.compile(r"\d+")


@functools.cache
def load_vocab() -> dict[str, Any]:
    node = resources.files("demogen").joinpath("data", "locale", "vocab.yaml")
    return yaml.safe_load(node.read_text(encoding="utf-8"))


def _vary(digits: str, rnd: random.Random) -> str:
    """Another number of the same width (``003`` → ``017``; ``1000125`` → ``1004721``)."""
    width = len(digits)
    if width == 1:
        return str(rnd.randint(1, 9))
    if digits.startswith("0"):
        return f"{rnd.randint(1, min(10 ** width - 1, 10 ** (width - 1) * 3)):0{width}d}"
    return str(rnd.randint(10 ** (width - 1), 10 ** width - 1))


def _clip(text: str) -> str:
    text = " ".join(text.split())  # no raw newlines inside a record
    return text if len(text.encode()) <= MAX_STRING else text.encode()[:MAX_STRING].decode(
        "utf-8", "ignore")


# -- Faker-backed kinds --------------------------------------------------------------------


def _province(fake: Faker) -> str:
    for method in ("administrative_unit", "state", "prefecture", "province", "region"):
        fn = getattr(fake, method, None)
        if fn is not None:
            try:
                return str(fn())
            except (AttributeError, TypeError):
                continue
    return str(fake.city())


FAKER_KINDS: dict[str, Callable[[Faker], str]] = {
    "first_name": lambda f: f.first_name(),
    "last_name": lambda f: f.last_name(),
    "full_name": lambda f: f.name(),
    "username": lambda f: f.user_name(),
    "email": lambda f: f.free_email(),
    "phone": lambda f: f.phone_number(),
    "address": lambda f: f.address(),
    "street": lambda f: f.street_address(),
    "city": lambda f: f.city(),
    "province": _province,
    "postcode": lambda f: f.postcode(),
    "company": lambda f: f.company(),
    "job": lambda f: f.job(),
    "user_agent": lambda f: f.user_agent(),
}

#: Kinds that describe the user themself: stable per user unless the name says the value
#: belongs to someone else (an invitee, a friend, a rival).
PERSONAL_KINDS = frozenset({
    "first_name", "last_name", "full_name", "username", "nickname", "email", "phone",
    "address", "street", "city", "province", "postcode", "company", "job", "guild_name",
})

#: Pool kinds drawn from vocab lists (list name), with their Zipf skew.
VOCAB_KINDS: dict[str, tuple[str, float]] = {
    "mail_subject": ("mail_subjects", 0.6), "message": ("messages", 0.5),
    "review": ("reviews", 0.4), "referring_app": ("referring_apps", 0.8),
    "referrer": ("referrers", 1.0), "page_path": ("page_paths", 0.8), "color": ("colors", 0.6),
    "size": ("sizes", 0.3), "media_source": ("media_sources", 0.9), "campaign": ("campaigns", 0.7),
    "channel": ("channels", 0.9), "ad_unit": ("ad_units", 0.7),
    "ad_placement": ("ad_placements", 0.7),
    "screen": ("screens", 0.8), "reason": ("reasons", 0.9), "result": ("results", 1.2),
    "word": ("words", 0.5), "brand": ("brands", 0.7), "consumable": ("consumables", 0.8),
    "category": ("categories", 0.7), "hero": ("heroes", 0.6), "class": ("classes", 0.6),
    "achievement": ("achievements", 0.7), "quest": ("quests", 0.7), "task": ("tasks", 0.4),
    "shop": ("shops", 0.9), "skill": ("skills", 0.6), "live_event": ("events_live", 0.5),
    "project": ("projects", 0.5), "grade": ("grades", 1.1), "tier": ("tiers", 1.0),
    "difficulty": ("difficulties", 1.0), "gender": ("genders", 0.0), "network": ("networks", 0.8),
    "vehicle": ("vehicles", 0.6), "vehicle_color": ("vehicle_colors", 0.9),
}


class Pools:
    """Every pool one ValueFactory draws from. Pools are filled on first use and kept."""

    def __init__(self, *, seed: int, size: int, industry: str, product_name: str):
        self.seed = seed
        self.size = max(10, size)
        self.industry = industry.lower()
        self.gaming = "gam" in self.industry
        self.commerce = any(w in self.industry for w in ("commerce", "retail", "shop"))
        slug = "".join(ch for ch in product_name.lower() if ch.isalnum()) or "example"
        self.domain = f"{slug}.com"
        self._vocab = load_vocab()
        self._faker: dict[tuple[str, str], tuple[str, ...]] = {}
        self._fakers: dict[str, Faker] = {}
        self._built: dict[str, tuple[str, ...]] = {}

    # -- raw pools --------------------------------------------------------------------------

    def faker_pool(self, kind: str, locale: str) -> tuple[str, ...]:
        """``size`` values of a Faker-backed kind in ``locale`` (en_US if Faker lacks it)."""
        key = (kind, locale)
        pool = self._faker.get(key)
        if pool is None:
            loc = locale if locale in AVAILABLE_LOCALES else "en_US"
            fake = self._fakers.get(loc)
            if fake is None:  # one Faker per locale (making one takes ~20 ms)
                fake = self._fakers[loc] = Faker(loc)
            fake.seed_instance(salt(self.seed, "faker", kind, loc))
            make = FAKER_KINDS[kind]
            values = {_clip(make(fake)) for _ in range(self.size)}
            pool = tuple(sorted(values))  # sorted: the order must not depend on set hashing
            self._faker[key] = pool
        return pool

    def vocab_list(self, name: str, language: str | None = None) -> tuple[str, ...]:
        lists = self._vocab["lists"]
        if language and f"{name}@{language}" in lists:
            return tuple(str(v) for v in lists[f"{name}@{language}"])
        return tuple(str(v) for v in lists[name])

    def built(self, kind: str) -> tuple[str, ...]:
        """Pools made by composing vocab lists or filling patterns (item names, coupons …)."""
        pool = self._built.get(kind)
        if pool is None:
            rnd = random.Random(salt(self.seed, "built", kind))
            pool = tuple(self._build(kind, rnd))
            self._built[kind] = pool
        return pool

    def _build(self, kind: str, rnd: random.Random) -> list[str]:
        vocab = self._vocab
        if kind in vocab["compose"]:
            first, second = (self.vocab_list(n) for n in vocab["compose"][kind])
            out = [f"{a} {b}" for a in first for b in second]
            rnd.shuffle(out)
            return out[: self.size]
        if kind in vocab["patterns"]:
            return self._fill_patterns(vocab["patterns"][kind], rnd)
        return self._build_named(kind, rnd)

    def _fill_patterns(self, patterns: list[str], rnd: random.Random) -> list[str]:
        """Distinct fillings of patterns like ``{theme} {a}-{b}`` (at most 200)."""
        themes = self.vocab_list("stage_themes")
        out: list[str] = []
        seen = set()
        for _ in range(self.size * 3):
            text = rnd.choice(patterns).format(
                a=rnd.randint(1, 9), b=rnd.randint(1, 20), n=rnd.randint(1, 200),
                theme=rnd.choice(themes), hex4=f"{rnd.getrandbits(16):04X}",
                hex6=f"{rnd.getrandbits(24):06X}",
            )
            if text not in seen:
                seen.add(text)
                out.append(text)
            if len(out) >= min(self.size, 200):
                break
        return out

    def _build_named(self, kind: str, rnd: random.Random) -> list[str]:
        if kind == "nickname":
            adjectives = self.vocab_list("guild_adjectives")
            names = self.vocab_list("heroes")
            out = {f"{rnd.choice(adjectives)}{rnd.choice(names)}{rnd.randint(1, 999)}"
                   for _ in range(self.size)}
            return sorted(out)
        if kind == "image_url":
            return [f"https://cdn.{self.domain}/images/{rnd.getrandbits(48):012x}.jpg"
                    for _ in range(self.size)]
        if kind == "url":
            if self.commerce:
                names = self.built("product_name")
                return [f"https://www.{self.domain}/products/"
                        f"{normalize(n).replace('_', '-')}-{rnd.randint(100, 999)}"
                        for n in names]
            return [f"https://www.{self.domain}{p}" for p in self.vocab_list("page_paths")]
        if kind == "domain":
            return [f"www.{self.domain}", self.domain, f"m.{self.domain}"]
        if kind == "build":
            return [str(1000 + 7 * i) for i in range(40)]
        if kind == "search_term":
            return list(self.vocab_list("game_search_terms" if self.gaming else "search_terms"))
        if kind == "item_name":
            return list(self.built("product_name" if self.commerce else "item_name"))
        if kind == "version":
            return list(AppVersionRollout.default(60).versions)
        if kind == "vip":
            return [f"VIP{i}" for i in range(11)]
        raise KeyError(kind)

    # -- samplers ---------------------------------------------------------------------------

    def string_sampler(self, kind: str, name: str) -> Sampler:
        """A sampler for a string kind (see ``_names.string_kind``) of property ``name``."""
        norm = normalize(name)
        personal = kind in PERSONAL_KINDS and not any(w in norm for w in OTHER_PERSON_WORDS)
        # One name per user whatever the property is called (nick_name in the profile,
        # tmp_name on events): the user's own name-like values are one value.
        key = salt(self.seed, "stable", kind if kind in identity.NAME_KINDS else norm)
        if kind in FAKER_KINDS:
            return self._locale_sampler(kind, key if personal else None)
        if kind == "nickname":
            return self._nickname_sampler(key if personal else None)
        if kind in ("message", "review"):
            list_name, skew = VOCAB_KINDS[kind]
            if kind == "message" and not self.gaming:
                list_name = "share_messages"
            return self._language_sampler(list_name, skew)
        if kind == "product_name" and self.gaming:
            kind = "consumable"
        if kind in VOCAB_KINDS:
            list_name, skew = VOCAB_KINDS[kind]
            return choice_sampler(self.vocab_list(list_name), skew)
        if kind == "hex":
            return lambda u, v, t: f"{u.rnd.getrandbits(128):032x}"
        if kind == "category_code":
            stem = norm.rsplit("_", 1)[0] or norm
            return choice_sampler([f"{stem}_{i}" for i in range(1, 7)], 0.8)
        if kind == "generic":
            if norm.endswith("_name") and len(norm) > 5:  # wishlist_name -> "Wishlist 3"
                label = norm[:-5].replace("_", " ").strip().capitalize()
                return choice_sampler([f"{label} {i}" for i in range(1, 9)], 0.8)
            return choice_sampler([f"{norm}_{i}" for i in range(1, 9)], 0.8)
        pool = self.built(kind)
        if personal:
            return stable_sampler(pool, key)
        return choice_sampler(pool, 0.6 if kind in ("level_name", "coupon", "guild_name") else 0.0)

    def _locale_sampler(self, kind: str, stable_key: int | None) -> Sampler:
        cache: dict[str, tuple[str, ...]] = {}
        build = self.faker_pool

        def pick(u: UserContext, v: dict[str, Any], t: str) -> str:
            loc = u.device.locale
            pool = cache.get(loc)
            if pool is None:
                pool = cache[loc] = build(kind, loc)
            if stable_key is None:
                return pool[int(u.rnd.random() * len(pool))]
            return pool[mix64(u.index ^ stable_key) % len(pool)]

        return pick

    def _nickname_sampler(self, stable_key: int | None) -> Sampler:
        """A nickname in the player's device language (a Chinese player's 铁血战狼312), one
        per user when ``stable_key`` is given."""
        cache: dict[str | None, tuple[str, ...]] = {}
        build = self.nicknames

        def pick(u: UserContext, v: dict[str, Any], t: str) -> str:
            lang = u.device.language
            pool = cache.get(lang)
            if pool is None:
                pool = cache[lang] = build(lang)
            if stable_key is None:
                return pool[int(u.rnd.random() * len(pool))]
            return pool[mix64(u.index ^ stable_key) % len(pool)]

        return pick

    def nicknames(self, language: str | None) -> tuple[str, ...]:
        """Nicknames in ``language`` (vocab ``nickname_heads@<lang>`` and ``…tails``; English
        from guild adjectives and hero names where the language has none)."""
        lists = self._vocab["lists"]
        if language and f"nickname_heads@{language}" in lists:
            heads = self.vocab_list("nickname_heads", language)
            tails = self.vocab_list("nickname_tails", language)
        else:
            return self.built("nickname")
        rnd = random.Random(salt(self.seed, "built", f"nickname@{language}"))
        return tuple(sorted({f"{rnd.choice(heads)}{rnd.choice(tails)}{rnd.randint(1, 999)}"
                             for _ in range(self.size)}))

    def _language_sampler(self, list_name: str, skew: float) -> Sampler:
        by_language: dict[str | None, Sampler] = {}
        get_list = self.vocab_list

        def pick(u: UserContext, v: dict[str, Any], t: str) -> str:
            lang = u.device.language
            inner = by_language.get(lang)
            if inner is None:
                inner = by_language[lang] = choice_sampler(get_list(list_name, lang), skew)
            return inner(u, v, t)

        return pick

    # -- examples from the plan ---------------------------------------------------------------

    def example_pool(self, examples: Sequence[str], name: str, size: int) -> tuple[str, ...]:
        """Values shaped like the plan's examples: each example, plus variants of those with
        numbers in them (``sword_epic_003`` → ``sword_epic_017``), up to ``size`` values."""
        rnd = random.Random(salt(self.seed, "examples", name))
        out: list[str] = []
        seen: set[str] = set()
        for e in examples:
            if e not in seen:
                seen.add(e)
                out.append(e)
        shaped = [e for e in examples if _DIGITS.search(e)]
        for _ in range(size * 4):
            if not shaped or len(out) >= size:
                break
            base = shaped[int(rnd.random() * len(shaped))]
            variant = _DIGITS.sub(lambda m: _vary(m.group(0), rnd), base)
            if variant not in seen:
                seen.add(variant)
                out.append(variant)
        return tuple(out)
