#!/usr/bin/env python3
r"""Voila time-to-first-widget (TTFW) and kernel memory of a notebook, relative to a reference page.

Usage:
  python benchmarks/voila_ttfw.py NOTEBOOK [options] [-- EXTRA_VOILA_ARGS...]

Serves the repository the way `make serve` does: ONE Voila server in directory
mode rooted at --root (default: the repository root, the parent of benchmarks/),
started with cwd=<root> so any voila.json / voila.py there is picked up:

  <python> -m voila --no-browser --port=P --Voila.ip=127.0.0.1 <root> [EXTRA_VOILA_ARGS]

Pages are opened at http://127.0.0.1:P/voila/render/<notebook relative to root>,
so NOTEBOOK and the reference must both live under the root. NOTEBOOK may be
given relative to the current directory or to the root.

The target NOTEBOOK and the reference notebook (default
benchmarks/ref/reference.ipynb: slider, dropdown, text area, small matplotlib
plot) are loaded alternately, target, reference, target, reference, ... in
headless Chromium (Playwright, sync API), so drift on the machine affects both
equally. Before the measured runs, --warmup rounds (default 1) load each page
once without counting it, so the first measured target load does not pay the
server's and browser's first-request costs alone. Every load uses a fresh page
in a fresh browser context (cold HTTP cache) and gets a new kernel. Per load:

  ttfw       wall time from the navigation request until --selector is visible
             (default '.jupyter-widgets', the first rendered ipywidgets view)
  dom        the same, from an in-page MutationObserver (performance.now(),
             first time the selector is attached to the DOM)
  resp_end   Navigation Timing responseEnd: Voila streams the page while it
             executes the notebook, so this is about "notebook executed"
  rss / uss  RSS and USS of the kernel serving that page, --settle seconds after
             the widget appeared; the kernel is found among the Voila server's
             children by the page's kernelId (its connection-file name)
  server     RSS of the Voila server process
  released   whether that kernel exited after the page was left (see below)
  cpu%       CPU used by this benchmark's processes (browser, server, kernel)
             during the load, in % of one core (2 cores = 200 %)
  other%     CPU used during the load by processes outside this benchmark (tests,
             another server...); the summary warns when it was high: absolute
             seconds are then inflated, the ratios (interleaved loads) less so

Kernel release (voila 0.5.x, upstream issue voila-dashboards/voila#1458): when
a page is left, its beforeunload beacon POSTs /voila/api/shutdown/<kernel> with
the value of the `_xsrf` cookie. Only Voila's tree page (/) sets that cookie; a
render page opened directly (a deep link such as the start-page address `make
serve` prints) does not, so the POST gets 403 and the kernel lives on until the
server stops or the idle culler (voila.json) removes it. The script seeds an
`_xsrf` cookie with path "/" in each browser context (what visiting the tree
page first would do; a cookie scoped to the render path is readable by the page
but not sent with the POST, which then fails with "XSRF cookie does not match
POST argument"), leaves the page and waits for the kernel to exit, so runs do
not accumulate kernels. --no-xsrf-cookie reproduces the leak (released=False).

Output: a per-load table, then median (min-max) per notebook, then the ratios
target/reference of the TTFW median and the kernel-RSS median: a human line
`ratio target/reference: TTFW 1.05, kernel RSS 0.62` and, LAST, one JSON line
{"target": ..., "reference": ..., "ttfw_target_s": ..., "ttfw_reference_s": ...,
 "ttfw_ratio": ..., "rss_target_mb": ..., "rss_reference_mb": ..., "rss_ratio": ...,
 "runs": ..., ...}.

Options:
  --reference NB        reference notebook (default benchmarks/ref/reference.ipynb)
  --root DIR            directory Voila serves (default: the repository root)
  -r/--runs R           measured loads per notebook (default 5)
  --warmup W            unmeasured warm-up rounds before the runs (default 1)
  --selector CSS        TTFW selector (default '.jupyter-widgets')
  --settle S            seconds between render and reading RSS (default 1.0)
  --quiet-wait S        before each load, wait up to S seconds (default 30) for
                        other processes on the machine to use less than 20 % of a
                        core; 0 = do not wait (our own processes are always
                        waited for)
  --busy-retries N      repeat a load (up to N times, default 2) when processes
                        outside the benchmark used more than 20 % of a core
                        during it; the busy attempt is listed but not counted
  --timeout S           per-load timeout (default 120)
  --chromium PATH       browser executable (default /usr/bin/chromium)
  --max-ttfw-ratio X    exit 1 when the TTFW ratio is above X (project target for
                        the start page: 1.3)
  --max-rss-ratio X     exit 1 when the kernel-RSS ratio is above X (target: 1.2)
  --json-out FILE       also write the full result (per-load data included) to FILE
  --screenshot DIR      save a PNG of each rendered page
  --keep-log            keep the Voila server log (its path is printed)
  --no-xsrf-cookie      do not seed the _xsrf cookie (reproduces the kernel leak)

Examples:
  python benchmarks/voila_ttfw.py notebooks/00-start.ipynb -r 5 \
      --max-ttfw-ratio 1.3 --max-rss-ratio 1.2
  python benchmarks/voila_ttfw.py benchmarks/ref/bare.ipynb --json-out /tmp/bare.json
  python benchmarks/voila_ttfw.py notebooks/00-start.ipynb -- --preheat_kernel=True

Run it with the Python of the environment that has voila, playwright and psutil
(Voila is started as `<that python> -m voila`); never `playwright install`, the
browser is the system Chromium. Exit code: 0 when every load rendered and the
given thresholds are met, 1 otherwise.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import platform
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from importlib import metadata
from itertools import count
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import psutil
from playwright.sync_api import Browser, sync_playwright

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_REFERENCE = REPO_ROOT / "benchmarks" / "ref" / "reference.ipynb"
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
MB = 1024 * 1024
OTHER_CPU_WARN = 20.0  # % of one core used by processes outside the benchmark

# In-page probe: performance.now() (ms since navigation start) the first time the
# watched selector is attached to the DOM; independent of Playwright's polling.
INIT_SCRIPT = """
(() => {
  const sel = %s;
  window.__bench = {};
  const check = () => {
    if (!('ttfw' in window.__bench) && document.querySelector(sel)) {
      window.__bench.ttfw = performance.now();
    }
  };
  new MutationObserver(check).observe(document, {childList: true, subtree: true});
})();
"""

NAV_TIMING_JS = """() => {
  const n = performance.getEntriesByType('navigation')[0];
  return n ? {ttfb: n.responseStart, response_end: n.responseEnd,
              dcl: n.domContentLoadedEventEnd} : null;
}"""

KERNEL_ID_JS = """() => {
  const e = document.getElementById('jupyter-config-data');
  return e ? JSON.parse(e.textContent).kernelId : null;
}"""


def log(msg: str) -> None:
    """Print and flush."""
    print(msg, flush=True)


def free_port() -> int:
    """Return a currently free TCP port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port: int, proc: subprocess.Popen, timeout: float) -> float:
    """Wait until the server accepts connections; return the seconds waited."""
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < timeout:
        if proc.poll() is not None:
            raise RuntimeError(f"voila exited early with code {proc.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return time.perf_counter() - t0
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"voila did not open port {port} within {timeout}s")


