"""The ``Rules`` model: what an analyzer infers and the simulation obeys.

Its top-level shape is the seed's ``property_rules`` (other tools read it):
``property_constraints``, ``property_relationships``, ``value_ranges``,
``event_constraints``, ``monetary_properties``, ``segment_analysis`` and
``update_patterns``; demogen adds ``schema_version`` and ``lifecycle_rules``.
Every part is optional so partial rules (a person's edit, a model's answer) load,
and missing parts are filled in later by the heuristic analyzer.
"""

from __future__ import annotations

import difflib
import itertools
import json
from collections.abc import Iterable
from pathlib import Path
from types import UnionType
from typing import Any, Literal, Union, get_args, get_origin

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)

from demogen.analysis._documents import RULES_SCHEMA_VERSION, document_text, write_document
from demogen.analysis._locate import key_lines, key_path, line_of
from demogen.analysis._migrate import migrate
from demogen.currencies import bundled_fx
from demogen.errors import RulesError
from demogen.vocab import LifecycleStage, Segment, UpdateType

#: Every key of a rules document must be one of the model's: a typo (``per_sesion``) is an
#: error with a did-you-mean, never a setting silently ignored.
_STRICT = ConfigDict(extra="forbid")


class PropertyConstraint(BaseModel):
    """``carrier`` depends on ``country``: allowed values per value of the parent."""

    model_config = _STRICT

    depends_on: list[str] = Field(default_factory=list)
    mapping: dict[str, list[Any]] = Field(default_factory=dict)
    #: A number's [low, high] per value of the parent, where a list of values would not do
    #: (a walk's pace 540-900 s/km, a run's 240-480): the draw is scaled into it.
    ranges: dict[str, list[float]] = Field(default_factory=dict)


class PaidWay(BaseModel):
    """``unlock_type`` 4 (소장(코인)): a way of having a thing paid in an in-app currency. A
    record shows a paid code only after a spend event of the same thing (``coin_use`` with
    the same ``series_id`` and ``episode_no``) in the session, else one of the other codes;
    the spend costs the thing's ``price`` where the plan shows one."""

    model_config = _STRICT

    #: The codes (or text values) of the way paid in the currency.
    paid: list[str] = Field(default_factory=list)
    #: The events that spend the currency on a thing.
    spends: list[str] = Field(default_factory=list)
    #: The properties naming the thing, on the way's events and the spends alike.
    keys: list[str] = Field(default_factory=list)
    #: The number property showing a thing's price in the currency spent (``episode_price``
    #: beside the same keys): one price per thing, and a spend takes that price from the
    #: balance (``coin_use``'s ``coin_amount``). None: the spend draws its own amount.
    price: str | None = None
    #: The boolean flag beside the keys saying a thing is free (``is_free``): a thing is
    #: free or paid once per run, every record naming it shows so, the way shows one of
    #: ``free`` codes on a free thing and another on a paid one, and a spend names a paid
    #: thing only. None: the flag and the way are drawn per record.
    flag: str | None = None
    #: The way's codes whose labels say free (``1:무료``, ``2:기다리면 무료``).
    free: list[str] = Field(default_factory=list)
    #: Share of the things free (picked by the thing's keys and the run seed).
    free_share: float = Field(default=0.0, ge=0.0, le=1.0)


class PropertyRelationship(BaseModel):
    """A derived property: ``xp`` = ``level * 100 + random(0-50)``."""

    model_config = _STRICT

    type: str | None = None
    depends_on: list[str] = Field(default_factory=list)
    affects: list[str] = Field(default_factory=list)
    formula: str | None = None
    #: Events on which the formula holds (empty: wherever the property travels).
    events: list[str] = Field(default_factory=list)


class NumberRange(BaseModel):
    """``{min, max, mean}``; ``mean`` is a hint for skewed draws and may be left out."""

    model_config = _STRICT

    min: float
    max: float
    mean: float | None = None

    @model_validator(mode="after")
    def _ordered(self) -> NumberRange:
        if self.min > self.max:
            raise ValueError(f"min ({self.min}) is greater than max ({self.max})")
        if self.mean is not None and not self.min <= self.mean <= self.max:
            raise ValueError(f"mean ({self.mean}) is outside [{self.min}, {self.max}]")
        return self


class Funnel(BaseModel):
    """Ordered steps with the conversion into each step from the previous one.

    These are the only conversions in the rules: a sequence played as a session chain or
    an onboarding progression takes the conversion of each step ``a → b`` from the first
    funnel in which ``b`` directly follows ``a`` (:meth:`EventConstraints.step_conversion`).
    """

    model_config = _STRICT

    name: str
    steps: list[str]
    conversion: list[float] = Field(default_factory=list)
    #: ``funnel``: a conversion path analysts chart (the report draws it). ``chain``: only
    #: how often one event follows another in a sequence no funnel covers (gold earn →
    #: spend, purchase → refund); it drives the data the same way but is not charted.
    kind: Literal["funnel", "chain"] = "funnel"
    #: True when the whole funnel usually happens inside one session (shop → purchase).
    per_session: bool = False
    #: Notes for people, not read by the generator: when the funnel happens, in words
    #: ("first sessions after install"), and where its conversions come from.
    window: str | None = None
    source: str | None = None

    @field_validator("conversion")
    @classmethod
    def _probabilities(cls, value: list[float]) -> list[float]:
        for p in value:
            if not 0.0 <= p <= 1.0:
                raise ValueError(f"conversion {p} is not a probability between 0 and 1")
        return value

    @model_validator(mode="after")
    def _one_per_step(self) -> Funnel:
        if self.conversion and len(self.conversion) != len(self.steps):
            raise ValueError(
                f"funnel '{self.name}' has {len(self.steps)} steps but "
                f"{len(self.conversion)} conversion values; give one per step"
            )
        return self


