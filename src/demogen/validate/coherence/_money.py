"""The money check: a record's amounts agree with its currency, the FX table and each other.

Which property is money, its currency property and its role in the order come from the
run's ``monetary_properties`` (a role the rules leave out is read from the name, as the
generator does). Per record:

- an amount has the currency's decimals (no KRW cents);
- an amount whose name carries another currency (``price_usd``) is the local amount of its
  role converted at ``money.fx`` (within a cent and 1 %), or the matching store tier
  (KRW 1,200 = USD 0.99: ``data/locale/currencies.yaml``) unless that tier is the same
  number in a currency worth another amount (a GBP 4.99 charge is no EUR 4.99); a
  ``*_usd`` amount beside a local one in USD is the same number;
- the order adds up: total = lines − discount + shipping + tax + fee, net = lines −
  discount, gross = lines + shipping + tax + fee, nothing paid above the amount before the
  discount;
- a discount flag (``is_use_discount``) is true exactly when the record has a discount;
- a discount rate (``discount_rate``, a coupon's "15%") is the discount over the lines, and
  the flag is true iff it is above 0;
- a record naming a catalogue thing it pays for shows its entry's price (``_prices``);
- an amount Rules price per unit (``monetary_properties.<p>.per: [nights]``) has lines that
  are a per-unit price of the currency's unit × the counts the record shows (a booking's
  amount is the per-night price × its nights);
- an amount of a plan billed per seat (``monetary_properties.<p>.price_usd_by``) is its
  plan's price a seat × the seats × the months its billing period charges (``months_by``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, ClassVar

from demogen.analysis.billing import seat_amount
from demogen.analysis.heuristic._catalogues import record_stem
from demogen.analysis.heuristic._money import discount_flag, discount_rate, money_role
from demogen.analysis.heuristic.values.names import normalize
from demogen.analysis.rules import MonetaryProperty, formula_on
from demogen.currencies import CurrencyInfo, currency_in_name, load_currencies, tier_twin
from demogen.validate.coherence._base import Checker, CoherenceInput, Report, Where
from demogen.validate.coherence._prices import Prices
from demogen.validate.coherence._refunds import Refunds

_CODES = frozenset(load_currencies().currencies)
_ADDED = ("shipping", "tax", "fee", "tip")
_UNKNOWN = CurrencyInfo("", 2, (), 0.0)


class MoneyChecker(Checker):
    name: ClassVar[str] = "money"
    description: ClassVar[str] = ("a record's amounts agree with its currency (decimals), "
                                  "with their USD/other-currency twins at the FX table or "
                                  "store tiers, and add up as an order (discount flags too)")

    def __init__(self, given: CoherenceInput) -> None:
        super().__init__(given)
        self._rules = given.rules.monetary_properties
        self._fx = given.rules.money.fx
        self._fixed = given.rules.money.currency
        self._table = load_currencies().currencies
        self._prices = Prices(given.rules)
        self._refunds = Refunds(given.rules)
        #: Properties Rules say report the currency (``device: currency``): a record's
        #: currency where its amounts' rules name no currency property (as the generator).
        self._currency_props = sorted(n for n, spec in given.rules.properties.items()
                                      if spec.device == "currency")
        #: Currency property → the one code the plan lists for it (``枚举: CNY``): the
        #: currency of a record that names a priced thing but not its currency (a click on
        #: a pack before the payment), as the generator draws it.
        self._listed = _one_listed_codes(given)

    @property
    def active(self) -> bool:
        return bool(self._rules)

    def record(self, record: Mapping[str, Any], where: Where, report: Report) -> None:
        props = record.get("properties")
        event = record.get("#event_name")
        if not isinstance(props, Mapping) or not isinstance(event, str):
            return
        members = self._members(props, event)
        if not members:     # a view's rows still show their things' prices
            code = self._currency(props, members)
            if code is not None:
                self._prices.check(event, props, [], {}, None, code,
                                   10.0 ** -self._table[code].decimals, where, report)
            return
        if self._free(event, props, members, where, report):
            return
        code = self._currency(props, members)
        # no currency to read: the amounts must still add up (in cents)
        info = self._table[code] if code is not None else _UNKNOWN
        local: dict[str, float] = {}
        for name, (_rule, role) in members.items():
            x = props[name]
            own = currency_in_name(name)
            if own is not None and own != code:
                continue
            if code is not None and info.decimals == 0 and x != round(x):
                report(where, f"{event}: {name} {x} in {code}, which has no minor unit")
            if own is not None and role in local and local[role] != x:   # price, price_usd
                report(where, f"{event}: {name} {x} but another {role} amount in {code} is "
                              f"{local[role]}")
            local.setdefault(role, float(x))
        for name, (_rule, role) in members.items():
            own = currency_in_name(name)
            if code is not None and own is not None and own != code and role in local:
                self._twin(event, name, float(props[name]), own, local[role], code, where,
                           report)
        rated = next(_rates(props), None)
        hidden = any(x is True and discount_flag(n) for n, x in props.items())
        self._order(event, local, info, where, report, rated[1] if rated else None, hidden)
        self._flag(event, props, local, where, report)
        self._rate(event, props, local, info, where, report)
        self._per_unit(event, props, members, local, info, where, report)
        if code is not None:
            self._seat_price(event, props, members, code, where, report)
        self._refunds.record(str(record.get("#distinct_id") or record.get("#account_id")),
                             event, props, local, code, where, report)
        if code is not None:
            local_members = [n for n in members if currency_in_name(n) in (None, code)]
            self._prices.check(event, props, local_members,
                               {n: role for n, (_rule, role) in members.items()},
                               self._priced_lines(props, local), code, 10.0 ** -info.decimals,
                               where, report)

    @staticmethod
    def _free(event: str, props: Mapping[str, Any],
              members: Mapping[str, tuple[MonetaryProperty, str]], where: Where,
              report: Report) -> bool:
        """Whether the record charges nothing (its ``free_when`` flag is true: a trial's
        start), reporting an amount it shows all the same."""
        flags = {rule.free_when for rule, _ in members.values() if rule.free_when}
        flag = next((f for f in sorted(flags) if props.get(f) is True), None)
        if flag is None:
            return False
        for name in sorted(members):
            if props[name] != 0:
                report(where, f"{event}: {name} {props[name]} charged though {flag} is true "
                              f"(it charges nothing)")
        return True

    def _members(self, props: Mapping[str, Any], event: str
                 ) -> dict[str, tuple[MonetaryProperty, str]]:
        out: dict[str, tuple[MonetaryProperty, str]] = {}
        for name, rule in self._rules.items():
            x = props.get(name)
            if "." in name or isinstance(x, bool) or not isinstance(x, int | float):
                continue
            if rule.events and event not in rule.events:
                continue
            if rule.currency_property and rule.currency_property not in props \
                    and record_stem(props) is None:
                continue    # no currency, no priced thing: an amount of something else
            if formula_on(self.given.rules, name, event):
                continue    # its formula decides it (validate's formula check)
            out[name] = (rule, rule.role or money_role(name))
        return out

    def _currency(self, props: Mapping[str, Any],
                  members: dict[str, tuple[MonetaryProperty, str]]) -> str | None:
        for rule, _role in members.values():
            code = props.get(rule.currency_property) if rule.currency_property else None
            if isinstance(code, str) and code.upper() in _CODES:
                return code.upper()
        if members and all(currency_in_name(n) for n in members):
            return currency_in_name(next(iter(members)))
        listed = next((self._listed[r.currency_property] for r, _role in members.values()
                       if r.currency_property in self._listed
                       and r.currency_property not in props), None)
        if listed is not None:
            return listed
        for name in self._currency_props:
            code = props.get(name)
            if isinstance(code, str) and code.upper() in _CODES:
                return code.upper()
        return self._fixed if self._fixed in _CODES else None

    def _twin(self, event: str, name: str, x: float, own: str, local: float, code: str,
              where: Where, report: Report) -> None:
        """``x`` (in ``own``) shows ``local`` (in ``code``): a store-tier pair or the FX
        conversion, within a cent and 1 %."""
        if tier_twin(local, code, own, self._fx) == x:
            return
        want = local * self._fx.get(code, 1.0) / self._fx.get(own, 1.0)
        if abs(x - want) <= max(0.011, 0.01 * want):
            return
        report(where, f"{event}: {name} {x} {own} is not {local} {code} at the FX table "
                      f"(~{round(want, 2)} {own}) nor its store tier")

    def _order(self, event: str, local: dict[str, float], info: CurrencyInfo, where: Where,
               report: Report, rate: float | None = None, flagged: bool = False) -> None:
        """The order's parts add up (a discount shown only as a rate, ``coupon_rate``,
        is the lines × the rate, to the rounding of a discount; one shown only by a flag
        leaves what is paid after it unknown)."""
        added = sum(local.get(r, 0.0) for r in _ADDED)
        unit = 10.0 ** -info.decimals
        if any(local.get(r, 0.0) < 0 for r in (*_ADDED, "discount")):
            report(where, f"{event}: a negative discount, shipping, tax or fee")
        lines = self._lines(local)
        discount = self._discount(local)
        if discount is not None and discount < -unit / 2:
            report(where, f"{event}: paid more than the order before its discount "
                          f"({self._shown(local)})")
            return
        if lines is None:
            return
        tolerance = unit * 1.5
        if discount is None and rate is not None:
            discount = lines * rate
            tolerance = max(tolerance, 0.006 * lines)
        expected = {"gross": lines + added}
        if discount is not None or not flagged:
            discount = discount or 0.0
            expected |= {"net": lines - discount, "total": lines - discount + added}
        for role, want in expected.items():
            if role in local and abs(local[role] - want) > tolerance:
                report(where, f"{event}: {role} {local[role]} but the order's parts make "
                              f"{round(want, info.decimals)} ({self._shown(local)})")

    def _per_unit(self, event: str, props: Mapping[str, Any],
                  members: dict[str, tuple[MonetaryProperty, str]], local: dict[str, float],
                  info: CurrencyInfo, where: Where, report: Report) -> None:
        """The lines of an amount priced per unit (``per: [nights]``) divide by the counts
        into a price in the currency's unit."""
        # a plan billed per seat charges months of a seat's price: _seat_price checks it
        counts = {n: props[n] for rule, _role in members.values() if not rule.price_usd_by
                  for n in rule.per or ()
                  if isinstance(props.get(n), int | float) and not isinstance(props[n], bool)}
        lines = self._lines(local)
        units = 1.0
        for x in counts.values():
            units *= x
        if lines is None or units <= 1:
            return
        step = 10.0 ** -info.decimals
        unit = lines / units
        if abs(unit / step - round(unit / step)) > 1e-6 * max(1.0, unit / step):
            shown = " × ".join(f"{n} {x:g}" for n, x in counts.items())
            report(where, f"{event}: lines {lines:g} are no per-unit price × {shown} "
                          f"({unit:.6g} a unit; monetary_properties per)")

    def _seat_price(self, event: str, props: Mapping[str, Any],
                    members: dict[str, tuple[MonetaryProperty, str]], code: str, where: Where,
                    report: Report) -> None:
        """An amount of a plan billed per seat (``price_usd_by``) is its plan's price a
        seat × the seats × the months its billing period charges (``months_by``)."""
        for name, (rule, _role) in members.items():
            want = seat_amount(rule, props, code, self._fx) if rule.price_usd_by else None
            x = props[name]
            if want is not None and abs(float(x) - want) > max(0.011, 1e-6 * want):
                read = [*(rule.price_usd_by or {}), *(rule.per or ()), *(rule.months_by or {})]
                shown = ", ".join(f"{n} {props.get(n)}" for n in read if n in props)
                report(where, f"{event}: {name} {x:g} {code} but {shown} cost "
                              f"{round(want, 2):g} (monetary_properties price_usd_by)")

    def _lines(self, local: dict[str, float]) -> float | None:
        """The order's lines (before discount, shipping, tax): shown, or read back from the
        amounts after them; None when the record tells neither."""
        lines = local.get("subtotal", local.get("amount"))
        if lines is None and "gross" in local:
            lines = local["gross"] - sum(local.get(r, 0.0) for r in _ADDED)
        if lines is None and "net" in local:
            lines = local["net"] + (self._discount(local) or 0.0)
        return lines

    def _priced_lines(self, props: Mapping[str, Any], local: dict[str, float]
                      ) -> float | None:
        """The lines, also of a record showing only what is paid (a game's ``price`` whose
        role is ``total``): without a discount amount or flag, nothing was taken off."""
        lines = self._lines(local)
        flagged = any(isinstance(x, bool) and discount_flag(n) for n, x in props.items())
        if lines is None and "total" in local and "discount" not in local and not flagged:
            lines = local["total"] - sum(local.get(r, 0.0) for r in _ADDED)
        return lines

    @staticmethod
    def _shown(local: dict[str, float]) -> str:
        return ", ".join(f"{role} {x:g}" for role, x in local.items())

    def _flag(self, event: str, props: Mapping[str, Any], local: dict[str, float],
              where: Where, report: Report) -> None:
        flag = next((n for n, x in props.items() if isinstance(x, bool) and discount_flag(n)),
                    None)
        if flag is None:
            return
        discount = self._discount(local)
        if discount is not None and props[flag] != (discount > 0):
            report(where, f"{event}: {flag} {props[flag]} with a discount of {discount}")

    def _rate(self, event: str, props: Mapping[str, Any], local: dict[str, float],
              info: CurrencyInfo, where: Where, report: Report) -> None:
        """A discount rate (``discount_rate``, a coupon's "15%") is the discount over the
        lines (within 0.6 % of them and a unit); a discount flag is true iff it is above 0."""
        found = next(_rates(props), None)
        if found is None:
            return
        name, rate = found
        lines, discount = self._lines(local), self._discount(local)
        if lines is not None and discount is not None and \
                abs(discount - lines * rate) > max(1.5 * 10.0 ** -info.decimals, 0.006 * lines):
            report(where, f"{event}: {name} {rate:.0%} of lines {lines:g} is not the "
                          f"discount {discount:g}")
        flag = next((n for n, x in props.items() if isinstance(x, bool) and discount_flag(n)),
                    None)
        if discount is None and flag is not None and props[flag] != (rate > 0):
            # (with a discount shown, the flag is judged against it)
            report(where, f"{event}: {flag} {props[flag]} with {name} {rate:.0%}")

    @staticmethod
    def _discount(local: dict[str, float]) -> float | None:
        """The record's discount: shown, or the gap between the amounts before and after it
        (gross and total, lines and net); None when the record tells neither."""
        if "discount" in local:
            return local["discount"]
        if "gross" in local and "total" in local:
            return round(local["gross"] - local["total"], 6)
        lines = local.get("subtotal", local.get("amount"))
        if lines is not None and "net" in local:
            return round(lines - local["net"], 6)
        return None


