"""The identities of a run's users: ``#account_id``, ``#distinct_id`` and the ``#device_id`` key.

Every id derives from (seed, namespace, user index). The namespace is the plan's fingerprint
and the product's name (:func:`id_namespace`), so two products, or two plans, run with the
same seed share no user: their demos can be loaded into one ThinkingData project without
merging users. The same inputs give the same ids, whatever the number of workers.

``#account_id`` follows the shape the plan shows for its account id (:func:`account_id_shape`:
``account_id``, ``user_id``, ``uid``, ``member_id`` … with a type, sample values or a
description that show digits, a letter prefix and digits, a UUID or hex), else
:data:`DEFAULT_SHAPE`. Account ids come from a keyed permutation of the user index (a Feistel
network over the shape's range), so they look random yet no two users of a run share one.

>>> ids = RunIds(seed=0, namespace="plan:Rune Knights")
>>> ids.account_id(0) != RunIds(seed=0, namespace="plan:Northbay").account_id(0)
True
>>> RunIds(seed=0, prefix="demo1_").distinct_id(3).startswith("demo1_")
True
"""

from __future__ import annotations

import hashlib
import re
import uuid
from dataclasses import dataclass, replace
from typing import Literal

from demogen.analysis.heuristic.values.identity import account_rank
from demogen.errors import ConfigError
from demogen.simulation.values._draw import mix64
from demogen.taxonomy import EventTaxonomy, Property
from demogen.vocab import PropertyType

__all__ = [
    "DEFAULT_SHAPE",
    "IdShape",
    "RunIds",
    "account_id_shape",
    "check_id_prefix",
    "id_namespace",
]

#: ThinkingData refuses ids longer than this (thinkingdata-format.md).
MAX_ID_LENGTH = 64
#: ``--id-prefix``: a short run tag made of characters any id system accepts.
_PREFIX = re.compile(r"[A-Za-z0-9_.\-]{1,16}")

IdKind = Literal["digits", "hex", "uuid"]


def id_namespace(fingerprint: str, product_name: str) -> str:
    """What a run's ids derive from besides the seed: the plan's fingerprint
    (``EventTaxonomy.content_hash()``) and the product's name."""
    return f"{fingerprint}:{product_name}"


def check_id_prefix(prefix: str | None) -> str | None:
    """``prefix`` when it is a usable ``--id-prefix``, else :class:`ConfigError`."""
    if prefix is None or _PREFIX.fullmatch(prefix):
        return prefix
    raise ConfigError(
        f"--id-prefix {prefix!r} cannot start ids: use 1 to 16 letters, digits, '_', '-' "
        "or '.' (e.g. demo1_)")


# -- shapes -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class IdShape:
    """How an account id looks: ``digits`` (``4821937465``), ``hex`` or ``uuid``; ``width``
    characters after a letter ``prefix`` (``U`` of ``U20481234``)."""

    kind: IdKind
    width: int = 0
    prefix: str = ""
    upper: bool = False
    #: The plan property the shape was read from ("" for the default).
    source: str = ""

    def size(self) -> int:
        """How many different ids the shape has."""
        if self.kind == "digits":
            return 9 * 10 ** (self.width - 1)     # no leading zero, as a number would show
        if self.kind == "hex":
            return 16 ** self.width
        return 1 << 122                           # the random bits of a version-4 UUID

    def fitted(self, users: int) -> IdShape:
        """The shape, widened when the run has more users than it has ids."""
        if self.kind not in ("digits", "hex") or self.size() >= users:
            return self
        wider = self
        while wider.size() < users:
            wider = replace(wider, width=wider.width + 1)
        return wider


#: Numbers: what most account systems issue (game member numbers, shop customer numbers), as
#: ThinkingData's own examples show them; ten digits hold any run's users without looking like
#: a counter, and fit a plan that keeps the account id in a number property (below 2**53).
DEFAULT_SHAPE = IdShape("digits", 10)

_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_DIGITS = re.compile(r"[1-9]\d{3,19}")
_HEX = re.compile(r"(?=[0-9a-fA-F]*[a-fA-F])(?=[0-9a-fA-F]*\d)[0-9a-fA-F]{8,32}")
_PREFIXED = re.compile(r"([A-Za-z][A-Za-z_\-]{0,9})(\d{4,20})")
#: Words of a description that could be a sample id ("e.g. M20240001").
_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_\-]{5,}")
_WIDTH_PHRASE = re.compile(r"(\d{1,2})\s*-?\s*(?:digits?|자리)", re.IGNORECASE)
_UUID_WORD = re.compile(r"\b(?:uuid|guid)\b", re.IGNORECASE)


def account_id_shape(taxonomy: EventTaxonomy) -> IdShape:
    """The shape of the plan's account ids, read from its account-id-like property
    (user properties first, then common, then event ones); :data:`DEFAULT_SHAPE` when no
    such property shows one."""
    candidates = [(rank, order, prop)
                  for order, prop in enumerate((*taxonomy.user_properties,
                                                *taxonomy.common_properties,
                                                *taxonomy.properties))
                  if (rank := account_rank(prop.name)) is not None]
    for _, _, prop in sorted(candidates, key=lambda c: (c[0], c[1])):
        shape = _shown_shape(prop)
        if shape is not None:
            return shape
    return DEFAULT_SHAPE


