"""The coherence checks of ``demogen validate``: values that agree with each other.

A record must survive a ThinkingData user's drill-down: a price agrees with its currency and
its USD amount, a catalogue id keeps its name, a level never goes back, a Korean user's
province holds their city. Each check is a :class:`~demogen.validate.coherence._base.Checker`
in its own module, reading the rules (and the plan) to learn which properties mean what;
:func:`check_coherence` streams every record once, in file order, through all of them.

Adding a check: write a ``Checker`` subclass (``name``, ``description``, ``record``, maybe
``finish`` and ``notes``) and list it in :data:`CHECKERS`.
"""

from __future__ import annotations

from demogen.validate.coherence._balances import BalancesChecker
from demogen.validate.coherence._base import Checker, CoherenceInput, Where
from demogen.validate.coherence._basket import BasketChecker
from demogen.validate.coherence._catalogue import CatalogueChecker
from demogen.validate.coherence._counted_sums import CountedSumsChecker
from demogen.validate.coherence._earned import EarnedChecker
from demogen.validate.coherence._event_ranges import EventRangesChecker
from demogen.validate.coherence._expiries import ExpiriesChecker
from demogen.validate.coherence._flows import FlowsChecker
from demogen.validate.coherence._follow_ids import FollowIdsChecker
from demogen.validate.coherence._free_things import FreeThingsChecker
from demogen.validate.coherence._in_app import InAppAmountsChecker
from demogen.validate.coherence._market import MarketChecker
from demogen.validate.coherence._money import MoneyChecker
from demogen.validate.coherence._paid_ways import PaidWaysChecker
from demogen.validate.coherence._picked import PickedChecker
from demogen.validate.coherence._playback import PlaybackChecker
from demogen.validate.coherence._positions import PositionsChecker
from demogen.validate.coherence._progression import ProgressionChecker
from demogen.validate.coherence._renewals import RenewalsChecker
from demogen.validate.coherence._roles import RolesChecker
from demogen.validate.coherence._run import check_coherence
from demogen.validate.coherence._search import SearchChecker
from demogen.validate.coherence._spend_prices import SpendPricesChecker
from demogen.validate.coherence._stay_dates import StayDatesChecker
from demogen.validate.coherence._stays import StaysChecker
from demogen.validate.coherence._steps import StepsChecker
from demogen.validate.coherence._times import TimesChecker
from demogen.validate.coherence._toggles import TogglesChecker

#: Every coherence checker, in report order.
CHECKERS: tuple[type[Checker], ...] = (MarketChecker, FlowsChecker, FollowIdsChecker,
                                        ProgressionChecker, StepsChecker, PositionsChecker,
                                        EventRangesChecker,
                                        InAppAmountsChecker,
                                        CatalogueChecker, MoneyChecker, PickedChecker,
                                        BalancesChecker, CountedSumsChecker,
                                        StaysChecker, StayDatesChecker, TimesChecker,
                                        RenewalsChecker, ExpiriesChecker, RolesChecker,
                                        BasketChecker,
                                        PlaybackChecker, SearchChecker, TogglesChecker,
                                        PaidWaysChecker, SpendPricesChecker, EarnedChecker,
                                        FreeThingsChecker)

#: Check name → what it verifies (validate's CHECKS table shows them).
COHERENCE_CHECKS: dict[str, str] = {c.name: c.description for c in CHECKERS}

__all__ = ["CHECKERS", "COHERENCE_CHECKS", "Checker", "CoherenceInput", "Where",
           "check_coherence"]
