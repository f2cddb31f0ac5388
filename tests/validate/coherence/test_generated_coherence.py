"""Every plan's default output passes every coherence check of ``demogen validate``.

The same reading ``demogen validate OUT`` does: the rules and plan the run saved beside its
day files, in the names the files carry.
"""

from __future__ import annotations

import pytest

from demogen.pipeline import run_inputs
from demogen.validate import output_files
from demogen.validate.coherence import CoherenceInput, check_coherence
from tests.simulation.generated_outputs import show, source_params

#: (check, source id) → the known bug that breaks it (the test is then xfail, not skipped).
KNOWN_BUGS: dict[tuple[str, str], str] = {}


@pytest.mark.parametrize("source", source_params("coherence", KNOWN_BUGS))
def test_default_output_is_coherent(coherence_output, source: str) -> None:
    g = coherence_output(source)
    inputs = run_inputs(g.out)
    given = CoherenceInput(inputs.written_rules(), inputs.taxonomy)

    result = check_coherence(output_files(g.out), given)

    problems = {name: [str(issue) for issue in found.examples]
                for name, found in result.findings.items() if found.count}
    assert not problems, show(problems, 3000)