class SequenceDetail(BaseModel):
    """How one sequence is played: its scope, whether order is required, its pairing key.

    ``scope`` is ``session`` (level_start → level_end inside a session), ``user`` (a
    tutorial over the first sessions; purchase → a rare refund), or ``account``
    (spans several users, e.g. invite → invitee's signup: not ordered per user).
    Its step conversions are the funnels' (one number per step); a version-1 file's
    ``conversion`` list here is moved into the funnels on load (``_migrate.py``).
    """

    model_config = _STRICT

    events: list[str]
    scope: str = "user"
    strict: bool = True
    key: str | None = None


class EventConstraints(BaseModel):
    model_config = _STRICT

    sequences: list[list[str]] = Field(default_factory=list)
    funnels: list[Funnel] = Field(default_factory=list)
    prerequisites: dict[str, list[str]] = Field(default_factory=dict)
    one_time_events: list[str] = Field(default_factory=list)
    session_start_events: list[str] = Field(default_factory=list)
    session_end_events: list[str] = Field(default_factory=list)
    #: Optional details per sequence, matched by their ``events`` list.
    sequence_details: list[SequenceDetail] = Field(default_factory=list)
    #: Server-side snapshots and feeds (online counts, ad-revenue reports): not user actions.
    system_events: list[str] = Field(default_factory=list)

    def charted_funnels(self) -> list[Funnel]:
        """The funnels analysts chart (``kind: funnel``), without the chains' step rates."""
        return [f for f in self.funnels if f.kind == "funnel"]

    def step_conversion(self, before: str, after: str) -> float | None:
        """The conversion into ``after`` right after ``before``: the first funnel that has
        them as neighbours decides, so editing that one number changes the data."""
        for funnel in self.funnels:
            if funnel.conversion:
                for i in range(1, len(funnel.steps)):
                    if funnel.steps[i - 1] == before and funnel.steps[i] == after:
                        return funnel.conversion[i]
        return None


#: What a money amount is within its record (see :class:`MonetaryProperty`).
MoneyRole = Literal["amount", "subtotal", "discount", "shipping", "tax", "fee", "tip", "net",
                    "total", "gross"]


class MonetaryProperty(BaseModel):
    """A money amount: the record's currency property, where it is money, and its role.

    ``role`` says how the amounts of one record add up (all from one underlying amount):
    ``amount``/``subtotal`` the lines before anything else, ``discount``, ``shipping``,
    ``tax``, ``fee``, ``tip`` (what the buyer adds for the driver, courier or waiter: none
    on many orders); ``net`` = subtotal − discount; ``total`` = subtotal − discount +
    shipping + tax + fee + tip (what is paid); ``gross`` = the same before the discount.
    """

    model_config = _STRICT

    currency_property: str | None = None
    #: Events on which the property is money (empty: wherever it travels).
    events: list[str] = Field(default_factory=list)
    #: The amount's part of the record's order (None: read from the name).
    role: MoneyRole | None = None
    #: How the order's amount is drawn: ``tiers`` (store price points: an app's in-app
    #: purchase), ``range`` (a good or service priced freely in its range: a hotel room, a
    #: flight, a ticket); None: as the product's industry draws (currencies.yaml).
    pricing: Literal["tiers", "range"] | None = None
    #: Counts the amount is a per-unit price times (``[nights]``: a booking's amount is the
    #: per-night price × its nights; ``[nights, rooms]``), where the record carries them;
    #: the per-unit price is drawn in the amount's range over the counts' largest values.
    per: list[str] | None = None
    #: A boolean of the record that, true, makes it charge nothing (``is_trial``: a trial's
    #: start shows 0); None: the amount is always drawn.
    free_when: str | None = None
    #: The per-unit price in USD by a record property's value (``{plan: {Pro: 12, Business:
    #: 24}}``: a Pro seat costs 12 a month), times the ``per`` counts (seats); None: the
    #: price is drawn in the amount's range.
    price_usd_by: dict[str, dict[str, float]] | None = None
    #: How many of the price's months a record's period value charges (``{billing_period:
    #: {monthly: 1, annual: 10}}``: a year costs ten months, two free); None: one.
    months_by: dict[str, dict[str, float]] | None = None


def formula_on(rules: Rules, name: str, event: str) -> bool:
    """Whether a ``property_relationships`` formula computes ``name`` on ``event``: then it,
    not the amount's money role, says what the value is."""
    rel = rules.property_relationships.get(name)
    return bool(rel is not None and rel.formula and (not rel.events or event in rel.events))


def books_a_pick(rules: Rules, amount: str, listed: Iterable[str]) -> bool:
    """Whether ``amount``, on an order listing ``listed``, is the price of what a step
    before the order picked (a room, a fare, a seat): an amount priced per unit
    (``per: [nights]``), or the whole order of a good or service priced in its range
    (``pricing: range``, no ``per``) on a record naming its order number (an id Rules mark
    ``unique``: a flight's booking after its fare was picked). ``per: []`` keeps an amount
    to its own range."""
    rule = rules.monetary_properties.get(amount)
    if rule is None or rule.per == []:
        return False
    if rule.per:
        return True
    return rule.pricing == "range" and any(
        (spec := rules.properties.get(n)) is not None and spec.id is not None
        and spec.id.mode == "unique" for n in listed)


class MoneyRules(BaseModel):
    """Currencies and exchange rates of the run's money amounts.

    ``fx``: US dollars per one unit of each currency (ISO 4217), dated ``fx_as_of``; the
    bundled table (``data/locale/fx.yaml``) fills the currencies a document leaves out, so
    an edit names only the rates it changes. ``currency``: the one currency of every amount
    (a Korean shop selling in KRW to everyone); None: each user's market currency (as the
    plan's currency enum allows). ``discount_share``: the share of orders with a discount
    (a coupon, a sale) where a record can carry one.
    """

    model_config = _STRICT

    currency: str | None = None
    discount_share: float = Field(default=0.3, ge=0.0, le=1.0)
    fx_as_of: str = Field(default_factory=lambda: bundled_fx()[0])
    fx: dict[str, float] = Field(default_factory=lambda: dict(bundled_fx()[1]))

    @field_validator("currency")
    @classmethod
    def _code(cls, value: str | None) -> str | None:
        return None if value is None else value.strip().upper()

    @field_validator("fx")
    @classmethod
    def _rates(cls, value: dict[str, float]) -> dict[str, float]:
        bad = [code for code, rate in value.items() if not rate > 0]
        if bad:
            raise ValueError(f"exchange rates must be positive US dollars per unit: {bad}")
        return {**bundled_fx()[1], **{code.upper(): rate for code, rate in value.items()}}


