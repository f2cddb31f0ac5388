"""The report in a real browser: no console errors, every chart drawn, a non-blank picture."""

from __future__ import annotations

from pathlib import Path

import pytest

from demogen.report import compute_report, render_html
from demogen.simulation.presets import load_preset
from tests.report.browser import chromium_page, png_is_blank
from tests.report.test_report_kpis import RULES, out
from tests.validate.generated import Run, saas_run

__all__ = ["out", "saas_run"]  # fixtures used here


def _render(page, path: Path) -> tuple[list[str], dict]:
    problems: list[str] = []
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}")
            if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("request", lambda r: problems.append(f"request to {r.url}")
            if not r.url.startswith(("file:", "data:", "blob:", "about:")) else None)
    page.goto(path.as_uri())
    page.wait_for_function("document.querySelectorAll('.js-plotly-plot').length == "
                           "Number(document.body.dataset.charts)")
    info = page.evaluate("""() => ({
        expected: Number(document.body.dataset.charts),
        charts: [...document.querySelectorAll('.js-plotly-plot')].map(div => {
            const svg = div.querySelector('svg.main-svg');
            const box = svg ? svg.getBoundingClientRect() : {width: 0, height: 0};
            return {id: div.id, width: box.width, height: box.height,
                    marks: div.querySelectorAll('.trace, .point, path.surface, rect').length};
        }),
        kpis: document.querySelectorAll('#kpi-summary tr').length,
    })""")
    return problems, info


@pytest.mark.parametrize("source", ["hand-made", "generated saas"])
def test_report_renders_in_chromium(source: str, out: Path, saas_run: Run,
                                    tmp_path: Path) -> None:
    if source == "hand-made":
        data = compute_report(out, rules=RULES, product="Shop", preset=load_preset("game"))
    else:
        data = compute_report(saas_run.out, rules=saas_run.rules, product="Trackwise",
                              preset=load_preset("saas"))
    path = tmp_path / "report.html"
    path.write_text(render_html(data), encoding="utf-8")
    with chromium_page() as page:
        problems, info = _render(page, path)
        assert problems == []
        assert info["expected"] >= 12
        assert len(info["charts"]) == info["expected"]
        for chart in info["charts"]:
            assert chart["width"] > 100 and chart["height"] > 100, chart
            assert chart["marks"] > 0, chart
        assert info["kpis"] > 10
        shot = page.screenshot(full_page=True)
        assert not png_is_blank(shot)
        chart_shot = page.locator("#chart-1").screenshot()
        assert not png_is_blank(chart_shot)
        (tmp_path / "report.png").write_bytes(shot)


def test_blank_detector() -> None:
    import struct
    import zlib

    def png(rows: list[bytes], width: int) -> bytes:
        def chunk(kind: bytes, body: bytes) -> bytes:
            return (struct.pack(">I", len(body)) + kind + body
                    + struct.pack(">I", zlib.crc32(kind + body)))
        ihdr = struct.pack(">IIBBBBB", width, len(rows), 8, 2, 0, 0, 0)
        data = zlib.compress(b"".join(b"\x00" + r for r in rows))
        return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", data)
                + chunk(b"IEND", b""))

    white = [b"\xff" * 300] * 100
    assert png_is_blank(png(white, 100))
    varied = [bytes((x * 7 + y * 13) % 256 for x in range(300)) for y in range(100)]
    assert not png_is_blank(png(varied, 100))
