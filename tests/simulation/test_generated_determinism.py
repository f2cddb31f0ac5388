"""Same inputs and seed → byte-identical output; another seed → other bytes; gzip is the same
bytes compressed; the number of workers does not change a byte (DESIGN.md, scale)."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from demogen.output import read_manifest
from tests.corpus import corpus
from tests.simulation.generated_outputs import SOURCES, generate, window_start

USERS, DAYS = 60, 5
START = window_start(DAYS)


def _run(tmp: Path, name: str, *, seed: int = 7, source: str = "game",
         extra: tuple[str, ...] = ()) -> Path:
    out = tmp / name
    generate(SOURCES[source], out, users=USERS, days=DAYS, seed=seed, start=START, extra=extra)
    return out


def _day_files(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.glob("logs_*"))}


@pytest.fixture(scope="module")
def first(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _run(tmp_path_factory.mktemp("determinism"), "first")


@pytest.mark.parametrize("source", [
    "game", pytest.param("te_data_generator__card-game-tracking-plan", marks=corpus)])
def test_same_inputs_and_seed_give_byte_identical_files(tmp_path: Path, source: str) -> None:
    a = _run(tmp_path, "a", source=source)
    b = _run(tmp_path, "b", source=source)
    files = _day_files(a)
    assert len(files) == DAYS
    assert sorted(p.name for p in a.iterdir()) == sorted(p.name for p in b.iterdir())
    other = _day_files(b)
    different = [name for name in files if files[name] != other[name]]
    assert not different, f"files differ between two identical runs: {different}"
    assert read_manifest(a).without_timings() == read_manifest(b).without_timings()


def test_another_seed_gives_other_bytes(first: Path, tmp_path: Path) -> None:
    files, other = _day_files(first), _day_files(_run(tmp_path, "seed8", seed=8))
    assert files.keys() == other.keys()
    assert all(files[name] != other[name] for name in files)
    assert read_manifest(first).seed == 7 and read_manifest(tmp_path / "seed8").seed == 8


def test_gzip_output_decompresses_to_the_plain_bytes(first: Path, tmp_path: Path) -> None:
    zipped = _run(tmp_path, "gz", extra=("--gzip",))
    plain = _day_files(first)
    packed = _day_files(zipped)
    assert sorted(packed) == sorted(f"{name}.gz" for name in plain)
    for name, data in plain.items():
        assert gzip.decompress(packed[f"{name}.gz"]) == data, name
    manifest = read_manifest(zipped)
    assert manifest.options["gzip"] is True
    assert set(manifest.files) == set(packed)
    assert all(manifest.files[n].lines == plain[n[:-3]].count(b"\n") for n in manifest.files)


def test_more_workers_give_the_same_bytes(tmp_path: Path) -> None:
    """1,100 users make three shards of 500, so two workers really split the work."""
    runs = {}
    for workers in ("1", "2"):
        out = tmp_path / f"workers{workers}"
        generate(SOURCES["ecommerce"], out, users=1_100, days=3, seed=7, start=window_start(3),
                 extra=("--workers", workers))
        runs[workers] = _day_files(out)
    assert runs["1"] == runs["2"]
