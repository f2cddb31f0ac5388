"""Milestone progress events: the thresholds a playback passes (GA4 ``video_progress``'s
``video_percent`` at 10/25/50/75 %), read from a percent property's enum."""

from __future__ import annotations

import re

from demogen.analysis.heuristic._data import load
from demogen.taxonomy import Property

_WORDS = re.compile(r"[a-z]+")


def percent_steps(prop: Property) -> tuple[float, ...]:
    """The enum's values as numbers, increasing, when they are all percentages (0, 100];
    empty otherwise (fewer than two, or any that is no number)."""
    steps = []
    for value in prop.enum or ():
        try:
            number = float(value)
        except (TypeError, ValueError):
            return ()
        if not 0 < number <= 100:
            return ()
        steps.append(number)
    return tuple(sorted(set(steps))) if len(set(steps)) >= 2 else ()


def is_percent_name(name: str) -> bool:
    """``video_percent``, ``progress_pct``, ``milestone``: a name that says percent."""
    return _says(name, "percent_words")


def names_milestone(event: str) -> bool:
    """``video_progress``, ``video_milestone``, ``audio_quartile``."""
    return _says(event, "milestone_event_words")


def names_length(name: str) -> bool:
    """``video_duration``, ``total_length_seconds``: the title's length."""
    return _says(name, "length_words")


def names_position(name: str) -> bool:
    """``video_current_time``, ``position_seconds``: the playhead."""
    return _says(name, "position_words")


def _says(name: str, words_key: str) -> bool:
    """Whether one of ``name``'s words is in the playback word list ``words_key``."""
    words = set(_WORDS.findall(name.lower()))
    return any(w in words for w in load("playback")[words_key])
