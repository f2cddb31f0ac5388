"""A first-pay flag (Rules kind ``first_pay``) follows the user's payments
(simulation/values/_first_pay.py).

Measured before (examples/ecommerce, 300 users × 10 days, seed 3): ``is_first_purchase``
drawn true on 15 % of purchases, on later ones as on first ones (a user's third purchase
true). After: true on the first purchase of the 2 payers installed in the window, false
on every later purchase and on the first one of users whose ``total_spent`` was above 0
before it (they paid before the window).
"""

from __future__ import annotations

from typing import Any

from tests.simulation.generated_outputs import show

FLAG = "is_first_purchase"


def test_the_first_purchase_flag_is_true_on_the_first_purchase_only(coherence_output: Any
                                                                   ) -> None:
    g = coherence_output("ecommerce")
    assert g.rules.properties[FLAG].kind == "first_pay"
    revenue = set(g.roles("revenue"))
    installs = set(g.roles("install"))
    firsts = 0
    for user, records in g.timelines.items():
        paid = False
        installed = False
        for record in records:
            name = record.get("#event_name")
            installed = installed or name in installs
            if record.get("#type") != "track" or name not in revenue:
                continue
            flag = record["properties"].get(FLAG)
            if paid:
                assert flag is not True, (user, show(record))
            elif installed:    # a user older than the window may have paid before it
                assert flag is True, (user, show(record))
            firsts += flag is True
            paid = True
    assert firsts, "no purchase showed the flag true"
