"""Id samplers, shaped by how an id behaves (``_names.id_spec`` decides the shape).

- ``stable``: the user's own thing (their account, guild, server): a hash of the user
  index, so it is the same on every event without storing anything.
- ``unique``: new for every event (a transaction, a battle): drawn from ``user.rnd``.
- ``scoped``: one of a few things the user owns and reuses (their carts, decks).
- ``catalogue``: one of a fixed list shared by all users (items, stages), mildly skewed.
"""

from __future__ import annotations

import bisect
import re
import uuid
from typing import Any

from demogen.analysis.heuristic.values import identity
from demogen.analysis.heuristic.values.names import IdSpec, normalize, singular
from demogen.simulation._context import UserContext
from demogen.simulation.values._codegen import with_source
from demogen.simulation.values._draw import (
    MASK64,
    Sampler,
    choice_sampler,
    mix64,
    salt,
    uuid4_text,
)
from demogen.simulation.values._pools import Pools

#: Last words of the ids that name the user's account (``account_id``, ``member_no``), the
#: likeliest first: these hold the run's ``#account_id`` (and ``simulation.ids`` reads the
#: plan's account-id shape from them).
ACCOUNT_STEMS = identity.ACCOUNT_STEMS


def id_sampler(pools: Pools, spec: IdSpec, name: str, *, numeric: bool) -> Sampler:
    """Ids shaped by how they behave: the user's own, new per event, or a catalogue's."""
    stem = spec.stem or "id"
    key = salt(pools.seed, "id", normalize(name))
    if spec.mode == "stable":
        return _stable_id(stem, key, numeric)
    if spec.mode == "unique":
        return _unique_id(stem, numeric)
    if spec.mode == "scoped":
        cum = (0.6, 0.9, 1.0)
        bis = bisect.bisect_right

        def scoped(u: UserContext, v: dict[str, Any], t: str) -> Any:
            j = bis(cum, u.rnd.random())
            h = mix64(u.index ^ key ^ (j * 0x9E3779B9))
            return 10_000_000 + h % 90_000_000 if numeric else f"{stem}_{h % 1_000_000:06d}"

        return scoped
    return _catalogue_id(pools, stem, numeric)

#: Things several users share (a guild, a server): how many a run holds.
SHARED = {"guild": 300, "clan": 300, "team": 200, "alliance": 100, "group": 300,
          "server": 12, "realm": 12, "workspace": 500, "org": 500, "organization": 500,
          "company": 500, "tenant": 500, "family": 1000, "context_group": 500}
_LONG_DIGITS = re.compile(r"\d{6,}")


def shared_size(stem: str) -> int | None:
    """How many of a shared thing a run holds; None for a user's very own (an order)."""
    return SHARED.get(stem) or SHARED.get(stem.rsplit("_", 1)[-1])


def own_id_like(examples: list[str], key: int) -> Sampler | None:
    """The user's own id in the shape of the plan's example, its long number the user's
    (``ord_2024061500123`` → ``ord_8909919451167``): one per user, never another's."""
    shaped = next((e for e in examples if _LONG_DIGITS.search(e)), None)
    if shaped is None:
        return None

    def own(u: UserContext, v: dict[str, Any], t: str) -> Any:
        h = mix64(u.index ^ key)
        return _LONG_DIGITS.sub(lambda m: f"{h % 10 ** len(m.group(0)):0{len(m.group(0))}d}",
                                shaped)

    return own


#: Runs of letters and digits in an example id; a run holding a digit is the id's body.
_ID_RUNS = re.compile(r"[0-9A-Za-z]+")
_HEX = frozenset("0123456789abcdef")
#: Fewest drawn characters an example needs to shape ids new on every event, and how many
#: its last run is lengthened to: 16^6 shapes gave one repeated ride id in 3,951 requests
#: (300 users x 10 days); 10 keep a run of 100,000 free of repeats.
_UNIQUE_POSITIONS = 6
_UNIQUE_DRAWN = 10


