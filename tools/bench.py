"""`make bench`: what authors and readers wait for, each next to its floor, medians of N runs.

Prints one table and writes build/bench.json. Not a test: timings on shared machines are noisy.
Rows: the doctests against `python -c "import torch, sybil"`; a cold and a warm-cache
`mkdocs build --strict` against a one-page stock mkdocs-material build; `mkdocs serve`
edit-to-reload latency; and per page, in Chromium on 127.0.0.1, the bytes of a first load (each
resource gzip-compressed, as GitHub Pages serves it), the time until the page's fonts (the math
font included) are ready, and Lighthouse scores: performance (mobile and desktop) and accessibility.
"""

from __future__ import annotations

import gzip
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import date
from pathlib import Path

from autograd_site import local_site

ROOT = Path(__file__).resolve().parents[1]  # tools/ sits in the repository
PYTHON = sys.executable
MKDOCS = [PYTHON, "-m", "mkdocs"]
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
OUT = ROOT / "build"
RUNS = int(os.environ.get("BENCH_RUNS", "3"))
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}


def _run(command: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, env=ENV, check=True, capture_output=True)
    return time.perf_counter() - start


def seconds(command: list[str], before=None) -> float:
    """Median wall time of ``command`` over RUNS runs (``before`` runs untimed before each)."""
    times = []
    for _ in range(RUNS):
        if before:
            before()
        times.append(_run(command, ROOT))
    return statistics.median(times)


def paired_seconds(measured: tuple[list[str], Path], floor: tuple[list[str], Path]):
    """Medians of a command and of its floor, run alternately, so that a change in the machine's
    load during the bench weighs on both sides of the ratio alike."""
    pairs = [(_run(*measured), _run(*floor)) for _ in range(RUNS)]
    return tuple(statistics.median(side) for side in zip(*pairs, strict=True))


def stock_project(directory: Path) -> Path:
    (directory / "docs").mkdir(parents=True)
    (directory / "docs" / "index.md").write_text("# Floor\n\nOne page of stock mkdocs-material.\n")
    (directory / "mkdocs.yml").write_text("site_name: Floor\ntheme:\n  name: material\n")
    return directory


def clear_caches() -> None:
    shutil.rmtree(ROOT / ".cache", ignore_errors=True)