def kernel_procs(server: psutil.Process) -> list[psutil.Process]:
    """Kernel processes under the Voila server (ipykernel or a `kernel-<id>.json` kernel)."""
    out = []
    for p in server.children(recursive=True):
        try:
            cl = p.cmdline()
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
        if any("ipykernel" in a or ("kernel-" in a and a.endswith(".json")) for a in cl):
            out.append(p)
    return out


def find_kernel(server: psutil.Process, kernel_id: str | None) -> tuple[psutil.Process | None, str]:
    """Return the page's kernel (matched by kernelId) or else the newest one, and how."""
    procs = kernel_procs(server)
    if kernel_id:
        for p in procs:
            try:
                if any(kernel_id in a for a in p.cmdline()):
                    return p, "id"
            except psutil.NoSuchProcess:
                pass
    return max(procs, key=lambda p: p.create_time(), default=None), "newest"


def cpu_seconds(procs: list[psutil.Process]) -> dict[int, float]:
    """User+system CPU seconds of each live process, by pid."""
    out = {}
    for p in procs:
        with contextlib.suppress(psutil.NoSuchProcess):
            out[p.pid] = sum(p.cpu_times()[:2])
    return out


def stack_cpu_seconds() -> dict[int, float]:
    """CPU seconds of this process and all its descendants (server, kernels, browser)."""
    me = psutil.Process()
    return cpu_seconds([me, *me.children(recursive=True)])


