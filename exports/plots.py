"""Report plots with matplotlib in Sarabun: ICCs, test information with SE, score histogram, bars.

Legends sit outside the axes, under the plot (``fig.legend(loc="outside lower center")`` with the
constrained layout), so no legend covers a curve or a bar. Each function returns a :class:`matplotlib.figure.Figure`; :func:`to_svg` (for PDF, glyphs as paths
so nothing needs fetching) and :func:`to_png` (for DOCX) serialise it and close it.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from functools import cache

import matplotlib

matplotlib.use("Agg")
import numpy as np  # noqa: E402
from matplotlib import font_manager, rc_context  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from exports.data import DomainResult, ItemCurve, OptionChoices  # noqa: E402
from exports.pdf import sarabun_dir  # noqa: E402

THETA = np.linspace(-4, 4, 161)
_STYLE = {
    "font.family": ["Sarabun", "DejaVu Sans"],  # DejaVu for θ and other glyphs Sarabun lacks
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "svg.fonttype": "path",
    "svg.hashsalt": "khlang",
    "axes.unicode_minus": True,
}


@cache
def register_fonts() -> None:
    """Make the bundled Sarabun faces known to matplotlib (once per process)."""
    for f in sarabun_dir().glob("Sarabun-*.ttf"):
        font_manager.fontManager.addfont(str(f))


def _figure(width_mm: float, height_mm: float) -> Figure:
    register_fonts()
    return Figure(figsize=(width_mm / 25.4, height_mm / 25.4), layout="constrained")


def icc_figure(curves: Sequence[ItemCurve], highlight: Sequence[str] = ()) -> Figure:
    """Item characteristic curves P(θ) of every item (logistic, no 1.7); `highlight` drawn bold."""
    with rc_context(_STYLE):
        fig = _figure(160, 75)
        ax = fig.add_subplot()
        a = np.array([c.discrimination for c in curves])[:, None]
        b = np.array([c.difficulty for c in curves])[:, None]
        g = np.array([c.guessing for c in curves])[:, None]
        p = g + (1 - g) / (1 + np.exp(-a * (THETA[None, :] - b)))  # (n_items, n_theta)
        marked = set(highlight)
        for c, row in zip(curves, p, strict=True):
            if c.item_id in marked:
                ax.plot(THETA, row, lw=1.8, label=c.item_id)
            else:
                ax.plot(THETA, row, lw=0.6, color="#9aa7b5")
        ax.set_xlabel("ความสามารถ (θ)")
        ax.set_ylabel("โอกาสตอบถูก P(θ)")
        ax.set_title("โค้งลักษณะข้อสอบ (ICC)")
        ax.set_ylim(0, 1)
        if marked:  # outside the axes, below them: a legend never hides a curve
            fig.legend(fontsize=7, ncols=min(len(marked), 8), frameon=False, loc="outside lower center")
    return fig


def information_figure(curves: Sequence[ItemCurve]) -> Figure:
    """Test information I(θ) and its standard error 1/√I(θ) on a second axis."""
    with rc_context(_STYLE):
        fig = _figure(160, 65)
        ax = fig.add_subplot()
        a = np.array([c.discrimination for c in curves])[:, None]
        b = np.array([c.difficulty for c in curves])[:, None]
        g = np.array([c.guessing for c in curves])[:, None]
        p_star = 1 / (1 + np.exp(-a * (THETA[None, :] - b)))
        p = g + (1 - g) * p_star
        info = (a**2 * (p - g) ** 2 * (1 - p) / ((1 - g) ** 2 * p)).sum(axis=0)  # 3PL item information
        ax.plot(THETA, info, color="#1f4e79", lw=1.6, label="สารสนเทศของแบบทดสอบ")
        ax.set_xlabel("ความสามารถ (θ)")
        ax.set_ylabel("สารสนเทศ I(θ)")
        se_ax = ax.twinx()
        se_ax.plot(THETA, 1 / np.sqrt(info), color="#c0504d", lw=1.2, ls="--", label="ความคลาดเคลื่อนมาตรฐาน")
        se_ax.set_ylabel("SE(θ)")
        se_ax.set_ylim(0, min(3.0, float(np.max(1 / np.sqrt(info)))) * 1.05)
        se_ax.spines["right"].set_visible(True)
        lines = ax.get_lines() + se_ax.get_lines()
        fig.legend(lines, [str(line.get_label()) for line in lines], fontsize=7, frameon=False, ncols=2,
                   loc="outside lower center")
        ax.set_title("สารสนเทศของแบบทดสอบและความคลาดเคลื่อนมาตรฐาน")
    return fig


def histogram_figure(scores: Sequence[float], max_score: float) -> Figure:
    """Distribution of total scores, one bar per score point."""
    with rc_context(_STYLE):
        fig = _figure(160, 60)
        ax = fig.add_subplot()
        s = np.asarray(scores, dtype=float)
        edges = np.arange(-0.5, max_score + 1.5, 1.0)
        ax.hist(s, bins=edges, color="#4a6fa5", edgecolor="white", linewidth=0.4)
        ax.axvline(s.mean(), color="#c0504d", lw=1.2, ls="--", label=f"ค่าเฉลี่ย {s.mean():.2f}")
        ax.set_xlabel("คะแนนรวม")
        ax.set_ylabel("จำนวนนักเรียน")
        ax.set_title(f"การกระจายของคะแนน (n = {s.size})")
        fig.legend(frameon=False, fontsize=8, loc="outside lower center")
    return fig


def domains_figure(domains: Sequence[DomainResult]) -> Figure:
    """School, district and nation means per domain, side by side."""
    with rc_context(_STYLE):
        fig = _figure(160, 65)
        ax = fig.add_subplot()
        x = np.arange(len(domains))
        series = [
            ("โรงเรียน", [d.school_mean for d in domains], "#1f4e79"),
            ("เขตพื้นที่", [d.district_mean for d in domains], "#9aa7b5"),
            ("ประเทศ", [d.nation_mean for d in domains], "#c9a227"),
        ]
        series = [(n, v, c) for n, v, c in series if all(val is not None for val in v)]
        width = 0.8 / len(series)
        for k, (name, values, colour) in enumerate(series):
            bars = ax.bar(x + (k - (len(series) - 1) / 2) * width, values, width, label=name, color=colour)
            ax.bar_label(bars, fmt="%.1f", fontsize=7, padding=1)
        ax.set_xticks(x, [d.domain for d in domains])
        ax.set_ylabel("ร้อยละของคะแนนเต็ม")
        ax.set_ylim(0, 100)
        fig.legend(frameon=False, fontsize=8, ncols=len(series), loc="outside lower center")
        ax.set_title("ผลการทดสอบรายสาระ")
    return fig


def levels_figure(levels: Sequence[tuple[str, int]]) -> Figure:
    """Number of students per level (ดีมาก ดี พอใช้ ปรับปรุง)."""
    with rc_context(_STYLE):
        fig = _figure(120, 55)
        ax = fig.add_subplot()
        names = [n for n, _ in levels]
        counts = [c for _, c in levels]
        bars = ax.barh(names[::-1], counts[::-1], color="#4a6fa5")
        ax.bar_label(bars, fontsize=8, padding=2)
        ax.set_xlabel("จำนวนนักเรียน")
        ax.set_title("จำนวนนักเรียนตามระดับคุณภาพ")
    return fig


def schools_figure(means: Sequence[float], district_mean: float) -> Figure:
    """Schools' mean percent, sorted, with the district mean as a line."""
    with rc_context(_STYLE):
        fig = _figure(160, 60)
        ax = fig.add_subplot()
        values = np.sort(np.asarray(means, dtype=float))
        ax.bar(np.arange(values.size), values, color="#4a6fa5", width=0.85)
        ax.axhline(district_mean, color="#c0504d", lw=1.2, ls="--", label=f"เฉลี่ยทั้งเขต {district_mean:.1f}")
        ax.set_xticks([])
        ax.set_xlabel(f"โรงเรียน (เรียงตามคะแนน, {values.size} โรง)")
        ax.set_ylabel("ร้อยละของคะแนนเต็ม")
        ax.set_ylim(0, 100)
        fig.legend(frameon=False, fontsize=8, loc="outside lower center")
        ax.set_title("คะแนนเฉลี่ยรายโรงเรียน")
    return fig


