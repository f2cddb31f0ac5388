"""A user's progression: stages cleared in order, VIP levels bought with payments.

**Stages.** One position per user (the stages cleared so far, in ``user.sticky``) drives
every stage id property (``stage_id``, ``cur_stage_id``, ``current_main_stage_id``): they
show the stage being played, ``highest_*``/``*_cleared`` ones the last stage cleared. A
stage-clearing event (Rules' ``progression.stage_clear_events``, else its name) shows the
stage it cleared and moves the position on, so stage ids never go back. The position
starts from the user's level (``progression.stages_per_level``): a stage reached and a
level agree. Ids follow the plan's example (``world1_stage10`` → ``world1_stage1`` …
``world1_stage10``, ``world2_stage1``), else ``stage_001`` …; a plan that lists its stages
(a stage id enum, or stage names: Rules' ``catalogues.stage`` entries) is walked in that
order (one in string order, ``stage_1_10`` before ``stage_1_2``, by its numbers), so a
stage's name is the entry's name for its id (the last stage is kept after).

**VIP.** A VIP user property is a function of the sum the user has paid (the user
property a revenue event adds its amount to) through Rules' ``progression.vip_thresholds``:
the state applier recomputes it when that sum changes (a :class:`Derivation`), and no other
update moves it.
"""

from __future__ import annotations

import bisect
import functools
import math
import re
from collections.abc import Callable, Mapping
from typing import Any

from demogen.analysis.heuristic._catalogues import ID, NAME, catalogue_role
from demogen.analysis.heuristic.values import progression
from demogen.analysis.heuristic.values.names import singular
from demogen.simulation._context import UserContext
from demogen.simulation.state import Derivation
from demogen.simulation.values._draw import Sampler
from demogen.simulation.values._strings import plan_examples
from demogen.simulation.values._tables import Tables
from demogen.taxonomy import Property
from demogen.vocab import PropertyType, RecordType, UpdateType

#: ``user.sticky`` key of the stage position: [stages cleared, #time of the last clear].
POSITION = "progress\x1fstage"
#: Stages per chapter when neither Rules nor the plan's stage ids say.
_CHAPTER = 10
_DIGITS = re.compile(r"\d+")
_REFERENCE = re.compile(r"^\{\{\s*([A-Za-z0-9_.]+)\s*\}\}$")


# -- stages -------------------------------------------------------------------------------

def stage_sampler(tables: Tables, prop: Property, event: str | None) -> Sampler | None:
    """The stage id ``prop`` shows on ``event`` (None: ``prop`` is no stage id); a chapter
    property shows the chapter of that stage."""
    listed = _listed_stages(tables, prop)
    if (prop.enum and not listed) or prop.is_preset or \
            tables.source(prop, "pool") is not None:
        return None
    if progression.is_chapter_name(prop.name):
        return _chapter_sampler(tables, prop, event)
    if prop.type != PropertyType.STRING:
        return None
    shape = tables.id_shape(prop)
    if not progression.is_stage_name(prop.name, shape.stem if shape else None):
        return None
    if shape is None and not progression.shows_cleared(prop.name) and \
            not prop.name.lower().endswith("id"):
        return None     # a stage's name or type, not its id
    examples = [e for e in plan_examples(prop) if _DIGITS.search(e)]
    fmt = stage_format(examples[0] if examples else None, shape.stem if shape else "stage",
                       tables.rules.progression.stages_per_chapter)
    if listed:
        fmt = _walked(listed)
    shown = _shown_stage(tables, prop, event)
    return lambda u, v, t: fmt(shown(u, v, t))


