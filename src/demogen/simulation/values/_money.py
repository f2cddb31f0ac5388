"""Money amounts that agree with their currency, with each other and with the FX table.

Games and apps sell store tiers (USD 4.99, KRW 5,900, JPY 800 …); shops sell baskets
(lognormal around an average order value). Either way the amount is drawn *for the
currency the record carries* (``data/locale/currencies.yaml``).

Within one record every money property comes from one underlying amount
(:class:`RecordMoney`): the lines in the record's currency, then the discount, shipping,
tax and fee drawn from them, and each property is its role's part of that order (Rules'
``monetary_properties[…].role``): ``total`` = lines − discount + shipping + tax + fee.
A property whose name carries a currency (``price_usd``) shows its role's amount in that
currency: the matching store tier (USD 0.99 for KRW 1,200), else the amount converted with
Rules' ``money.fx``. A flag saying a discount was used (``is_use_discount``) says whether
there is one.
"""

from __future__ import annotations

import bisect
import dataclasses
import functools
import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from demogen.analysis.billing import seat_amount
from demogen.analysis.heuristic._catalogues import record_stem
from demogen.analysis.heuristic._money import discount_flag, discount_rate, money_role
from demogen.analysis.heuristic.values.names import leaf, normalize
from demogen.analysis.rules import MonetaryProperty, MoneyRules, formula_on
from demogen.currencies import (
    CurrencyInfo,
    amount_part,
    currency_in_name,
    industry_mode,
    load_currencies,
    local_price,
    three_digits,
    tier_twin,
)
from demogen.simulation._context import UserContext
from demogen.simulation.values import _inverse as inverse
from demogen.simulation.values._convert import MISS, coerce_enum
from demogen.simulation.values._draw import Sampler, normalized
from demogen.simulation.values._money_lines import Lines, record_lines
from demogen.simulation.values._number_shapes import NumberSpec, number_sampler
from demogen.taxonomy import Property
from demogen.vocab import PropertyType

if TYPE_CHECKING:
    from demogen.simulation.values._pairs import PairGroup
    from demogen.simulation.values._tables import Tables

CurrencyOf = Callable[[UserContext, dict[str, Any]], str]

#: Where a record's drawn money waits in the event's ``v`` for its other properties (a
#: key no property has; naming it as a dependency makes ``v`` a real dict).
BUNDLE = "\x00money"
#: Roles holding the lines before discount, shipping and tax.
_BASE_ROLES = ("amount", "subtotal")
#: A refund whose amounts have only these roles shows what was paid, not the lines.
_GIVEN_BACK = frozenset({"amount", "subtotal", "gross"})


@functools.cache
def known_currencies() -> frozenset[str]:
    """The ISO codes of ``currencies.yaml`` (upper case)."""
    return frozenset(load_currencies().currencies)