def machine_busy_seconds() -> float:
    """CPU seconds the whole machine has spent busy (all cores, excluding idle and iowait)."""
    t = psutil.cpu_times()
    return sum(t) - t.idle - getattr(t, "iowait", 0.0)


def wait_quiescent(
    quiet_wait: float,
    min_wait: float = 0.3,
    own_timeout: float = 30.0,
    cpu_limit: float = 10.0,
    idle_samples: int = 4,
) -> tuple[float, float]:
    """Wait until our processes are idle and, for up to quiet_wait s, the machine too.

    Our processes are this script's descendants: the Voila server, its kernels,
    the Playwright driver and Chromium. Idle means below cpu_limit % of one core
    for idle_samples consecutive 0.25 s samples. Outside load (everything else
    on the machine) must also average below OTHER_CPU_WARN % of one core over
    those samples, unless quiet_wait seconds have passed. Returns the seconds
    waited and that outside load.
    """
    me = psutil.Process()
    t0 = time.perf_counter()
    time.sleep(min_wait)
    own_idle = 0
    other: list[float] = []
    while True:
        procs = me.children(recursive=True)
        before, m0, w0 = cpu_seconds(procs), machine_busy_seconds(), time.perf_counter()
        time.sleep(0.25)
        after, m1, w1 = cpu_seconds(procs), machine_busy_seconds(), time.perf_counter()
        ours = sum(after[pid] - before.get(pid, after[pid]) for pid in after)
        own_idle = own_idle + 1 if ours / (w1 - w0) * 100 < cpu_limit else 0
        other = [*other, max(0.0, (m1 - m0 - ours) / (w1 - w0) * 100)][-idle_samples:]
        elapsed = time.perf_counter() - t0
        if own_idle >= idle_samples:
            if statistics.fmean(other) < OTHER_CPU_WARN or elapsed >= quiet_wait:
                return elapsed, statistics.fmean(other)
        elif elapsed >= own_timeout:
            log(f"  warning: benchmark processes not idle after {own_timeout:.0f}s")
            return elapsed, statistics.fmean(other)


def stats(xs: list[float | None]) -> dict[str, float | None]:
    """Median, min and max of the non-None values."""
    vals = [x for x in xs if x is not None]
    if not vals:
        return {"median": None, "min": None, "max": None}
    return {
        "median": round(statistics.median(vals), 4),
        "min": round(min(vals), 4),
        "max": round(max(vals), 4),
    }


def ratio(a: float | None, b: float | None) -> float | None:
    """Return a / b rounded to 3 decimals, or None when either is missing."""
    return round(a / b, 3) if a is not None and b else None


def pkg_version(name: str) -> str | None:
    """Installed version of a distribution, or None."""
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def resolve_notebook(arg: str, root: Path) -> Path:
    """Resolve NOTEBOOK relative to the cwd, else to the root; it must lie under root."""
    p = Path(arg).expanduser()
    cands = [p] if p.is_absolute() else [Path.cwd() / p, root / p]
    for c in cands:
        if c.is_file():
            nb = c.resolve()
            if not nb.is_relative_to(root):
                raise SystemExit(f"{nb} is not under the served root {root}")
            return nb
    raise SystemExit(f"no such notebook: {arg} (looked in {', '.join(map(str, cands))})")


