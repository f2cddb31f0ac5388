"""The steps every front end runs, in order: ``prepare`` (read and analyse the plan),
``generate`` (simulate into an output folder), then ``run_inputs`` for the checks and the
report, which read the output folder alone. The CLI only parses and prints around them.
"""

from demogen.pipeline._generate import (
    DEFAULT_USERS,
    GenerateOptions,
    GenerateResult,
    generate,
    market_line,
    simulation_config,
)
from demogen.pipeline._prepare import Prepared, prepare
from demogen.pipeline._review import Review, review
from demogen.pipeline._saved import RunInputs, run_inputs

__all__ = [
    "DEFAULT_USERS",
    "GenerateOptions",
    "GenerateResult",
    "Prepared",
    "Review",
    "RunInputs",
    "generate",
    "market_line",
    "prepare",
    "review",
    "run_inputs",
    "simulation_config",
]
