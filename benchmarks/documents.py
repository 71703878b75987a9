#!/usr/bin/env python3
"""Document benchmark: a 40-page two-column booklet, 400 stamped school copies, DOCX, answer sheet.

    .venv/bin/python benchmarks/documents.py                 # everything
    .venv/bin/python benchmarks/documents.py --rounds 7 --schools 50 --no-docx
    .venv/bin/python benchmarks/documents.py --only-booklet  # the booklet comparison alone

The machine is shared: the load average is printed before and after, CPU seconds beside wall seconds
(on a busy machine wall time grows first), and the booklet figures are medians of interleaved rounds
with their spread.

Booklet, WeasyPrint against Chromium (the peer), both warm, in the same rounds:
  weasyprint   exports.booklet.render_booklet_pdf on the demo form repeated to ~40 pages, Thai segmented by
               dictionary (its own time is in the figure), in one worker process that has already rendered
               the booklet once (imports, fonts, dictionary loaded): what a job worker's next booklet costs
  unsegmented  the same worker, the same booklet without segmentation (Pango's libthai alone): what
               segmentation adds
  chromium     the same booklet HTML file printed to PDF by Debian's chromium through Playwright's
               page.pdf, in one browser that has already printed it once (CPU: the browser's processes)
  Each round runs the three in a rotating order; the ratio is taken round by round, then its median.
Cold, once each (--cold-rounds N for more): a fresh python process that imports and renders the booklet
(interpreter start, imports and fonts included) against a fresh `chromium --headless --print-to-pdf`
(browser start included), both timed as whole commands.
Then, once each: stamp (exports.stamp.stamp_copies of the master for N schools, default 400), docx
(exports.docx.booklet_docx, then LibreOffice → PDF), sheet (exports.answer_sheet, 40 items).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REPEAT = 11  # the 40-item demo form × 11 = 440 items ≈ 40 pages
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]  # fmt: skip


def _child(step: str, work: Path, args: argparse.Namespace) -> dict:
    code = f"""
import json, resource, sys, time
sys.path.insert(0, {str(ROOT)!r})
from pathlib import Path
work = Path({str(work)!r})
out = {{}}
{_STEPS[step]}
out["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(out))
"""
    done = subprocess.run(
        [sys.executable, "-c", code, str(args.schools)], capture_output=True, text=True, cwd=ROOT, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"{step} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


_TIMER = """
def timed(fn):
    w, c = time.perf_counter(), time.process_time()
    value = fn()
    return value, time.perf_counter() - w, time.process_time() - c
"""

_BOOKLET = f"""
import io, pikepdf
from exports.booklet import render_booklet_pdf, booklet_html
from demo.documents import demo_booklet
b = demo_booklet("A", repeat={REPEAT})
"""

_STEPS = {
    # the booklet's HTML (the peer prints this file) and its master PDF (stamp's input); untimed
    "master": _BOOKLET
    + """
(work / "booklet.html").write_text(booklet_html(b), encoding="utf-8")
pdf = render_booklet_pdf(b, work / "master.pdf")
out["pages"] = len(pikepdf.open(io.BytesIO(pdf)).pages)
out["items"] = len(b.items)
out["size_kib"] = len(pdf) / 1024
""",
    # a whole cold command: interpreter start, imports, fonts, dictionary, render
    "cold": _BOOKLET + """render_booklet_pdf(b)""",
    "stamp": _TIMER
    + """
from exports.stamp import SchoolStamp, stamp_copies
n = int(sys.argv[1])
schools = [SchoolStamp(f"10{k:08d}", f"บ้านหนองบัววิทยาคม {k}") for k in range(1, n + 1)]
paths, out["wall_s"], out["cpu_s"] = timed(lambda: stamp_copies(work / "master.pdf", schools, work / "copies"))
out["copies"] = len(paths)
out["size_kib"] = sum(p.stat().st_size for p in paths) / 1024
""",
    "docx": _TIMER
    + f"""
from exports.docx import booklet_docx, docx_to_pdf
from demo.documents import demo_booklet
import pikepdf
b = demo_booklet("A", repeat={REPEAT})
_, out["wall_s"], out["cpu_s"] = timed(lambda: booklet_docx(b, work / "booklet.docx"))
pdf, out["convert_wall_s"], _ = timed(lambda: docx_to_pdf(work / "booklet.docx", work / "lo"))
out["pages"] = len(pikepdf.open(pdf).pages)
""",
    "sheet": _TIMER
    + """
from exports.answer_sheet import render_answer_sheet
from demo.documents import demo_answer_sheet
_, out["wall_s"], out["cpu_s"] = timed(lambda: render_answer_sheet(demo_answer_sheet(), work / "sheet.pdf"))
""",
}

# A WeasyPrint worker: renders once to warm up, then one booklet per line read ("seg" or "plain").
_WORKER = _BOOKLET + """
import json, sys, time
from exports.text import _segment_text, thai_words
render_booklet_pdf(b)
render_booklet_pdf(b, segment=False)
print("ready", flush=True)
for line in sys.stdin:
    seg = line.strip() == "seg"
    for cache in (_segment_text, thai_words):
        cache.cache_clear()  # every render segments every word again
    w, c = time.perf_counter(), time.process_time()
    pdf = render_booklet_pdf(b, segment=seg)
    w, c = time.perf_counter() - w, time.process_time() - c
    print(json.dumps({"wall_s": w, "cpu_s": c, "pages": len(pikepdf.open(io.BytesIO(pdf)).pages)}), flush=True)
"""


class _Worker:
    def __init__(self) -> None:
        code = f"import sys; sys.path.insert(0, {str(ROOT)!r})\n" + _WORKER
        self.proc = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     text=True, cwd=ROOT, bufsize=1)  # fmt: skip
        if self.proc.stdout.readline().strip() != "ready":
            raise SystemExit("the WeasyPrint worker did not start")

    def render(self, kind: str) -> dict:
        self.proc.stdin.write(kind + "\n")
        self.proc.stdin.flush()
        return json.loads(self.proc.stdout.readline())

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait(timeout=60)


def _tree_cpu(root: int) -> float:
    """CPU seconds (user + system) of the live processes below `root` (Chromium's browser, renderer, GPU…)."""
    children: dict[int, list[int]] = {}
    stats: dict[int, float] = {}
    tick = os.sysconf("SC_CLK_TCK")
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry))
        stats[int(entry)] = (int(fields[11]) + int(fields[12])) / tick
    total, todo = 0.0, list(children.get(root, []))
    while todo:
        pid = todo.pop()
        total += stats.get(pid, 0.0)
        todo.extend(children.get(pid, []))
    return total


