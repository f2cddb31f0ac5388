"""Value hints written inside description cells, read leniently.

ThinkingData tracking plans have no constraint column; authors write ranges, enumerations and
examples into "속성 설명" instead: ``(Enum: a, b)``, ``(예: x, y)``, ``(0~100)``, ``[60,7200]``,
``{1,10}``, a bare list ``m、l、xl``, JSON samples of objects, and in one plan a small value
language (``1|+1`` counters, ``=account_id`` references, ``payment|pay_amount|sum``).

:func:`parse_hints` maps what fits the model (ranges, enumerations, examples, list lengths,
object samples) and ignores the rest; the raw description is always kept on the property,
and a hint that cannot be read is never a problem.
"""

from __future__ import annotations

import json
import re
import unicodedata

from demogen.taxonomy._models import ValueRange
from demogen.taxonomy._values import NUMBER, Values, dedupe, make_range, to_number
from demogen.vocab import PropertyType

__all__ = ["parse_hints"]

_RANGE_FORMS: tuple[tuple[re.Pattern[str], bool | None], ...] = (
    (re.compile(rf"\[\s*({NUMBER})\s*,\s*({NUMBER})\s*\]"), False),
    (re.compile(rf"\{{\s*({NUMBER})\s*,\s*({NUMBER})\s*\}}"), True),
    (re.compile(rf"({NUMBER})\s*~\s*({NUMBER})"), None),
    (re.compile(rf"^\(?({NUMBER})\s*-\s*({NUMBER})\)?$"), None),
)
_COUNTER = re.compile(rf"^({NUMBER})\|\+({NUMBER})(?:\|({NUMBER}))?$")
_ENUM_MARK = re.compile(r"(?:enum|열거|枚举)\s*:\s*([^)\n]*)", re.IGNORECASE)
#: "e.g." and "for example" may go without a colon (``e.g. first_5k, streak_7``), as in the
#: constraint column; the shorter words need one.
_EXAMPLE_MARK = re.compile(
    r"(?<!\w)(?:(?:e\.g\.|for example)\s*[:)]?|(?:예시\s*값|예시|예|eg|examples?|比如|例如|例|如)"
    r"\s*[:)])\s*([^)\n]*)", re.IGNORECASE)
_QUOTED = re.compile(r'"([^"\n]+)"')
_LIST_SPLIT = re.compile(r"\s*[,、;]\s*")
_OPEN_END = re.compile(r"(?:\s+등(?=\s|$)|\s*\betc\b\.?|\s*等|\s+and so on)(?:\s.*)?$",
                       re.IGNORECASE)
#: A code with its label, as Chinese plans write enumerations: ``1:普通``, ``0=否``, ``1-主线``.
_CODE_ITEM = re.compile(r"(?:^|(?<=[,;、\s(]))([-+]?\d+)\s*[:=\-]\s*(?=[^\d\s,;、)])")
_LABELLED_NUMBER = re.compile(rf"^.+?=\s*({NUMBER})$")
_NOT_A_VALUE = re.compile(r"[()\[\]{}:\"]|[.。]$")
#: A short lead, a colon, then the values: ``How the app was opened: icon, push, deeplink``,
#: ``City of service: San Francisco, London``. The lead is a few words, never a list itself.
_LED_LIST = re.compile(r"^(?P<lead>[^:,;、\n]{1,60}?)\s*[:：]\s*(?P<body>[^:：\n]+?)[.。]?$")

#: An item of a colon-led list: a code (``deeplink``, ``apple_pay``, ``5``) or a proper
#: name (``San Francisco``), not a phrase (``coupon code used``, ``if any``).
_VALUE_ITEM = re.compile(r"^(?:[\w.+-]+|(?:[A-Z][\w.-]*\s){1,3}[A-Z][\w.-]*)$")

#: Items longer than this are sentences, not values.
_MAX_ITEM = 50


def parse_hints(text: str, kind: PropertyType) -> Values:
    """What a description says about the values of a property of type ``kind``."""
    text = unicodedata.normalize("NFKC", text).strip()
    if not text or kind is PropertyType.BOOLEAN:
        return Values()
    if kind in (PropertyType.OBJECT, PropertyType.OBJECT_GROUP):
        return _structure(text, kind)
    if "|" in text or text.startswith(("=", "+")):
        return _value_language(text, kind)
    value_range = _range(text) if kind is PropertyType.NUMBER else None
    enum, examples = _lists(text, kind)
    if kind is PropertyType.LIST:
        count = to_number(text)
        if isinstance(count, int) and count >= 0:
            return Values(list_length=ValueRange(min=count, max=count, integer=True))
        return Values(examples=(enum or ()) + examples)
    return Values(value_range=value_range, enum=enum, examples=examples)


