"""validate_output reports progress, and every pass names a record by the same line number:
the 1-based line of its file, as ``sed -n Np`` shows it (DuckDB's own errors count one more)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from demogen.validate import (
    STEP_RECORDS,
    STEP_USERS,
    OutputReadError,
    _scan,
    compute_kpis,
    output_files,
    progress_text,
    validate_output,
)
from tests.validate.generated import Output, Run, saas_run

__all__ = ["saas_run"]  # fixture used here

Call = tuple[str, int, int]


def _record(calls: list[Call]):
    return lambda step, done, total: calls.append((step, done, total))


def _steps(calls: list[Call], step: str) -> list[tuple[int, int]]:
    return [(done, total) for s, done, total in calls if s == step]


def _assert_climbs(counts: list[tuple[int, int]], total: int) -> None:
    assert counts[0] == (0, total) and counts[-1] == (total, total), counts
    assert all(t == total for _, t in counts)
    done = [d for d, _ in counts]
    assert done == sorted(done), done


def test_progress_climbs_through_both_passes(saas_run: Run, monkeypatch) -> None:
    # Ticks inside a file every 200 lines, so a small output shows them too.
    monkeypatch.setattr(_scan, "_TICK_LINES", 200)
    calls: list[Call] = []
    report = validate_output(saas_run.out, rules=saas_run.rules, progress=_record(calls))
    assert report.records > 1_000
    size = sum(path.stat().st_size for path in output_files(saas_run.out))
    records = _steps(calls, STEP_RECORDS)
    _assert_climbs(records, size)
    assert len(records) > len(output_files(saas_run.out)) + 1   # ticks within files
    users = _steps(calls, STEP_USERS)
    # loading, identity, the 7 rule checks, the meaning walk and the funnel steps
    _assert_climbs(users, 11)
    assert [s for s, _, _ in calls] == [STEP_RECORDS] * len(records) + [STEP_USERS] * 11 + [
        STEP_USERS]
    # without rules: loading and identity only
    calls.clear()
    validate_output(saas_run.out, progress=_record(calls))
    _assert_climbs(_steps(calls, STEP_USERS), 2)


def test_progress_with_worker_processes(saas_run: Run, monkeypatch) -> None:
    monkeypatch.setattr(_scan, "_PARALLEL_BYTES", 0)
    calls: list[Call] = []
    report = validate_output(saas_run.out, workers=2, progress=_record(calls))
    files = output_files(saas_run.out)
    records = _steps(calls, STEP_RECORDS)
    _assert_climbs(records, sum(path.stat().st_size for path in files))
    assert len(records) == len(files) + 1          # the start, then one per file
    assert report.records == validate_output(saas_run.out, workers=1).records


def _line_of(path: Path, needle: bytes) -> int:
    """The line ``sed -n Np`` shows ``needle`` on (1-based, blank lines count)."""
    numbers = [n for n, line in enumerate(path.read_bytes().split(b"\n"), start=1)
               if needle in line]
    assert len(numbers) == 1, numbers
    return numbers[0]


def test_both_passes_report_the_line_sed_shows(saas_run: Run, tmp_path: Path) -> None:
    broken = Output(saas_run.out)
    file, _, record = broken.find(lambda r: r.get("#type") == "track" and "#account_id" in r,
                                  skip=40)
    record["#account_id"] = "intruder"        # identity: found by the DuckDB pass
    record["#os"] = "Windows"                 # format: found by the record pass
    out = broken.write(tmp_path / "broken", blank_before=(file, 3))
    line = _line_of(out / file, b'"intruder"')
    report = validate_output(out)
    formats = [str(issue) for issue in report.examples("format")]
    assert formats[0] == f"{file}:4: empty line"
    assert formats[1].startswith(f"{file}:{line}: top-level key '#os' is not a header key")
    identity = [str(issue) for issue in report.examples("identity")]
    assert any(issue.startswith(f"{file}:{line}: device ") for issue in identity), identity


def test_a_line_that_is_not_json_has_one_number_everywhere(saas_run: Run,
                                                           tmp_path: Path) -> None:
    bad = tmp_path / "bad"
    shutil.copytree(saas_run.out, bad)
    path = bad / "logs_20261102.jsonl"
    lines = path.read_bytes().splitlines(keepends=True)
    lines[11] = b'{"#type": "track", oops}\n'
    path.write_bytes(b"".join(lines))
    assert _line_of(path, b"oops") == 12
    expected = r"logs_20261102\.jsonl:12: not valid JSON \(.* at column 20\)$"
    with pytest.raises(OutputReadError, match=expected):
        validate_output(bad)
    # DuckDB itself says "line 13" here; the KPIs (and so `demogen report`) say line 12
    with pytest.raises(OutputReadError, match=expected):
        compute_kpis(bad)


def test_progress_in_words() -> None:
    assert progress_text(STEP_RECORDS, 512, 2048) == "reading the records, 25 %"
    assert progress_text(STEP_USERS, 0, 9) == "checking users, step 1 of 9"
    assert progress_text(STEP_USERS, 9, 9) == "checking users, step 9 of 9"