class _Chromium:
    """Debian's chromium driven by Playwright: one browser, one page, warmed by one print."""

    def __init__(self, exe: str, html: Path, out: Path) -> None:
        from playwright.sync_api import sync_playwright

        self.pw = sync_playwright().start()
        self.browser = self.pw.chromium.launch(executable_path=exe, headless=True, args=CHROMIUM_ARGS)
        self.page = self.browser.new_page()
        self.uri, self.out = html.as_uri(), out
        self.render()

    def render(self) -> dict:
        before, w = _tree_cpu(os.getpid()), time.perf_counter()
        self.page.goto(self.uri, wait_until="load")
        self.page.pdf(path=str(self.out), prefer_css_page_size=True, print_background=True)
        wall = time.perf_counter() - w
        return {"wall_s": wall, "cpu_s": _tree_cpu(os.getpid()) - before, "pages": _pages(self.out)}

    def close(self) -> None:
        self.browser.close()
        self.pw.stop()


def _pages(pdf: Path) -> int:
    import pikepdf

    with pikepdf.open(pdf) as doc:
        return len(doc.pages)


def _cold(exe: str | None, work: Path) -> tuple[dict, dict | None]:
    """One whole cold command each: python rendering the booklet, chromium printing its HTML."""
    code = f"import sys; sys.path.insert(0, {str(ROOT)!r})\n" + _STEPS["cold"]
    figures = []
    for cmd in ([sys.executable, "-c", code],
                None if exe is None else [exe, "--headless", *CHROMIUM_ARGS, "--no-pdf-header-footer",
                                          f"--print-to-pdf={work / 'cold.pdf'}", (work / "booklet.html").as_uri()]):  # fmt: skip
        if cmd is None:
            figures.append(None)
            continue
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        w = time.perf_counter()
        subprocess.run(cmd, capture_output=True, check=True, timeout=300, cwd=ROOT)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        figures.append({"wall_s": time.perf_counter() - w,
                        "cpu_s": after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime})  # fmt: skip
    return figures[0], figures[1]


def _booklet_rounds(exe: str | None, work: Path, rounds: int) -> dict[str, list[dict]]:
    """`rounds` interleaved rounds of the warm WeasyPrint worker (segmented, unsegmented) and chromium."""
    worker = _Worker()
    chromium = _Chromium(exe, work / "booklet.html", work / "chromium.pdf") if exe else None
    kinds = ["weasyprint", "unsegmented"] + (["chromium"] if chromium else [])
    runs: dict[str, list[dict]] = {k: [] for k in kinds}
    try:
        for r in range(rounds):
            for kind in kinds[r % len(kinds):] + kinds[:r % len(kinds)]:
                if kind == "chromium":
                    runs[kind].append(chromium.render())
                else:
                    runs[kind].append(worker.render("seg" if kind == "weasyprint" else "plain"))
    finally:
        worker.close()
        if chromium:
            chromium.close()
    return runs


def _spread(values: list[float]) -> str:
    return f"{statistics.median(values):6.2f} ({min(values):.2f}–{max(values):.2f})"


def _load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3]) if Path("/proc/loadavg").exists() else "?"