def unique_id_like(examples: list[str]) -> Sampler | None:
    """Ids new for every event in the shape of the plan's example (``r_8f2a91`` →
    ``r_03c7e5b2a9``): the example's words and separators kept, each character of a run
    with a digit drawn again as a digit, a hex letter or a letter of its case, the last such
    run lengthened to :data:`_UNIQUE_DRAWN` characters in all; None where the example
    leaves too few characters to draw (then a UUID)."""
    shaped = next((e for e in examples if _positions(e) >= _UNIQUE_POSITIONS), None)
    if shaped is None:
        return None
    parts = _ID_RUNS.split(shaped)
    runs = [(run, _alphabets(run)) for run in _ID_RUNS.findall(shaped)]
    last = max(i for i, (_, alphabets) in enumerate(runs) if alphabets is not None)
    run, alphabets = runs[last]
    assert alphabets is not None
    more = max(0, _UNIQUE_DRAWN - _positions(shaped))
    runs[last] = (run, alphabets + [alphabets[-1]] * more)

    def unique(u: UserContext, v: dict[str, Any], t: str) -> Any:
        rnd = u.rnd.random
        out = [parts[0]]
        for (run, alphabets), sep in zip(runs, parts[1:], strict=True):
            out.append(run if alphabets is None else
                       "".join(a[int(rnd() * len(a))] for a in alphabets))
            out.append(sep)
        return "".join(out)

    return unique


def _positions(example: str) -> int:
    return sum(len(run) for run in _ID_RUNS.findall(example) if any(c.isdigit() for c in run))


def _alphabets(run: str) -> list[str] | None:
    """What each character of an id's run is drawn from; None for a word (``r``, ``ORD``)."""
    if not any(c.isdigit() for c in run):
        return None
    hexed = set(run) <= _HEX and not run.isdigit()
    return ["0123456789abcdef" if hexed else "0123456789" if c.isdigit()
            else "ABCDEFGHIJKLMNOPQRSTUVWXYZ" if c.isupper() else "abcdefghijklmnopqrstuvwxyz"
            for c in run]


def _stable_id(stem: str, key: int, numeric: bool) -> Sampler:
    last = stem.rsplit("_", 1)[-1]
    size = shared_size(stem)
    if size:
        if numeric:
            base = 1 if last in ("server", "realm") else 1000
            return lambda u, v, t: base + mix64(u.index ^ key) % size
        width = 2 if size < 100 else 4
        label = "server" if last in ("server", "realm") else stem
        return lambda u, v, t: f"{label}_{mix64(u.index ^ key) % size + 1:0{width}d}"
    if stem in ("advertising", "idfa", "gaid", "adid", "advertising_vendor") or \
            last in ("advertising", "idfa", "gaid", "adid"):
        return lambda u, v, t: str(uuid.UUID(int=(mix64(u.index ^ key) << 64)
                                             | mix64(u.index ^ ~key & MASK64), version=4))
    if stem in ("open", "union"):
        return lambda u, v, t: f"o{mix64(u.index ^ key):016x}{mix64(u.index + key):012x}"[:29]
    if last in ACCOUNT_STEMS:
        # The account id once the user has one, else a number-like id of the device's user.
        if numeric:
            return lambda u, v, t: _as_number(u.account_id) or \
                10_000_000 + mix64(u.index ^ key) % 90_000_000
        return lambda u, v, t: u.account_id or str(
            10_000_000 + mix64(u.index ^ key) % 90_000_000)
    if numeric:
        return lambda u, v, t: 10_000_000 + mix64(u.index ^ key) % 90_000_000
    return lambda u, v, t: f"{stem}_{mix64(u.index ^ key) % 100_000_000:08d}"

def _as_number(account_id: str | None) -> int | None:
    """A numeric account id as the number a number property holds (None for other shapes,
    a prefixed run, or more digits than a double keeps exactly)."""
    if account_id and account_id.isdigit() and len(account_id) <= 15:
        return int(account_id)
    return None

