"""Running one coherence checker on an output (often a hand-broken copy), for the tests.

``findings(folder, Checker, given)`` is what the checker reports on ``folder``: its examples
as text, ``[]`` when it finds nothing. ``given`` is the :class:`CoherenceInput` to check
against, or an output folder whose saved rules and plan to use (a broken copy holds only
the day files, so it is checked against the output it was copied from).
"""

from __future__ import annotations

from pathlib import Path

from demogen.pipeline import run_inputs
from demogen.validate import output_files
from demogen.validate.coherence import Checker, CoherenceInput, check_coherence


def saved_input(output: Path) -> CoherenceInput:
    """The rules and plan ``output`` saved, in the names its files carry (as validate)."""
    inputs = run_inputs(output)
    return CoherenceInput(inputs.written_rules(), inputs.taxonomy)


def findings(folder: Path, checker: type[Checker], given: CoherenceInput | Path) -> list[str]:
    """``checker``'s findings on ``folder``'s day files (examples, as text)."""
    if isinstance(given, Path):
        given = saved_input(given)
    found = check_coherence(output_files(folder), given, [checker]).findings.get(checker.name)
    return [str(e) for e in found.examples] if found is not None and found.count else []