class SegmentProfile(BaseModel):
    """How one segment behaves: property ranges, typical flow, event probabilities."""

    model_config = _STRICT

    property_ranges: dict[str, NumberRange] = Field(default_factory=dict)
    event_sequence: list[str] = Field(default_factory=list)
    event_probabilities: dict[str, float] = Field(default_factory=dict)

    @field_validator("event_probabilities")
    @classmethod
    def _probabilities(cls, value: dict[str, float]) -> dict[str, float]:
        for event, p in value.items():
            if not 0.0 <= p <= 1.0:
                raise ValueError(f"probability of '{event}' is {p}; use a value from 0 to 1")
        return value


class UpdateRule(BaseModel):
    """One user-property change: ``{type: increment, value: "{{price}}"}``.

    ``when`` limits it to the events whose properties have one of the listed values
    (``token_get`` moves ``current_gold`` only when its ``token_id`` is ``gold``);
    ``reverse_when`` turns an increment into a decrement (and back) for the listed values
    (a ``currency_flow`` event adds on ``gain`` and takes on ``spend``). ``scale``
    multiplies a number the update reads (a session's ``{{#duration}}`` in seconds added to
    ``total_playtime_minutes``: ``1/60``).
    """

    model_config = _STRICT

    type: UpdateType
    value: Any = None
    when: dict[str, list[Any]] | None = None
    reverse_when: dict[str, list[Any]] | None = None
    scale: float | None = Field(default=None, gt=0)


class EventRoles(BaseModel):
    """What some events mean to the simulation (a demogen addition to the seed's shape).

    ``install``: first events of a new device; ``signup``: creates the account, so
    ``#account_id`` is sent from then on; ``login``; ``revenue``: real-money purchases
    (payer rate, ARPDAU); ``refund``: reverses a purchase; ``onboarding``: tutorial or
    onboarding steps; ``onboarding_complete``: the step that ends onboarding.
    The content a session loops over (issue 13): ``view``: one item's page (a product
    detail, an article), viewed in runs; ``cart``: puts the viewed item in a cart (at the
    vertical's rate per view); ``progress``: a tick while something plays (progress,
    heartbeat), in runs at the player's cadence; ``search``: a search, which opens a loop of
    result views (a run of ``view`` events, sometimes a refined search, sometimes nothing
    found).
    The basket (issue 13): ``remove``: takes an item out of the cart (only one carted);
    ``cart_view``: shows what is in the cart without buying it (the cart screen, a
    checkout's start): its list of the carted thing is the cart's contents.
    ``new_role``: creates the user's role (character) on the server they play on: once per
    server, and again at a move to a new server (``catalogues.server.move_share``).
    ``configure``: changes a setting, preference or the profile: done in a few sessions set
    out to configure (several in a row, mostly in the first days), never drawn one by one.
    ``consume``: opens one content item (a playback started, an episode read, a lesson
    started): a session set out to consume plays a run of items, each with its progress
    and completion.
    """

    model_config = _STRICT

    install: list[str] = Field(default_factory=list)
    signup: list[str] = Field(default_factory=list)
    login: list[str] = Field(default_factory=list)
    revenue: list[str] = Field(default_factory=list)
    refund: list[str] = Field(default_factory=list)
    onboarding: list[str] = Field(default_factory=list)
    onboarding_complete: list[str] = Field(default_factory=list)
    view: list[str] = Field(default_factory=list)
    cart: list[str] = Field(default_factory=list)
    progress: list[str] = Field(default_factory=list)
    search: list[str] = Field(default_factory=list)
    remove: list[str] = Field(default_factory=list)
    cart_view: list[str] = Field(default_factory=list)
    new_role: list[str] = Field(default_factory=list)
    configure: list[str] = Field(default_factory=list)
    consume: list[str] = Field(default_factory=list)


class Milestone(BaseModel):
    """A progress event sent once per threshold a playback passes (GA4 ``video_progress`` at
    10/25/50/75 %): ``start`` plays it (its playback), each threshold ``property`` takes
    (``thresholds``; empty: the property's enum in the plan) once, in increasing order, up
    to how far the viewer watched; ``complete`` only after the whole title."""

    model_config = _STRICT

    start: str
    complete: str | None = None
    property: str | None = None
    thresholds: list[float] = Field(default_factory=list)


class Playback(BaseModel):
    """How playbacks unfold (issue 13): ``milestones`` by the milestone event's name, the
    player's cadence: a heartbeat (``event_roles.progress``) every ``heartbeat_seconds``
    of playback, and the player's controls (pauses, resumes, seeks) and playhead."""

    model_config = _STRICT

    milestones: dict[str, Milestone] = Field(default_factory=dict)
    heartbeat_seconds: float = Field(10.0, gt=0)
    #: The player's controls: a ``start`` plays a title from 0; a ``pause`` stops the
    #: playhead until its ``resume`` (which only follows a pause); a ``seek`` lands the
    #: playhead somewhere else; ``playhead``: the properties that show it (they only move
    #: forward with the time played, except on a start or a seek).
    start: list[str] = Field(default_factory=list)
    pause: list[str] = Field(default_factory=list)
    resume: list[str] = Field(default_factory=list)
    seek: list[str] = Field(default_factory=list)
    playhead: list[str] = Field(default_factory=list)
    #: Events that happen only inside a playback (after a ``start`` in the session): seeks,
    #: buffering.
    within: list[str] = Field(default_factory=list)
    #: The completions of a playback (``Video Playback Completed``): one ends its playback
    #: (no tick or control of it after; the next ``start`` plays anew) and shows the
    #: title's length as its playhead.
    complete: list[str] = Field(default_factory=list)
    #: Share of pauses the viewer does not resume: the playback ends paused (they leave).
    left_paused: float = Field(0.2, ge=0.0, le=1.0)


