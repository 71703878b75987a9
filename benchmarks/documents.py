#!/usr/bin/env python3
"""Document benchmark: a 40-page two-column booklet, 400 stamped school copies, DOCX, answer sheet.

    .venv/bin/python benchmarks/documents.py                 # everything, one run each
    .venv/bin/python benchmarks/documents.py --schools 50 --no-chromium --no-docx

Each measured step runs in a fresh Python process (imports and font loading included in nothing but
the "cold" figure), which reports wall and CPU seconds of the step and its peak RSS (ru_maxrss of the
process). The machine is shared, so CPU seconds are printed beside wall seconds: on a busy machine
wall time grows, CPU time does not.

Steps:
  booklet   exports.booklet.render_booklet_pdf on the demo form repeated to ~40 pages (WeasyPrint),
            Thai segmented by dictionary (exports.text.segment_html; its own time reported too)
  unsegmented  the same without segmentation (Pango's libthai alone): what segmentation adds; both runs
            are the first render of their process (fonts loaded in the timed render), then a second one
  stamp     exports.stamp.stamp_copies: the booklet's master stamped for N schools (default 400)
  chromium  the same booklet HTML printed by Debian's chromium --headless --print-to-pdf (the peer)
  docx      exports.docx.booklet_docx of the same booklet, then LibreOffice → PDF
  sheet     exports.answer_sheet.render_answer_sheet (40 items)
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REPEAT = 11  # the 40-item demo form × 11 = 440 items ≈ 40 pages


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

_STEPS = {
    "booklet": _TIMER
    + f"""
import pikepdf, io
from exports.booklet import render_booklet_pdf, booklet_html
from demo.documents import demo_booklet
from exports.text import _segment_text, thai_words
b = demo_booklet("A", repeat={REPEAT})
(work / "booklet.html").write_text(booklet_html(b), encoding="utf-8")  # also loads the dictionary once
for cache in (_segment_text, thai_words):
    cache.cache_clear()  # the timed render segments every word again
pdf, out["wall_s"], out["cpu_s"] = timed(lambda: render_booklet_pdf(b, work / "master.pdf"))
out["pages"] = len(pikepdf.open(io.BytesIO(pdf)).pages)
out["items"] = len(b.items)
out["size_kib"] = len(pdf) / 1024
for cache in (_segment_text, thai_words):
    cache.cache_clear()
_, out["warm_wall_s"], out["warm_cpu_s"] = timed(lambda: render_booklet_pdf(b))  # a worker's second booklet
for cache in (_segment_text, thai_words):
    cache.cache_clear()
_, out["segment_wall_s"], _ = timed(lambda: booklet_html(b))
""",
    "unsegmented": _TIMER
    + f"""
from exports.booklet import render_booklet_pdf, booklet_html
from demo.documents import demo_booklet
b = demo_booklet("A", repeat={REPEAT})
booklet_html(b, segment=False)  # what the segmented run did before its timed render, less the dictionary
_, out["wall_s"], out["cpu_s"] = timed(lambda: render_booklet_pdf(b, work / "plain.pdf", segment=False))
_, out["warm_wall_s"], out["warm_cpu_s"] = timed(lambda: render_booklet_pdf(b, segment=False))
""",
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


def _chromium(work: Path) -> dict | None:
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if exe is None:
        return None
    out = work / "chromium.pdf"
    cmd = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
           f"--print-to-pdf={out}", (work / "booklet.html").as_uri()]  # fmt: skip
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(cmd, capture_output=True, check=False, timeout=300)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if not out.exists():
        return None
    import pikepdf

    with pikepdf.open(out) as pdf:
        pages = len(pdf.pages)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return {"wall_s": wall, "cpu_s": cpu, "pages": pages, "size_kib": out.stat().st_size / 1024,
            "peak_rss_mib": after.ru_maxrss / 1024}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--schools", type=int, default=400)
    parser.add_argument("--no-chromium", action="store_true")
    parser.add_argument("--no-docx", action="store_true")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    load = Path("/proc/loadavg").read_text().split()[:3] if Path("/proc/loadavg").exists() else ["?"]
    with tempfile.TemporaryDirectory(prefix="khlang-bench-docs-") as tmp:
        work = Path(tmp)
        results: dict[str, dict | None] = {"booklet": _child("booklet", work, args)}
        results["unsegmented"] = _child("unsegmented", work, args)
        results["stamp"] = _child("stamp", work, args)
        results["chromium"] = None if args.no_chromium else _chromium(work)
        results["docx"] = None if args.no_docx or not shutil.which("soffice") else _child("docx", work, args)
        results["sheet"] = _child("sheet", work, args)
    b, s = results["booklet"], results["stamp"]
    print(f"load average before the run: {' '.join(load)} (2 cores)")
    print(f"{'step':<34}{'wall s':>9}{'cpu s':>9}{'peak MiB':>10}  detail")
    print(f"{'booklet PDF (WeasyPrint 70)':<34}{b['wall_s']:>9.2f}{b['cpu_s']:>9.2f}{b['peak_rss_mib']:>10.0f}  "
          f"{b['pages']} pages, {b['items']} items, {b['size_kib']:.0f} KiB   target ≤ 6 s")  # fmt: skip
    u = results["unsegmented"]
    print(f"{'  same, second in its process':<34}{b['warm_wall_s']:>9.2f}{b['warm_cpu_s']:>9.2f}{'':>10}  "
          f"a worker's next booklet (fonts loaded)")  # fmt: skip
    print(f"{'  of which Thai segmentation':<34}{b['segment_wall_s']:>9.2f}{'':>9}{'':>10}  "
          f"booklet without segmentation {u['wall_s']:.2f} s wall, {u['cpu_s']:.2f} s cpu (second: "
          f"{u['warm_cpu_s']:.2f} s cpu): segmentation adds {(b['cpu_s'] / u['cpu_s'] - 1) * 100:+.0f} % cpu "
          f"(second: {(b['warm_cpu_s'] / u['warm_cpu_s'] - 1) * 100:+.0f} %)   target ≤ 10 %")  # fmt: skip
    c = results["chromium"]
    if c:
        print(f"{'  WeasyPrint / chromium':<34}{b['wall_s'] / c['wall_s']:>9.2f}{'':>9}{'':>10}  target ≤ 2×")
        print(f"{'booklet PDF (chromium, peer)':<34}{c['wall_s']:>9.2f}{c['cpu_s']:>9.2f}{c['peak_rss_mib']:>10.0f}  "
              f"{c['pages']} pages, {c['size_kib']:.0f} KiB (same HTML)")  # fmt: skip
    print(f"{f'{args.schools} stamped school copies':<34}{s['wall_s']:>9.2f}{s['cpu_s']:>9.2f}{s['peak_rss_mib']:>10.0f}  "
          f"{s['wall_s'] / s['copies'] * 1000:.0f} ms/copy, {s['size_kib'] / 1024:.0f} MiB in all   target ≤ 60 s")  # fmt: skip
    d = results["docx"]
    if d:
        print(f"{'booklet DOCX (python-docx)':<34}{d['wall_s']:>9.2f}{d['cpu_s']:>9.2f}{d['peak_rss_mib']:>10.0f}  "
              f"LibreOffice → PDF {d['convert_wall_s']:.2f} s, {d['pages']} pages")  # fmt: skip
    a = results["sheet"]
    print(
        f"{'answer sheet PDF (40 items)':<34}{a['wall_s']:>9.2f}{a['cpu_s']:>9.2f}{a['peak_rss_mib']:>10.0f}"
    )
    if args.json:
        args.json.write_text(json.dumps({"load": load, **results}, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
