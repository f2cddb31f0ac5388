"""A user's life: one-time events, session boundaries, event roles, lifecycle stages.

One-time events are installs, uninstalls, signups, account creation/deletion, tutorial
begin/complete and trials, plus events whose name starts with "first" or whose description
says "once per user" / "최초" — never logins or purchases, and never an event described as
sent "for each step" / "마다". Session boundaries are the session or app start/end events;
a web product without them uses login/logout.
"""

from __future__ import annotations

from fnmatch import fnmatchcase

from demogen.analysis.heuristic._context import Context
from demogen.analysis.heuristic._data import load
from demogen.analysis.heuristic._events import DESCRIPTION_WEIGHT, concepts
from demogen.analysis.heuristic._money import Money
from demogen.analysis.heuristic._text import contains_any
from demogen.analysis.rules import EventRoles
from demogen.vocab import LifecycleStage, PropertyType

ONE_TIME_CONCEPTS = (
    "install", "uninstall", "signup", "account_create", "account_delete", "tutorial_begin",
    "tutorial_complete", "tutorial_skip", "trial_start", "trial_end",
)
REPEATED_CONCEPTS = ("login", "logout", "purchase", "session_start", "session_end", "app_update",
                     "refund", "level_up", "core_start", "core_end")
ONCE_PHRASES = (
    "once per user", "once per device", "once per account", "only once", "the first time",
    "for the first time", "one time only", "never repeats", "during onboarding",
    "during the onboarding", "in onboarding", "in the onboarding", "최초", "처음", "한 번만",
    "1회만", "1회 기록", "계정당 1회", "디바이스당 1회",
    "首次", "仅一次", "只触发一次",
)
REPEAT_PHRASES = (
    "each step", "every step", "every time", "each time", "each level", "once a day",
    "of the day", "each day", "every day",
    "once per day", "per day", "daily", "각 단계", "마다", "매번", "하루", "매일",
    "每次", "每一步",
)
#: A concept must explain at least this much of a name to count for a role.
MIN_SCORE = 0.5


def category_of(ctx: Context, event: str) -> str:
    spec = load("segments")
    concepts = ctx.index.concepts_of(event)
    for cat in spec["categories"]:
        if any(concepts.get(c, 0) >= 0.3 for c in cat["concepts"]):
            return str(cat["name"])
    return str(spec["default_category"])


def one_time_events(ctx: Context, numbered_tutorial: set[str]) -> list[str]:
    idx = ctx.index
    out = []
    for info in ctx.infos:
        concepts = idx.concepts_of(info.name)
        strong = {c for c, s in concepts.items() if s >= MIN_SCORE}
        first = info.words[:1] == ("first",) and len(info.words) > 1  # first_purchase
        if (strong & set(REPEATED_CONCEPTS) and not first) or info.verb == "update":
            continue
        if contains_any(info.desc, REPEAT_PHRASES):
            continue
        once = (
            bool(strong & set(ONE_TIME_CONCEPTS))
            or first
            or info.name in numbered_tutorial
            or contains_any(info.desc, ONCE_PHRASES)
        )
        if once:
            out.append(info.name)
    return out


def session_events(ctx: Context) -> tuple[list[str], list[str]]:
    idx = ctx.index
    starts = [i.name for i in idx.all("session_start")
              if idx.score(i.name, "session_start") >= MIN_SCORE]
    ends = [i.name for i in idx.all("session_end") if idx.score(i.name, "session_end") >= MIN_SCORE]
    if not starts:
        login = idx.best("login")
        if login is not None and idx.score(login.name, "login") >= MIN_SCORE:
            starts = [login.name]
            if not ends:
                logout = idx.best("logout")
                ends = [logout.name] if logout is not None else []
    return starts, ends