#: How long a value lives: drawn for every event, kept for one session, or kept for the
#: user's life (drawn once, reused; a mirror of a user property is ``user`` too).
Lifetime = Literal["event", "session", "user"]


class PropertySource(BaseModel):
    """Where a property's values come from, beyond its kind's default.

    ``type`` says which fields matter: ``distribution`` (``shape``, ``center``: a number
    drawn between the property's value range), ``probability`` (``p``: the chance of
    true), ``pool`` (``values`` and optional ``weights``: replaces the plan's list),
    ``mirror`` / ``before`` (``of``: the user property whose current / previous value the
    event carries; ``p``/``shape``/``center`` draw its value before the user has one),
    ``after`` (``of``: the balance the event leaves: ``balance_after``); an ``after`` or
    ``before`` ``of`` may list several (the one the event moves: the currency it names),
    ``latest`` (``of``: the event property whose last value a per-user property shows:
    ``cur_stage_id`` shows the last ``stage_id``),
    ``session`` (``of``: ``id``, ``number`` or ``first``).
    """

    model_config = _STRICT

    type: Literal["distribution", "probability", "pool", "mirror", "before", "after",
                  "latest", "session"]
    of: str | list[str] | None = None
    shape: Literal["low", "log", "lognormal", "geom", "tri", "uniform", "beta22",
                   "epoch"] | None = None
    center: float | None = None
    p: float | None = Field(default=None, ge=0.0, le=1.0)
    values: list[Any] | None = None
    weights: list[float] | None = None

    @model_validator(mode="after")
    def _complete(self) -> PropertySource:
        needs = {"mirror": "of", "before": "of", "after": "of", "latest": "of", "session": "of",
                 "probability": "p", "pool": "values"}
        field = needs.get(self.type)
        if field is not None and getattr(self, field) in (None, []):
            raise ValueError(f"a '{self.type}' source needs '{field}'")
        if isinstance(self.of, list) and self.type not in ("before", "after"):
            raise ValueError(f"only a 'before' or 'after' source lists several 'of', "
                             f"not a '{self.type}' one")
        if self.type == "session" and self.of not in ("id", "number", "first"):
            raise ValueError(f"a session source is 'of: id', 'number' or 'first', not {self.of!r}")
        if self.weights is not None and len(self.weights) != len(self.values or []):
            raise ValueError("give one weight per value")
        if self.weights is not None and (min(self.weights) < 0 or sum(self.weights) <= 0):
            raise ValueError("weights are chances: none negative, not all zero")
        return self

    @property
    def targets(self) -> tuple[str, ...]:
        """The names ``of`` gives, one or several."""
        if self.of is None:
            return ()
        return (self.of,) if isinstance(self.of, str) else tuple(self.of)


class IdShape(BaseModel):
    """How an identifier behaves: ``unique`` (a new one per record: order, transaction),
    ``stable`` (the user's own, the same every time: account, device, advertising id),
    ``scoped`` (the user's own things: their characters, their decks) or ``catalogue``
    (one of the product's things: item, hero, stage). ``stem`` names it (``order_8f3a…``)."""

    model_config = _STRICT

    stem: str
    mode: Literal["unique", "stable", "scoped", "catalogue"]


class Earned(BaseModel):
    """A thing a user earns once (a badge, an achievement, a trophy: ``badge_id`` on
    ``badge_earned``): each of ``values`` at most once per user on ``events``, and a value
    naming a distance (``first_5k``, ``century_ride``) only once a record has shown the
    ``distance`` property at least that far, on one of the ``activity`` values it names
    (``first_5k``: a run; ``century_ride``: a ride)."""

    model_config = _STRICT

    events: list[str] = Field(default_factory=list)
    #: What can be earned (the plan's list or examples); each event names one not earned.
    values: list[str] = Field(default_factory=list)
    #: The number that covers a distance (``distance_km``) and the activity beside it.
    distance: str | None = None
    activity: str | None = None
    #: Per value naming a distance: [the distance, in the property's unit, then the
    #: activity values that count; none listed: any] (``first_5k: [5, run]``).
    needs: dict[str, list[Any]] = Field(default_factory=dict)
    #: Values of ``needs`` whose distance is the user's total over their records
    #: (``distance_50k``), not one record's (``first_5k``).
    totals: list[str] = Field(default_factory=list)


