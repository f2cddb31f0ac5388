"""``demogen interactive`` driven through a pseudo-terminal (pexpect), from the first
question to the files: a plan the reader refuses is asked again with the reader's message,
a bad number is asked again, the analysis summary is shown, and the ``demogen.yaml`` it
writes repeats the run byte for byte with ``generate --config``."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.simulation.generated_outputs import EXAMPLES

pexpect = pytest.importorskip("pexpect")

#: Ctrl-U: clear the prefilled default before typing (prompt_toolkit's emacs binding).
CLEAR = "\x15"
_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def _spawn(cwd: Path) -> pexpect.spawn:
    env = {**os.environ, "PROMPT_TOOLKIT_NO_CPR": "1", "TERM": "xterm", "COLUMNS": "120",
           "DEMOGEN_CACHE_DIR": str(cwd / "cache"), "NO_COLOR": "1"}
    for name in [n for n in env if (n.startswith("DEMOGEN_") and n != "DEMOGEN_CACHE_DIR")
                 or n.startswith(("OPENAI_", "ANTHROPIC_"))]:
        env.pop(name)     # the wizard's run must not pick up a DEMOGEN_* option
    return pexpect.spawn(sys.executable, ["-m", "demogen", "interactive"], cwd=str(cwd),
                         env=env, encoding="utf-8", timeout=60, dimensions=(50, 120))


def test_wizard_from_first_question_to_files(tmp_path: Path) -> None:
    (tmp_path / "bad.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    child = _spawn(tmp_path)
    seen: list[str] = []
    try:
        child.expect("Tracking plan")
        child.sendline("bad.csv")                       # the reader refuses it …
        child.expect("try again")
        seen.append(_ANSI.sub("", child.before))
        child.expect("Tracking plan")                   # … and the question comes back
        child.sendline(str(EXAMPLES / "game"))
        child.expect("Industry")
        seen.append(_ANSI.sub("", child.before))
        child.send("\r")                                # the inferred industry, preselected
        child.expect("Product name")
        child.send("\r")
        child.expect("Market")
        child.send("jp\r")                              # a custom market
        child.expect("Analyzer")
        child.send("\r")                                # offline: no key in this test
        child.expect("Users")
        child.send(CLEAR + "many\r")                    # not a number: asked again
        child.expect("write a whole number")
        child.send(CLEAR + "60\r")
        child.expect("Days")
        child.send(CLEAR + "3\r")
        child.expect("First day")
        child.send("\r")
        child.expect("Segment mix")
        child.expect("RETURNING_USER=0.05")             # the default, shown …
        child.send("\r")                                # … and kept
        child.expect("Custom segments")
        child.send(" \r")                               # the first template
        child.expect("Share of users in weekend_warriors")
        child.send(CLEAR + "0.2\r")
        child.expect("Output folder")
        child.send("\r")
        child.expect("Save these answers")
        seen.append(_ANSI.sub("", child.before))
        child.send("\r")
        child.expect("Generate 60 users")
        child.send("\r")
        child.expect(pexpect.EOF, timeout=180)
        seen.append(_ANSI.sub("", child.before))
    finally:
        child.close(force=True)
    assert child.exitstatus == 0, seen[-1]
    refused, asked, summary, finished = seen
    # bad.csv is read as a one-file tracking plan and lacks its columns
    assert "problems in the taxonomy" in refused and "bad.csv, row 1" in refused, refused
    assert "game" in asked
    assert "one-time events" in summary and "session start/end" in summary
    assert "demogen generate --config demogen.yaml repeats this run" in finished
    assert "demogen validate out" in finished
    days = sorted(p.name for p in (tmp_path / "out").glob("logs_*.jsonl"))
    assert len(days) == 3
    config = (tmp_path / "demogen.yaml").read_text(encoding="utf-8")
    assert "users: 60" in config and "weekend_warriors" in config and "share: 0.2" in config
    assert "market:\n  JP: 1.0" in config and "segment_mix" not in config   # default kept
    assert all('"#zone_offset":9' in line for line in
               (tmp_path / "out" / days[0]).read_text().splitlines()
               if '"#zone_offset"' in line)
    # demogen.yaml repeats the run byte for byte.
    # A process like the wizard's: both read the code as it is on disk now.
    again = subprocess.run([sys.executable, "-m", "demogen", "generate", "--config",
                            "demogen.yaml", "-o", "again", "--cache-dir", "cache", "-q"],
                           cwd=tmp_path, capture_output=True, text=True, check=False)
    assert again.returncode == 0, again.stderr
    for name in days:
        assert (tmp_path / "out" / name).read_bytes() == (tmp_path / "again" / name).read_bytes()


def test_ctrl_c_leaves_nothing(tmp_path: Path) -> None:
    child = _spawn(tmp_path)
    try:
        child.expect("Tracking plan")
        child.sendcontrol("c")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert child.exitstatus == 130
    assert not (tmp_path / "demogen.yaml").exists() and not (tmp_path / "out").exists()


def test_a_provider_key_is_asked_hidden_and_kept_in_dotenv(tmp_path: Path) -> None:
    child = _spawn(tmp_path)
    secret = "sk-test-not-a-real-key-42"
    try:
        child.expect("Tracking plan")
        child.sendline(str(EXAMPLES / "game"))
        child.expect("Industry")
        child.send("\r")
        child.expect("Product name")
        child.send("\r")
        child.expect("Market")
        child.send("\r")
        child.expect("Analyzer")
        child.send("\x1b[B\x1b[B\r")                   # heuristic → auto → OpenAI
        child.expect("OPENAI_API_KEY \\(hidden\\)")
        child.send(secret + "\r")
        child.expect("Keep OPENAI_API_KEY in ./.env")
        shown = child.before
        child.send("y")                                 # a confirm takes y at once
        child.expect("saved OPENAI_API_KEY in .env")
        child.expect("Users")
        child.sendcontrol("c")                          # stop before any network call
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert secret not in shown
    assert secret in (tmp_path / ".env").read_text(encoding="utf-8")
    assert not (tmp_path / "demogen.yaml").exists()