def reload_seconds(page: Path) -> float:
    """Median time from saving an edited page to `mkdocs serve` serving the edit."""
    with socket.socket() as probe:  # a free port
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [*MKDOCS, "serve", "--dev-addr", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env={**ENV, "SITE_URL": f"http://127.0.0.1:{port}/"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/{page.stem}/"
    original = page.read_text(encoding="utf-8")
    try:
        _wait_for(lambda: "</html>" in _get(url), timeout=120)
        times = []
        for run in range(RUNS):
            marker = f"bench-marker-{run}-{time.time_ns()}"
            start = time.perf_counter()
            page.write_text(original + f"\n{marker}\n", encoding="utf-8")
            _wait_for(lambda marker=marker: marker in _get(url), timeout=60)
            times.append(time.perf_counter() - start)
            page.write_text(original, encoding="utf-8")
            _wait_for(lambda marker=marker: marker not in _get(url), timeout=60)
        return statistics.median(times)
    finally:
        page.write_text(original, encoding="utf-8")
        server.terminate()
        server.wait()


def _get(url: str) -> str:
    """The page's HTML, or "" while the server is not up or the page is missing (404)."""
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8", "replace")
    except OSError:
        return ""


def _wait_for(condition, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("mkdocs serve did not serve the change in time")
        time.sleep(0.02)


def page_loads(site: Path, paths: list[str]) -> dict[str, dict]:
    """Per page: compressed bytes of a first load, fonts-ready time, Lighthouse scores."""
    from playwright.sync_api import sync_playwright

    results = {}
    with local_site.serve(site) as base, sync_playwright() as playwright:
        browser = local_site.launch_chromium(playwright)
        for path in paths:
            sizes, ready = [], []
            for _ in range(RUNS):
                context = browser.new_context()
                tab = context.new_page()
                responses = []
                tab.on("response", lambda response, seen=responses: seen.append(response))
                tab.goto(base + path, wait_until="load")
                ready.append(tab.evaluate("document.fonts.ready.then(() => performance.now())"))
                tab.wait_for_load_state("networkidle")
                sizes.append(sum(_compressed_size(r) for r in responses))
                context.close()
            results[path or "/"] = {
                "kb": statistics.median(sizes) / 1000,
                "fonts_ready_ms": statistics.median(ready),
                **_lighthouse(base + path),
            }
        browser.close()
    return results


def _compressed_size(response) -> int:
    """Bytes on the wire: the body gzip-compressed where the server compresses it."""
    try:
        body = response.body()
    except Exception:  # noqa: BLE001 - a redirect or aborted request has no body to count
        return 0
    kind = response.headers.get("content-type", "")
    compressed = any(k in kind for k in local_site.COMPRESSIBLE)
    return len(gzip.compress(body, 6)) if compressed else len(body)


def _lighthouse(url: str) -> dict[str, float]:
    """Median scores: Lighthouse's default (a mid-range phone on slow 4G, CPU slowed 4x) for
    performance and accessibility, and its desktop preset for performance."""
    scores = {"performance": [], "accessibility": [], "performance_desktop": []}
    for _ in range(RUNS):
        for preset, categories in ((None, "performance,accessibility"), ("desktop", "performance")):
            result = subprocess.run(
                [
                    str(LIGHTHOUSE),
                    url,
                    *([f"--preset={preset}"] if preset else []),
                    "--quiet",
                    "--output=json",
                    "--output-path=stdout",
                    f"--only-categories={categories}",
                    "--chrome-flags=--headless=new --no-sandbox --disable-background-networking",
                ],
                env={**ENV, "CHROME_PATH": str(local_site.CHROMIUM)},
                capture_output=True,
                text=True,
                check=True,
            )
            report = json.loads(result.stdout)
            for name, category in report["categories"].items():
                key = f"{name}_{preset}" if preset else name
                if category["score"] is None:  # the run failed; say why, and count it out
                    problem = report.get("runtimeError", {}).get("message", "no score")
                    print(f"lighthouse {url} {key}: {problem}", file=sys.stderr)
                    continue
                scores[key].append(round(category["score"] * 100))
    return {
        name: statistics.median(values) if values else float("nan")
        for name, values in scores.items()
    }


def main() -> None:
    if not LIGHTHOUSE.exists():  # checked before the minutes of timing that precede its use
        raise SystemExit("lighthouse is missing: run `npm install` (make bench does)")
    pages = [path.relative_to(ROOT / "docs") for path in sorted((ROOT / "docs").rglob("*.md"))]
    report: dict = {
        "date": date.today().isoformat(),
        "runs": RUNS,
        "machine": f"{os.cpu_count()} cores, "
        f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f}"
        f" GiB, {platform.machine()}, Python {platform.python_version()}",
    }
    report["doctests_s"], report["doctests_floor_s"] = paired_seconds(
        ([PYTHON, "-m", "pytest", "docs", "-q", "-p", "no:cacheprovider"], ROOT),
        ([PYTHON, "-c", "import torch, sybil"], ROOT),
    )
    with tempfile.TemporaryDirectory() as temporary:
        site = Path(temporary) / "site"
        build = [*MKDOCS, "build", "--strict", "--site-dir", str(site)]
        report["build_cold_s"] = seconds(build, before=clear_caches)
        floor = stock_project(Path(temporary) / "floor")
        report["build_warm_s"], report["build_floor_s"] = paired_seconds(
            (build, ROOT), ([*MKDOCS, "build", "--site-dir", str(floor / "site")], floor)
        )
        report["reload_s"] = reload_seconds(ROOT / "docs" / "gradients-of-scalar-functions.md")
        paths = ["" if p.stem == "index" else f"{p.with_suffix('').as_posix()}/" for p in pages]
        paths += ["notebooks/walkthrough/"]
        report["pages"] = page_loads(site, paths)
    OUT.mkdir(exist_ok=True)
    (OUT / "bench.json").write_text(json.dumps(report, indent=2))
    print(table(report))


def table(report: dict) -> str:
    doctests = report["doctests_s"] / report["doctests_floor_s"]
    warm = report["build_warm_s"] / report["build_floor_s"]
    cold = report["build_cold_s"] / report["build_floor_s"]
    rows = [
        f"Benchmarks, {report['date']}, {report['machine']}, median of {report['runs']} runs",
        "",
        "| What | Measured | Floor | Ratio | Goal |",
        "| --- | --- | --- | --- | --- |",
        f"| doctests of all pages | {report['doctests_s']:.2f} s | "
        f"{report['doctests_floor_s']:.2f} s (`import torch, sybil`) | {doctests:.1f}× | ≤ 2× |",
        f"| `mkdocs build --strict`, warm caches | {report['build_warm_s']:.2f} s | "
        f"{report['build_floor_s']:.2f} s (stock one-page build) | {warm:.1f}× | ≤ 3× |",
        f"| `mkdocs build --strict`, no caches | {report['build_cold_s']:.2f} s | "
        f"{report['build_floor_s']:.2f} s | {cold:.1f}× | (see note) |",
        f"| `mkdocs serve` edit-to-reload | {report['reload_s']:.2f} s | | | ≤ 2 s |",
        "",
        "| Page | First load (gzip) | Fonts ready | Lighthouse perf. (mobile) | (desktop) "
        "| Lighthouse a11y |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for path, page in report["pages"].items():
        rows.append(
            f"| {path} | {page['kb']:.0f} kB | {page['fonts_ready_ms']:.0f} ms | "
            f"{page['performance']:.0f} | {page['performance_desktop']:.0f} | "
            f"{page['accessibility']:.0f} |"
        )
    rows.append("")
    rows.append("Goals per page: ≤ 1000 kB, math ready ≤ 500 ms, Lighthouse ≥ 95 for both.")
    return "\n".join(rows)


if __name__ == "__main__":
    main()
