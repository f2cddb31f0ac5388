"""Property values: samplers compiled once per shard from the taxonomy and the rules.

:class:`ValueFactory` is built once per shard (Faker pools, enum tables, formulas and
money tables are made there); :meth:`ValueFactory.event_sampler` returns the
:class:`EventSampler` of an event, whose ``sample(user, time_str)`` gives that event's
custom properties. Only ``user.rnd`` is drawn from per event; values that live longer
than an event (per user, per session, paired events) are kept in ``user.sticky``.
"""

from demogen.simulation.values._factory import ValueFactory
from demogen.simulation.values._sampler import EventSampler
from demogen.simulation.values._times import format_time

__all__ = ["EventSampler", "ValueFactory", "format_time"]