class PropertySpec(BaseModel):
    """What one property means: its kind, how long a value lives, where values come from.

    The analyzer writes one per property of the plan (event, common and user properties);
    a person's edit of any field changes what the generator draws.
    """

    model_config = _STRICT

    #: ``email``, ``nickname``, ``level``, ``money``, ``duration``, ``past`` … (see
    #: docs/rules.md for the list; ``demogen analyze --explain NAME`` shows the reading).
    kind: str | None = None
    lifetime: Lifetime | None = None
    #: Events on which the value lives differently (``login: user``: the way a user
    #: logs in is the same every time, though ``method`` is per event elsewhere).
    lifetime_on: dict[str, Lifetime] | None = None
    #: Events on which the value is the one the user picks, not the one they hold: a
    #: checkout names the plan (and seats) being bought while the user is still on Free.
    #: There the value is drawn from the event's own values, never the ``source``'s user
    #: property, and validate's mirror check does not hold it to that property.
    chosen_on: list[str] | None = None
    source: PropertySource | None = None
    #: The device field the value reports (``os``, ``os_version``, ``country``, ``locale``,
    #: ``app_version`` …): taken from the user's device, the source the fallback.
    device: str | None = None
    #: An identifier's shape (see :class:`IdShape`).
    id: IdShape | None = None
    #: Where a user property starts for a user first seen: ``counter`` (the bottom of its
    #: range, 0 by default, for everyone: events add to it), ``level`` (new users at the
    #: first level, existing users anywhere in the range), ``first`` (the first value of
    #: its list: plan free, VIP 0), ``drawn`` (a value drawn for everyone), ``install``
    #: (the install time), ``unset`` (absent until an event sets it). Left out: by type
    #: (numbers: new users at the bottom, others drawn; booleans false; strings drawn).
    start: Literal["counter", "level", "first", "drawn", "install", "unset"] | None = None
    #: What the number counts in: ``ms``, ``s``, ``min``, ``h``, ``days``, or a currency
    #: code; a money amount's currency property is in ``monetary_properties``.
    unit: str | None = None
    #: A ``stay`` date (check-in, departure): the median days it lies ahead of the event
    #: naming it (lognormal); the analyzer writes 14.
    lead_days: float | None = Field(default=None, ge=0)
    #: The value belongs to the user's role (character) on their server, not to their
    #: account: a role created on a new server (``event_roles.new_role``) starts it afresh
    #: (level 1, a new id and name, the first stage); a property showing another's value
    #: (mirror, before, latest) follows that one's.
    per_role: bool | None = None
    #: A thing earned once per user (see :class:`Earned`).
    earned: Earned | None = None
    #: Who said so: ``plan`` (a column of the plan), ``heuristic``, ``ai`` or ``edit``.
    origin: str | None = None

    @field_validator("kind")
    @classmethod
    def _known_kind(cls, value: str | None) -> str | None:
        from demogen.analysis.heuristic.values.vocabulary import KINDS

        return _one_of(value, KINDS, "kind")

    @field_validator("device")
    @classmethod
    def _known_device(cls, value: str | None) -> str | None:
        from demogen.analysis.heuristic.values.vocabulary import DEVICE_ATTRIBUTES

        return _one_of(value, DEVICE_ATTRIBUTES, "device field")

    def lifetime_for(self, event: str | None) -> Lifetime | None:
        """The value's lifetime on ``event`` (its exception, else the property's)."""
        return (self.lifetime_on or {}).get(event, self.lifetime) if event is not None \
            else self.lifetime


#: How often an event happens among a session's free events, relative to the others:
#: ``core`` (what the product is for: product views, rounds played, videos watched),
#: ``common`` (the default), ``occasional`` (shares, reviews, invites), ``rare`` (settings,
#: account deletion, crashes), ``lifecycle`` (a few times in a user's life: creating a
#: character, joining a guild; capped by ``max_per_user``).
Frequency = Literal["core", "common", "occasional", "rare", "lifecycle"]
#: Most times in a user's life for a ``lifecycle`` event whose entry gives no max_per_user.
LIFECYCLE_MAX_PER_USER = 3
#: Days within which an order held over to a later session is paid, unless Rules say
#: (``events.<revenue>.later_days``): a bank transfer's usual deadline.
PAY_LATER_DAYS = 7
#: Share of cart adds naming a thing already in the cart, unless Rules say
#: (``events.<cart>.in_cart_share``): a shopper mostly carts what they have not carted yet.
IN_CART_SHARE = 0.1
#: Share of subscriptions whose holder switches to another plan while it runs, unless Rules
#: say (``events.<renewal>.switch_share``): most subscribers keep the plan they bought.
SWITCH_SHARE = 0.1