def event_roles(ctx: Context, money: Money, numbered_tutorial: list[str]) -> EventRoles:
    idx = ctx.index

    def names(concept: str, floor: float = MIN_SCORE) -> list[str]:
        return [i.name for i in idx.all(concept) if idx.score(i.name, concept) >= floor]

    signup = names("signup")[:1] or names("account_create")[:1]
    onboarding = list(dict.fromkeys(
        names("tutorial_begin") + numbered_tutorial + names("tutorial_any", 0.3)
        + names("tutorial_complete")
    ))
    complete = names("tutorial_complete")[:1] or numbered_tutorial[-1:]
    revenue = list(money.revenue_events)
    cart = names("add_to_cart")
    views = names("product_view") + names("content_view")
    return EventRoles(
        install=names("install"),
        signup=signup,
        login=names("login"),
        revenue=revenue,
        refund=names("refund") + names("order_cancel"),
        onboarding=sorted(onboarding, key=ctx.order.__getitem__),
        onboarding_complete=complete,
        view=views,
        cart=cart,
        remove=names("remove_from_cart") if cart else [],
        cart_view=cart_views(ctx, names("cart_view") + names("checkout_start"), revenue)
        if cart else [],
        progress=names("playback_progress") + described_only(ctx, "playback_progress"),
        search=names("search"),
        new_role=names("character_create"),
        configure=names("settings_change"),
        # A feed's watch is a view already (it loops as one): not an item consumed too.
        consume=[e for e in names("content_consume") if e not in views],
    )


def cart_views(ctx: Context, candidates: list[str], revenue: list[str]) -> list[str]:
    """Screens that list the cart without buying it (the cart, a checkout's start): those
    carrying a list; a "buy now" naming one thing skips the cart."""
    listing = (PropertyType.LIST, PropertyType.OBJECT_GROUP)
    out = []
    for name in dict.fromkeys(candidates):
        event = ctx.taxonomy.event(name)
        if name in revenue or event is None:
            continue
        props = (ctx.event_props.get(p) for p in event.properties)
        if any(p is not None and p.type in listing for p in props):
            out.append(name)
    return out


def described_only(ctx: Context, concept: str) -> list[str]:
    """Events their description puts in ``concept`` where the name alone says too little
    ("Sent every 10 s while the video plays"): weak evidence, so only for a name that says
    nothing else the analyzer is sure of and none of the words the concept vetoes (a
    playback start whose description mentions the heartbeats that follow stays a start)."""
    spec = concepts()[concept]
    out = []
    for info in ctx.infos:
        found = ctx.index.concepts_of(info.name)
        if (DESCRIPTION_WEIGHT <= found.get(concept, 0.0) < MIN_SCORE
                and contains_any(info.desc, spec.desc) and not info.keys & spec.veto
                and not any(s >= MIN_SCORE for s in found.values())):
            out.append(info.name)
    return out


def lifecycle_rules(ctx: Context) -> dict[LifecycleStage, list[str]]:
    spec = load("segments")["lifecycle"]
    categories = {name: category_of(ctx, name) for name in ctx.names}
    has_onboarding = any(c == "onboarding" for c in categories.values())
    early = set(spec[LifecycleStage.ONBOARDING_STARTED.value])
    rules: dict[LifecycleStage, list[str]] = {}
    previous: set[str] = set()
    for stage in LifecycleStage:
        wanted = spec[stage.value]
        allowed_cats = set(wanted)
        if not has_onboarding and stage != LifecycleStage.INSTALLED:
            allowed_cats |= early
        if "*" in wanted:
            excluded = {w[1:] for w in wanted if w.startswith("-")}
            allowed = [n for n in ctx.names if categories[n] not in excluded]
        else:
            allowed = [n for n in ctx.names if categories[n] in allowed_cats]
        # Stages only move forward: a later stage allows all an earlier one did.
        allowed = [n for n in ctx.names if n in previous or n in set(allowed)]
        previous = set(allowed)
        rules[stage] = compress(allowed, ctx.names)
    return rules


def compress(allowed: list[str], every: list[str]) -> list[str]:
    """Event names as wildcard patterns where a shared prefix covers only allowed events."""
    if not allowed:
        return []
    if set(allowed) == set(every):
        return ["*"]
    allowed_set = set(allowed)
    patterns: list[str] = []
    covered: set[str] = set()
    for name in allowed:
        if name in covered:
            continue
        prefix = _prefix(name)
        if prefix:
            pattern = _escape(prefix) + "*"
            hits = [e for e in every if fnmatchcase(e.lower(), pattern.lower())]
            if len(hits) >= 2 and set(hits) <= allowed_set:
                patterns.append(pattern)
                covered.update(hits)
                continue
        patterns.append(_escape(name))
        covered.add(name)
    return patterns


def _prefix(name: str) -> str:
    for sep in ("_", " ", "."):
        head, found, _ = name.partition(sep)
        if found and head:
            return head + sep
    return ""


def _escape(text: str) -> str:
    return "".join(f"[{c}]" if c in "*?[" else c for c in text)


__all__ = [
    "category_of",
    "compress",
    "described_only",
    "event_roles",
    "lifecycle_rules",
    "one_time_events",
    "session_events",
]
