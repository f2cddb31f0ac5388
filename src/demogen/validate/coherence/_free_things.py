"""Free things: a thing is free or paid once per run, on every record naming it.

Rules ``paid_ways`` with a ``flag`` (``is_free`` beside ``series_id`` and ``episode_no``) make
a thing (the way's ``keys``) free or paid for the whole run: every record naming it shows
one flag, and a spend of the way (``coin_use``) buys a paid thing only. Drawn per record,
965 of 3,061 episodes showed free on some views and paid on others, and 638 of 6,827 coin
spends bought an episode its views only ever showed free (1,000 x 14 seed 3). A record
showing a thing free after one showed it paid or a spend bought it, or paid after one
showed it free, is reported (whatever the user: the thing is the app's).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from demogen.analysis.rules import PaidWay
from demogen.validate.coherence._base import Checker, CoherenceInput, Report, Where, tracked

__all__ = ["FreeThingsChecker"]


class FreeThingsChecker(Checker):
    name = "free_things"
    description = ("a thing (rules paid_ways keys: series_id, episode_no) is free or paid on "
                   "every record naming it (flag: is_free), and a spend (coin_use) buys a "
                   "paid one only")

    def __init__(self, given: CoherenceInput) -> None:
        super().__init__(given)
        self.ways: dict[str, PaidWay] = {n: w for n, w in sorted(given.rules.paid_ways.items())
                                         if w.flag is not None}
        #: (way, thing) → whether it is free, and the first record showing it so.
        self.seen: dict[tuple[str, tuple[str, ...]], tuple[bool, str]] = {}

    @property
    def active(self) -> bool:
        return bool(self.ways)

    def record(self, record: Mapping[str, Any], where: Where, report: Report) -> None:
        seen = tracked(record)
        if seen is None:
            return
        event, uid, props, _ = seen
        for name, way in self.ways.items():
            if not all(k in props for k in way.keys):
                continue
            if event in way.spends:
                free, shown = False, f"{event} (a spend: paid)"
            elif way.flag in props:
                free = _truth(props[way.flag])
                shown = f"{event} {way.flag} {props[way.flag]!r}"
            else:
                continue
            thing = tuple(str(props[k]) for k in way.keys)
            first = self.seen.setdefault((name, thing), (free, shown))
            if first[0] != free:
                named = ", ".join(f"{k} {props[k]!r}" for k in way.keys)
                report(where, f"user {uid}: {shown} of {named}, which {first[1]} showed "
                              f"{'free' if first[0] else 'paid'}")


def _truth(value: Any) -> bool:
    """A flag as the plan writes it: true, 1, "true"."""
    return str(value).strip().lower() in ("true", "1", "y", "yes")
