"""`demogen analyze PLAN --explain NAME` and `analyze -v`'s per-event listing, end to end."""

from __future__ import annotations

from pathlib import Path

from demogen.analysis.rules import Rules
from tests.data import SEGMENT_PLAN
from tests.simulation.generated_outputs import EXAMPLES, analysed, run_cli

GAME = EXAMPLES / "game"


def _shown(text: str) -> str:
    """The output with rich's wrapping and tree guides undone, for substring checks."""
    return " ".join(text.replace("│", " ").replace("├──", " ").replace("└──", " ").split())


def test_an_event_in_a_funnel_shows_its_step_and_conversion() -> None:
    _, _, rules = analysed(GAME)
    funnel = next(f for f in rules.event_constraints.funnels if f.steps[-1] == "purchase")
    n = len(funnel.steps)
    result = run_cli(["analyze", GAME, "--explain", "Purchase"])
    assert result.exit_code == 0, result.output
    shown = _shown(result.stdout)
    assert shown.startswith("purchase (event)")
    assert (f"funnel: step {n} of {n} in '{funnel.name}', conversion "
            f"{funnel.conversion[-1]:.0%} (from {funnel.steps[-2]})") in shown
    assert "from plan" in shown and "from analysis" in shown
    assert "role: revenue" in shown
    # Instead of the summary, not beside it.
    assert "one-time events" not in shown


def test_a_property_with_a_formula_shows_it() -> None:
    _, _, rules = analysed(GAME)
    formula = rules.property_relationships["vip_exp"].formula
    result = run_cli(["analyze", GAME, "--explain", "vip_exp"])
    assert result.exit_code == 0, result.output
    assert f"formula: vip_exp = {formula} (property_relationships.vip_exp)" in _shown(
        result.stdout)


def test_a_value_range_from_a_rules_edit_is_marked_as_yours(tmp_path: Path) -> None:
    edit = tmp_path / "edit.yaml"
    edit.write_text("value_ranges:\n  stamina_cost: {min: 1, max: 3}\n", encoding="utf-8")
    written = tmp_path / "rules.yaml"
    result = run_cli(["analyze", GAME, "--rules", edit, "--explain", "stamina_cost",
                      "-o", written])
    assert result.exit_code == 0, result.output
    shown = _shown(result.stdout)
    assert "from your rules file value range: 1 – 3 (value_ranges.stamina_cost) " in shown
    assert ("replaced by your rules file (the analysis said) value range: 5 – 12"
            in shown.split("from your rules file")[1])
    # -o still writes the merged rules.
    assert Rules.load(written).value_ranges["stamina_cost"].max == 3


def test_an_unknown_name_exits_2_with_did_you_mean() -> None:
    result = run_cli(["analyze", SEGMENT_PLAN, "--explain", "Order Complted"])
    assert result.exit_code == 2, result.output
    assert ("error: 'Order Complted' is neither an event nor a property of the plan; "
            "did you mean 'Order Completed'") in _shown(result.stderr)
    assert "Traceback" not in result.output


def test_verbose_lists_each_event_with_roles_one_time_and_funnel_steps() -> None:
    taxonomy, _, _ = analysed(GAME)
    quiet = run_cli(["analyze", GAME])
    assert quiet.exit_code == 0, quiet.output
    for args in (["analyze", GAME, "-v", "--refresh-analysis"], ["analyze", GAME, "-v"]):
        result = run_cli(args)
        assert result.exit_code == 0, result.output
        rows = {line.split()[0]: line for line in result.stdout.splitlines() if line.strip()}
        assert all(e.name in rows for e in taxonomy.events)
        assert "install" in rows["app_install"] and "yes" in rows["app_install"]
        assert "ftue_tutorial 2/" in rows["tutorial_step1"]
    assert "ftue_tutorial 2/" not in quiet.stdout


def test_an_event_never_generated_says_why(tmp_path: Path) -> None:
    # A refund in a plan where nothing is bought: nothing can be refunded.
    plan = tmp_path / "reader"
    plan.mkdir()
    (plan / "events.csv").write_text(
        "event_name,category,description,properties\n"
        "app_open,Session,User opened the app.,\n"
        "article_view,Content,User read an article.,article_id\n"
        "refund_issued,Payment,A payment was refunded to the user.,article_id\n",
        encoding="utf-8")
    (plan / "properties.csv").write_text(
        "property_name,type,description,example,scope,update_method\n"
        "article_id,string,Identifier of the article.,a_1,event,\n", encoding="utf-8")
    result = run_cli(["analyze", plan, "--explain", "refund_issued"])
    assert result.exit_code == 0, result.output
    assert "not generated: a refund (event_roles.refund), but no event is a purchase" in \
        _shown(result.stdout)
