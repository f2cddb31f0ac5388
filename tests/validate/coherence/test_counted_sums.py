"""validate's counted_sums check: nothing summed where nothing was counted.

The bundled game drew a user's paid total (``total_pay_amount``, which a purchase adds its
``price_usd`` to) apart from their payment count (``pay_count``, +1 per purchase): 19 of 44
profiles at 300 users x 3 days showed money paid with no payment counted, and a VIP level
from that money. The generator now starts a sum at 0 where its count is 0; the check finds
a hand-broken copy.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from demogen.pipeline import run_inputs
from demogen.validate.coherence import CoherenceInput
from demogen.validate.coherence._counted_sums import CountedSumsChecker
from tests.validate.coherence.checking import findings
from tests.validate.generated import Output


def _game(coherence_output: Any) -> tuple[Path, Output, CoherenceInput]:
    g = coherence_output("game")
    inputs = run_inputs(g.out)
    return g.out, Output(g.out), CoherenceInput(inputs.written_rules(), inputs.taxonomy)


def test_game_output_passes(coherence_output) -> None:
    folder, _, given = _game(coherence_output)
    checker = CountedSumsChecker(given)

    assert ("total_pay_amount", "pay_count") in checker.pairs
    assert findings(folder, CountedSumsChecker, given) == []


def test_a_paid_total_without_a_payment_is_reported(coherence_output, tmp_path: Path) -> None:
    _, output, given = _game(coherence_output)
    counted = {r["#distinct_id"] for _, _, r in output.records()
               if (r.get("properties") or {}).get("pay_count")}
    name, index, record = output.find(
        lambda r: r.get("#type") == "user_set" and r["#distinct_id"] not in counted)
    broken = output.copy()
    broken.files[name][index]["properties"]["total_pay_amount"] = 4.99

    problems = findings(broken.write(tmp_path / "out"), CountedSumsChecker, given)

    assert len(problems) == 1
    assert record["#distinct_id"] in problems[0]
    assert "total_pay_amount 4.99 with pay_count 0" in problems[0]