def _structure(text: str, kind: PropertyType) -> Values:
    """An object group's element count (casual plan: ``3``) or a JSON sample."""
    count = to_number(text)
    if kind is PropertyType.OBJECT_GROUP and isinstance(count, int) and count >= 0:
        return Values(list_length=ValueRange(min=count, max=count, integer=True))
    sample = _json_sample(text)
    if sample is None:
        return Values()
    return Values(examples=(json.dumps(sample, ensure_ascii=False, separators=(",", ":")),),
                  sample=sample)


def _json_sample(text: str) -> dict | list | None:
    start = min((i for i in (text.find("{"), text.find("[")) if i >= 0), default=-1)
    if start < 0:
        return None
    end = text.rfind("}" if text[start] == "{" else "]")
    try:
        sample = json.loads(text[start:end + 1])
    except ValueError:
        return None
    if isinstance(sample, list) and not all(isinstance(item, dict) for item in sample):
        return None
    return sample or None


def _value_language(text: str, kind: PropertyType) -> Values:
    """The casual plan's counters: ``start|+step|cap`` gives the range start..cap."""
    match = _COUNTER.match(text)
    if kind is PropertyType.NUMBER and match and match.group(3):
        found = make_range(match.group(1), match.group(3))
        return Values(value_range=found)
    return Values()


def _range(text: str) -> ValueRange | None:
    """The one range a description names; None when there is none or several."""
    found: set[ValueRange] = set()
    for pattern, integer in _RANGE_FORMS:
        for low, high in pattern.findall(text):
            value_range = make_range(low, high, integer=integer)
            if value_range is not None:
                found.add(value_range)
    return found.pop() if len(found) == 1 else None


def _lists(text: str, kind: PropertyType) -> tuple[tuple | None, tuple[str, ...]]:
    """(enumeration, examples) from ``Enum:``/``예:`` markers or a description that is a list."""
    marked = _ENUM_MARK.search(text)
    codes = _codes(marked.group(1) if marked else text, kind)
    if codes:
        return codes, ()
    if marked:
        items, _ = _items(marked.group(1))
        # Marked, one value is the enumeration too: "(Enum: KRW)", "枚举: CNY".
        return _typed(items, kind, least=1), ()
    example = _EXAMPLE_MARK.search(text)
    if example:
        quoted = _QUOTED.findall(example.group(1))
        items = quoted or _items(example.group(1))[0]
        return None, _as_examples(items, kind)
    led = _LED_LIST.match(text)
    if led and len(led.group("lead").split()) <= 8:
        listed, open_ended = _items(led.group("body"))
        if len(listed) >= 2 and all(_VALUE_ITEM.match(i) for i in listed):
            return (None, _as_examples(listed, kind)) if open_ended else \
                (_typed(listed, kind), ())
    items, open_ended = _whole_list(text)
    if len(items) == 1 or open_ended:
        return None, _as_examples(items, kind)
    return _typed(items, kind), ()


def _codes(body: str, kind: PropertyType) -> tuple | None:
    """The codes of a list of codes with labels (``1:普通,2:稀有``): the values the property
    holds, the labels being what they mean. None unless the text starts with one and has two."""
    body = body.strip().lstrip("(")
    if not _CODE_ITEM.match(body):
        return None
    codes = _CODE_ITEM.findall(body)
    if len(codes) < 2:
        return None
    return dedupe([to_number(c) for c in codes] if kind is PropertyType.NUMBER else codes)


def _items(body: str) -> tuple[list[str], bool]:
    """Split a list, cutting it at "등" / "etc." (which also marks it as open-ended)."""
    items: list[str] = []
    for raw in _LIST_SPLIT.split(body.strip()):
        item = raw.strip().strip("'\"“”")
        cut = _OPEN_END.sub("", item)
        if cut:
            items.append(cut)
        if cut != item:
            return items, True
    return items, False


def _whole_list(text: str) -> tuple[list[str], bool]:
    """A description that is only a list of values (``일상, 주간, 메인``), or []."""
    body = text if _LIST_SPLIT.search(text) or "/" not in text else text.replace("/", ",")
    items, open_ended = _items(body)
    if any(len(i) > _MAX_ITEM or _NOT_A_VALUE.search(i) or i.count(" ") > 4 for i in items):
        return [], False
    if len(items) == 1 and " " in items[0]:
        return [], False
    return items, open_ended


def _typed(items: list[str], kind: PropertyType, least: int = 2) -> tuple | None:
    """Items as an enumeration of ``kind``: numbers for a number property, else strings."""
    if len(items) < least:
        return None
    if kind is not PropertyType.NUMBER:
        return dedupe(items)
    numbers = [to_number(i) for i in items]
    if any(n is None for n in numbers):
        labelled = [_LABELLED_NUMBER.match(i) for i in items]
        if not all(labelled):
            return None
        numbers = [to_number(m.group(1)) for m in labelled if m]
    return dedupe(numbers)


def _as_examples(items: list[str], kind: PropertyType) -> tuple[str, ...]:
    if kind is PropertyType.NUMBER:
        items = [i for i in items if to_number(i) is not None]
    return dedupe(items)