def measure_load(
    browser: Browser,
    server: psutil.Process,
    url: str,
    a: argparse.Namespace,
    shot: Path | None,
) -> dict[str, Any]:
    """Load url once in a fresh context; measure TTFW and kernel memory; leave the page."""
    r: dict[str, Any] = {}
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    ctx.add_init_script(INIT_SCRIPT % json.dumps(a.selector))
    if not a.no_xsrf_cookie:
        # path "/" so the beacon to /voila/api/shutdown/ carries it (a cookie scoped to the
        # render URL's path would be readable by the page but not sent with the POST)
        cookie = {"name": "_xsrf", "value": secrets.token_hex(16), "path": "/"}
        ctx.add_cookies([{**cookie, "domain": urlsplit(url).hostname}])
    page = ctx.new_page()
    kp = None
    try:
        cpu0, m0 = stack_cpu_seconds(), machine_busy_seconds()
        t0 = time.perf_counter()
        page.goto(url, wait_until="commit", timeout=a.timeout * 1000)
        el = page.wait_for_selector(a.selector, state="visible", timeout=a.timeout * 1000)
        wall = time.perf_counter() - t0
        cpu1, m1 = stack_cpu_seconds(), machine_busy_seconds()
        r["ttfw_s"] = round(wall, 4)
        ours = sum(v - cpu0.get(pid, 0.0) for pid, v in cpu1.items())
        r["stack_cpu_pct"] = round(ours / wall * 100)
        r["other_cpu_pct"] = round(max(0.0, (m1 - m0 - ours) / wall * 100))
        if el is not None:  # which element counted as the first widget, and where
            box = el.bounding_box() or {}
            r["first_widget"] = {
                "class": el.evaluate("e => String(e.className).slice(0, 120)"),
                "top_px": round(box["y"]) if "y" in box else None,
            }
        dom = page.evaluate("() => window.__bench || {}")
        r["ttfw_dom_s"] = round(dom["ttfw"] / 1000, 4) if "ttfw" in dom else None
        nav = page.evaluate(NAV_TIMING_JS) or {}
        r["nav_s"] = {k: round(v / 1000, 4) for k, v in nav.items() if v}
        r["kernel_id"] = kid = page.evaluate(KERNEL_ID_JS)
        time.sleep(a.settle)
        kp, r["kernel_match"] = find_kernel(server, kid)
        if kp is not None:
            mi = kp.memory_full_info()
            r["kernel_pid"] = kp.pid
            r["kernel_rss_mb"] = round(mi.rss / MB, 1)
            r["kernel_uss_mb"] = round(mi.uss / MB, 1)
        r["server_rss_mb"] = round(server.memory_info().rss / MB, 1)
        if shot is not None:
            page.screenshot(path=str(shot))
    except Exception as e:  # report the failed load and carry on with the others
        r["error"] = f"{type(e).__name__}: {(str(e).splitlines() or [''])[0]}"
        with contextlib.suppress(Exception):  # still check that its kernel is released
            found, how = find_kernel(server, page.evaluate(KERNEL_ID_JS))
            kp = found if how == "id" else None
    finally:
        # leave the page (also after a failure): Voila's beforeunload beacon asks the
        # server to shut the kernel down; page.close() alone would not run beforeunload
        with contextlib.suppress(Exception):
            page.goto("about:blank", timeout=10_000)
        page.close()
        ctx.close()
    if kp is not None:
        try:
            kp.wait(timeout=15)
            r["kernel_released"] = True
        except psutil.TimeoutExpired:
            r["kernel_released"] = False
    return r


def fmt(x: float | None, spec: str = ".2f") -> str:
    """Format a number, or '-' for None."""
    return "-" if x is None else format(x, spec)


def fmt_stats(s: dict[str, float | None], spec: str = ".2f") -> str:
    """Format as 'median (min-max)'."""
    if s["median"] is None:
        return "-"
    return f"{fmt(s['median'], spec)} ({fmt(s['min'], spec)}-{fmt(s['max'], spec)})"