class Money:
    """Builds amount samplers for one product (its industry picks tiers or baskets)."""

    def __init__(self, industry: str, rules: MoneyRules | None = None):
        loaded = load_currencies()
        self._table = loaded.currencies
        self._weights = loaded.tier_weights
        self._parts = loaded.parts
        self.discount_fraction = loaded.discount
        self.tip = loaded.tip
        self.rules = rules if rules is not None else MoneyRules()
        self.mode: dict[str, Any] = industry_mode(industry)

    @property
    def tiers(self) -> bool:
        """Store tiers (games, apps), not shop baskets."""
        return self.mode.get("mode") != "aov"

    def fx(self, code: str) -> float:
        """US dollars per unit of ``code`` (Rules' ``money.fx``; 1.0 for an unknown code)."""
        return self.rules.fx.get(code.upper(), 1.0)

    def part(self, name: str) -> float:
        """The share of a basket an amount named so is (a unit price: half)."""
        return amount_part(normalize(name))

    def amount_sampler(self, name: str, currency_of: CurrencyOf,
                       lo: float | None = None, hi: float | None = None) -> Sampler:
        """Amounts for property ``name`` in the currency ``currency_of`` picks, in [lo, hi]."""
        per_currency: dict[str, Sampler] = {}
        make = functools.partial(self.for_currency, name, lo, hi)

        def amount(u: UserContext, v: dict[str, Any], t: str) -> Any:
            code = currency_of(u, v)
            inner = per_currency.get(code)
            if inner is None:
                inner = per_currency[code] = make(code)
            return inner(u, v, t)

        return amount

    def currency(self, code: str) -> CurrencyInfo:
        return self._table.get(code.upper(), self._table["USD"])

    def for_currency(self, name: str, lo: float | None, hi: float | None,
                     code: str, tiers: bool | None = None) -> Sampler:
        """Amounts named ``name`` in currency ``code``, within [lo, hi] when given;
        ``tiers``: store tiers or a range (None: as the industry draws)."""
        info = self.currency(code)
        low = -math.inf if lo is None else lo
        high = math.inf if hi is None else hi
        if not (self.tiers if tiers is None else tiers):
            return self._basket(name, info, low, high)
        points = [(p, w) for p, w in zip(info.points, self._weights, strict=False)
                  if low <= p <= high]
        if not points and currency_in_name(name) is None:   # cpm_usd's range is USD's own
            points = self._usd_range_tiers(info, low, high)
        if not points:  # the range excludes every tier (ad revenue of 0.01-0.37): draw in range
            return _range_fallback(info, low, high)
        values = tuple(_number(p, info.decimals) for p, _ in points)
        cum = normalized(tuple(itertools.accumulate(w for _, w in points)))
        bis = bisect.bisect_right
        return lambda u, v, t: values[bis(cum, u.rnd.random())]

    def _usd_range_tiers(self, info: CurrencyInfo, low: float, high: float
                         ) -> list[tuple[float, float]]:
        """The tiers of ``info`` matching the USD tiers in [low, high]: a plan's range that
        holds no tier of a whole-unit currency (0.99-99.99 read as KRW) was written in USD
        (the stores' tiers are listed in the same order in every currency)."""
        usd = self.currency("USD").points
        if info.points == usd or len(info.points) != len(usd):
            return []
        return [(p, w) for p, u, w in zip(info.points, usd, self._weights, strict=False)
                if low <= u <= high]

    def _basket(self, name: str, info: CurrencyInfo, low: float, high: float) -> Sampler:
        part = self.part(name)
        scale = float(self.mode.get("scale", 1.0))
        sigma = float(self.mode.get("sigma", 0.7))
        mu = math.log(info.aov * scale * part) - sigma * sigma / 2.0  # mean = aov * scale * part
        decimals = info.decimals
        unit_price = part == self._parts.get("price") and decimals == 2
        if low > -math.inf and high < math.inf and not (low <= math.exp(mu) <= high):
            return _range_fallback(info, low, high)

        # lognormal, redrawn up to 4 times until it lands in [low, high], then clipped:
        # through its inverse-CDF table (one random() a draw)
        table = inverse.quantiles(inverse.clipped_lognormal_grid(mu, sigma, low, high, 4))

        def basket(u: UserContext, v: dict[str, Any], t: str) -> Any:
            x = min(max(table(u.rnd.random()), low), high)
            if decimals == 0:  # KRW 38,742 -> 38,700: three significant digits
                n = three_digits(x)
                if low > -math.inf:
                    n = max(n, math.ceil(low))
                if high < math.inf:
                    n = min(n, math.floor(high))
                return n
            if unit_price and x >= 1:  # shop prices end in .99
                y = math.floor(x) + 0.99
                x = y if y <= high else x
            return round(x, 2)

        return basket

    def convert(self, x: float, source: str, target: str) -> int | float:
        """``x`` of currency ``source`` in ``target`` at Rules' FX rates."""
        return self.currency(target).money(x * self.fx(source) / self.fx(target))

    def local_price(self, usd: float, code: str) -> int | float:
        """A USD price (a catalogue entry's tier) in currency ``code``: the matching store
        tier (USD 4.99 → KRW 5,900), else converted at ``money.fx`` as shops write prices
        (KRW in three significant digits)."""
        return local_price(usd, code, self.rules.fx)

    def tier_twin(self, x: float, source: str, target: str) -> int | float | None:
        """The ``target`` store tier matching ``source``'s tier ``x`` (KRW 1,200 → USD 0.99),
        or None (no tier, or a twin that would copy the amount: ``currencies.tier_twin``)."""
        twin = tier_twin(x, source.upper(), target.upper(), self.rules.fx)
        return None if twin is None else self.currency(target).money(twin)


def record_currency(money: Money, cp: str | None, u: UserContext, v: dict[str, Any]) -> str:
    """A record's currency: its currency property ``cp``'s, else Rules'
    ``money.currency``, else the user's market's (USD for a code the table lacks)."""
    known = known_currencies()
    code = v.get(cp) if cp else None
    if isinstance(code, str) and code.upper() in known:
        return code.upper()
    fixed = money.rules.currency
    if fixed and fixed in known:
        return fixed
    device = u.device.currency
    return device if device in known else "USD"


