"""The personal-data key on the command line: ``init`` makes the key file beside the database,
and with the key missing or wrong every command, ``serve`` included, refuses in one line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from casework.storage import personal
from tests.helpers import VALID_ID

ROOT = Path(__file__).resolve().parents[2]
CASEWORK = str(Path(sys.executable).parent / "casework")


def _run(tmp_path: Path, *args: str, key: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CASEWORK_")}
    env["CASEWORK_NOW"] = "2020-12-01T10:00"
    if key is not None:
        env[personal.KEY_ENV] = key
    return subprocess.run(
        [CASEWORK, "--db", str(tmp_path / "town.db"), *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        check=False,
        timeout=120,
    )


@pytest.fixture
def town(tmp_path: Path) -> Path:
    done = _run(tmp_path, "init", "--offices", "gaozhou")
    assert done.returncode == 0, done.stderr
    made = _run(
        tmp_path, "--as", "admin", "case", "register", "petition", "--office", "panzhou",
        "--title", "拖欠工资", "--party", f"petitioner:陈某:{VALID_ID}:13800138000",
    )  # fmt: skip
    assert made.returncode == 0, made.stderr + made.stdout
    return tmp_path


def _one_line_refusal(done: subprocess.CompletedProcess[str], words: str) -> None:
    assert done.returncode != 0
    out = (done.stderr + done.stdout).strip()
    assert "Traceback" not in out and len(out.splitlines()) == 1, out
    assert words in out and VALID_ID not in out


@pytest.mark.parametrize(
    "args",
    [
        ("--as", "admin", "case", "list"),
        ("--as", "admin", "audit", "verify"),
        ("serve", "--port", "1"),
    ],
)
def test_without_the_key_file_every_command_refuses(town: Path, args: tuple[str, ...]) -> None:
    key_file = town / personal.KEY_FILE
    assert key_file.exists() and key_file.stat().st_mode & 0o777 == 0o600
    if args[0] != "serve":  # with its key the command works (serve would keep serving)
        assert _run(town, *args).returncode == 0
    key_file.rename(town / "kept-elsewhere.key")
    _one_line_refusal(_run(town, *args), "缺少个人信息密钥")


def test_a_wrong_key_refuses_and_the_right_one_by_environment_opens(town: Path) -> None:
    _one_line_refusal(_run(town, "--as", "admin", "case", "list", key="ab" * 32), "不符")
    _one_line_refusal(_run(town, "--as", "admin", "case", "list", key="short"), "格式不对")
    right = (town / personal.KEY_FILE).read_text().strip()
    (town / personal.KEY_FILE).unlink()
    done = _run(town, "--as", "admin", "case", "list", key=right)
    assert done.returncode == 0, done.stderr
    assert "XF-2020-panzhou" in done.stdout
