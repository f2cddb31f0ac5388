"""What a coherence check is: a reader of records in order that reports what disagrees."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, NamedTuple

from demogen.analysis.rules import Rules
from demogen.taxonomy import EventTaxonomy

__all__ = ["Checker", "CoherenceInput", "Report", "Tracked", "Where", "tracked"]


@dataclass(frozen=True, slots=True)
class Where:
    """A record's place: day file name and 1-based line."""

    file: str
    line: int


#: ``report(where, message)``: one violation (``where`` None for one about the whole output).
Report = Callable[[Where | None, str], None]


class Tracked(NamedTuple):
    """A track record's event, user (``#distinct_id``, else ``#account_id``), properties
    and ``#time`` (None when it is not a string)."""

    event: str
    user: str
    props: Mapping[str, Any]
    time: str | None


def tracked(record: Mapping[str, Any]) -> Tracked | None:
    """What most checks read of a track record; None for a user record or a record
    without an event name or properties (the record pass reports those)."""
    event, props = record.get("#event_name"), record.get("properties")
    if record.get("#type") != "track" or not isinstance(event, str) \
            or not isinstance(props, Mapping):
        return None
    time = record.get("#time")
    return Tracked(event, str(record.get("#distinct_id") or record.get("#account_id")), props,
                   time if isinstance(time, str) else None)


@dataclass(frozen=True)
class CoherenceInput:
    """What the checks know besides the records: the run's rules and, when given, its plan."""

    rules: Rules
    plan: EventTaxonomy | None = None


class Checker:
    """One coherence check. Records come in file order (a user's records in their order).

    Subclasses set ``name`` and ``description``, read what they need from ``given`` in
    ``__init__`` (and say in :meth:`notes` what they could not check and why), look at each
    record in :meth:`record` and at what they gathered in :meth:`finish`.
    """

    name: ClassVar[str]
    description: ClassVar[str]

    def __init__(self, given: CoherenceInput) -> None:
        self.given = given

    @property
    def active(self) -> bool:
        """False when the rules give the check nothing to look at (it then reads nothing)."""
        return True

    def record(self, record: Mapping[str, Any], where: Where, report: Report) -> None:
        """Look at one record."""

    def finish(self, report: Report) -> None:
        """Report what only the whole output shows (counts, per-user totals)."""

    def notes(self) -> list[str]:
        """What was not checked, and why (``validate`` prints them)."""
        return []