def _prices_a_thing(name: str, present: frozenset[str]) -> bool:
    """Whether money amount ``name`` prices the one thing the record names by an id, with
    no currency of its own: Segment's Product Clicked (``price`` beside ``product_id``), a
    store's click on a pack before paying (``pay_amount`` beside ``product_id``). It shows
    the catalogue entry's price in the record's currency, not a free number."""
    return record_stem(present) is not None


def _one_listed_currency(tables: Tables, name: str) -> str | None:
    """The currency code property ``name``'s enum lists alone (``枚举: CNY``), else None."""
    prop = tables.props.get(name)
    listed = {str(x).upper() for x in (prop.enum or ())} if prop is not None else set()
    code = next(iter(listed)) if len(listed) == 1 else None
    return code if code in known_currencies() else None


def currency_property_of(tables: Tables, present: frozenset[str]) -> str | None:
    """The property of a record saying its currency (``currency``, ``currency_type``)."""
    return next((n for n in sorted(present) if n in tables.currency_props
                 or tables.device(n) == "currency"), None)


def _number(x: float, decimals: int) -> int | float:
    return round(x) if decimals == 0 else round(x, decimals)


def _range_fallback(info: CurrencyInfo, low: float, high: float) -> Sampler:
    lo = 0.0 if low == -math.inf else low
    hi = lo + 100.0 if high == math.inf else high
    integer = info.decimals == 0 and math.ceil(lo) <= math.floor(hi)
    return number_sampler(NumberSpec(lo, hi, "log" if hi - lo > 1000 else "low", integer,
                                     decimals=max(info.decimals, 2)))


# -- one record's money ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Member:
    """A money property of an event: its role and the currency its name fixes (if any)."""

    name: str
    role: str
    code: str | None
    enum: tuple[float, ...]
    #: The range the plan declares for it (in whatever currency the record has).
    bounds: tuple[float, float] | None = None
    #: Rules' ``pricing``: ``tiers``, ``range`` or None (the industry's).
    pricing: str | None = None
    #: Counts on the record the amount is a per-unit price times (Rules ``per``: nights).
    per: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Rate:
    """A property showing the discount's rate over the lines: top-level (``parent`` None,
    ``discount_rate``) or a field of an object (``coupon.coupon_discount``); ``shape``:
    ``text`` ("15%"), ``percent`` (15) or ``fraction`` (0.15)."""

    parent: str | None
    key: str
    shape: str

    def shown(self, rate: float) -> Any:
        if self.shape == "text":
            return f"{round(rate * 100)}%"
        return round(rate * 100) if self.shape == "percent" else round(rate, 2)


#: Where the bundle keeps the record's discount rate (no property has this name).
_RATE = "\x00rate"


