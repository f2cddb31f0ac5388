"""Milestone progress events and the playback they belong to (Rules ``playback``).

A progress event carrying a percent property with an enum of percentages (GA4
``video_progress`` with ``video_percent`` 10/25/50/75) is sent once per threshold, not in
heartbeat runs: it becomes a milestone of the playback start sharing its object
(``video_start``), completed by the end that start's funnel leads to (``video_complete``).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from demogen.analysis.heuristic._context import Context
from demogen.analysis.heuristic._data import load
from demogen.analysis.heuristic.values.milestones import (
    is_percent_name,
    names_length,
    names_milestone,
    names_position,
    percent_steps,
)
from demogen.analysis.rules import EventRoles, Funnel, Milestone, Playback, PropertyRelationship
from demogen.vocab import PropertyType

_STARTS = ("begin", "enter")
#: A listed word this long or longer also names its inflections (``pause`` → ``paused``).
_STEM = 4


def playback_rules(ctx: Context, roles: EventRoles,
                   funnels: list[Funnel]) -> tuple[Playback, EventRoles]:
    """The milestones found, and the roles with them taken out of the heartbeat ticks."""
    milestones: dict[str, Milestone] = {}
    for name in ctx.names:
        if name not in roles.progress and not names_milestone(name):
            continue
        percent = _percent_property(ctx, name)
        start = _start(ctx, name, funnels) if percent else None
        if percent and start:
            milestones[name] = Milestone(start=start, complete=_complete(start, funnels),
                                         property=percent)
    progress = [e for e in roles.progress if e not in milestones]
    cadence = next((c for e in progress if (c := heartbeat_seconds(ctx, e)) is not None), None)
    playback = Playback(milestones=milestones, **_controls(ctx, progress, milestones, funnels))
    if cadence is not None:
        playback.heartbeat_seconds = cadence
    return playback, roles.model_copy(update={"progress": progress})


def _controls(ctx: Context, progress: list[str], milestones: dict[str, Milestone],
              funnels: list[Funnel]) -> dict[str, list[str]]:
    """The player's controls and playhead, in a plan that plays something (a heartbeat or a
    milestone): events about what plays (sharing its object or its playhead) named as a
    pause, a resume or a seek; the starts of what plays (not an ad's or a buffer's); number
    properties named as a playhead on what plays and its starts; ``within``: the seeks, the
    stalls and the other events showing the playhead."""
    playing = [*progress, *milestones]
    # Without ticks, an activity paused and completed (a workout) has the player's
    # controls too: only its pauses say what is played.
    anchors = playing or _activity_pauses(ctx)
    if not anchors:
        return {}
    objects = frozenset().union(*(ctx.index.info(e).obj for e in anchors))
    heads = frozenset(_playheads(ctx, playing))

    def about(name: str) -> bool:
        found = ctx.taxonomy.event(name)
        return bool(ctx.index.info(name).obj & objects
                    or (found is not None and heads.intersection(found.properties)))

    player = [n for n in ctx.names if n not in playing and about(n)]
    found = {key: [n for n in player if _names_control(ctx, n, f"{key}_words")]
             for key in ("pause", "resume", "seek")}
    controls = {e for events in found.values() for e in events}
    # Seeking and buffering happen to something playing.
    found["within"] = [n for n in player if n in found["seek"]
                       or _names_control(ctx, n, "stall_words")]
    # Of a seek start → seek end pair, the playhead lands on the end.
    found["seek"] = [e for e in found["seek"] if not any(
        len(f.steps) > 1 and f.steps[0] == e and f.steps[1] in found["seek"] for f in funnels)]
    starts = [n for n in player if n not in controls and n not in found["within"]
              and ctx.index.info(n).verb in _STARTS
              and not _names_control(ctx, n, "not_playback_words")]
    starts += [m.start for m in milestones.values() if m.start not in starts]
    found["start"] = starts
    found["complete"] = _completions(ctx, player, controls | set(found["within"]), starts,
                                     milestones) if starts else []
    found["playhead"] = _playheads(ctx, [*playing, *starts])
    # Whatever else shows the playhead (an interruption, an error, a completion) happens to
    # something playing too.
    shown = set(found["playhead"])
    found["within"] += [n for n in player if n not in found["within"] and n not in starts
                        and n not in controls and _shows(ctx, n, shown)]
    return found


def _activity_pauses(ctx: Context) -> list[str]:
    """Pauses of an activity a start begins and a completion ends (``workout_pause``
    beside ``workout_start`` and ``workout_complete``): a plan without heartbeats or
    milestones still plays it from its start to its end, and only pauses it in between
    (docs/coherence.md, "Workouts as things"). A pause of what nothing completes (a
    subscription's) is no activity's."""
    return [n for n in ctx.names if ctx.index.info(n).obj
            and _names_control(ctx, n, "pause_words")
            and not _names_control(ctx, n, "not_playback_words")
            and _shares_object(ctx, n, lambda m: ctx.index.info(m).verb in _STARTS)
            and _shares_object(ctx, n, lambda m: _names_control(ctx, m, "complete_words"))]


def _shares_object(ctx: Context, event: str, test: Callable[[str], bool]) -> bool:
    """Whether another event about ``event``'s object passes ``test``."""
    obj = ctx.index.info(event).obj
    return any(m != event and ctx.index.info(m).obj & obj and test(m) for m in ctx.names)


def _completions(ctx: Context, player: list[str], controls: set[str], starts: list[str],
                 milestones: dict[str, Milestone]) -> list[str]:
    """What ends a playback: events about what plays named as a completion (``Video
    Playback Completed``; not a seek's or a buffer's end, not an ad's), and the milestones'
    completions."""
    found = [n for n in player if n not in controls and n not in starts
             and _names_control(ctx, n, "complete_words")
             and not _names_control(ctx, n, "not_playback_words")]
    found += [m.complete for m in milestones.values() if m.complete and m.complete not in found]
    return found


def _shows(ctx: Context, event: str, properties: set[str]) -> bool:
    found = ctx.taxonomy.event(event)
    return found is not None and not properties.isdisjoint(found.properties)


def _names_control(ctx: Context, event: str, words_key: str) -> bool:
    """A name word that is a listed word or, for one of ``_STEM`` letters or more, starts
    with it (``paused``; ``ad`` is no ``added``), or a non-Latin listed word in the name or
    the display name (일시정지)."""
    words: list[str] = load("playback")[words_key]
    found = ctx.taxonomy.event(event)
    text = " ".join(t for t in (event, found.display_name if found else None) if t).casefold()
    latin = re.findall(r"[a-z]+", text)
    return any(w == word or (len(word) >= _STEM and w.startswith(word))
               for word in words if word.isascii() for w in latin) or \
        any(word in text for word in words if not word.isascii())


def _playheads(ctx: Context, events: list[str]) -> list[str]:
    """Number properties named as a playhead (``position_seconds``) on these events."""
    out: list[str] = []
    for event in events:
        found = ctx.taxonomy.event(event)
        for name in found.properties if found else ():
            prop = ctx.event_props.get(name)
            if prop is not None and prop.type == PropertyType.NUMBER and names_position(name) \
                    and not names_length(name) and name not in out:
                out.append(name)
    return out


#: A number and the word after it ("10 seconds", "10초", "30s").
_AMOUNT = re.compile(r"(\d+(?:\.\d+)?)\s*([^\W\d_]+)")


def heartbeat_seconds(ctx: Context, event: str) -> float | None:
    """The tick's cadence its description states ("sent every 10 seconds"), else None."""
    found = ctx.taxonomy.event(event)
    text = " ".join(t for t in (found.description, found.display_name) if t).casefold() \
        if found else ""
    data = load("playback")
    if not any(word in text for word in data["cadence_words"]):
        return None
    units: dict[str, float] = data["cadence_units"]
    for number, word in _AMOUNT.findall(text):
        unit = next((u for u in sorted(units, key=len, reverse=True) if word.startswith(u)),
                    None)
        if unit is not None and (word == unit or not word.isascii()) and float(number) > 0:
            return float(number) * units[unit]
    return None


def _percent_property(ctx: Context, event: str) -> str | None:
    found = ctx.taxonomy.event(event)
    for prop_name in found.properties if found else ():
        prop = ctx.event_props.get(prop_name)
        if prop is not None and is_percent_name(prop_name) and percent_steps(prop):
            return prop_name
    return None


def _start(ctx: Context, event: str, funnels: list[Funnel]) -> str | None:
    """The playback start sharing the milestone's object: a funnel's first step first."""
    obj = ctx.index.info(event).obj
    candidates = [f.steps[0] for f in funnels if f.steps] + ctx.names
    for name in candidates:
        info = ctx.index.info(name)
        if name != event and info.verb in _STARTS and info.obj & obj:
            return name
    return None


def _complete(start: str, funnels: list[Funnel]) -> str | None:
    """The end a funnel from ``start`` leads to at its second step (video_completion)."""
    for funnel in funnels:
        if len(funnel.steps) == 2 and funnel.steps[0] == start and \
                not funnel.name.endswith("_failure"):
            return funnel.steps[1]
    return None


def position_formulas(ctx: Context, playback: Playback) -> dict[str, PropertyRelationship]:
    """The playhead on a milestone is the threshold's share of the title's length
    (``video_current_time = video_duration * video_percent / 100`` on ``video_progress``),
    where the milestone event carries both."""
    out: dict[str, PropertyRelationship] = {}
    for event, milestone in playback.milestones.items():
        found = ctx.taxonomy.event(event)
        numbers = [p for p in (found.properties if found else ())
                   if (prop := ctx.event_props.get(p)) is not None
                   and prop.type == PropertyType.NUMBER and p != milestone.property]
        length = next((p for p in numbers if names_length(p)), None)
        position = next((p for p in numbers if names_position(p) and p != length), None)
        if milestone.property and length and position and position not in out:
            out[position] = PropertyRelationship(
                depends_on=[length, milestone.property], events=[event],
                formula=f"{length} * {milestone.property} / 100")
    return out