def stage_name_sampler(tables: Tables, prop: Property, event: str | None,
                       present: frozenset[str]) -> Sampler | None:
    """A stage's name (``stage_name``, ``dungeon_name``) in a record naming no stage id: the
    name of the stage the user's position shows (being played; cleared on a clearing
    event or in a ``highest_*`` name), not a name drawn from the list. None: ``prop`` is no
    such name, or the record's stage id names the stage (the catalogue reads it)."""
    role = catalogue_role(prop.name)
    if role is None or role.field != NAME or prop.type != PropertyType.STRING or \
            prop.is_preset or not progression.is_stage_name(prop.name) or \
            progression.is_chapter_name(prop.name) or tables.source(prop, "pool") is not None:
        return None
    if any((r := catalogue_role(n)) is not None and r.stem == role.stem and r.field == ID
           for n in present):
        return None
    catalogue = tables.catalogues.get(role.stem)
    if prop.enum and not catalogue.listed:
        return None     # names the plan lists but Rules tie to no stage: drawn as listed
    fmt = _walked(play_order(catalogue.ids)) if catalogue.ids else \
        _stage_ids(tables, role.stem)
    shown = _shown_stage(tables, prop, event)
    return lambda u, v, t: catalogue.entry(fmt(shown(u, v, t))).name


def _stage_ids(tables: Tables, stem: str) -> Callable[[int], str]:
    """Stage number ``i`` as the plan's stage id of ``stem`` shows it (its example's
    shape), else ``<stem>_001`` …"""
    ids = [p for p in tables.props.values() if p.type == PropertyType.STRING
           and (r := catalogue_role(p.name)) is not None and r.stem == stem and r.field == ID]
    examples = [e for p in ids for e in plan_examples(p) if _DIGITS.search(e)]
    return stage_format(examples[0] if examples else None, stem,
                        tables.rules.progression.stages_per_chapter)


def _walked(stages: tuple[str, ...]) -> Callable[[int], str]:
    """Stage number ``i`` (from 0) as the plan's ``i``-th stage; past the list, its last."""
    return lambda i: stages[min(i, len(stages) - 1)]


def _listed_stages(tables: Tables, prop: Property) -> tuple[str, ...]:
    """The stages a plan lists, in its order, for a stage id property: its own enum where
    Rules' ``catalogues.stage`` lists them too, else those entries (a plan naming its
    stages in a ``stage_name`` enum); none: stage ids are made from the position."""
    if prop.type != PropertyType.STRING or \
            not progression.is_stage_name(prop.name, None) or \
            not (prop.name.lower().endswith("id") or progression.shows_cleared(prop.name)):
        return ()
    ids = tables.catalogues.get("stage").ids
    own = tuple(str(x) for x in prop.enum if x is not None) if prop.enum else ids
    return play_order(own) if ids and set(own) <= set(ids) else ()


def play_order(stages: tuple[str, ...]) -> tuple[str, ...]:
    """Listed stages in the order they are played: a list in string order (``stage_1_10``
    before ``stage_1_2``, ``stage_10_1`` right after ``stage_1_x``: a sorted export) by
    its numbers (chapter, then stage), any other list as the plan orders it."""
    orders = [progression.stage_order(s) for s in stages]
    shapes = {o[0] for o in orders if o is not None}
    if list(stages) != sorted(stages) or None in orders or len(shapes) != 1:
        return stages
    return tuple(s for _, s in sorted(zip((o[1] for o in orders if o), stages,
                                          strict=True)))


def _shown_stage(tables: Tables, prop: Property, event: str | None
                 ) -> Callable[[UserContext, dict[str, Any], str], int]:
    """The index (from 0) of the stage ``prop`` shows on ``event``: the one being played,
    the last one cleared (``highest_*``), or the one a clearing event clears (it moves the
    user's position on, once per record whichever stage property comes first)."""
    cleared = progression.shows_cleared(prop.name)
    advances = event is not None and event in stage_clear_events(tables)
    start = _start_position(tables)
    last = _last_stage(tables)

    def shown(u: UserContext, v: dict[str, Any], t: str) -> int:
        kept = u.sticky.get(POSITION)
        if kept is None:
            first = start(u, v)
            if first is None:       # the level is not known yet: the first stage, for now
                return 0
            kept = u.sticky[POSITION] = [first, None]
        if advances:
            if kept[1] != t:        # the first stage property of this clear moves on
                kept[0] += 1
                kept[1] = t
            return min(kept[0] - 1, last)
        return min(max(kept[0] - 1, 0) if cleared else kept[0], last)

    return shown