class EventSpec(BaseModel):
    """How often one event happens, beyond what its roles and constraints say.

    An event's roles are in ``event_roles``, one-time and prerequisites in
    ``event_constraints`` (the seed's shape): this entry holds only what is said nowhere else.
    """

    model_config = _STRICT

    frequency: Frequency | None = None
    #: At most this many times in one session (``login: 1``).
    per_session: int | None = Field(default=None, ge=1)
    #: At most this many times in one day of the user (``streak_extended: 1``: a streak
    #: grows once a day, however many lessons).
    max_per_day: int | None = Field(default=None, ge=1)
    #: At most this many times in a user's life (``create_role: 2``); a ``lifecycle``
    #: event without one gets the simulation's default.
    max_per_user: int | None = Field(default=None, ge=1)
    #: Happens only because this event happened (``apply_return`` follows ``pay_order``):
    #: at most once per occurrence of it, some time after it (same or a later session),
    #: never on its own.
    follows: str | None = None
    #: The chance that one occurrence of ``follows`` brings this event (without one: the
    #: declared conversion between the two, else the simulation's default). Read only with
    #: ``follows``: an edit that sets ``follows: null`` leaves the event free again.
    rate: float | None = Field(default=None, ge=0.0, le=1.0)
    #: Days after the occurrence of ``follows`` that brought it before this event is due
    #: (a renewal a billing period after the charge: 30), a day either way; it happens in
    #: the user's first session from then on. None: any time after. Read only with ``follows``.
    after_days: int | None = Field(default=None, ge=0)
    #: For a renewal (``after_days``) that is also the charge's own payment (an invoice
    #: paid after an upgrade, then every period): its first occurrence comes at once, right
    #: after ``follows`` in the same session. Read only with ``after_days``.
    paid_at_once: bool | None = None
    #: For a renewal (``after_days``) whose plan names no catalogue period: the charge's
    #: property → the billing period in days each of its values names (``billing_period``:
    #: ``{monthly: 30, annual: 365}``); a charge showing one is renewed that long after it.
    period_by: dict[str, dict[str, int]] | None = None
    #: For a timed follower (``after_days``) that ends what ``follows`` started instead of
    #: renewing it (a trial's end ``trial_days`` after its start): due once per occurrence
    #: of ``follows``, in the user's first session from then on however late, and nothing
    #: follows it. Read only with ``after_days``.
    expires: bool | None = None
    #: For a follower ``expires``: the property of ``follows`` whose value on each
    #: occurrence is the days until this event is due (``trial_days``: a 7-day trial ends a
    #: week on, a 30-day one a month on); an occurrence without one: ``after_days``.
    after_days_by: str | None = None
    #: For a follower ``expires``: events whose occurrence before it is due void it (a plan
    #: bought during the trial: ``plan_upgraded`` — no trial end for a user who bought).
    voided_by: list[str] | None = None
    #: Other follow-ups of ``follows`` this event stops for the thing it shows (a booking
    #: cancel stops the booking's check-in): an occurrence of ``follows`` brings at most one
    #: of them, and none shows a thing this event showed. Read only with ``follows``.
    stops: list[str] | None = None
    #: For a renewal (``after_days``): the share of its subscriptions whose holder switches
    #: to another plan (a catalogue entry with another period) while it runs: a charge of the
    #: new plan ends the old one, which renews no more. None: :data:`SWITCH_SHARE`.
    switch_share: float | None = Field(default=None, ge=0.0, le=1.0)
    #: For a purchase after its own attempt (``pay_order`` after ``submit_order``): the share
    #: of its occurrences that pay an order submitted in an earlier session (a bank transfer,
    #: pay later, a second visit) rather than in the attempt's own. None or 0: paid at once.
    later_share: float | None = Field(default=None, ge=0.0, le=1.0)
    #: For a purchase with ``later_share``: an order held over is paid in the user's next
    #: session within this many days; one who comes back later has let it lapse (unpaid).
    #: None: :data:`PAY_LATER_DAYS`.
    later_days: int | None = Field(default=None, ge=1)
    #: Done only inside a stay this event opens (``gift_send`` during ``live_enter``: between
    #: the user's entering a live stream and leaving it, showing the stream's id). None: any
    #: time.
    during: str | None = None
    #: For a cart event (``event_roles.cart``): the share of its adds that name a thing
    #: already in the user's cart (its quantity goes up: still one line); the rest name a
    #: thing not in the cart while the catalogue has one (a view the cart shows the thing
    #: of, too). None: :data:`IN_CART_SHARE`.
    in_cart_share: float | None = Field(default=None, ge=0.0, le=1.0)
    #: Done by the run's potential payers only (a paid subscription start drawn freely, no
    #: purchase of the purchase story: Sparkd's subscription_started). None: by anyone.
    payers_only: bool | None = None
    #: Who said so: ``heuristic``, ``ai`` or ``edit``.
    origin: str | None = None

    def lifetime_cap(self) -> int | None:
        """At most how many times in a user's life: ``max_per_user``, else
        :data:`LIFECYCLE_MAX_PER_USER` for a ``lifecycle`` event."""
        if self.max_per_user is not None:
            return self.max_per_user
        return LIFECYCLE_MAX_PER_USER if self.frequency == "lifecycle" else None

    def pay_later_days(self) -> int:
        """Days within which an order held over (``later_share``) is paid: ``later_days``,
        else :data:`PAY_LATER_DAYS`."""
        return self.later_days if self.later_days is not None else PAY_LATER_DAYS


class Progression(BaseModel):
    """How a user's progress moves: VIP levels bought with payments, stages cleared in order.

    ``vip_thresholds``: the cumulative payment (in the unit of the user property that sums
    the payments, ``total_pay_amount``) that reaches VIP 1, 2, 3 …; a user below the first
    stays at the VIP property's first value. ``stages_per_level``: stages a user has cleared
    per level reached (where a user first shows up: level 20 → about stage 40).
    ``stage_clear_events``: the events that clear a stage and move the user to the next one
    (``None``: events whose name says so, ``stage_clear``, ``combat_victory``).
    ``stages_per_chapter``: stages of one chapter (a chapter number shows the chapter of the
    stage position; ``None``: the plan's stage ids say, ``stage_3_7`` → 10, else 10).
    ``day_counters``: user properties that count active days (``total_login_day``): an
    increment moves them at most once per day (``None``: read from their names).
    ``streak_counters``: user properties that count consecutive active days
    (``current_streak``): a day counter that starts again at 1 after a missed day, its
    ``longest_*`` pair raised with it (``None``: read from their names).
    ``streak_losses``: events that end a streak (``streak_lost``): one comes, once, in the
    first session after a day without the streak's step, shows the streak lost and sets it
    to 0; never otherwise. ``streak_freezes``: events that keep it over one missed day
    instead (``streak_freeze_used``), in ``streak_freeze_share`` of such days (``None``:
    read from their names; ``[]``: none).
    ``streak_freeze_counts``: number properties of a freeze event counting the freezes the
    user holds (``freezes_left``): a freeze needs one held and shows one fewer, an event of
    ``streak_freeze_buys`` (``gems_spent: {shop_item: [streak_freeze]}``: per event, the
    property values that get the user one) adds one, up to the property's top; an existing
    user holds some of its range, a new one its bottom (``None``: read from their names,
    ``[]`` / ``{}``: none).
    ``plan_changes``: events that move an enum user property they set from their own value
    (a plan) up (``1``: ``plan_upgraded``) or down (``-1``) its order by any rungs: the value
    carried is above (below) the user's, and none comes from the top (bottom) rung
    (``None``: read from their names, ``upgrade`` / ``downgrade``; ``{}``: none).
    """

    model_config = _STRICT

    vip_thresholds: list[float] = Field(default_factory=lambda: list(VIP_THRESHOLDS))
    stages_per_level: float = Field(default=2.0, gt=0)
    stage_clear_events: list[str] | None = None
    stages_per_chapter: int | None = Field(default=None, gt=0)
    day_counters: list[str] | None = None
    streak_counters: list[str] | None = None
    streak_losses: list[str] | None = None
    streak_freezes: list[str] | None = None
    streak_freeze_counts: list[str] | None = None
    streak_freeze_buys: dict[str, dict[str, list[Any]]] | None = None
    plan_changes: dict[str, Literal[-1, 1]] | None = None
    #: Assumption: a freeze covers a quarter of the single missed days (it must be bought
    #: or earned and equipped beforehand; most streaks just end).
    streak_freeze_share: float = Field(default=0.25, ge=0, le=1)

    @field_validator("vip_thresholds")
    @classmethod
    def _rising(cls, value: list[float]) -> list[float]:
        if any(b <= a for a, b in itertools.pairwise(value)) or \
                any(v <= 0 for v in value):
            raise ValueError("VIP thresholds are cumulative payments: positive and rising")
        return value


