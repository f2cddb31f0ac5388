"""Money: which event properties hold real money, and which events are real-money purchases.

A numeric property is money when its name says so (``price``, ``revenue``, ``pay_amount``,
``결제 금액``), or when an ambiguous name (``value``, ``total``) travels with a currency
property on the same event. Virtual currency is not money: on events about earning or
spending coins/gems, or when the description says "not money", the property is left out
(GA4's ``value`` is money on ``purchase`` and coins on ``earn_virtual_currency``).
Only event and common properties are listed; user-level money (``total_spent``) follows
from the update patterns. Each amount gets its role in its record's order (``discount``,
``shipping``, ``total`` …: :func:`money_role`), and a plan without a currency property whose
texts price in one currency (``60000원 이상``) gets that currency for every amount.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

from demogen.analysis.heuristic._catalogues import fields_stem, is_quantity
from demogen.analysis.heuristic._context import Context
from demogen.analysis.heuristic._data import load
from demogen.analysis.heuristic._in_app import currencies_marked, priced_in_app
from demogen.analysis.heuristic._seat_prices import with_seat_prices
from demogen.analysis.heuristic._text import contains_any, norm, split_words
from demogen.analysis.heuristic.values.names import normalize
from demogen.analysis.rules import MonetaryProperty, MoneyRole, MoneyRules
from demogen.currencies import is_unit_price
from demogen.taxonomy import EventTaxonomy, Property
from demogen.vocab import PropertyType

#: Name words of purchase events that are real money without further evidence.
_REAL_MONEY_WORDS = frozenset(
    {"payment", "pay", "iap", "inapp", "order", "checkout", "transaction", "subscription",
     "subscribe", "charge", "recharge", "billing", "invoice", "topup", "deposit"}
)
_REAL_MONEY_DESC = ("real money", "real-money", "in-app purchase", "iap", "revenue", "receipt",
                    "인앱", "결제", "매출", "현금", "영수증", "充值", "支付")
_VIRTUAL_DESC = ("virtual currency", "in-game currency", "인게임 재화", "게임 재화", "虚拟货币",
                 "游戏币")
#: Roles of an order's parts whose words name money only with a money description.
_PART_ROLES = ("discount", "shipping", "tax", "fee", "tip")
_PAREN = re.compile(r"\([^)]*\)")
_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")


@dataclass(frozen=True)
class MoneyProperty:
    name: str
    events: tuple[str, ...]
    currency: str | None
    role: MoneyRole | None = None


@dataclass
class Money:
    """Money facts of one taxonomy (computed on first use)."""

    ctx: Context
    words: dict = field(default_factory=lambda: load("properties")["money"])

    def kind(self, prop: Property) -> str | None:
        """``"strong"`` (money by name), ``"weak"`` (money beside a currency) or None."""
        if prop.type != PropertyType.NUMBER:
            return None
        if priced_in_app(prop.description):
            return None     # 코인 가격 (0~4): an amount of coins, not of a market's money
        found = self.kind_of_name(prop.name, prop.display_name)
        if found is None and self._described_part(prop):
            return "weak"
        return found

    def _described_part(self, prop: Property) -> bool:
        """A part of an order named by its role alone (``promo_off``: "Amount the coupon
        took off, in the order's currency") whose description says it is money: no money
        word in the name, so it was drawn freely beside the order it belongs to."""
        words = set(split_words(prop.name))
        if words & set(self.words["not"]):
            return False
        roles = self.words["roles"]
        if not any(words & set(roles[role]) for role in _PART_ROLES):
            return False
        desc = norm(prop.description)
        return contains_any(desc, self.words["money_desc"]) and not contains_any(
            desc, self.words["not_money_desc"])

    def kind_of_name(self, name: str, display: str = "") -> str | None:
        words = set(split_words(name)) | set(split_words(display))
        text = norm(f"{name} {display}")
        if words & set(self.words["not"]) or contains_any(text, _cjk(self.words["not"])):
            return None
        if words & set(self.words["strong"]) or contains_any(text, _cjk(self.words["strong"])):
            return "strong"
        if words & set(self.words["weak"]) or contains_any(text, _cjk(self.words["weak"])):
            return "weak"
        return None

    def is_currency(self, name: str) -> bool:
        last = name.rsplit(".", 1)[-1]
        return last.lower() in {w.lower() for w in self.words["currency"]}

    def currency_of(self, event: str) -> str | None:
        return next((p for p in self.ctx.props_of(event) if self.is_currency(p)), None)

    def virtual_event(self, event: str) -> bool:
        idx = self.ctx.index
        if idx.has(event, "vc_earn") or idx.has(event, "vc_spend"):
            return True
        return contains_any(idx.info(event).desc, self.words["not_money_desc"])

    def money_on(self, prop: Property, event: str) -> bool:
        kind = self.kind(prop)
        if kind is None or self.virtual_event(event):
            return False
        if kind == "strong":
            return True
        desc = norm(prop.description)
        described = contains_any(desc, self.words["money_desc"]) and not contains_any(
            desc, self.words["not_money_desc"]
        )
        return self.currency_of(event) is not None or described

    @cached_property
    def properties(self) -> list[MoneyProperty]:
        out: list[MoneyProperty] = []
        for name, prop in self.ctx.event_props.items():
            events = tuple(e for e in self.ctx.events_with.get(name, []) if self.money_on(prop, e))
            if events:
                role = money_role(name, prop.display_name, prop.description)
                out.append(MoneyProperty(name, events, self._currency(events), role))
            if prop.type in (PropertyType.LIST, PropertyType.OBJECT, PropertyType.OBJECT_GROUP):
                carriers = tuple(
                    e for e in self.ctx.events_with.get(name, []) if not self.virtual_event(e)
                )
                if carriers:
                    for field_name in self._money_fields(prop):
                        out.append(MoneyProperty(field_name, carriers, self._currency(carriers),
                                                 money_role(field_name)))
        return out

    def _currency(self, events: tuple[str, ...]) -> str | None:
        return next((c for e in events if (c := self.currency_of(e))), None)

    def _money_fields(self, prop: Property) -> list[str]:
        """``items.price``: money fields of a list/object, from children or the description."""
        found: list[str] = []
        keys = [child.name.rsplit(".", 1)[-1] for child in prop.children]
        stem = fields_stem(prop.name, keys)
        for child, key in zip(prop.children, keys, strict=True):
            namesake = self.ctx.event_props.get(key)
            if is_quantity(key, stem) or (namesake is not None and self.kind(namesake) is None):
                continue    # how many of the row's thing (commodity_amount: 상품 수량)
            if self.kind(child) == "strong":
                found.append(child.name if "." in child.name else f"{prop.name}.{child.name}")
        if not found:
            for word in _field_list(prop.description):
                if self.kind_of_name(word) == "strong":
                    found.append(f"{prop.name}.{word}")
        return list(dict.fromkeys(found))

    def monetary_rules(self) -> dict[str, MonetaryProperty]:
        """Rules' ``monetary_properties`` (a plan billed per seat priced per seat)."""
        found = {m.name: MonetaryProperty(currency_property=m.currency, events=list(m.events),
                                          role=m.role,
                                          pricing="range" if self._service_good(m) else None,
                                          per=self._per_unit(m), free_when=self._free_when(m))
                 for m in self.properties}
        return with_seat_prices(found, self.ctx.event_props, self.ctx.props_of)

    def _free_when(self, m: MoneyProperty) -> str | None:
        """A boolean on each of the amount's events whose name says a trial (``is_trial``):
        true, the record charges nothing."""
        words = set(self.words["free_when_words"])
        found = [n for n in sorted({n for e in m.events for n in self.ctx.props_of(e)})
                 if words & set(split_words(n))
                 and (p := self.ctx.event_props.get(n)) is not None
                 and p.type == PropertyType.BOOLEAN
                 and all(n in self.ctx.props_of(e) for e in m.events)]
        return found[0] if m.events and "." not in m.name and found else None

    def _per_unit(self, m: MoneyProperty) -> list[str] | None:
        """The unit counts (``nights``) beside an amount of a whole booking on its events:
        the amount is a per-unit price times them. None for one unit's price (``room_price``)
        and fields of objects."""
        if "." in m.name or is_unit_price(normalize(m.name)):
            return None
        counts = set(self.words["unit_counts"])
        found = [n for e in m.events for n in self.ctx.props_of(e)
                 if normalize(n) in counts
                 and (p := self.ctx.event_props.get(n)) is not None
                 and p.type == PropertyType.NUMBER]
        return list(dict.fromkeys(found)) or None

    def _service_good(self, m: MoneyProperty) -> bool:
        """An amount paying for a good or a service (a room, a flight, a ticket): its name,
        display name or one of its events' names says so."""
        words = self.words["service_goods"]
        prop = self.ctx.event_props.get(m.name)
        texts = [m.name, *m.events, prop.display_name if prop is not None else ""]
        for text in texts:
            if set(split_words(text)) & {w for w in words if w.isascii()} or \
                    any(w in text for w in words if not w.isascii()):
                return True
        return False

    def money_rules(self) -> MoneyRules:
        """Rules' ``money``: the bundled FX table, and the plan's one currency when it has no
        currency property but prices in one currency in its texts."""
        has_property = any(self.is_currency(p.name) for p in self.ctx.event_props.values())
        return MoneyRules(currency=None if has_property else plan_currency(self.ctx.taxonomy))

    @cached_property
    def by_name(self) -> dict[str, MoneyProperty]:
        return {m.name: m for m in self.properties}

    def event_money(self, event: str) -> list[str]:
        """Money properties carried by ``event`` in taxonomy order (top-level only)."""
        return [m.name for m in self.properties if event in m.events and "." not in m.name]

    # -- purchases ---------------------------------------------------------------------------

    @cached_property
    def revenue_events(self) -> list[str]:
        """Purchase-concept events that move real money, best first."""
        idx = self.ctx.index
        candidates = idx.all("purchase")
        real = [i.name for i in candidates if self._real(i.name)]
        if real:
            return real
        subscriptions = [i.name for i in idx.all("subscription_start")
                         if idx.score(i.name, "subscription_start") >= 0.5]
        if subscriptions:
            return subscriptions
        return [candidates[0].name] if candidates else []

    def _real(self, event: str) -> bool:
        info = self.ctx.index.info(event)
        if contains_any(info.desc, _VIRTUAL_DESC) and not contains_any(info.desc, ("real money",)):
            return False
        if self.event_money(event):
            return True
        if set(info.words) & _REAL_MONEY_WORDS:
            return True
        if contains_any(info.desc, _REAL_MONEY_DESC):
            return True
        return bool(set(info.words) & {"purchase"}) and not set(info.words) & {"shop", "item"}


def money_role(name: str, display: str = "", description: str = "") -> MoneyRole:
    """An amount's part of its record's order: what its description says outright ("after
    discounts, before shipping and tax" → ``net``), else its name (``order_actual_amount``
    → ``total``, ``transportation_costs`` → ``shipping``); ``amount`` when nothing says."""
    said = norm(description)
    for role, phrases in load("properties")["money"]["role_descriptions"].items():
        if any(phrase in said for phrase in phrases):
            return role  # type: ignore[no-any-return]
    leaf = normalize(name.rsplit(".", 1)[-1])
    words = set(leaf.split("_"))
    shown = norm(display)
    for role, listed in load("properties")["money"]["roles"].items():
        for word in listed:
            if (word in words) if word.isascii() and "_" not in word else (
                    word in leaf if word.isascii() else word in shown):
                return role  # type: ignore[no-any-return]
    return "amount"


def discount_flag(name: str) -> bool:
    """A boolean saying whether a discount was applied (``is_use_discount``, ``coupon_used``)."""
    words = set(normalize(name).split("_"))
    money = load("properties")["money"]
    discount = {w for w in money["roles"]["discount"] if w.isascii()}
    return bool(words & discount) and bool(words & set(money["discount_flag"]))


def discount_rate(name: str, display: str = "", shown: Iterable[object] = ()) -> bool:
    """A property holding a discount's rate (``discount_rate``, a ``coupon_discount`` whose
    examples read "85%"): a discount word with a rate word, or percentages as its values."""
    words = set(normalize(name.rsplit(".", 1)[-1]).split("_"))
    money = load("properties")["money"]
    discount = {w for w in money["roles"]["discount"] if w.isascii()}
    if not words & discount:
        return False
    rate = money["discount_rate"]
    return bool(words & set(rate)) or any(w in display for w in rate if not w.isascii()) or \
        any(isinstance(x, str) and x.strip().endswith("%") for x in shown)


def plan_currency(taxonomy: EventTaxonomy) -> str | None:
    """The one currency a plan's texts write amounts in (``60000원 이상`` → KRW), or None when
    they name none or several."""
    texts = [" ".join((p.description, " ".join(map(str, p.enum or ())),
                       " ".join(map(str, p.examples))))
             for p in (*taxonomy.properties, *taxonomy.common_properties,
                       *taxonomy.user_properties)]
    found = currencies_marked(" ".join(texts))
    return found.pop() if len(found) == 1 else None


def _cjk(words: list[str]) -> list[str]:
    return [w for w in words if not w.isascii()]


def _field_list(description: str) -> list[str]:
    """Identifiers listed with commas in a description ("product_id, sku, price, quantity")."""
    text = _QUOTED.sub(" ", _PAREN.sub(" ", description))
    fields: list[str] = []
    for run in re.split(r"[.;:{}\[\]]", text):
        items = [i.strip() for i in run.split(",")]
        names = [i.split()[-1] for i in items if i and re.fullmatch(r"[\w\s]*\w", i)]
        idents = [n for n in names if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", n)]
        if len(idents) >= 3:
            fields.extend(idents)
    return fields


__all__ = ["Money", "MoneyProperty", "discount_flag", "discount_rate", "money_role",
           "plan_currency"]
