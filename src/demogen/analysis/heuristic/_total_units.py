"""What a user_add total counts, read from its name, display name and description.

A total's unit chooses what each event adds to it (issue 11): a count of things
(``total_read_episodes``, 누적 열람 회차 수, "1 증가") one per event, a money total
(``total_charge_amount``, 결제 금액(원) 누적) the event's money, never the in-app
currency it bought, and a currency total (``total_coins``) the amount of that currency.
The words live in ``heuristic_updates.yaml`` ``total_units``.
"""

from __future__ import annotations

from typing import Literal

from demogen.analysis.heuristic._currency_flows import currency_words
from demogen.analysis.heuristic._data import load
from demogen.analysis.heuristic._text import contains_any, norm, split_words
from demogen.taxonomy import Property

Unit = Literal["count", "money", "currency"]


def total_unit(prop: Property) -> Unit | None:
    """The unit a total's texts name, strongest first: a count said outright ("+1"), a
    currency its name names, money, a count by its words; None when nothing says."""
    spec = load("updates")["total_units"]
    words = set(split_words(prop.name))
    display = norm(prop.display_name or "")
    said = norm(f"{display} {prop.description or ''}")
    if says_one_per_event(prop):
        return "count"
    if words & currency_words():
        return "currency"
    if words & set(spec["money_words"]) or _says(said, spec["money_marks"]):
        return "money"
    if words & set(spec["count_words"]) or _says(f"{display} ", spec["count_marks"]):
        return "count"
    return None


def says_one_per_event(prop: Property) -> bool:
    """The description says each event adds one ("회차 열람 시 1 증가", "+1 per workout")."""
    return _says(prop.description or "", load("updates")["total_units"]["one_per_event"])


def _says(text: str, marks: list[str]) -> bool:
    """Whether ``text`` holds a mark: a plain substring for marks of signs or CJK ("+1",
    "(원)"), a whole word or phrase for Latin ones ("by one", "spent")."""
    low = text.lower()
    latin = [m for m in marks if m.replace(" ", "").isalpha() and m.isascii()]
    return any(m.lower() in low for m in marks if m not in latin) or contains_any(low, latin)


__all__ = ["Unit", "says_one_per_event", "total_unit"]