#: Cumulative USD paid to reach VIP 1 … 15: the ladder of most Asian mobile games
#: (a first small purchase is VIP 1; the top levels are whales').
VIP_THRESHOLDS = (0.99, 10, 30, 50, 100, 200, 300, 500, 1000, 2000, 3000, 5000, 10000,
                  20000, 50000)


class CatalogueEntry(BaseModel):
    """One thing of a catalogue: an item, a product, a game currency.

    Wherever the plan shows this thing (``product_id`` + ``product_name`` in an event, the
    fields of a row of ``items_received_info``), the values are these. ``type`` is shown
    where the property's enum has it; ``attributes`` hold ``size`` and ``color``.
    """

    model_config = _STRICT

    id: str
    name: str | None = None
    type: str | None = None
    #: The entry's price tier in USD, where it is sold.
    price_usd: float | None = Field(default=None, ge=0)
    attributes: dict[str, str] = Field(default_factory=dict)


class Catalogue(BaseModel):
    """A catalogue of things (by its stem: ``product`` for ``product_id``/``product_name``).

    Without ``entries`` the run draws one entry per id from the seed (a name and type that
    fit the id); with them, ids are drawn from these entries (properties with an enum keep
    their enum) and each one shows its own name, type and attributes.
    """

    model_config = _STRICT

    entries: list[CatalogueEntry] = Field(default_factory=list)
    #: Servers only (``catalogues.server``): the share of users who move once, later in
    #: their life, to a newer server of their region (a server launch or merge).
    move_share: float = Field(default=0.0, ge=0.0, le=1.0)


class Rules(BaseModel):
    """Everything the simulation needs to know beyond the taxonomy itself."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    schema_version: int = RULES_SCHEMA_VERSION
    property_constraints: dict[str, PropertyConstraint] = Field(default_factory=dict)
    property_relationships: dict[str, PropertyRelationship] = Field(default_factory=dict)
    #: A way paid in an in-app currency comes after a spend on its thing, by way property.
    paid_ways: dict[str, PaidWay] = Field(default_factory=dict)
    value_ranges: dict[str, NumberRange] = Field(default_factory=dict)
    event_constraints: EventConstraints = Field(default_factory=EventConstraints)
    monetary_properties: dict[str, MonetaryProperty] = Field(default_factory=dict)
    segment_analysis: dict[Segment, SegmentProfile] = Field(default_factory=dict)
    update_patterns: dict[str, dict[str, UpdateRule]] = Field(default_factory=dict)
    lifecycle_rules: dict[LifecycleStage, list[str]] = Field(default_factory=dict)
    event_roles: EventRoles = Field(default_factory=EventRoles)
    #: What each property means (kind, lifetime, source), one entry per property name.
    properties: dict[str, PropertySpec] = Field(default_factory=dict)
    #: How often each event happens (frequency class, per-session cap), by event name.
    events: dict[str, EventSpec] = Field(default_factory=dict)
    #: How VIP levels and stages move (:class:`Progression`).
    progression: Progression = Field(default_factory=Progression)
    #: How playbacks unfold: milestone progress events (:class:`Playback`).
    playback: Playback = Field(default_factory=Playback)
    #: Currencies and exchange rates of money amounts (:class:`MoneyRules`).
    money: MoneyRules = Field(default_factory=MoneyRules)
    #: The things the plan sells, grants or visits, by stem (:class:`Catalogue`).
    catalogues: dict[str, Catalogue] = Field(default_factory=dict)
    #: Where the users are: ISO country (or region group: SEA, EU, global) → share of users;
    #: the analyzer writes it from the plan, ``--market`` overrides it; None: global.
    market: dict[str, float] | None = None
    #: What loading changed in an older document (not part of the document itself).
    _notices: list[str] = PrivateAttr(default_factory=list)

    @field_validator("market", mode="before")
    @classmethod
    def _market(cls, value: Any) -> Any:
        """``KR``, ``{KR: 0.8, SEA: 0.2}`` … as country codes (regions expanded)."""
        from demogen.simulation.mixes import parse_market  # simulation data, read lazily

        return value if value is None else parse_market(value)

    @property
    def notices(self) -> list[str]:
        """Changes made to bring an older rules document to this version, to show a person."""
        return list(self._notices)

    # -- (de)serialisation -------------------------------------------------------------

    @classmethod
    def from_data(cls, data: Any, *, source: str = "rules", text: str | None = None) -> Rules:
        """Validate a parsed document; every problem is named with its key path.

        ``text`` is the document as written: when given, problems also name their line.
        """
        if not isinstance(data, dict):
            raise RulesError(f"{source}: the rules must be a mapping, got {type(data).__name__}")
        data, notices = migrate(data)
        try:
            rules = cls.model_validate(data)
        except ValidationError as exc:
            lines = key_lines(text) if text is not None else {}
            problems = [_problem(err, lines) for err in exc.errors()]
            raise RulesError(f"{source}: the rules do not validate:\n" + "\n".join(problems)
                             ) from None
        rules._notices = notices
        return rules

    @classmethod
    def load(cls, path: str | Path) -> Rules:
        """Read rules from a ``.yaml``/``.yml`` or ``.json`` file."""
        path = Path(path)
        text = read_rules_text(path)
        try:
            data = json.loads(text) if path.suffix.lower() == ".json" else yaml.safe_load(text)
        except (json.JSONDecodeError, yaml.YAMLError) as exc:
            kind = path.suffix.lstrip(".").upper() or "YAML"
            raise RulesError(f"{path}: not valid {kind}: {exc}") from None
        return cls.from_data(data, source=str(path), text=text)

    def to_data(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude_none=True)

    def to_yaml(self) -> str:
        return document_text(self.to_data(), ".yaml")

    def to_json(self) -> str:
        return document_text(self.to_data(), ".json")

    def save(self, path: str | Path) -> None:
        """Write as YAML or JSON (by suffix), atomically."""
        write_document(self.to_data(), Path(path))

    @classmethod
    def json_schema(cls) -> dict[str, Any]:
        return cls.model_json_schema()


#: Kinds of a user property that events take from and that stops at its range (gold,
#: stamina); a running total an event takes back (a refunded spend) is not capped.
BALANCE_KINDS = frozenset({"balance", "stamina"})


def capped_balances(rules: Rules) -> frozenset[str]:
    """User properties some update pattern decrements and whose kind is a balance (or
    unknown): the generator keeps them between 0 and their range's maximum."""
    found = set()
    for pattern in rules.update_patterns.values():
        for prop, rule in pattern.items():
            spec = rules.properties.get(prop)
            kind = spec.kind if spec is not None else None
            if (rule.type is UpdateType.DECREMENT or rule.reverse_when) and \
                    (kind is None or kind in BALANCE_KINDS):
                found.add(prop)
    return frozenset(found)