class RecordMoney:
    """The money properties of one event's records, drawn together from one amount.

    Built once per event (:func:`record_money`); each member's sampler reads the record's
    drawn order from ``v`` (the first one to run draws it).
    """

    def __init__(self, tables: Tables, members: list[Member], currency_property: str | None,
                 flag: str | None):
        self.money: Money = tables.money
        self.members = {m.name: m for m in members}
        self.cp = currency_property
        self.flag = flag
        roles = {m.role for m in members}
        local = [m for m in members if m.code is None]
        #: Every amount names its currency (``ad_revenue_usd``): that one, in its range.
        self.fixed = members[0].code if not local else None
        #: The one currency the plan lists for a currency property this record lacks (a
        #: click on a pack before the payment that says ``currency: CNY``): the click's too.
        self.listed: str | None = None
        #: A boolean of the record that, true, makes it charge nothing (``is_trial``).
        self.free_when: str | None = None
        #: The base amount's rule where it prices a plan billed per seat (``price_usd_by``),
        #: and the record's properties that price reads.
        self.seat_rule: MonetaryProperty | None = None
        self.seat_deps: tuple[str, ...] = ()
        base = next((m for m in members if m.role in _BASE_ROLES), members[0])
        self.base = base
        # A range the plan itself declares holds; a range of the rules (written in no
        # currency) holds only for amounts whose name fixes their currency.
        own = tables.props[base.name].value_range
        bounds = tables.bounds(tables.props[base.name], None) if self.fixed else \
            ((float(own.min), float(own.max)) if own is not None else None)
        #: A booking's amount is a per-unit price × these counts (nights): the price is
        #: drawn in the amount's range over the counts' largest values.
        self.per = base.per
        if bounds is not None and self.per:
            most = math.prod(max(b[1], 1.0) if (b := tables.bounds(tables.props[n], None))
                             else 1.0 for n in self.per)
            bounds = (bounds[0], max(bounds[0], bounds[1] / most))
        self._base_draw = functools.partial(
            self.money.for_currency, base.name if base.role in _BASE_ROLES else "",
            bounds[0] if bounds else None, bounds[1] if bounds else None,
            tiers=None if base.pricing is None else base.pricing == "tiers")
        self._per_currency: dict[str, Sampler] = {}
        before, after = roles & {"amount", "subtotal", "gross"}, roles & {"net", "total"}
        #: A lone discount (a coupon event) is always one; an order may have none.
        self.always_discount = roles - {"discount"} == set() and flag is None
        self.discountable = "discount" in roles or flag is not None or bool(before and after)
        self.roles = roles
        self.shipping_enum = next((m.enum for m in members if m.role == "shipping" and m.enum),
                                  ())
        self.fee_part = self.money.part("fee")
        #: role → the tightest plan range of its members
        self.limits: dict[str, tuple[float, float]] = {}
        for m in members:
            if m.bounds is not None and m.code is None:
                lo, hi = self.limits.get(m.role, (-math.inf, math.inf))
                self.limits[m.role] = (max(lo, m.bounds[0]), min(hi, m.bounds[1]))
        self.known = known_currencies()
        #: The catalogue things the record pays for: their prices are its lines.
        self.lines: Lines | None = None
        #: Properties showing the discount's rate (an object holding one is left out of a
        #: record without a discount: no coupon was used).
        self.rates: tuple[Rate, ...] = ()
        self._slot: str | None = None
        self._session = False
        #: The property naming the paired group's thing (``ride_id``): a follower shows
        #: the order of the thing it names, not of another one in the session.
        self._key: str | None = None
        #: The pair group whose step before this order shows its per-unit price.
        self._unit: PairGroup | None = None
        #: A refund, return or cancel (Rules ``event_roles.refund``): showing one amount,
        #: it gives back what its order was paid (``_give_back``).
        self.refund = False
        #: A return's order (a group it follows besides its own: a return's order_id),
        #: whose discount comes off the lines it gives back (:meth:`_returned`).
        self._order_slot: str | None = None
        #: The plan's refund events (Rules ``event_roles.refund``).
        self.refunds: frozenset[str] = frozenset()
        self._leader = False

    def holds(self, name: str) -> bool:
        """Whether ``name`` is one of the record's money values."""
        return name in self.members or name == self.flag or \
            any(r.parent is None and r.key == name for r in self.rates)

    @property
    def left_out(self) -> tuple[str, ...]:
        """The objects a record without a discount leaves out (its coupon)."""
        return tuple(dict.fromkeys(r.parent for r in self.rates if r.parent is not None))

    def pair(self, groups: Sequence[PairGroup], event: str,
             one_order: Callable[[PairGroup, str], bool] | None = None) -> None:
        """Share the money of the first paired group naming one of the amounts: a leader
        (``purchase_start``) draws and keeps it, the events following it show the same
        order (``purchase``, ``purchase_fail``) in the same session or user's life.
        ``one_order(group, event)``: whether the group's events are one order's even where
        their amounts have other names (a booking's ``order_amount`` is what its payment's
        ``paid_amount`` pays). A record charging a fee alone (a ride's cancellation fee) is
        charged instead of its order, and shares none."""
        if self.roles <= {"fee"}:
            return
        group = next((g for g in groups if event in g.members
                      and (g.names & set(self.members)
                           or (one_order is not None and one_order(g, event)))), None)
        if group is not None:
            self._slot = f"{group.slot}\x1fmoney"
            self._session = group.session
            self._key = group.key
            self._leader = event in group.leaders
        if self.refund or (group is not None and self.refunds & set(group.members)):
            # a return paired on its own id (application_id) follows its order (order_id)
            self._order_slot = next((f"{g.slot}\x1fmoney" for g in groups
                                     if event in g.members and event not in g.leaders
                                     and g is not group), None)
        picked = next((g for g in groups if g.unit and g.order == event), None)
        if picked is not None and picked.unit not in self.members:
            self._unit = picked

    def _picked_price(self, u: UserContext, code: str) -> float | None:
        """The per-unit price of the thing picked before this order in the session (the
        selected room's price a night), where it is in the record's currency."""
        group = self._unit
        if group is None or currency_in_name(group.unit or "") not in (None, code):
            return None
        kept = u.sticky.get(group.slot)
        if kept is None or (group.session and kept[0] != u.session_number) or \
                not group.closers.isdisjoint(kept[2]):
            return None     # nothing picked in this session, or already booked
        price = kept[1].get(group.unit)
        return price if isinstance(price, int | float) and price > 0 else None

    def sampler(self, prop: Property, deps: set[str],
                usual: Callable[[], Sampler] | None = None) -> Sampler | None:
        """The sampler of ``prop`` when it is one of the record's money values (``usual``:
        its sampler otherwise, for an object holding the discount's rate)."""
        name = prop.name
        if name in self.left_out and usual is not None:
            return self._holder(name, usual(), deps)
        if name not in self.members and name != self.flag and \
                not any(r.parent is None and r.key == name for r in self.rates):
            return None
        deps.add(BUNDLE)
        if self.cp:
            deps.add(self.cp)
        if self.lines is not None:
            deps |= self.lines.deps
        deps.update(self.per)
        if self.free_when is not None:
            deps.add(self.free_when)
        deps.update(self.seat_deps)
        if self._key is not None:   # the thing whose order this is, drawn before it
            deps.add(self._key)
        draw = self.draw

        def value(u: UserContext, v: dict[str, Any], t: str) -> Any:
            bundle = v.get(BUNDLE)
            if bundle is None:
                bundle = v[BUNDLE] = draw(u, v)
            return bundle[name]

        return value

    def _holder(self, name: str, fn: Sampler, deps: set[str]) -> Sampler:
        """An object holding the discount's rate (a coupon): the record's rate in its
        field; MISS (left out) when the record has no discount."""
        fields = tuple(r for r in self.rates if r.parent == name)
        inner = self.sampler(Property(name=self.base.name, type=PropertyType.NUMBER), deps)
        assert inner is not None

        def holder(u: UserContext, v: dict[str, Any], t: str) -> Any:
            inner(u, v, t)      # the record's money, drawn once
            rate = v[BUNDLE][_RATE]
            if rate <= 0:
                return MISS
            x = fn(u, v, t)
            for row in x if isinstance(x, list) else [x]:
                if isinstance(row, dict):
                    for r in fields:
                        row[r.key] = r.shown(rate)
            return x

        return holder

    def currency_of(self, u: UserContext, v: dict[str, Any]) -> str:
        """The record's currency: the one every amount's name carries, else its currency
        property, else Rules' ``money.currency``, else the user's market's."""
        if self.fixed:      # every amount names its currency (amount_spent_usd)
            return self.fixed
        if self.listed:
            return self.listed
        return record_currency(self.money, self.cp, u, v)

    def draw(self, u: UserContext, v: dict[str, Any]) -> dict[str, Any]:
        """Every money value of one record (and the discount flag)."""
        code = self.currency_of(u, v)
        priced = self.lines.lines(v, code) if self.lines is not None else None
        if priced is None and self.seat_rule is not None:  # seats × a seat's price × months
            priced = seat_amount(self.seat_rule, v, code, self.money.rules.fx)
        if priced is not None:
            priced = self.money.currency(code).money(priced)
        kept = self._kept(u, v, code)
        parts = order = None if kept is None else kept[0]
        if parts is not None and priced is not None and parts["amount"] != priced:
            parts = None    # the follower shows other things than its leader's order
        if parts is None:
            parts = self._returned(u, self._fresh(u, v, code, priced), code)
            if self._slot is not None:
                u.sticky[self._slot] = (u.session_number, parts, code, self.discountable,
                                        self._thing(v))
        elif self.discountable and not kept[1]:
            # The leader shows no discount (a checkout); the coupon comes off at the payment
            # (Order Placed: promo_off, grand_total), on the leader's lines, fees, shipping.
            parts = self._with_discount(self.money.currency(code), parts, u.rnd.random)
            u.sticky[self._slot] = (u.session_number, parts, code, True, self._thing(v))
        lines = parts["amount"]
        out: dict[str, Any] = {}
        for m in self.members.values():
            x = parts[m.role]
            out[m.name] = x if m.code is None or m.code == code else self._in(x, lines, code, m)
        if self.flag is not None:
            out[self.flag] = parts["discount"] > 0
        rate = out[_RATE] = parts["discount"] / lines if lines > 0 else 0.0
        for r in self.rates:
            if r.parent is None:
                out[r.key] = r.shown(rate)
        if self.refund and order is not None and self.roles <= _GIVEN_BACK:
            self._give_back(out, order, priced, code)
        if self.free_when is not None and v.get(self.free_when) is True:
            out.update({name: 0 for name in self.members})     # a trial charges nothing
        return out

    def _give_back(self, out: dict[str, Any], order: dict[str, int | float],
                   priced: float | None, code: str) -> None:
        """A refund showing one amount gives back what its order was paid: the order's
        total, or the returned things' lines (``priced``) after the order's discount."""
        info = self.money.currency(code)
        if priced is None or priced == order["amount"]:
            paid = order["total"]
        else:
            lines = order["amount"]
            paid = info.money(priced * (1 - order["discount"] / lines)) if lines else priced
        for m in self.members.values():
            out[m.name] = paid if m.code is None or m.code == code else \
                self._in(paid, paid, code, m)

    def _returned(self, u: UserContext, parts: dict[str, int | float], code: str
                  ) -> dict[str, int | float]:
        """A return's lines less its order's discount rate: it gives back what was paid
        for them (a one-line order paid 13,350 KRW with a coupon refunded its 18,800
        line); ``parts`` where it follows no discounted order."""
        kept = u.sticky.get(self._order_slot) if self._order_slot is not None else None
        if kept is None or kept[2] != code:
            return parts
        lines, discount = kept[1]["amount"], kept[1]["discount"]
        if not lines or not discount:
            return parts
        info = self.money.currency(code)
        return self._parts(info, parts["amount"], info.money(parts["amount"] * discount / lines),
                           parts["shipping"])

    def _kept(self, u: UserContext, v: dict[str, Any], code: str
              ) -> tuple[dict[str, int | float], bool] | None:
        """The order of the paired event this one follows, if there is one to follow, and
        whether its discount was decided (the leader could show one)."""
        if self._slot is None or self._leader:
            return None
        kept = u.sticky.get(self._slot)
        if kept is None or kept[2] != code or (self._session and
                                                kept[0] != u.session_number):
            return None
        thing = self._thing(v)
        if thing is not None and kept[4] is not None and thing != kept[4]:
            return None     # the order of another ride completed in the session
        return kept[1], kept[3]

    def _thing(self, v: dict[str, Any]) -> Any:
        """The thing the record names by its group's key (its ride, its order), if drawn."""
        return v.get(self._key) if self._key is not None else None

    def _fresh(self, u: UserContext, v: dict[str, Any], code: str,
               priced: float | None) -> dict[str, int | float]:
        rnd = u.rnd.random
        info = self.money.currency(code)
        if priced is not None:  # the things the record names: their prices are the lines
            return self._order(info, priced, rnd, fixed=True)
        if self.base.enum:
            lines: float = self.base.enum[int(rnd() * len(self.base.enum))]
        else:
            picked = self._picked_price(u, code) if self._unit is not None else None
            inner = self._per_currency.get(code)
            if inner is None:
                inner = self._per_currency[code] = self._base_draw(code)
            lines = inner(u, v, "") if picked is None else picked
            if self.per:    # the per-night price × the nights booked
                lines = info.money(lines * math.prod(_units(v.get(n)) for n in self.per))
        return self._order(info, lines, rnd)

    def _order(self, info: CurrencyInfo, lines: float, rnd: Callable[[], float],
               fixed: bool = False) -> dict[str, int | float]:
        """The order around ``lines``; ``fixed``: the lines are the things' prices (a sum
        above the plan's range keeps them)."""
        if info.decimals == 0 and lines != round(lines):
            # the plan's range is below one unit (ad revenue of 0.01-0.37): keep cents
            info = dataclasses.replace(info, decimals=2)
        discount = self._discount(info, lines, rnd) if self.discountable else 0
        shipping: int | float = 0
        if "shipping" in self.roles:
            if self.shipping_enum:
                shipping = self.shipping_enum[int(rnd() * len(self.shipping_enum))]
            elif lines < info.free_shipping_over:
                shipping = self._within(info, "shipping", info.shipping)
        given = {"tip": self._tip(info, lines, rnd)} if "tip" in self.roles else None
        parts = self._parts(info, lines, discount, shipping, given)
        for _ in range(0 if fixed else 3):  # a sum above the plan's range: fewer lines
            excess = max((parts[r] - self.limits[r][1] for r in ("net", "total", "gross")
                          if r in self.roles and r in self.limits), default=0.0)
            if excess <= 0:
                break
            lines = info.money(max(lines - excess, discount))
            parts = self._parts(info, lines, discount, shipping, given)
        return parts

    def _tip(self, info: CurrencyInfo, lines: float, rnd: Callable[[], float]) -> int | float:
        """The order's tip: on some orders, a share of the lines in whole units."""
        share, lo, hi, unit = self.money.tip
        if rnd() >= share:
            return 0
        x = lines * (lo + (hi - lo) * rnd())
        step = unit if info.decimals == 0 else 1
        return self._within(info, "tip", max(step, round(x / step) * step))

    def _discount(self, info: CurrencyInfo, lines: float,
                  rnd: Callable[[], float]) -> int | float:
        """The order's discount: on ``money.discount_share`` of orders (every coupon event)."""
        if not (self.always_discount or rnd() < self.money.rules.discount_share):
            return 0
        lo, hi = self.money.discount_fraction
        share = lo + (hi - lo) * rnd()
        if self.rates:  # a coupon of a whole percentage
            share = round(share, 2)
        return self._within(info, "discount", _tidy(info, lines * share))

    def _with_discount(self, info: CurrencyInfo, kept: dict[str, int | float],
                       rnd: Callable[[], float]) -> dict[str, int | float]:
        """The leader's order with this record's discount drawn: same lines and shipping,
        the leader's tax and fee where this record shows none."""
        lines = kept["amount"]
        return self._parts(info, lines, self._discount(info, lines, rnd), kept["shipping"],
                           {"tip": kept["tip"],
                            **{r: kept[r] for r in ("tax", "fee") if r not in self.roles}})

    def _parts(self, info: CurrencyInfo, lines: float, discount: float,
               shipping: float, given: dict[str, int | float] | None = None
               ) -> dict[str, int | float]:
        """The order's amounts from its lines, discount and shipping (``given``: tax, fee
        and tip already decided; no tip unless given)."""
        given = given or {}
        tip = given.get("tip", 0)
        tax = given.get("tax", self._within(info, "tax", (lines - discount) * info.tax_rate)
                        if "tax" in self.roles else 0)
        fee = given.get("fee", self._within(info, "fee", lines * self.fee_part)
                        if "fee" in self.roles else 0)
        extra = shipping + tax + fee + tip
        return {"amount": lines, "subtotal": lines, "discount": discount, "shipping": shipping,
                "tax": tax, "fee": fee, "tip": tip, "net": info.money(lines - discount),
                "total": info.money(lines - discount + extra),
                "gross": info.money(lines + extra)}

    def _within(self, info: CurrencyInfo, role: str, x: float) -> int | float:
        """A part in the currency's decimals, inside the plan's range of its property (a
        discount of at most 500)."""
        limit = self.limits.get(role)
        if limit is not None:
            x = min(max(x, limit[0]), limit[1])
        return info.money(x)

    def _in(self, x: float, lines: float, code: str, m: Member) -> int | float:
        """``x`` (in ``code``) in the member's own currency: the matching store tier for the
        lines themselves, else converted at the FX rate."""
        assert m.code is not None
        if x == lines:
            twin = self.money.tier_twin(x, code, m.code)
            if twin is not None:
                return twin
        return self.money.convert(x, code, m.code)


