"""Property values: samplers compiled once per shard from the taxonomy and the rules.

:class:`ValueFactory` is built once per shard (Faker pools, enum tables, formulas and
money tables are made there); :meth:`ValueFactory.event_sampler` returns the
:class:`EventSampler` of an event, whose ``sample(user, time_str)`` gives that event's
custom properties. Only ``user.rnd`` is drawn from per event.
"""

from demogen.simulation.values._factory import EventSampler, ValueFactory, format_time

__all__ = ["EventSampler", "ValueFactory", "format_time"]
