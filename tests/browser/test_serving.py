"""Serving as learners meet it: the Binder path inside a Jupyter server, and kernel release."""

from __future__ import annotations

import json
import re
import shutil
import time
import urllib.parse
from pathlib import Path

import psutil
import pytest

from tests.conftest import BIN, ROOT, Server, free_port, server_env, start_voila, wait_for_http

pytestmark = pytest.mark.browser


def readme_voila_path() -> str:
    """The urlpath of the README's Voila Binder badge, decoded."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(r"urlpath=(voila[^)\s\"&]+)", text)
    assert match, "README has no Binder link with urlpath=voila/..."
    return urllib.parse.unquote(match.group(1))


def kernels_of(server: Server) -> list[psutil.Process]:
    """The server's live kernel processes (a kernel that exited, even as a zombie, is gone)."""
    parent = psutil.Process(server.proc.pid)
    kernels = []
    for child in parent.children(recursive=True):
        try:
            if child.status() == psutil.STATUS_ZOMBIE:
                continue
            if any("ipykernel" in part for part in child.cmdline()):
                kernels.append(child)
        except (psutil.NoSuchProcess, psutil.ZombieProcess):
            continue
    return kernels


def test_readme_binder_link_renders_start_page_in_jupyter_server(page, tmp_path: Path):
    """Does the README's Binder link path render the start page under a Jupyter server?"""
    path = readme_voila_path()
    assert path == "voila/render/notebooks/00-start.ipynb"
    # The same server settings postBuild installs, read from a config.d folder.
    conf = tmp_path / "etc" / "jupyter_server_config.d"
    conf.mkdir(parents=True)
    shutil.copy(ROOT / "binder" / "jupyter_server_config.json", conf / "models-for-change.json")
    env = server_env(tmp_path)
    env["JUPYTER_CONFIG_PATH"] = str(tmp_path / "etc")
    port = free_port()
    args = [
        str(BIN / "jupyter"),
        "server",
        "--no-browser",
        f"--ServerApp.port={port}",
        "--ServerApp.ip=127.0.0.1",
        "--IdentityProvider.token=",
        "--ServerApp.root_dir=.",
        "--allow-root",
    ]
    server = Server(args, f"http://127.0.0.1:{port}", tmp_path / "server.log", env)
    try:
        wait_for_http(server.url("/api/status"), server.proc)
        page.goto(server.url(path))
        page.wait_for_selector(".jupyter-widgets", state="visible", timeout=60_000)
        heading = page.get_by_role("heading", name="Start here", level=1)
        heading.wait_for(timeout=60_000)
        assert "All modules" in page.evaluate("document.body.innerText")
    finally:
        server.stop()


def test_served_pages_release_their_kernels(browser, tmp_path: Path):
    """Is the kernel of a closed page culled, so kernels do not pile up (Voila 0.5 leak)?"""
    settings = json.loads((ROOT / "voila.json").read_text(encoding="utf-8"))
    culling = settings["MappingKernelManager"]
    assert culling["cull_idle_timeout"] > 0 and culling["cull_interval"] > 0
    # Same configuration, shorter timings so the test is quick.
    server = start_voila(
        tmp_path,
        "--MappingKernelManager.cull_idle_timeout=6",
        "--MappingKernelManager.cull_interval=1",
    )
    try:
        for _ in range(2):
            context = browser.new_context()
            page = context.new_page()
            page.goto(server.url("voila/render/notebooks/00-start.ipynb"))
            page.wait_for_selector(".jupyter-widgets", state="visible", timeout=60_000)
            assert kernels_of(server), "the page should have a running kernel"
            context.close()
        deadline = time.monotonic() + 30
        while kernels_of(server) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert kernels_of(server) == [], "kernels of closed pages are still running"
    finally:
        server.stop()