def _print_booklet(runs: dict[str, list[dict]], master: dict, cold: tuple[dict, dict | None]) -> dict:
    n = len(runs["weasyprint"])
    print(f"booklet: {master['pages']} pages, {master['items']} items, {master['size_kib']:.0f} KiB; "
          f"{n} interleaved rounds, warm; median (min–max)")  # fmt: skip
    print(f"{'':<30}{'wall s':>22}{'cpu s':>22}  pages")
    for kind, label in (("weasyprint", "WeasyPrint, segmented"), ("unsegmented", "WeasyPrint, unsegmented"),
                        ("chromium", "chromium (Playwright)")):  # fmt: skip
        if kind in runs:
            rs = runs[kind]
            print(f"{label:<30}{_spread([r['wall_s'] for r in rs]):>22}{_spread([r['cpu_s'] for r in rs]):>22}  "
                  f"{rs[0]['pages']}")  # fmt: skip
    seg, plain = runs["weasyprint"], runs["unsegmented"]
    adds = [s["cpu_s"] / p["cpu_s"] - 1 for s, p in zip(seg, plain, strict=True)]
    summary = {"weasyprint_wall_s": statistics.median(r["wall_s"] for r in seg),
               "segmentation_adds": statistics.median(adds)}  # fmt: skip
    print(f"{'segmentation adds (cpu)':<30}{statistics.median(adds) * 100:+5.0f} % ({min(adds) * 100:+.0f} … "
          f"{max(adds) * 100:+.0f} %)   target ≤ 10 %")  # fmt: skip
    print(f"{'WeasyPrint segmented, wall':<30}{summary['weasyprint_wall_s']:6.2f} s   target ≤ 6 s")
    if "chromium" in runs:
        chrome = runs["chromium"]
        for what in ("wall_s", "cpu_s"):
            ratios = [s[what] / c[what] for s, c in zip(seg, chrome, strict=True) if c[what] > 0]
            if ratios:
                summary[f"ratio_{what}"] = statistics.median(ratios)
                print(f"{'WeasyPrint / chromium, ' + what[:-2]:<30}{statistics.median(ratios):6.2f}× "
                      f"({min(ratios):.2f}–{max(ratios):.2f}, round by round)   target ≤ 2×")  # fmt: skip
    wp, ch = cold
    line = f"cold, whole command: python + WeasyPrint {wp['wall_s']:.2f} s wall, {wp['cpu_s']:.2f} s cpu"
    if ch:
        line += (f"; chromium --print-to-pdf {ch['wall_s']:.2f} s wall, {ch['cpu_s']:.2f} s cpu; "
                 f"ratio {wp['wall_s'] / ch['wall_s']:.2f}× wall")  # fmt: skip
    print(line)
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--schools", type=int, default=400)
    parser.add_argument("--rounds", type=int, default=5, help="interleaved warm rounds of the booklet")
    parser.add_argument("--no-chromium", action="store_true")
    parser.add_argument("--no-docx", action="store_true")
    parser.add_argument("--only-booklet", action="store_true")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    load_before = _load()
    exe = None if args.no_chromium else (shutil.which("chromium") or shutil.which("chromium-browser"))
    results: dict[str, object] = {"load_before": load_before}
    with tempfile.TemporaryDirectory(prefix="khlang-bench-docs-") as tmp:
        work = Path(tmp)
        master = results["master"] = _child("master", work, args)
        runs = results["booklet"] = _booklet_rounds(exe, work, args.rounds)
        cold = _cold(exe, work)
        results["cold"] = {"weasyprint": cold[0], "chromium": cold[1]}
        if not args.only_booklet:
            results["stamp"] = _child("stamp", work, args)
            has_docx = not args.no_docx and shutil.which("soffice")
            results["docx"] = _child("docx", work, args) if has_docx else None
            results["sheet"] = _child("sheet", work, args)
    print(f"load average before: {load_before}, after: {_load()} (2 cores)")
    results["summary"] = _print_booklet(runs, master, cold)
    if not args.only_booklet:
        print(f"{'step':<34}{'wall s':>9}{'cpu s':>9}{'peak MiB':>10}  detail")
        s = results["stamp"]
        print(f"{f'{args.schools} stamped school copies':<34}{s['wall_s']:>9.2f}{s['cpu_s']:>9.2f}{s['peak_rss_mib']:>10.0f}  "
              f"{s['wall_s'] / s['copies'] * 1000:.0f} ms/copy, {s['size_kib'] / 1024:.0f} MiB in all   target ≤ 60 s")  # fmt: skip
        d = results["docx"]
        if d:
            print(f"{'booklet DOCX (python-docx)':<34}{d['wall_s']:>9.2f}{d['cpu_s']:>9.2f}{d['peak_rss_mib']:>10.0f}  "
                  f"LibreOffice → PDF {d['convert_wall_s']:.2f} s, {d['pages']} pages")  # fmt: skip
        a = results["sheet"]
        print(f"{'answer sheet PDF (40 items)':<34}{a['wall_s']:>9.2f}{a['cpu_s']:>9.2f}{a['peak_rss_mib']:>10.0f}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