def _tidy(info: CurrencyInfo, x: float) -> int | float:
    """A discount as shops write it: whole hundreds of won/yen above 1,000, cents else;
    never zero."""
    if info.decimals == 0:
        return max(three_digits(x) if x >= 1000 else round(x), 1)
    return max(round(x, 2), 0.01)


def _units(x: Any) -> int:
    """A unit count as a whole number (1 when it is none)."""
    return int(x) if isinstance(x, int | float) and not isinstance(x, bool) and x >= 1 else 1


def _range(prop: Property) -> tuple[float, float] | None:
    own = prop.value_range
    return None if own is None else (float(own.min), float(own.max))


def record_money(tables: Tables, event: str, present: frozenset[str]) -> RecordMoney | None:
    """The money of ``event``'s records (None: it carries no money amount); built once."""
    cache = tables.record_money
    if event in cache:
        return cache[event]
    members: list[Member] = []
    currency_property = None
    for name in sorted(present):
        rule = tables.rules.monetary_properties.get(name)
        prop = tables.props.get(name)
        if rule is None or prop is None or prop.type != PropertyType.NUMBER:
            continue
        if rule.events and event not in rule.events:
            continue
        if rule.currency_property and rule.currency_property not in present \
                and not _prices_a_thing(name, present):
            # no currency to agree with here: an amount of something else (GA4 `value` on
            # earn_virtual_currency); a unit price beside a product's id is the product's
            continue
        if name in tables.formulas and formula_on(tables.rules, name, event):
            continue    # a declared formula computes it from the others (price * quantity)
        currency_property = currency_property or rule.currency_property
        enum = tuple(x for x in coerce_enum(prop) if isinstance(x, int | float)) \
            if prop.enum else ()
        role = rule.role or money_role(name, prop.display_name, prop.description)
        code = currency_in_name(name)
        if any(m.role == role and m.code == code for m in members):
            continue    # a second amount of one role (ad spend beside CPM): its own draw
        per = tuple(n for n in rule.per or () if n in present
                    and (c := tables.props.get(n)) is not None and c.type == PropertyType.NUMBER)
        members.append(Member(name, role, code, enum, _range(prop), rule.pricing, per))
    if not members:
        cache[event] = None
        return None
    if currency_property is None:
        currency_property = currency_property_of(tables, present)
    flag = next((n for n in sorted(present)
                 if (p := tables.props.get(n)) is not None and p.type == PropertyType.BOOLEAN
                 and discount_flag(n)), None)
    cache[event] = found = RecordMoney(tables, members, currency_property, flag)
    if currency_property is not None and currency_property not in present:
        found.listed = _one_listed_currency(tables, currency_property)
    found.lines = record_lines(tables, present, [m.name for m in members], found.base.name,
                               found.base.enum)
    found.rates = _rates(tables, present, {*found.members, flag})
    found.discountable = found.discountable or bool(found.rates)
    found.refunds = frozenset(tables.rules.event_roles.refund)
    found.refund = event in found.refunds
    free = tables.rules.monetary_properties[found.base.name].free_when
    found.free_when = free if free in present else None
    found.seat_rule, found.seat_deps = _seat_pricing(tables.rules.monetary_properties[
        found.base.name], present)
    return found