def _chapter_sampler(tables: Tables, prop: Property, event: str | None) -> Sampler:
    """The chapter of the stage the user's position shows: ``stage_3_7`` is in chapter 3,
    and chapters only move forward with the stages (a number, or an id like ``chapter_03``
    shaped after the plan's example)."""
    per = chapter_size(tables)
    shown = _shown_stage(tables, prop, event)
    top = prop.value_range.max if prop.value_range is not None else None
    if prop.type == PropertyType.NUMBER:
        def chapter(u: UserContext, v: dict[str, Any], t: str) -> Any:
            number = 1 + shown(u, v, t) // per
            return int(min(number, top)) if top is not None else number

        return chapter
    examples = [e for e in plan_examples(prop) if _DIGITS.search(e)]
    fmt = stage_format(examples[0] if examples else "chapter_01", "chapter", None)
    return lambda u, v, t: fmt(shown(u, v, t) // per)


def _last_stage(tables: Tables) -> int | float:
    """The index of the game's last stage: its chapters' range (``chapter`` 1~20: 20
    chapters of stages), else none (stages go on)."""
    tops = [p.value_range.max for p in tables.props.values()
            if progression.is_chapter_name(p.name) and p.type == PropertyType.NUMBER
            and p.value_range is not None and p.value_range.max >= 1]
    return int(min(tops)) * chapter_size(tables) - 1 if tops else math.inf


def chapter_size(tables: Tables) -> int:
    """Stages per chapter: Rules' ``progression.stages_per_chapter``, else the group size of
    the plan's two-number stage ids (``stage_1_1`` … ``stage_1_10``), else 10."""
    given = tables.rules.progression.stages_per_chapter
    if given is not None:
        return given
    for prop in tables.props.values():
        if progression.is_chapter_name(prop.name) or \
                not progression.is_stage_name(prop.name):
            continue
        for example in plan_examples(prop):
            numbers = _DIGITS.findall(example)
            if len(numbers) > 1:
                return _group_size(int(numbers[-1]))
    return _CHAPTER


def _group_size(last: int) -> int:
    """The stages of one group a plan's example implies (``world1_stage10`` → 10)."""
    return max(_CHAPTER, 10 * math.ceil(last / 10))


def stage_clear_events(tables: Tables) -> frozenset[str]:
    """Events that clear a stage: Rules' list, else the names that say so."""
    given = tables.rules.progression.stage_clear_events
    if given is not None:
        return frozenset(given)
    return frozenset(e.name for e in tables.taxonomy.events if progression.clears_stage(e.name))


def stage_format(example: str | None, stem: str, per_group: int | None
                 ) -> Callable[[int], str]:
    """Stage number ``i`` (from 0) as an id shaped like ``example``: its last number counts
    the stages of a group (``world1_stage10``: 10 a world; ``per_group`` when given), the
    number before it the group."""
    if example is None:
        prefix = singular(stem.rsplit("_", 1)[-1]) if stem else "stage"
        prefix = stem if stem.endswith("stage") else prefix
        return lambda i: f"{prefix}_{i + 1:03d}"
    spans = [m.span() for m in _DIGITS.finditer(example)]
    numbers = [example[a:b] for a, b in spans]
    widths = [len(n) if n.startswith("0") else 1 for n in numbers]
    per = (per_group or _group_size(int(numbers[-1]))) if len(spans) > 1 else 0
    pieces = [example[:spans[0][0]]] + [example[spans[k][1]:(spans[k + 1][0] if k + 1 <
                                        len(spans) else len(example))] for k in range(len(spans))]

    @functools.lru_cache(maxsize=4096)     # the same stages' ids, event after event
    def formatted(i: int) -> str:
        values = [int(n) for n in numbers]
        if per:
            values[-1], values[-2] = 1 + i % per, 1 + i // per
        else:
            values[-1] = i + 1
        out = pieces[0]
        for value, width, tail in zip(values, widths, pieces[1:], strict=True):
            out += f"{value:0{width}d}" + tail
        return out

    return formatted


def _start_position(tables: Tables) -> Callable[[UserContext, Mapping[str, Any]], int | None]:
    """Stages a user has cleared where they first show up: their level's worth."""
    level = main_level(tables)
    per_level = tables.rules.progression.stages_per_level
    if level is None:
        return lambda u, v: 0

    def start(u: UserContext, v: Mapping[str, Any]) -> int | None:
        x = u.state.get(level, v.get(level))
        if not isinstance(x, int | float) or isinstance(x, bool):
            return None
        return max(0, round((x - 1) * per_level))

    return start


def main_level(tables: Tables) -> str | None:
    """The user's level: the level user property an update pattern moves, else the first."""
    levels = [p.name for p in tables.user_props.values()
              if p.type == PropertyType.NUMBER and tables.spec(p).kind == "level"]
    moved = {prop for pattern in tables.rules.update_patterns.values() for prop in pattern}
    return next((n for n in levels if n in moved), levels[0] if levels else None)


# -- VIP ----------------------------------------------------------------------------------

def vip_derivations(tables: Tables) -> tuple[Derivation, ...]:
    """Each number VIP user property as a function of the sum the user paid."""
    paid = paid_total(tables)
    thresholds = tuple(tables.rules.progression.vip_thresholds)
    out = []
    for prop in tables.user_props.values():
        if prop.type != PropertyType.NUMBER or prop.is_preset or tables.spec(prop).kind != "vip":
            continue
        # Its own range first: an event's ``vip_level`` (1–15 on a level-up) is not its floor.
        own = prop.value_range
        bounds = (own.min, own.max) if own is not None else tables.bounds(prop, None)
        base, top = (bounds[0], bounds[1]) if bounds else (0.0, math.inf)
        out.append(Derivation(prop.name, frozenset((paid,)) if paid else frozenset(),
                              RecordType.USER_SET, _ladder(paid, thresholds, base, top)))
    return tuple(out)


def _ladder(paid: str | None, thresholds: tuple[float, ...], base: float, top: float
            ) -> Callable[[Any, Mapping[str, Any]], Any]:
    def vip(rnd: Any, state: Mapping[str, Any]) -> int:
        total = state.get(paid) if paid else None
        total = total if isinstance(total, int | float) and not isinstance(total, bool) else 0
        return int(min(base + bisect.bisect_right(thresholds, total), top))

    return vip


def paid_total(tables: Tables) -> str | None:
    """The user property a revenue event adds a money amount to (``total_pay_amount +=
    {{price_usd}}``); a USD amount first."""
    money = set(tables.rules.monetary_properties)
    found: list[tuple[bool, str]] = []
    for event in tables.rules.event_roles.revenue:
        for prop, rule in tables.rules.update_patterns.get(event, {}).items():
            ref = _REFERENCE.match(rule.value) if isinstance(rule.value, str) else None
            amount = tables.props.get(ref.group(1)) if ref else None
            if rule.type is not UpdateType.INCREMENT or amount is None or prop not in \
                    tables.user_props:
                continue
            if amount.name in money or tables.spec(amount).kind == "money":
                found.append(("usd" not in amount.name.lower(), prop))
    return min(found)[1] if found else None


def raise_maxima(state: dict[str, Any], pairs: list[tuple[str, str]]) -> None:
    """A user's ``max_*`` number at least their ``current_*`` one (drawn apart, they may
    disagree): the best streak includes the current one."""
    for high, low in pairs:
        a, b = state.get(high), state.get(low)
        if isinstance(a, int | float) and isinstance(b, int | float) and a < b:
            state[high] = b


def zero_uncounted_sums(state: dict[str, Any], pairs: list[tuple[str, str]]) -> None:
    """A sum at 0 where its count is (drawn apart, a user had paid 1 with no payment, a
    rider spent 61 with no ride): nothing counted, nothing summed."""
    for total, count in pairs:
        if not state.get(count) and isinstance(state.get(total), int | float):
            state[total] = 0