def per_role_properties(rules: Rules) -> frozenset[str]:
    """Properties whose value belongs to the user's role (``per_role: true``), and those
    showing such a value (a mirror, before or latest of one: ``level`` of ``current_level``);
    none unless the plan creates roles (``event_roles.new_role``)."""
    if not rules.event_roles.new_role:
        return frozenset()
    own = {n for n, spec in rules.properties.items() if spec.per_role}
    shows = {n for n, spec in rules.properties.items()
             if spec.source is not None and spec.per_role is not False
             and not own.isdisjoint([spec.source.of] if isinstance(spec.source.of, str)
                                    else spec.source.of or ())}
    return frozenset(own | shows)


def _one_of(value: str | None, known: frozenset[str], what: str) -> str | None:
    if value is not None and value not in known:
        close = difflib.get_close_matches(value, sorted(known), n=1, cutoff=0.6)
        hint = f"; did you mean '{close[0]}'?" if close else "; see docs/rules.md"
        raise ValueError(f"unknown {what} '{value}'{hint}")
    return value


def read_rules_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise RulesError(f"{path}: cannot read the rules file ({exc.strerror})") from None


def _problem(err: Any, lines: dict[tuple[str, ...], int]) -> str:
    """One validation error as a person reads it: where, what, and for a typo the fix."""
    loc = tuple(err["loc"])
    line = line_of(lines, loc)
    where = key_path(loc) + (f" (line {line})" if line else "")
    if err["type"] != "extra_forbidden":
        return f"  - {where}: {err['msg']}"
    return f"  - {where}: unknown key '{loc[-1]}'{_did_you_mean(loc)}"


def _did_you_mean(loc: tuple[Any, ...]) -> str:
    """A close spelling among the keys valid there, or the place the key belongs."""
    key, valid = str(loc[-1]), _keys_at(Rules, loc[:-1])
    close = difflib.get_close_matches(key, valid, n=1, cutoff=0.6)
    if close:
        return f"; did you mean '{close[0]}'?"
    homes = [p[:-1] for p in _field_paths(Rules, ()) if p[-1] == key]
    if homes:
        return ("; it belongs at the top level" if not homes[0]
                else f"; it belongs under {key_path(homes[0])}")
    return f"; valid keys here: {', '.join(valid)}" if valid else ""


def _keys_at(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """The field names of the model found at ``loc`` (dict keys and list indexes skipped)."""
    kind: Any = model
    for part in loc:
        kind = _unwrap(kind)
        if isinstance(kind, type) and issubclass(kind, BaseModel):
            field = kind.model_fields.get(str(part))
            if field is None:
                return []
            kind = field.annotation
        else:
            args = get_args(kind)
            kind = args[-1] if args else None  # list[X] → X, dict[K, X] → X
    kind = _unwrap(kind)
    return list(kind.model_fields) if isinstance(kind, type) and issubclass(kind, BaseModel) else []


def _unwrap(kind: Any) -> Any:
    """``X | None`` → ``X``."""
    args = [a for a in get_args(kind) if a is not type(None)]
    return args[0] if get_origin(kind) in (Union, UnionType) and len(args) == 1 else kind


def _field_paths(model: type[BaseModel], prefix: tuple[str, ...]) -> list[tuple[str, ...]]:
    """Every key path of the rules document, dict and list levels left out."""
    out: list[tuple[str, ...]] = []
    for name, field in model.model_fields.items():
        here = (*prefix, name)
        out.append(here)
        kind = _unwrap(field.annotation)
        while get_args(kind) and not (isinstance(kind, type) and issubclass(kind, BaseModel)):
            kind = _unwrap(get_args(kind)[-1])
        if isinstance(kind, type) and issubclass(kind, BaseModel):
            out.extend(_field_paths(kind, here))
    return out


__all__ = [
    "BALANCE_KINDS",
    "RULES_SCHEMA_VERSION",
    "Earned",
    "EventConstraints",
    "EventRoles",
    "EventSpec",
    "Funnel",
    "IdShape",
    "MonetaryProperty",
    "MoneyRole",
    "MoneyRules",
    "NumberRange",
    "Progression",
    "PropertyConstraint",
    "PropertyRelationship",
    "PropertySource",
    "PropertySpec",
    "Rules",
    "SegmentProfile",
    "SequenceDetail",
    "UpdateRule",
    "capped_balances",
    "formula_on",
]