def _rates(props: Mapping[str, Any]) -> Iterator[tuple[str, float]]:
    """(where, rate as a fraction) of the record's discount rates: its own and its objects'
    fields ("15%", 15 for a percent, 0.15)."""
    for name, value in props.items():
        rows = value if isinstance(value, list) else [value]
        for row in rows:
            if isinstance(row, Mapping):
                for key, x in row.items():
                    rate = _rate_of(key, x)
                    if rate is not None:
                        yield f"{name}.{key}", rate
        rate = _rate_of(name, value)
        if rate is not None:
            yield name, rate


def _rate_of(name: str, x: Any) -> float | None:
    if isinstance(x, bool) or not isinstance(x, int | float | str) or \
            not discount_rate(name, "", (x,)):
        return None
    if isinstance(x, str):
        text = x.strip()
        try:
            return float(text[:-1]) / 100 if text.endswith("%") else None
        except ValueError:
            return None
    percent = set(normalize(name).split("_")) & {"percent", "percentage", "pct"}
    return x / 100 if percent or x > 1 else float(x)


def _one_listed_codes(given: CoherenceInput) -> dict[str, str]:
    """Currency property → the one known code the plan's enum lists for it (none without
    the plan)."""
    plan = given.plan
    names = {r.currency_property for r in given.rules.monetary_properties.values()
             if r.currency_property}
    out: dict[str, str] = {}
    for prop in (*plan.properties, *plan.common_properties) if plan is not None else ():
        listed = {str(x).upper() for x in prop.enum or ()}
        if prop.name in names and len(listed) == 1 and (code := next(iter(listed))) in _CODES:
            out[prop.name] = code
    return out
