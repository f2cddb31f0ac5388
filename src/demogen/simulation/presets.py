"""Vertical behaviour presets (game, ecommerce, saas, …), kept as YAML data files.

Each number is grounded in ``realism-bands.md``; the files under
``demogen/data/verticals/`` cite the section behind it.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from demogen.errors import ConfigError
from demogen.taxonomy import GENERIC, industry_preset


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")


class Retention(_Strict):
    d1: float = Field(gt=0, lt=1)
    d7: float = Field(gt=0, lt=1)
    d30: float = Field(gt=0, lt=1)


class Visits(_Strict):
    """How unevenly users come back (issue 13): the share of installs (the least engaged)
    who never return after their install day, and the spread (log sd) of each user's
    visit frequency (lognormal, mean 1). Retention targets still hold (activity.py)."""

    one_visit_share: float = Field(0.0, ge=0, lt=1)
    frequency_sigma: float = Field(0.0, ge=0, le=3)


class SessionCount(_Strict):
    mean: float = Field(ge=1)
    max: int = Field(ge=1)


class SessionMinutes(_Strict):
    median: float = Field(gt=0)
    sigma: float = Field(gt=0)
    #: Share of sessions holding one long pause (app left open, a phone call), and the
    #: pause's median length in minutes (lognormal, always over the 30-min idle rule).
    long_pause_share: float = Field(0.0, ge=0, lt=1)
    long_pause_minutes: float = Field(45.0, gt=30)


class Chronotype(_Strict):
    """Per-user rhythm: each user has an anchor hour (drawn from the vertical's hourly
    curve) and starts ``anchor_share`` of their sessions near it, within ``spread_hours``."""

    anchor_share: float = Field(0.0, ge=0, le=1)
    spread_hours: float = Field(1.0, gt=0)


class IntentShares(_Strict):
    """The share of sessions a user in one state opens with each intent (the rest browse:
    the session as the segment draws it)."""

    search: float = Field(0.0, ge=0, le=1)
    buy: float = Field(0.0, ge=0, le=1)
    configure: float = Field(0.0, ge=0, le=1)
    consume: float = Field(0.0, ge=0, le=1)


class Intents(_Strict):
    """What a session sets out to do, by the user's state at its start (issue 13): ``new``
    (a user in the NEW segment), ``carted`` (something carted and not bought since), and
    ``engaged`` (the rest). ``search`` opens the session with a search (its loop of result
    views); ``buy`` with the cart (Rules ``event_roles.cart_view``); ``configure`` with a
    run of settings changes; ``consume`` with a run of content items (Rules
    ``event_roles.consume``: titles played, episodes read, lessons taken)."""

    new: IntentShares = IntentShares()
    engaged: IntentShares = IntentShares()
    carted: IntentShares = IntentShares()


class RunLength(_Strict):
    """A heavy-tailed run length: lognormal with this ``median`` and ``sigma``, rounded,
    at least 1 (most runs short, a few long: a p99 far above the p50)."""

    median: float = Field(gt=0)
    sigma: float = Field(ge=0)


class ContentLoop(_Strict):
    """The content a session loops over (issue 13; roles from Rules ``event_roles``): after
    an item view (``view``) another follows with ``view_continue`` (runs of views, geometric),
    a view leads to a cart at ``cart_per_view`` (``None``: the conversion the rules declare),
    a potential payer's view at ``payer_cart_per_view`` (``None``: ``cart_per_view``; buyers
    fill the carts that orders empty), after a playback tick (``progress``) another follows
    with ``progress_continue``. A search (``search``) finds something with
    ``search_found`` (else nothing: the search ends there) and shows a run of views; after
    them a refined search follows with ``search_refine``. ``search_results``: how many views
    a search's results run to (``None``: a run of views like any, geometric). ``view_run``:
    how many views a browse run holds (``None``: geometric, ``view_continue``).
    ``search_loop``: how many searches a search loop holds, the first and its refinements
    (``None``: geometric, ``search_refine``). ``intents``: what sessions set out to do, by
    the user's state."""

    view_continue: float = Field(0.0, ge=0, lt=1)
    cart_per_view: float | None = Field(None, ge=0, le=1)
    payer_cart_per_view: float | None = Field(None, ge=0, le=1)
    #: A browser's (not a potential payer's) run of views carts at its first view only: at
    #: most one cart a run, whatever its length (``False``: at each view).
    browser_cart_per_run: bool = False
    progress_continue: float = Field(0.0, ge=0, lt=1)
    search_found: float = Field(0.85, ge=0, le=1)
    search_refine: float = Field(0.25, ge=0, lt=1)
    search_results: RunLength | None = None
    view_run: RunLength | None = None
    search_loop: RunLength | None = None
    intents: Intents = Intents()
    #: How many settings a session set out to configure changes (``intents``' ``configure``):
    #: heavy-tailed, most a few, some many.
    configure_run: RunLength = RunLength(median=3.0, sigma=0.5)
    #: How many items a session set out to consume takes one after the other (``intents``'
    #: ``consume``): heavy-tailed, most a couple, a few binges.
    consume_run: RunLength = RunLength(median=2.0, sigma=0.9)