def _shown_shape(prop: Property) -> IdShape | None:
    """The shape ``prop``'s samples, description or type show, if any."""
    samples = [*prop.examples, *(str(v) for v in prop.enum or ())]
    samples += _TOKEN.findall(prop.description)
    for sample in samples:
        shape = _sample_shape(sample.strip())
        if shape is not None:
            return replace(shape, source=prop.name)
    if _UUID_WORD.search(prop.description):
        return IdShape("uuid", source=prop.name)
    width = _WIDTH_PHRASE.search(prop.description)
    if width and 4 <= int(width.group(1)) <= 20:
        return IdShape("digits", int(width.group(1)), source=prop.name)
    if prop.type == PropertyType.NUMBER:
        top = prop.value_range.max if prop.value_range else 0
        digits = len(str(int(top))) if top >= 10_000 else DEFAULT_SHAPE.width
        return IdShape("digits", min(digits, 15), source=prop.name)   # below 2**53
    return None


def _sample_shape(sample: str) -> IdShape | None:
    if _UUID.fullmatch(sample):
        return IdShape("uuid", upper=sample.isupper())
    if _DIGITS.fullmatch(sample):
        return IdShape("digits", len(sample))
    m = _PREFIXED.fullmatch(sample)      # before hex: "A1234567" is a letter and a number
    if m:
        return IdShape("digits", len(m.group(2)), prefix=m.group(1))
    if _HEX.fullmatch(sample):
        return IdShape("hex", len(sample), upper=sample.isupper())
    return None


# -- the run's ids ----------------------------------------------------------------------------


class RunIds:
    """The ids of one run's users, each made once per user from (seed, namespace, index).

    ``prefix`` (``--id-prefix``) starts every account and distinct id; ``users`` widens a
    shape too narrow for the run.
    """

    __slots__ = ("_account_prefix", "_half", "_key", "_mask", "_offset", "_prefix", "_rounds",
                 "_size", "shape")

    def __init__(self, *, seed: int, namespace: str = "", prefix: str | None = None,
                 shape: IdShape = DEFAULT_SHAPE, users: int = 1):
        self._key = hashlib.blake2b(f"demogen-ids\x1f{seed}\x1f{namespace}".encode(),
                                    digest_size=32).digest()
        self._rounds = tuple(int.from_bytes(self._key[i:i + 8], "big") for i in range(0, 32, 8))
        self._prefix = check_id_prefix(prefix) or ""
        self._account_prefix = self._prefix + shape.prefix
        self.shape = shape.fitted(users)
        self._size = self.shape.size()
        self._offset = 10 ** (self.shape.width - 1) if self.shape.kind == "digits" else 0
        self._half = (max(self._size - 1, 1).bit_length() + 1) // 2
        self._mask = (1 << self._half) - 1
        body = 36 if self.shape.kind == "uuid" else self.shape.width
        if len(self._account_prefix) + body > MAX_ID_LENGTH:
            raise ConfigError(f"account ids would be {len(self._account_prefix) + body} "
                              f"characters long; ThinkingData takes at most {MAX_ID_LENGTH}")

    def account_id(self, index: int) -> str:
        """User ``index``'s ``#account_id``: unique in the run, shaped like the plan's."""
        shape = self.shape
        if shape.kind == "uuid":
            text = str(uuid.UUID(bytes=self._digest(b"account", index), version=4))
            return self._account_prefix + (text.upper() if shape.upper else text)
        value = self._permute(index)
        if shape.kind == "digits":
            return self._account_prefix + str(self._offset + value)
        return self._account_prefix + (f"{value:0{shape.width}X}" if shape.upper
                                       else f"{value:0{shape.width}x}")

    def distinct_id(self, index: int) -> str:
        """User ``index``'s ``#distinct_id``: a random-looking UUID, as the SDKs make it
        (after ``--id-prefix``, when given)."""
        return self._prefix + str(uuid.UUID(bytes=self._digest(b"distinct", index), version=4))

    def device_salt(self, index: int) -> int:
        """128 bits mixed into the bits a device id is drawn from: the device's draws stay
        where they were in the user's stream, and its id still changes with the namespace."""
        return int.from_bytes(self._digest(b"device", index), "big")

    def _digest(self, purpose: bytes, index: int) -> bytes:
        return hashlib.blake2b(index.to_bytes(8, "big"), key=self._key, person=purpose,
                               digest_size=16).digest()

    def _permute(self, index: int) -> int:
        """A keyed bijection of ``[0, size)``: a Feistel network over ``2 × half`` bits,
        walked again until the value falls inside the range (at most 4 walks on average),
        so distinct users get distinct ids that do not count up."""
        half, mask, size, x = self._half, self._mask, self._size, index
        while True:
            left, right = x >> half, x & mask
            for key in self._rounds:
                left, right = right, left ^ (mix64(right ^ key) & mask)
            x = (left << half) | right
            if x < size:
                return x
