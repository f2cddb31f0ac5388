"""``demogen generate``'s user ids, read back from the JSONL: they differ per product and
plan, repeat with the inputs, follow the plan's account-id shape and ``--id-prefix``."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from itertools import pairwise
from pathlib import Path

import orjson
import pytest

from demogen.output import read_manifest
from tests.simulation.generated_outputs import EXAMPLES, run_cli, window_start

USERS, DAYS = 30, 3
START = window_start(DAYS)
IDS = ("#account_id", "#distinct_id", "#device_id")


def generate(plan: Path, out: Path, *args: object) -> Path:
    result = run_cli(["generate", plan, "-o", out, "--users", USERS, "--days", DAYS,
                      "--start", START.isoformat(), "--seed", 0, "--quiet", *args])
    assert result.exit_code == 0, result.output
    return out


def ids(out: Path) -> dict[str, set[str]]:
    """Every value of ``#account_id``, ``#distinct_id`` and ``#device_id`` in the run."""
    found: dict[str, set[str]] = {key: set() for key in IDS}
    for path in sorted(out.glob("logs_*.jsonl")):
        for line in path.read_bytes().splitlines():
            record = orjson.loads(line)
            for key in IDS[:2]:
                if key in record:
                    found[key].add(record[key])
            if "#device_id" in record.get("properties", {}):
                found["#device_id"].add(record["properties"]["#device_id"])
    return found


def plan_with(tmp_path: Path, row: str) -> Path:
    """The e-commerce example with one more property row (``properties.csv`` layout)."""
    plan = tmp_path / "plan"
    shutil.copytree(EXAMPLES / "ecommerce", plan)
    with (plan / "properties.csv").open("a", encoding="utf-8") as f:
        f.write(row + "\n")
    return plan


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., dict[str, set[str]]]:
    """Runs by (plan, extra arguments), each generated once for the module."""
    done: dict[tuple[object, ...], dict[str, set[str]]] = {}

    def get(plan: Path, *args: object) -> dict[str, set[str]]:
        key = (plan, *args)
        if key not in done:
            done[key] = ids(generate(plan, tmp_path_factory.mktemp("ids") / "out", *args))
        return done[key]

    return get


def test_every_run_has_all_three_ids(run: Callable[..., dict[str, set[str]]]) -> None:
    found = run(EXAMPLES / "ecommerce")
    assert all(found[key] for key in IDS), {key: len(v) for key, v in found.items()}
    assert 10 <= len(found["#distinct_id"]) <= USERS    # not every user shows up in 3 days


@pytest.mark.parametrize(("a", "b"), [
    ((EXAMPLES / "game",), (EXAMPLES / "ecommerce",)),
    ((EXAMPLES / "ecommerce", "--product-name", "Shop A"),
     (EXAMPLES / "ecommerce", "--product-name", "Shop B")),
], ids=["two plans", "two products of one plan"])
def test_same_seed_other_product_shares_no_user(run: Callable[..., dict[str, set[str]]],
                                                a: tuple[object, ...],
                                                b: tuple[object, ...]) -> None:
    first, second = run(*a), run(*b)
    for key in IDS:
        assert first[key] and second[key], key
        assert not first[key] & second[key], f"{key} shared: {sorted(first[key] & second[key])}"


def test_same_inputs_same_ids(tmp_path: Path) -> None:
    one = generate(EXAMPLES / "ecommerce", tmp_path / "one")
    two = generate(EXAMPLES / "ecommerce", tmp_path / "two")
    assert ids(one) == ids(two)
    files = sorted(p.name for p in one.glob("logs_*.jsonl"))
    assert files and all((one / f).read_bytes() == (two / f).read_bytes() for f in files)


def test_default_account_ids_look_issued_not_counted(run: Callable[..., dict[str, set[str]]]
                                                     ) -> None:
    accounts = run(EXAMPLES / "ecommerce")["#account_id"]
    assert len(accounts) >= 5
    assert all(re.fullmatch(r"[1-9]\d{9}", a) for a in accounts), sorted(accounts)
    numbers = sorted(int(a) for a in accounts)
    assert min(b - a for a, b in pairwise(numbers)) > 1000  # no counter
    assert len({a[:3] for a in accounts}) > len(accounts) // 2     # no shared leading digits
    distinct = run(EXAMPLES / "ecommerce")["#distinct_id"]
    assert all(re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}",
                            d) for d in distinct)


def test_id_prefix_starts_every_id_and_is_recorded(tmp_path: Path) -> None:
    out = generate(EXAMPLES / "ecommerce", tmp_path / "out", "--id-prefix", "demo1_")
    found = ids(out)
    for key in ("#account_id", "#distinct_id"):
        assert found[key] and all(v.startswith("demo1_") and len(v) <= 64 for v in found[key])
    assert all(re.fullmatch(r"demo1_[1-9]\d{9}", a) for a in found["#account_id"])
    assert read_manifest(out).options["id_prefix"] == "demo1_"
    assert read_manifest(out).options["id_namespace"].endswith(":Northbay")


@pytest.mark.parametrize("prefix", ["demo 1", "a/b", "x" * 17, "ünï", ""])
def test_bad_id_prefix_is_refused_naming_the_option(tmp_path: Path, prefix: str) -> None:
    out = tmp_path / "out"
    result = run_cli(["generate", EXAMPLES / "ecommerce", "-o", out, "--users", USERS,
                      "--days", DAYS, "--start", START.isoformat(), "--id-prefix", prefix])
    assert result.exit_code == 2, result.output
    message = " ".join(result.output.split())
    assert "--id-prefix" in message and "Traceback" not in result.output
    assert not out.exists()


@pytest.mark.parametrize(("row", "shape"), [
    ('"member_id","string","Member number: a 12-digit number given at signup.","","user"',
     r"[1-9]\d{11}"),
    ('"member_id","string","Member number printed on the card, e.g. M20240001.","","user"',
     r"M[1-9]\d{7}"),
    ('"user_id","string","Account key, e.g. 3F2504E0-4F89-41D3-9A0C-0305E82C3301.","","event"',
     r"[0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}"),
], ids=["digits", "letter and digits", "uuid"])
def test_account_ids_follow_the_plans_shape(tmp_path: Path, row: str, shape: str) -> None:
    accounts = ids(generate(plan_with(tmp_path, row), tmp_path / "out"))["#account_id"]
    assert len(accounts) >= 5
    assert all(re.fullmatch(shape, a) for a in accounts), sorted(accounts)


def test_the_plans_shape_after_the_prefix(tmp_path: Path) -> None:
    plan = plan_with(tmp_path, '"member_id","number","Member number.","","user"')
    found = ids(generate(plan, tmp_path / "out", "--id-prefix", "run-7."))
    assert found["#account_id"]
    assert all(re.fullmatch(r"run-7\.[1-9]\d{9}", a) for a in found["#account_id"])