def _seat_pricing(rule: MonetaryProperty, present: frozenset[str]
                  ) -> tuple[MonetaryProperty | None, tuple[str, ...]]:
    """``rule`` where it prices a plan billed per seat the record names, with the record's
    properties it reads (plan, counts, period); else (None, ())."""
    if not any(n in present for n in rule.price_usd_by or {}):
        return None, ()
    names = [*(rule.price_usd_by or {}), *(rule.per or ()), *(rule.months_by or {})]
    return rule, tuple(n for n in names if n in present)


def one_order(tables: Tables) -> Callable[[PairGroup, str], bool]:
    """Whether a pair group's events are money of one order: its key is a unique id (an
    order or booking number) and another of its events carries a money amount."""

    def priced(event: str) -> bool:
        found = tables.taxonomy.event(event)
        listed = found.properties if found is not None else ()
        return any((rule := tables.rules.monetary_properties.get(name)) is not None
                   and (not rule.events or event in rule.events) for name in listed)

    def same(group: PairGroup, event: str) -> bool:
        rule = tables.rules.properties.get(group.key)
        return rule is not None and rule.id is not None and rule.id.mode == "unique" and \
            any(priced(e) for e in group.members if e != event)

    return same


def _rates(tables: Tables, present: frozenset[str], taken: set[str | None]) -> tuple[Rate, ...]:
    """The properties of a record showing its discount's rate: its own (``discount_rate``)
    and fields of its objects (``coupon.coupon_discount`` of "85%")."""
    out: list[Rate] = []
    for name in sorted(present):
        prop = tables.props.get(name)
        if prop is None or name in taken:
            continue
        if prop.type in (PropertyType.OBJECT, PropertyType.OBJECT_GROUP):
            out += [Rate(name, leaf(c.name), _shape(c)) for c in prop.children
                    if _is_rate(c)]
        elif _is_rate(prop):
            out.append(Rate(None, name, _shape(prop)))
    return tuple(out)


def _is_rate(prop: Property) -> bool:
    shown = (*prop.examples, *(prop.enum or ()))
    return prop.type in (PropertyType.NUMBER, PropertyType.STRING) and \
        discount_rate(prop.name, prop.display_name, shown)


def _shape(prop: Property) -> str:
    if prop.type == PropertyType.STRING:
        return "text"
    words = set(normalize(leaf(prop.name)).split("_"))
    big = prop.value_range is not None and prop.value_range.max > 1
    return "percent" if big or words & {"percent", "percentage", "pct"} else "fraction"
