"""Shared fixtures: the repository, a private data folder, Voila servers and the browser."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
START_PATH = "voila/render/notebooks/00-start.ipynb"


@pytest.fixture(autouse=True)
def _private_progress(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """Keep every test's progress file out of the real user folder."""
    monkeypatch.setenv("ENGAGE_DATA_DIR", str(tmp_path_factory.mktemp("engage-data")))


@pytest.fixture(scope="session")
def repo() -> Path:
    """The repository root."""
    return ROOT


def free_port() -> int:
    """Return a TCP port that is free on the loopback interface."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_http(url: str, proc: subprocess.Popen, timeout: float = 60.0) -> None:
    """Wait until a server answers, failing early if it died."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with code {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(f"server did not answer at {url} within {timeout} s")


class Server:
    """A server process started for the tests, with its base URL and log."""

    def __init__(self, args: list[str], base: str, log: Path, env: dict[str, str]) -> None:
        self.log_path = log
        self._log = log.open("wb")
        self.proc = subprocess.Popen(
            args, cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT
        )
        self.base = base
        self.data_dir = Path(env["ENGAGE_DATA_DIR"])

    def forget_progress(self) -> None:
        """Remove the learner's progress files, so a test starts as a new learner."""
        for path in self.data_dir.glob("progress.json*"):
            path.unlink()

    def url(self, path: str) -> str:
        return f"{self.base}/{path.lstrip('/')}"

    def log(self) -> str:
        self._log.flush()
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self._log.close()


def server_env(data_dir: Path) -> dict[str, str]:
    """Environment for a server: the venv first on PATH, a private progress folder."""
    env = dict(os.environ)
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env["ENGAGE_DATA_DIR"] = str(data_dir)
    return env


def start_voila(tmp: Path, *extra: str) -> Server:
    """Start Voila the way `make serve` does (directory mode at the repo root)."""
    port = free_port()
    args = [
        str(BIN / "voila"),
        "--no-browser",
        f"--port={port}",
        "--Voila.ip=127.0.0.1",
        ".",
        *extra,
    ]
    server = Server(args, f"http://127.0.0.1:{port}", tmp / "voila.log", server_env(tmp))
    try:
        wait_for_http(server.url("/"), server.proc)
    except Exception:
        server.stop()
        raise
    return server


@pytest.fixture(scope="session")
def voila_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One Voila server for the browser tests, like `make serve` but on a free port."""
    server = start_voila(tmp_path_factory.mktemp("voila"))
    yield server
    server.stop()


@pytest.fixture
def voila(voila_server: Server) -> Server:
    """The shared Voila server, with a new learner's empty progress."""
    voila_server.forget_progress()
    return voila_server


def require_chromium() -> None:
    """Skip browser tests without Chromium, except under CI where that is a failure."""
    if CHROMIUM.exists():
        return
    message = f"{CHROMIUM} is missing (make test installs it as root: apt-get install chromium)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Debian's headless Chromium through Playwright (never a downloaded browser)."""
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    """A fresh page in a fresh browser context."""
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    yield page
    context.close()


def copy_tree(src: Path, dst: Path) -> Path:
    """Copy the course (modules and notebooks) into a scratch folder."""
    for name in ("modules", "notebooks"):
        shutil.copytree(src / name, dst / name)
    return dst