class EventsPerSession(_Strict):
    median: float = Field(ge=2)


class Spend(_Strict):
    median_order: float = Field(gt=0)
    sigma: float = Field(gt=0)
    currency: str = "USD"


class Growth(_Strict):
    existing_base_share: float = Field(ge=0, le=1)
    weekly_multipliers: tuple[float, ...] = (1, 1, 1, 1, 1, 1, 1)


class Returning(_Strict):
    churn_after_days: int = Field(ge=1)
    return_probability: float = Field(ge=0, le=1)


class VerticalPreset(_Strict):
    """Behaviour parameters of one vertical; ``bands`` are the plausible (min, max) KPIs."""

    name: str
    description: str = ""
    retention: Retention
    engagement_sigma: float = Field(gt=0)
    #: Days over which a new install's novelty fades (τ of simulation/activity.py): longer
    #: where a product is tried out over its first week or two (a SaaS trial).
    novelty_days: float = Field(3.0, gt=0, le=14)
    visits: Visits = Visits()
    weekday_multipliers: tuple[float, ...] = Field(min_length=7, max_length=7)
    hourly_weights: tuple[float, ...] = Field(min_length=24, max_length=24)
    chronotype: Chronotype = Chronotype()
    sessions_per_active_day: SessionCount
    session_minutes: SessionMinutes
    events_per_session: EventsPerSession
    content_loop: ContentLoop = ContentLoop()
    payer_rate: float = Field(ge=0, le=1)
    #: A payer's chance of buying in a session at median engagement; ``None``: the rate
    #: tuned on games, spread over the vertical's sessions per day (population.py).
    payer_purchase_rate: float | None = Field(None, gt=0, le=1)
    first_purchase_day0_share: float = Field(ge=0, le=1, default=0.5)
    spend: Spend
    dau_mau: float = Field(gt=0, lt=1)
    growth: Growth
    returning: Returning
    bands: dict[str, tuple[float, float]] = Field(default_factory=dict)


class PresetTuning(BaseModel):
    """Behaviour parameters that replace a preset's own (what calibration tunes).

    Each field left ``None`` keeps the preset's value. ``retention`` are the targets the
    activity model is fitted to, ``dau_mau`` sets the long-run activity of established
    users, ``session_minutes`` the median session length.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    retention: Retention | None = None
    dau_mau: float | None = Field(None, gt=0, lt=1)
    payer_rate: float | None = Field(None, ge=0, le=1)
    session_minutes: float | None = Field(None, gt=0)

    def apply(self, preset: VerticalPreset) -> VerticalPreset:
        """``preset`` with these values in place of its own."""
        update: dict[str, object] = {}
        if self.retention is not None:
            update["retention"] = self.retention
        if self.dau_mau is not None:
            update["dau_mau"] = self.dau_mau
        if self.payer_rate is not None:
            update["payer_rate"] = self.payer_rate
        if self.session_minutes is not None:
            update["session_minutes"] = preset.session_minutes.model_copy(
                update={"median": self.session_minutes})
        return preset.model_copy(update=update)


def preset_names() -> list[str]:
    folder = resources.files("demogen.data") / "verticals"
    return sorted(p.name[: -len(".yaml")] for p in folder.iterdir() if p.name.endswith(".yaml"))


@cache
def load_preset(name: str) -> VerticalPreset:
    """The preset called ``name``; a clear error lists the known ones."""
    names = preset_names()
    if name not in names:
        raise ConfigError(f"unknown preset '{name}'; choose one of: {', '.join(names)}")
    path = resources.files("demogen.data") / "verticals" / f"{name}.yaml"
    try:
        return VerticalPreset.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except ValidationError as exc:
        raise ConfigError(f"preset file {name}.yaml is invalid: {exc}") from None


def preset_for_industry(industry: str) -> str:
    """Map a free-text industry ("Mobile RPG", "게임", "retail") to a preset name
    (the words are in ``data/industries.yaml``); generic when none matches."""
    return industry_preset(industry) or GENERIC