def _unique_id(stem: str, numeric: bool) -> Sampler:
    if numeric:
        return lambda u, v, t: 1_000_000_000 + int(u.rnd.random() * 8_999_999_999)
    return shop_or_store_id(stem) or with_source(
        lambda u, v, t: uuid4_text(u.rnd.getrandbits(128)),
        lambda w, out: [f"{out} = {w.ref(uuid4_text)}(u.rnd.getrandbits(128))"])


def shop_or_store_id(stem: str) -> Sampler | None:
    """A text id new for every event in the shape its shop or store gives it (an order
    number, an App Store or Google Play transaction); None for the others (a UUID, or the
    plan's example's shape)."""
    last = stem.rsplit("_", 1)[-1]
    if last in ("order", "invoice", "purchase"):
        # Shop-style order numbers: the event date and a sequence-looking tail.
        return lambda u, v, t: f"{t[0:4]}{t[5:7]}{t[8:10]}{int(u.rnd.random() * 1e8):08d}"
    if last in ("transaction", "store_transaction", "payment", "receipt", "refund") or \
            "transaction" in stem:

        def transaction(u: UserContext, v: dict[str, Any], t: str) -> str:
            r = u.rnd.getrandbits(64)
            if u.device.presets.get("#os") == "iOS":  # App Store: 16 digits
                return f"2000000{r % 1_000_000_000:09d}"
            if u.device.presets.get("#os") == "Android":  # Google Play order id
                d = f"{r % 10**17:017d}"
                return f"GPA.{d[:4]}-{d[4:8]}-{d[8:12]}-{d[12:]}"
            return f"ch_{r:016x}"

        return transaction
    return None

def _catalogue_id(pools: Pools, stem: str, numeric: bool) -> Sampler:
    sizes = {"item": 200, "product": 300, "sku": 300, "commodity": 300, "goods": 300,
             "stage": 100, "level": 100, "main": 100, "hero": 80, "unit": 80, "card": 120,
             "shop": 8, "banner": 12, "ad": 20, "coupon": 40, "achievement": 60, "quest": 80,
             "skill": 40, "gift": 20, "activity": 12, "promotion": 12, "event": 12,
             "category": 14, "list": 20, "creative": 20, "campaign": 15, "pond": 8,
             "gacha": 8, "tutorial": 5, "step": 10, "guide": 10, "task": 50, "mission": 50,
             "tower_level": 60, "equipment": 150, "weapon": 80, "pet": 30, "map": 30,
             "chapter": 20, "sale": 12, "wishlist": 20, "list_id": 20, "reward": 60,
             "resource": 30, "currency": 6, "token": 8, "friend": 500, "room": 50,
             "channel": 20, "content": 100, "offer": 20, "package": 20, "bundle": 20}
    last = stem.rsplit("_", 1)[-1]
    n = sizes.get(stem) or sizes.get(last) or 50
    if numeric:
        base = 10_000 if last in ("item", "product", "sku", "equipment") else 1000
        values: list[Any] = [base + k for k in range(1, n + 1)]
    elif last == "item" and pools.gaming:
        codes = list(pools.vocab_list("item_codes"))
        values = codes + [f"item_{k:04d}" for k in range(1, max(0, n - len(codes)) + 1)]
    elif last in ("product", "package", "offer", "bundle") and pools.gaming:
        # Store product ids of in-app purchases: com.<app>.<pack>
        app = pools.domain.split(".")[0]
        values = [f"com.{app}.{code}" for code in pools.vocab_list("item_codes")]
    elif last in ("product", "commodity", "goods"):
        values = [f"P{100_000 + 37 * k}" for k in range(1, n + 1)]
    elif last == "sku":
        values = [f"SKU-{20_000 + 53 * k}" for k in range(1, n + 1)]
    else:
        prefix = singular(stem)
        values = [f"{prefix}_{k:03d}" for k in range(1, n + 1)]
    return choice_sampler(values, 0.7)
