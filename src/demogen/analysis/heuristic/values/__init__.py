"""What a property's name, type and description say about its values.

The offline analyzer's reading of each property: its kind (``email``, ``level``,
``duration`` …), how long its value lives (per event, session or user) and where it
comes from. :func:`~demogen.analysis.heuristic.values.reading.read_properties` writes the
answers into ``Rules.properties``; the simulation compiles what Rules says. The word
lists and patterns are in ``data/heuristic_values.yaml`` and
``data/heuristic_values_numbers.yaml``.
"""
