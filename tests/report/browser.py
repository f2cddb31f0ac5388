"""Headless Debian Chromium driven through the CDP by Playwright (never a downloaded browser).

Outside CI (``CI`` unset) a missing browser or Playwright skips the test with the reason; in
CI it fails, since ``.ci/run`` installs Debian's ``chromium`` package.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _missing(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{reason}; CI must install Debian's chromium (.ci/run) and playwright")
    print(f"skipping: {reason}")
    pytest.skip(reason)


@contextmanager
def chromium_page(width: int = 1400, height: int = 1000) -> Iterator[object]:
    """A fresh page in a fresh profile (``--user-data-dir`` in a new temp folder)."""
    executable = CHROMIUM if os.path.exists(CHROMIUM) else shutil.which("chromium")
    if executable is None:
        _missing("no chromium browser (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("the playwright package is not installed")
    profile = tempfile.mkdtemp(prefix="demogen-chromium-")
    try:
        with sync_playwright() as p:
            context = p.chromium.launch_persistent_context(
                profile, executable_path=executable, headless=True, args=FLAGS,
                viewport={"width": width, "height": height})
            try:
                yield context.new_page()
            finally:
                context.close()
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def png_is_blank(png: bytes) -> bool:
    """True when the decoded PNG pixels take (almost) a single value."""
    import struct
    import zlib

    assert png[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat = 8, b""
    width = height = 0
    while pos < len(png):
        length, kind = struct.unpack(">I4s", png[pos:pos + 8])
        body = png[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height = struct.unpack(">II", body[:8])
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = len(raw) // height
    # The first pixel row after the filter byte of each scanline; count distinct bytes
    # over all scanlines (filters keep a one-colour image down to a handful).
    distinct = set()
    for row in range(0, height, max(1, height // 200)):
        distinct.update(raw[row * stride + 1:(row + 1) * stride:7])
    return width == 0 or len(distinct) < 16