def print_row(r: dict[str, Any]) -> None:
    """Print one line of the per-load table."""
    nav = r.get("nav_s", {})
    rel = r.get("kernel_released")
    note = "" if r.get("kernel_match", "id") == "id" else " (kernel matched by age, not id)"
    if "error" in r:
        note += f" ERROR {r['error']}"
    if r.get("discarded"):
        note += "  <- outside load too high: discarded, load repeated"
    log(
        f"{r['round']:>5}  {r['role']:<9}  {fmt(r.get('ttfw_s')):>6}  {fmt(r.get('ttfw_dom_s')):>6}"
        f"  {fmt(nav.get('response_end')):>8}  {fmt(r.get('kernel_rss_mb'), '.1f'):>7}"
        f"  {fmt(r.get('kernel_uss_mb'), '.1f'):>7}  {fmt(r.get('server_rss_mb'), '.1f'):>7}"
        f"  {'-' if rel is None else str(rel):<8}  {r.get('stack_cpu_pct', '-'):>4}"
        f"  {r.get('other_cpu_pct', '-'):>6}{note}"
    )


def summarize(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Statistics over the measured loads of one notebook."""
    return {
        "ttfw_s": stats([r.get("ttfw_s") for r in runs]),
        "ttfw_dom_s": stats([r.get("ttfw_dom_s") for r in runs]),
        "response_end_s": stats([r.get("nav_s", {}).get("response_end") for r in runs]),
        "kernel_rss_mb": stats([r.get("kernel_rss_mb") for r in runs]),
        "kernel_uss_mb": stats([r.get("kernel_uss_mb") for r in runs]),
        "runs": len(runs),
        "ok_runs": sum("ttfw_s" in r for r in runs),
        "kernels_released": sum(r.get("kernel_released") is True for r in runs),
        "other_cpu_pct": stats([r.get("other_cpu_pct") for r in runs]),
    }


def run_loads(
    browser: Browser,
    server: psutil.Process,
    urls: dict[str, str],
    a: argparse.Namespace,
    shots: Path | None,
) -> list[dict[str, Any]]:
    """Warm-up rounds, then the measured rounds, each loading target then reference.

    A load during which outside processes used more than OTHER_CPU_WARN % of a
    core is marked discarded and repeated, up to --busy-retries times.
    """
    loads: list[dict[str, Any]] = []
    for rnd in range(1 - a.warmup, a.runs + 1):
        label = rnd if rnd > 0 else f"w{rnd + a.warmup}"
        for role, url in urls.items():
            for attempt in count():
                waited, other_idle = wait_quiescent(a.quiet_wait)
                if waited > 5:
                    log(f"  (waited {waited:.0f}s for the machine to go quiet)")
                shot = shots / f"{role}_round{label}.png" if shots is not None else None
                r = measure_load(browser, server, url, a, shot)
                busy = r.get("other_cpu_pct", 0) > OTHER_CPU_WARN
                r = {
                    "round": label,
                    "role": role,
                    "warmup": rnd <= 0,
                    "discarded": busy and attempt < a.busy_retries,
                    "idle_wait_s": round(waited, 2),
                    "other_cpu_idle_pct": round(other_idle),
                    **r,
                }
                loads.append(r)
                print_row(r)
                if not r["discarded"]:
                    break
    return loads


def stop_server(proc: subprocess.Popen, server: psutil.Process) -> dict[str, Any]:
    """Count the kernels still alive, then stop Voila (SIGTERM shuts its kernels down)."""
    kids = kernel_procs(server) if server.is_running() else []
    alive_rss = 0.0
    for k in kids:
        with contextlib.suppress(psutil.NoSuchProcess):
            alive_rss += k.memory_info().rss / MB
    log(f"kernels alive before server shutdown: {len(kids)} ({alive_rss:.0f} MB RSS)")
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            log("  voila did not stop on SIGTERM; killing it (pid only)")
            proc.kill()
            proc.wait()
    for k in kids:  # kernels that outlived their server (should not happen)
        if k.is_running():
            log(f"  killing leftover kernel pid {k.pid}")
            k.kill()
    return {"kernels_alive_at_end": len(kids), "kernels_rss_mb_at_end": round(alive_rss, 1)}


def parse_args(argv: list[str]) -> tuple[argparse.Namespace, list[str]]:
    """Split off the extra Voila arguments after `--` and parse the rest."""
    extra: list[str] = []
    if "--" in argv:
        i = argv.index("--")
        argv, extra = argv[:i], argv[i + 1 :]
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("notebook")
    ap.add_argument("--reference", default=str(DEFAULT_REFERENCE))
    ap.add_argument("--root", default=str(REPO_ROOT))
    ap.add_argument("-r", "--runs", type=int, default=5)
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--selector", default=".jupyter-widgets")
    ap.add_argument("--settle", type=float, default=1.0)
    ap.add_argument("--quiet-wait", type=float, default=30.0)
    ap.add_argument("--busy-retries", type=int, default=2)
    ap.add_argument("--timeout", type=float, default=120.0)
    ap.add_argument("--chromium", default="/usr/bin/chromium")
    ap.add_argument("--max-ttfw-ratio", type=float)
    ap.add_argument("--max-rss-ratio", type=float)
    ap.add_argument("--json-out")
    ap.add_argument("--screenshot")
    ap.add_argument("--keep-log", action="store_true")
    ap.add_argument("--no-xsrf-cookie", action="store_true")
    a = ap.parse_args(argv)
    if a.runs < 1 or a.warmup < 0:
        ap.error("--runs must be >= 1 and --warmup >= 0")
    return a, extra


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; return the exit code."""
    a, extra_voila = parse_args(sys.argv[1:] if argv is None else argv)
    root = Path(a.root).resolve()
    if not root.is_dir():
        raise SystemExit(f"no such directory: {root}")
    notebooks = {
        "target": resolve_notebook(a.notebook, root),
        "reference": resolve_notebook(a.reference, root),
    }
    rel = {role: nb.relative_to(root).as_posix() for role, nb in notebooks.items()}
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    urls = {role: f"{base}/voila/render/{quote(p)}" for role, p in rel.items()}
    cmd = [
        sys.executable,
        "-m",
        "voila",
        "--no-browser",
        f"--port={port}",
        "--Voila.ip=127.0.0.1",
        str(root),
        *extra_voila,
    ]
    workdir = Path(tempfile.mkdtemp(prefix="voila_ttfw_"))
    log_path = workdir / "voila.log"
    shots = Path(a.screenshot) if a.screenshot else None
    if shots is not None:
        shots.mkdir(parents=True, exist_ok=True)
    log(f"target:    {rel['target']}")
    log(f"reference: {rel['reference']}")
    log(f"voila cmd: {' '.join(cmd)}  (cwd={root})")
    log(f"server log: {log_path}")
    log(f"{a.warmup} warm-up round(s), then {a.runs} measured round(s) of target + reference")

    loads: list[dict[str, Any]] = []
    end_state: dict[str, Any] = {}
    server_start_s = None
    browser_version = None
    with open(log_path, "w") as log_f:
        proc = subprocess.Popen(
            cmd, stdout=log_f, stderr=subprocess.STDOUT, cwd=str(root), start_new_session=True
        )
        server = psutil.Process(proc.pid)
        try:
            server_start_s = wait_port(port, proc, 60)
            log(f"server port open after {server_start_s:.2f}s")
            with sync_playwright() as pw:
                browser = pw.chromium.launch(
                    executable_path=a.chromium, args=CHROMIUM_ARGS, headless=True
                )
                browser_version = browser.version
                log("")
                log(
                    "round  notebook     ttfw_s   dom_s  resp_end  rss_MB   uss_MB   srv_MB"
                    "   released  cpu%  other%"
                )
                loads += run_loads(browser, server, urls, a, shots)
                browser.close()
        finally:
            end_state = stop_server(proc, server)
            log(f"server stopped (exit code {proc.returncode})")

    measured = {
        role: [r for r in loads if r["role"] == role and not r["warmup"] and not r["discarded"]]
        for role in ("target", "reference")
    }
    summ = {role: summarize(rs) for role, rs in measured.items()}
    kept = [r for r in loads if not r["discarded"]]
    all_rendered = all("ttfw_s" in r for r in kept) and len(kept) == 2 * (a.runs + a.warmup)
    discarded = sum(r["discarded"] for r in loads)

    log("")
    log(
        "median (min-max)  ttfw_s             dom_s              resp_end_s         "
        "kernel_rss_MB        kernel_uss_MB        released"
    )
    for role, s in summ.items():
        log(
            f"{role:<17} {fmt_stats(s['ttfw_s']):<18} {fmt_stats(s['ttfw_dom_s']):<18} "
            f"{fmt_stats(s['response_end_s']):<18} {fmt_stats(s['kernel_rss_mb'], '.1f'):<20} "
            f"{fmt_stats(s['kernel_uss_mb'], '.1f'):<20} "
            f"{s['kernels_released']}/{s['runs']}   ({s['ok_runs']}/{s['runs']} rendered)"
        )
    log(
        f"kernels alive at end: {end_state.get('kernels_alive_at_end')} "
        f"({end_state.get('kernels_rss_mb_at_end')} MB RSS)"
    )

    other = stats([r.get("other_cpu_pct") for rs in measured.values() for r in rs])["median"]
    if other is not None and other > OTHER_CPU_WARN:
        log(
            f"WARNING: other processes used {other:.0f}% of a core (median) during the loads: "
            "absolute seconds are inflated; compare the ratios, or rerun on a quiet machine"
        )
    t, ref = summ["target"], summ["reference"]
    ttfw_ratio = ratio(t["ttfw_s"]["median"], ref["ttfw_s"]["median"])
    rss_ratio = ratio(t["kernel_rss_mb"]["median"], ref["kernel_rss_mb"]["median"])
    uss_ratio = ratio(t["kernel_uss_mb"]["median"], ref["kernel_uss_mb"]["median"])

    def verdict(value: float | None, limit: float | None) -> tuple[bool, str]:
        if limit is None:
            return True, ""
        ok = value is not None and value <= limit
        return ok, f" (max {limit:g}: {'ok' if ok else 'EXCEEDED'})"

    ttfw_ok, ttfw_note = verdict(ttfw_ratio, a.max_ttfw_ratio)
    rss_ok, rss_note = verdict(rss_ratio, a.max_rss_ratio)
    ok = all_rendered and ttfw_ok and rss_ok

    summary: dict[str, Any] = {
        "target": rel["target"],
        "reference": rel["reference"],
        "ttfw_target_s": t["ttfw_s"]["median"],
        "ttfw_reference_s": ref["ttfw_s"]["median"],
        "ttfw_ratio": ttfw_ratio,
        "rss_target_mb": t["kernel_rss_mb"]["median"],
        "rss_reference_mb": ref["kernel_rss_mb"]["median"],
        "rss_ratio": rss_ratio,
        "runs": a.runs,
        "uss_target_mb": t["kernel_uss_mb"]["median"],
        "uss_reference_mb": ref["kernel_uss_mb"]["median"],
        "uss_ratio": uss_ratio,
        "max_ttfw_ratio": a.max_ttfw_ratio,
        "max_rss_ratio": a.max_rss_ratio,
        "all_rendered": all_rendered,
        "kernels_released": t["kernels_released"] + ref["kernels_released"],
        "other_cpu_pct_median": other,
        "discarded_loads": discarded,
        **end_state,
        "ok": ok,
    }
    if a.json_out:
        full = {
            **summary,
            "stats": summ,
            "warmup": a.warmup,
            "selector": a.selector,
            "root": str(root),
            "voila_cmd": cmd,
            "extra_voila_args": extra_voila,
            "server_start_s": round(server_start_s, 3) if server_start_s else None,
            "xsrf_cookie_seeded": not a.no_xsrf_cookie,
            "machine": {"cpus": psutil.cpu_count(), "platform": platform.platform()},
            "versions": {
                "python": platform.python_version(),
                **{n: pkg_version(n) for n in ("voila", "ipywidgets", "ipykernel", "playwright")},
                "chromium": browser_version,
            },
            "per_load": loads,
        }
        Path(a.json_out).write_text(json.dumps(full, indent=2) + "\n")
        log(f"full result written to {a.json_out}")
    if a.keep_log:
        log(f"server log kept: {log_path}")
    else:
        shutil.rmtree(workdir, ignore_errors=True)
    log(
        f"ratio target/reference: TTFW {fmt(ttfw_ratio)}{ttfw_note}, "
        f"kernel RSS {fmt(rss_ratio)}{rss_note}"
    )
    print(json.dumps(summary), flush=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