def options_figure(options: Sequence[OptionChoices], columns: int = 4) -> Figure:
    """Small multiples: share of the upper and lower groups choosing each option; the key starred."""
    options = list(options)[:16]
    columns = max(1, min(columns, len(options)))
    rows = max(1, -(-len(options) // columns))
    with rc_context(_STYLE):
        fig = _figure(42 * columns + 8, 34 * rows + 10)
        axes = fig.subplots(rows, columns, squeeze=False, sharey=True)
        for ax, o in zip(axes.flat, options, strict=False):
            x = np.arange(len(o.labels))
            g = max(o.group_size, 1)
            ax.bar(x - 0.2, np.asarray(o.upper) / g, 0.4, color="#1f4e79", label="กลุ่มสูง")
            ax.bar(x + 0.2, np.asarray(o.lower) / g, 0.4, color="#c9a227", label="กลุ่มต่ำ")
            ax.set_xticks(x, [f"{lab}*" if k + 1 in o.key else lab for k, lab in enumerate(o.labels)])
            ax.set_title(o.item_id, fontsize=8)
            ax.set_ylim(0, 1)
        for ax in list(axes.flat)[len(options) :]:
            ax.set_visible(False)
        axes[0, 0].set_ylabel("สัดส่วนที่เลือก")
        handles, names = axes[0, 0].get_legend_handles_labels()
        fig.legend(handles, names, fontsize=6.5, frameon=False, ncols=2, loc="outside lower center")
        fig.suptitle("การเลือกตัวเลือกของกลุ่มสูงและกลุ่มต่ำ (* = คำตอบที่ถูก)", fontsize=9)
    return fig


def forms_information_figure(forms: Sequence[tuple[str, Sequence[ItemCurve]]]) -> Figure:
    """Parallel forms on one plot: the test information I(θ) of each form (solid) and its SE (dashed, right axis)."""
    with rc_context(_STYLE):
        fig = _figure(160, 70)
        ax = fig.add_subplot()
        se_ax = ax.twinx()
        se_max = 0.0
        for k, (name, curves) in enumerate(forms):
            if not curves:
                continue
            a = np.array([c.discrimination for c in curves])[:, None]
            b = np.array([c.difficulty for c in curves])[:, None]
            g = np.array([c.guessing for c in curves])[:, None]
            p = g + (1 - g) / (1 + np.exp(-a * (THETA[None, :] - b)))
            info = (a**2 * (p - g) ** 2 * (1 - p) / ((1 - g) ** 2 * p)).sum(axis=0)
            color = f"C{k % 10}"
            ax.plot(THETA, info, color=color, lw=1.6, label=name)
            se = 1 / np.sqrt(info)
            se_ax.plot(THETA, se, color=color, lw=0.9, ls="--")
            se_max = max(se_max, float(np.min([3.0, np.max(se)])))
        ax.set_xlabel("ความสามารถ (θ)")
        ax.set_ylabel("สารสนเทศ I(θ)")
        se_ax.set_ylabel("SE(θ) (เส้นประ)")
        se_ax.set_ylim(0, (se_max or 1.0) * 1.05)
        se_ax.spines["right"].set_visible(True)
        if ax.get_lines():
            fig.legend(fontsize=7, frameon=False, ncols=min(len(ax.get_lines()), 6), loc="outside lower center")
        ax.set_title("สารสนเทศของแบบทดสอบแต่ละฉบับ")
    return fig


def dd_figure(items: Sequence[tuple[str, float | None, float | None]], threshold: float = 0.2) -> Figure:
    """DD plot: difficulty p and discrimination r of each item (label, p, r), easiest first, with the
    0.20 line under which r is too low (ShinyItemAnalysis' difficulty–discrimination plot)."""
    rows = sorted(((str(k), p, r) for k, p, r in items if p is not None and np.isfinite(p)), key=lambda t: -t[1])
    with rc_context(_STYLE):
        fig = _figure(160, 62)
        ax = fig.add_subplot()
        x = np.arange(len(rows))
        p = np.array([t[1] for t in rows], dtype=float)
        r = np.array([np.nan if t[2] is None else t[2] for t in rows], dtype=float)
        ax.bar(x - 0.2, p, 0.4, color="#c0504d", label="ความยาก (p)")
        ax.bar(x + 0.2, np.nan_to_num(r), 0.4, color="#1f4e79", label="อำนาจจำแนก (r)")
        ax.axhline(threshold, color="#5f6b7a", lw=0.9, ls="--", label=f"เกณฑ์ {threshold:.2f}")
        ax.axhline(0, color="#1f2933", lw=0.6)
        ax.set_xticks(x, [t[0] for t in rows], fontsize=6.5 if len(rows) > 20 else 8,
                      rotation=90 if len(rows) > 30 else 0)
        ax.set_xlabel("ข้อ (เรียงจากง่ายไปยาก)")
        ax.set_ylim(min(-0.2, float(np.nanmin(r)) - 0.05) if np.isfinite(r).any() else -0.2, 1.0)
        fig.legend(fontsize=7, frameon=False, ncols=3, loc="outside lower center")
        ax.set_title("ความยากและอำนาจจำแนกรายข้อ")
    return fig


def to_svg(fig: Figure) -> bytes:
    buf = io.BytesIO()
    with rc_context(_STYLE):
        fig.savefig(buf, format="svg", metadata={"Date": None})
    return buf.getvalue()


def to_png(fig: Figure, dpi: int = 200) -> bytes:
    buf = io.BytesIO()
    with rc_context(_STYLE):
        fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None})
    return buf.getvalue()
