"""HTML → PDF with WeasyPrint, in a sandbox, with a repaired Thai text layer.

Sandbox (ASVS 1.3.6 / 13.2.4 / 15.3.2; WeasyPrint CVE-2025-68616): :class:`SandboxFetcher` serves
``data:`` URIs and files inside the package's own font and asset folders, and refuses everything else
(``file:`` elsewhere, ``http(s):``, ``ftp:``, anything after ``..`` or a symlink that leaves the
folders). It never opens a network connection, so there is no redirect to follow. Refused URLs are
recorded in :attr:`SandboxFetcher.blocked` so a caller can report them.

Text layer: WeasyPrint maps each glyph to the text of the first cluster it met. HarfBuzz draws
SARA AM (ำ) as NIKHAHIT + SARA AA, so the SARA AA glyph is mapped to "ำ" and every า in the document
copies as ำ ("สำนักงาน" → "สำนักงำน"). :func:`repair_to_unicode` rewrites each embedded font's
ToUnicode map from the font itself (cmap, and AGL glyph names for mark variants and ligatures such
as NIKHAHIT+MAI THO in "น้ำ", which WeasyPrint mapped to nothing). า then reads "า". ำ would
read "ํา" (its two glyphs), so :func:`_join_sara_am` gives the SARA AA that follows a NIKHAHIT a
code of its own (a second CID drawing the same glyph), mapped to
"ำ"; the NIKHAHIT before it reads as nothing (or as its tone mark in "น้ำ"): copying and searching
"จำนวน" find "จำนวน". Print is unchanged.
"""

from __future__ import annotations

import contextlib
import contextvars
import gc
import io
import mimetypes
import os
import re
import threading
import urllib.parse
from collections.abc import Iterable
from functools import cache, lru_cache
from pathlib import Path

import pikepdf
from fontTools import agl
from fontTools.ttLib import TTFont
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from exports.errors import ExportError

ASSETS = Path(__file__).parent / "assets"
FONT_FAMILY = "Sarabun"
FALLBACK_FAMILY = "Laksaman"  # Debian fonts-tlwg-laksaman, through fontconfig when present


@cache
def sarabun_dir() -> Path:
    """The folder of the Sarabun TTF files shipped by the ``fontpkg-sarabun`` package."""
    import fontpkg

    try:
        return Path(fontpkg.path(FONT_FAMILY)).parent
    except Exception as e:  # fontpkg raises its own FamilyNotInstalled
        raise ExportError(
            "pdf.font_missing",
            message_th="ไม่พบฟอนต์ Sarabun (ติดตั้งแพ็กเกจ fontpkg-sarabun)",
            message_en="the Sarabun font is missing (install fontpkg-sarabun)",
        ) from e


def asset_roots() -> tuple[Path, ...]:
    """Folders the renderer may read: Sarabun's and our own assets. Nothing else."""
    return (sarabun_dir(), ASSETS)


def font_face_css() -> str:
    """@font-face rules for Sarabun regular, bold, italic and bold italic, by file URL."""
    rules = []
    for style, weight, name in (
        ("normal", "normal", "Regular"),
        ("normal", "bold", "Bold"),
        ("italic", "normal", "Italic"),
        ("italic", "bold", "BoldItalic"),
    ):
        url = (sarabun_dir() / f"Sarabun-{name}.ttf").as_uri()
        rules.append(
            f'@font-face {{ font-family: "{FONT_FAMILY}"; src: url("{url}"); '
            f"font-style: {style}; font-weight: {weight}; }}"
        )
    return "\n".join(rules)


class SandboxFetcher(URLFetcher):
    """WeasyPrint URL fetcher that allows ``data:`` and the package's own files only.

    Parameters
    ----------
    roots : iterable of Path, optional
        Folders whose files may be read; defaults to :func:`asset_roots`.
    """

    def __init__(self, roots: Iterable[Path] | None = None):
        # no HTTP handlers matter: we never hand an http URL to urllib
        super().__init__(timeout=2, allowed_protocols=("data",), allow_redirects=False)
        self.roots = tuple(os.path.realpath(r) + os.sep for r in (roots or asset_roots()))
        self.blocked: list[str] = []

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        scheme = url.split(":", 1)[0].lower() if ":" in url else ""
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme == "file":
            parts = urllib.parse.urlsplit(url)
            if parts.netloc in ("", "localhost"):
                path = os.path.realpath(urllib.parse.unquote(parts.path))
                if any(path.startswith(r) for r in self.roots) and os.path.isfile(path):
                    with open(path, "rb") as f:
                        body = f.read()
                    mime = mimetypes.guess_type(path)[0] or "application/octet-stream"
                    return URLFetcherResponse(Path(path).as_uri(), body, {"Content-Type": mime})
        self.blocked.append(url)
        raise ValueError(f"blocked by the Khlang sandbox: {url[:200]}")


def render_pdf(
    html: str,
    *,
    fetcher: SandboxFetcher | None = None,
    repair_text: bool = True,
    marked_breaks: bool = False,
    reuse_columns: bool = False,
) -> bytes:
    """Render trusted template `html` (user text already escaped) to PDF bytes inside the sandbox.

    Parameters
    ----------
    html : str
        A complete HTML document. Relative URLs resolve against the package's asset folder.
    fetcher : SandboxFetcher, optional
        Pass one to inspect :attr:`SandboxFetcher.blocked` afterwards.
    repair_text : bool, default=True
        Repair the Thai text layer (see :func:`repair_to_unicode`).
    marked_breaks : bool, default=False
        Break lines only after spaces and U+200B, as :func:`exports.text.segment_html` marks the
        words (see :func:`_install_marked_breaks`); otherwise Pango's own rules (libthai for Thai).
    reuse_columns : bool, default=False
        Lay out each page's columns once instead of twice (see :func:`_install_column_reuse`); the
        same pages, about a third less time for a two-column booklet. Also draws an SVG picture that
        appears again at the same size by repeating its first drawing (see :func:`_install_svg_replay`).
    """
    fetcher = fetcher or SandboxFetcher()
    if marked_breaks:
        _install_marked_breaks()
    if reuse_columns:
        _install_column_reuse()
    token = _MARKED_BREAKS.set(marked_breaks)
    reuse = _COLUMN_TRIALS.set([] if reuse_columns else None)
    drawn = _SVG_DRAWN.set({} if reuse_columns else None)
    try:
        with _gc_paused():
            pdf = HTML(string=html, base_url=ASSETS.as_uri() + "/", url_fetcher=fetcher).write_pdf()
    finally:
        _SVG_DRAWN.reset(drawn)
        _COLUMN_TRIALS.reset(reuse)
        _MARKED_BREAKS.reset(token)
    return repair_to_unicode(pdf) if repair_text else pdf


# Python's cyclic garbage collector runs about 500 times during one 40-page booklet, each time walking
# every young object (WeasyPrint makes some 100,000 boxes, styles and layouts) and now and then all the
# process's long-lived objects (650,000 in a job worker after one booklet): a fifth of a warm render's
# CPU, measured with gc.callbacks. The collector pauses while a render runs (reference counting
# still frees what is not in a cycle; the render's cycles, about 100,000 objects and 2 MB at peak for
# that booklet, are collected at the first allocation after it). Renders in several threads share one
# count: the collector runs again when the last of them ends, unless it was off before the first began.
_GC_LOCK = threading.Lock()
_GC_PAUSES = [0, False]  # renders running, whether the collector was on when the first began


@contextlib.contextmanager
def _gc_paused():
    with _GC_LOCK:
        if _GC_PAUSES[0] == 0:
            _GC_PAUSES[1] = gc.isenabled()
            gc.disable()
        _GC_PAUSES[0] += 1
    try:
        yield
    finally:
        with _GC_LOCK:
            _GC_PAUSES[0] -= 1
            if _GC_PAUSES[0] == 0 and _GC_PAUSES[1]:
                gc.enable()


# Lines break only where the HTML marks them. Pango breaks Thai with libthai, whose dictionary cuts
# words ours keeps whole (ข้อ|ใด, ผู้อำนวย|การ), and adds breaks wherever a Thai run meets another
# character, even at U+00A0 or U+2060 (06.00|น.). A nowrap element per word stops it but costs
# WeasyPrint an inline box each (a 40-page booklet holds thousands: a third of its render). Instead,
# while a render with ``marked_breaks`` runs, every Pango layout WeasyPrint makes gets an
# allow-breaks=false attribute (Pango >= 1.44) over each run of characters between spaces and U+200B,
# and the break test WeasyPrint makes between and inside boxes (``get_log_attrs``) drops the same
# breaks, so both agree: a line breaks only after a space or a U+200B, which segment_html puts
# between two words that touch (codes, numbers with their units: never). Other renders are not touched.
_MARKED_BREAKS: contextvars.ContextVar[bool] = contextvars.ContextVar("khlang_marked_breaks", default=False)
_SPACES = " \t\n\r\f\u2000-\u200b\u2028\u2029\u3000"
_UNBROKEN = re.compile(f"[^{_SPACES}]{{2,}}")
_PARTS = re.compile(f"[^{_SPACES}\u2e80]{{2,}}")  # U+2E80 stands for an inline block in WeasyPrint's test
_INSTALLED: list[bool] = []


@lru_cache(maxsize=8192)  # the same texts come back: laid out, split, then laid out again to draw
def _unbroken_runs(text: str) -> tuple[tuple[int, int], ...]:
    """UTF-8 byte ranges of the runs of `text` between spaces and U+200B (no line breaks inside)."""
    runs, byte, pos = [], 0, 0
    for m in _UNBROKEN.finditer(text):
        byte += len(text[pos:m.start()].encode())
        end = byte + len(m[0].encode())
        if not (m[0].isascii() and m[0].isalnum()):  # ASCII letters and digits never break anyway
            runs.append((byte, end))
        byte, pos = end, m.end()
    return tuple(runs)


def _install_marked_breaks() -> None:
    """Wrap WeasyPrint 70's ``Layout.set_text`` and ``get_log_attrs`` (once per process)."""
    if _INSTALLED:
        return
    from weasyprint.text import line_break
    from weasyprint.text.ffi import ffi, pango

    ffi.cdef("PangoAttribute * pango_attr_allow_breaks_new (gboolean allow_breaks);"
             "PangoAttrList * pango_attr_list_copy (PangoAttrList *list);")
    set_text, log_attrs = line_break.Layout.set_text, line_break.get_log_attrs

    def marked_set_text(self, text, justify=False):
        set_text(self, text, justify)
        if not _MARKED_BREAKS.get():
            return
        runs = _unbroken_runs(self.text)
        current = pango.pango_layout_get_attributes(self.layout)
        if not runs and current == ffi.NULL:
            return
        attrs = pango.pango_attr_list_new() if current == ffi.NULL else pango.pango_attr_list_copy(current)
        reset = pango.pango_attr_allow_breaks_new(True)  # drops the runs of the layout's previous text
        reset.start_index, reset.end_index = 0, 0xFFFFFFFF
        pango.pango_attr_list_change(attrs, reset)
        for start, end in runs:
            attr = pango.pango_attr_allow_breaks_new(False)
            attr.start_index, attr.end_index = start, end
            pango.pango_attr_list_change(attrs, attr)
        pango.pango_layout_set_attributes(self.layout, attrs)
        pango.pango_attr_list_unref(attrs)

    def marked_log_attrs(text, lang):
        found = log_attrs(text, lang)
        if _MARKED_BREAKS.get():
            for m in _PARTS.finditer(text):
                for i in range(m.start() + 1, m.end()):
                    found[i].is_line_break = 0
        return found

    line_break.Layout.set_text = marked_set_text
    line_break.get_log_attrs = marked_log_attrs
    _INSTALLED.append(True)


# WeasyPrint 70 lays out a page's columns twice: ``columns_layout`` first renders each column at the
# height left on the page to learn what fits, throws those boxes away, then renders the same columns
# again, at the same height from the same place, and keeps them (the second pass only shifts each
# column to its x). In a two-column booklet that is half of all layout. While a render with
# ``reuse_columns`` runs, the first pass's column boxes are kept, and the second pass's call that asks
# for the same column (same children, same point to resume from, same space below, same y) gets them
# back moved to its x. A trial is kept only when it left nothing behind in the layout context (no
# absolute, fixed or floating box, footnote or running element, as a booklet has none); any other
# call, and any render without ``reuse_columns``, runs WeasyPrint's own code.
_COLUMN_TRIALS: contextvars.ContextVar[list | None] = contextvars.ContextVar("khlang_column_trials",
                                                                            default=None)
_COLUMNS_INSTALLED: list[bool] = []


def _context_marks(context) -> tuple[int, ...]:
    return (len(context.excluded_shapes), len(context.broken_out_of_flow), len(context.current_page_footnotes),
            len(context.reported_footnotes), sum(len(v) for v in context.running_elements.values()))


def _install_column_reuse() -> None:
    """Wrap WeasyPrint 70's ``columns_layout`` and ``block_box_layout`` (once per process)."""
    if _COLUMNS_INSTALLED:
        return
    from weasyprint.layout import block

    columns_layout, block_box_layout = block.columns_layout, block.block_box_layout

    def reusing_columns_layout(context, box, *args, **kwargs):
        stack = _COLUMN_TRIALS.get()
        if stack is None:
            return columns_layout(context, box, *args, **kwargs)
        stack.append([])  # the trials of this multi-column box
        try:
            return columns_layout(context, box, *args, **kwargs)
        finally:
            stack.pop()

    def reusing_block_box_layout(context, box, bottom_space, skip_stack, containing_block, page_is_empty,
                                 absolute_boxes, fixed_boxes, *rest, **kwargs):
        stack = _COLUMN_TRIALS.get()
        if not stack or not box.is_column or bottom_space == float("inf"):
            return block_box_layout(context, box, bottom_space, skip_stack, containing_block, page_is_empty,
                                    absolute_boxes, fixed_boxes, *rest, **kwargs)
        trials = stack[-1]
        children = box.children  # the same child boxes in both passes, in a new tuple each time
        key = (len(children), id(children[0]) if children else 0, id(children[-1]) if children else 0,
               box.position_y, box.width, page_is_empty, repr(skip_stack))
        for k, (trial_key, space, x, result) in enumerate(trials):
            if trial_key == key and abs(space - bottom_space) < 1e-6:
                del trials[k]
                result[0].translate(box.position_x - x, 0)
                return result
        before = _context_marks(context)
        x = box.position_x
        result = block_box_layout(context, box, bottom_space, skip_stack, containing_block, page_is_empty,
                                  absolute_boxes, fixed_boxes, *rest, **kwargs)
        if (result[0] is not None and not absolute_boxes and not fixed_boxes
                and _context_marks(context) == before):
            trials.append((key, bottom_space, x, result))
        return result

    block.columns_layout = reusing_columns_layout
    block.block_box_layout = reusing_block_box_layout
    _install_exact_tabs()
    _install_svg_replay()
    _COLUMNS_INSTALLED.append(True)


def _install_exact_tabs() -> None:
    """Tabs that land where ``tab-size`` (a length) says, in layout and in print.

    WeasyPrint 70 cuts the length to whole CSS pixels (``int(value)``), and draws the gap of a tab (an
    empty glyph) 1024/1000 too wide (``-width / font_size`` without ``1000 * FROM_UNITS``): stops came
    out up to a millimetre off. Layout gets the exact stop in Pango units; the layout made again to draw
    a line (``reactivate``) gets, for each tab of its line, the stop that its too-wide gap lands on
    the exact place. A ``tab-size`` given as a number of spaces is left to WeasyPrint."""
    from weasyprint.text import line_break
    from weasyprint.text.ffi import TO_UNITS, ffi, pango

    ffi.cdef("PangoTabArray * pango_tab_array_new (gint initial_size, gboolean positions_in_pixels);"
             "void pango_tab_array_set_tab (PangoTabArray *tab_array, gint tab_index, PangoTabAlign alignment,"
             " gint location);"
             "void pango_layout_index_to_pos (PangoLayout *layout, int index_, PangoRectangle *pos);")
    set_tabs, reactivate = line_break.Layout.set_tabs, line_break.Layout.reactivate
    drawing: list[bool] = []

    def tab_array(stops: list[int]):
        array = ffi.gc(pango.pango_tab_array_new(len(stops), False), pango.pango_tab_array_free)
        for k, stop in enumerate(stops):
            pango.pango_tab_array_set_tab(array, k, pango.PANGO_TAB_LEFT, stop)
        return array

    def exact_set_tabs(self):
        size = self.style["tab_size"]
        if isinstance(size, int):
            return set_tabs(self)
        pango.pango_layout_set_tabs(self.layout, tab_array([max(1, round(size.value * TO_UNITS))]))
        if not drawing:
            return None
        data = self.text.split("\n", 1)[0].encode()
        rect = ffi.new("PangoRectangle *")
        stops, shift = [], 0
        for k in (i for i, byte in enumerate(data) if byte == 9):  # each tab: where it starts and ends
            pango.pango_layout_index_to_pos(self.layout, k, rect)
            start = rect.x
            pango.pango_layout_index_to_pos(self.layout, k + 1, rect)
            gap = rect.x - start
            drawn = round(gap * 1000 / TO_UNITS)  # drawn 1024/1000 wide: this gap prints as `gap`
            stops.append(start - shift + drawn)
            shift += gap - drawn
        if stops:
            pango.pango_layout_set_tabs(self.layout, tab_array(stops))
        return None

    def drawing_reactivate(self, style):
        drawing.append(True)
        try:
            reactivate(self, style)
        finally:
            drawing.pop()

    line_break.Layout.set_tabs = exact_set_tabs
    line_break.Layout.reactivate = drawing_reactivate


# WeasyPrint 70 draws an SVG picture by walking its tree again each time it appears (a booklet's formula
# repeated 22 times: 8 % of the render). While a render with ``reuse_columns`` runs, the operators of an
# SVG picture's drawing are kept, and the next drawing of the same picture at the same size, from the
# same drawing state (colour, alpha, font, into the same resources), appends those operators again. A
# drawing is kept only when it added no resource, left the transformation stack as it found it and
# holds no text, image, shading or marked content (those register fonts, images or tags beside the
# operators); any other is drawn by WeasyPrint every time.
_SVG_DRAWN: contextvars.ContextVar[dict | None] = contextvars.ContextVar("khlang_svg_drawn", default=None)
_SVG_UNSAFE = frozenset((b"Tf", b"Tj", b"TJ", b"'", b'"', b"Do", b"sh", b"BDC", b"BMC", b"EMC", b"MP", b"DP", b"BI",
                         b"ID", b"EI"))
_SVG_STATE = ("_current_color", "_current_color_stroke", "_current_alpha", "_current_alpha_stroke",
              "_current_font", "_old_font")


def _resource_sizes(stream) -> tuple[int, ...]:
    return tuple(len(v) if isinstance(v, dict) else -1 for v in stream._resources.values())


def _plain_operator(op: object) -> bool:
    """A drawing operator that needs nothing beside itself (paths, colours, states already named)."""
    if not isinstance(op, bytes):
        return False
    words = op.split()
    return bool(words) and words[-1] not in _SVG_UNSAFE


def _install_svg_replay() -> None:
    """Wrap WeasyPrint 70's ``SVGImage.draw`` (once, with the column reuse)."""
    from weasyprint.images import SVGImage

    draw = SVGImage.draw

    def replaying_draw(self, stream, concrete_width, concrete_height, style):
        drawn = _SVG_DRAWN.get()
        if drawn is None:
            return draw(self, stream, concrete_width, concrete_height, style)
        state = tuple(getattr(stream, name, None) for name in _SVG_STATE)
        ops = stream.stream
        key = (id(self), id(stream._resources), concrete_width, concrete_height, state,
               bool(ops) and ops[-1] in (b"q", b"ET"))
        kept = drawn.get(key)
        if kept is not None:
            ops.extend(kept[1])
            for name, value in zip(_SVG_STATE, kept[2], strict=True):
                setattr(stream, name, value)
            return None
        start, sizes, ctm = len(ops), _resource_sizes(stream), list(stream._ctm_stack)
        result = draw(self, stream, concrete_width, concrete_height, style)
        new = ops[start:]
        if (stream.stream is ops and _resource_sizes(stream) == sizes and len(stream._ctm_stack) == len(ctm)
                and all(a is b for a, b in zip(stream._ctm_stack, ctm, strict=True))
                and all(_plain_operator(op) for op in new)):
            drawn[key] = (self, new, tuple(getattr(stream, name, None) for name in _SVG_STATE))
        return result

    SVGImage.draw = replaying_draw


_BFCHAR = re.compile(rb"<([0-9a-fA-F]{4})>\s*<([0-9a-fA-F]*)>")


def _glyph_texts(font_program: bytes) -> dict[int, str]:
    """Glyph id → the text it stands for, from the font itself.

    A glyph the cmap assigns to exactly one character stands for that character. Glyphs without a
    cmap entry (Thai mark variants such as ``uni0E48.small``, the ligature ``uni0E4D0E49`` of
    NIKHAHIT + MAI THO in "น้ำ", ``uni0E0D.descless``) are read from their names by the Adobe
    Glyph List rules. The subset WeasyPrint embeds has no glyph names, so names come from the
    original font file when we know it (Sarabun, Laksaman) by its PostScript name.
    """
    with TTFont(io.BytesIO(font_program), lazy=True) as font:
        original = _font_files().get(font["name"].getDebugName(6) or "") if "name" in font else None
        if original is None:
            return _cmap_texts(font)
    return dict(_original_texts(original))


def _cmap_texts(font: TTFont) -> dict[int, str]:
    index = {name: gid for gid, name in enumerate(font.getGlyphOrder())}
    chars: dict[int, list[int]] = {}
    for code, name in (font.getBestCmap() or {}).items():
        chars.setdefault(index[name], []).append(code)
    return {gid: chr(codes[0]) for gid, codes in chars.items() if len(codes) == 1}


@cache
def _original_texts(path: str) -> tuple[tuple[int, str], ...]:
    with TTFont(path, lazy=True) as font:
        texts = _cmap_texts(font)
        mapped = set(texts)
        for gid, name in enumerate(font.getGlyphOrder()):
            if gid not in mapped and not name.startswith("glyph"):
                text = _thai_order(agl.toUnicode(name))
                if text:
                    texts[gid] = text
    return tuple(texts.items())


def _thai_order(text: str) -> str:
    # HarfBuzz moves NIKHAHIT (from SARA AM) before a tone mark; logical order is tone mark first
    if len(text) > 1 and text[0] == "\u0e4d" and all("\u0e48" <= ch <= "\u0e4b" for ch in text[1:]):
        return text[1:] + text[0]
    return text


@cache
def _font_files() -> dict[str, str]:
    """PostScript name → file for the fonts we render with: bundled Sarabun, Debian's Laksaman."""
    files = [*sarabun_dir().glob("*.ttf"), *Path("/usr/share/fonts/truetype/tlwg").glob("Laksaman*.ttf")]
    names: dict[str, str] = {}
    for f in files:
        try:
            with TTFont(f, lazy=True) as font:
                ps = font["name"].getDebugName(6)
        except Exception:  # noqa: BLE001 - an unreadable system font is simply not used for repair
            continue
        if ps:
            names[ps] = str(f)
    return names


def repair_to_unicode(pdf: bytes) -> bytes:
    """Rewrite ToUnicode maps of our embedded fonts from the fonts' own cmaps (see module docs).

    WeasyPrint keeps glyph ids when it subsets (CID = glyph id) and the subset keeps the cmap of
    the glyphs it holds, so the embedded font itself tells which character each glyph is.
    """
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        done: set[tuple[int, int]] = set()
        for page in doc.pages:
            fonts = page.obj.get("/Resources", {}).get("/Font", {})
            for _, font in fonts.items():
                _repair_font(font, done)
        for xobj in _form_xobjects(doc):
            for _, font in xobj.get("/Resources", {}).get("/Font", {}).items():
                _repair_font(font, done)
        _join_sara_am(doc)
        out = io.BytesIO()
        doc.save(out)
    return out.getvalue()


def _form_xobjects(doc: pikepdf.Pdf) -> list[pikepdf.Object]:
    found = []
    for page in doc.pages:
        for _, xobj in page.obj.get("/Resources", {}).get("/XObject", {}).items():
            if xobj.get("/Subtype") == "/Form":
                found.append(xobj)
    return found


def _repair_font(font: pikepdf.Object, done: set[tuple[int, int]]) -> None:
    if "/ToUnicode" not in font or font.get("/Subtype") != "/Type0":
        return
    key = font.objgen
    if key in done:
        return
    done.add(key)
    try:
        descendant = font["/DescendantFonts"][0]
        if descendant.get("/CIDToGIDMap") != "/Identity":
            return
        program = descendant["/FontDescriptor"]["/FontFile2"].read_bytes()
        truth = _glyph_texts(program)
    except (KeyError, IndexError, TypeError, ValueError, AssertionError):
        return  # not a TrueType CID font we can read: leave its map as WeasyPrint wrote it
    stream = font["/ToUnicode"]
    data = stream.read_bytes()

    def fix(m: re.Match[bytes]) -> bytes:
        gid = int(m[1], 16)
        text = truth.get(gid)
        if text is None:
            return m[0]
        return b"<" + m[1] + b"> <" + text.encode("utf-16-be").hex().encode() + b">"

    stream.write(_BFCHAR.sub(fix, data))


_NIKHAHIT, _SARA_AA, _SARA_AM = "\u0e4d", "\u0e32", "\u0e33"


def _am_font(doc: pikepdf.Pdf, font: pikepdf.Object) -> tuple[set[int], int, int] | None:
    """(NIKHAHIT codes, SARA AA code, its new alias code) of a repaired Type0 font, after making the
    alias: CIDToGIDMap draws it with the SARA AA glyph, /W gives it that width, ToUnicode maps it to
    nothing and each NIKHAHIT code to its text with ำ in place of ํ."""
    if font.get("/Subtype") != "/Type0" or "/ToUnicode" not in font:
        return None
    stream = font["/ToUnicode"]
    data = stream.read_bytes()
    texts = {int(a, 16): bytes.fromhex(b.decode()).decode("utf-16-be", "replace") for a, b in _BFCHAR.findall(data)}
    nik = {c for c, t in texts.items() if t.endswith(_NIKHAHIT)}
    aa = [c for c, t in texts.items() if t == _SARA_AA]
    descendant = font["/DescendantFonts"][0]
    if not nik or not aa or descendant.get("/CIDToGIDMap") != "/Identity":
        return None
    aa_code = aa[0]
    alias = max(max(texts), 0xFF) + 1
    widths = descendant.get("/W", pikepdf.Array())
    width = _width_of(widths, aa_code, float(descendant.get("/DW", 1000)))
    mapping = bytearray()
    for cid in range(alias + 1):
        gid = aa_code if cid == alias else cid
        mapping += gid.to_bytes(2, "big")
    descendant["/CIDToGIDMap"] = pikepdf.Stream(doc, bytes(mapping))
    widths.append(alias)
    widths.append(pikepdf.Array([width]))
    descendant["/W"] = widths
    entries = []
    for cid in sorted(nik):  # the NIKHAHIT of ำ reads as nothing (or its tone mark, น้ำ) ...
        entries.append(f"<{cid:04x}> <{texts[cid][:-1].encode('utf-16-be').hex()}>")
    entries.append(f"<{alias:04x}> <{_SARA_AM.encode('utf-16-be').hex()}>")  # ... and its SARA AA as ำ
    extra = f"{len(entries)} beginbfchar\n" + "\n".join(entries) + "\nendbfchar\n"
    data = re.sub(rb"<(" + b"|".join(f"{c:04x}".encode() for c in nik) + rb")>\s*<[0-9a-fA-F]*>\s*", b"", data,
                  flags=re.I)
    data = re.sub(rb"(\d+) beginbfchar", lambda m: str(int(m[1]) - len(nik)).encode() + b" beginbfchar", data, count=1)
    stream.write(data.replace(b"endcmap", extra.encode() + b"endcmap", 1))
    return nik, aa_code, alias


def _width_of(widths: pikepdf.Array, code: int, default: float) -> float:
    items = list(widths)
    k = 0
    while k < len(items):
        first = int(items[k])
        nxt = items[k + 1]
        if isinstance(nxt, pikepdf.Array):
            if first <= code < first + len(nxt):
                return float(nxt[code - first])
            k += 2
        else:
            if first <= code <= int(nxt):
                return float(items[k + 2])
            k += 3
    return default


def _join_sara_am(doc: pikepdf.Pdf) -> None:
    """Give every SARA AA drawn right after a NIKHAHIT (the two glyphs of ำ) its alias code."""
    fonts: dict[tuple[int, int], tuple[set[int], int, int] | None] = {}
    holders = [page.obj for page in doc.pages] + _form_xobjects(doc)
    for holder in holders:
        resources = holder.get("/Resources", {}).get("/Font", {})
        names = {}
        for name, font in resources.items():
            key = font.objgen
            if key not in fonts:
                fonts[key] = _am_font(doc, font)
            if fonts[key] is not None:
                names[name] = fonts[key]
        if not names:
            continue
        if isinstance(holder, pikepdf.Stream) and holder.get("/Subtype") == "/Form":
            _rewrite(holder, holder, names)
        else:
            pikepdf.Page(holder).contents_coalesce()
            _rewrite(holder.Contents, holder, names)


_OPS = re.compile(rb"(/[^\s/\[\]<>()]+)\s+[-\d.]+\s+Tf|\[([^\]]*)\]\s*TJ")
_HEX = re.compile(rb"<([0-9a-fA-F]*)>")


def _rewrite(stream: pikepdf.Object, holder: pikepdf.Object,
             names: dict[str, tuple[set[int], int, int]]) -> None:
    """Rewrite the TJ arrays of one content stream (WeasyPrint writes glyphs as hex strings); a regex
    pass over the bytes, several times faster than parsing the stream into operators."""
    data = stream.read_bytes()
    state: dict[str, tuple[set[int], int, int] | None] = {"font": None}
    changed = False

    def array(m: re.Match[bytes]) -> bytes:
        nonlocal changed
        if m[1] is not None:
            state["font"] = names.get(m[1].decode("latin-1"))
            return m[0]
        current = state["font"]
        if current is None:
            return m[0]
        nik, aa, alias = current
        previous = -1

        def hexes(h: re.Match[bytes]) -> bytes:
            nonlocal previous, changed
            raw = h[1]
            codes = [int(raw[i:i + 4], 16) for i in range(0, len(raw) - 3, 4)]
            for i, c in enumerate(codes):
                if c == aa and previous in nik:
                    codes[i] = alias
                    changed = True
                previous = codes[i]
            return b"<" + b"".join(b"%04x" % c for c in codes) + b">"

        return b"[" + _HEX.sub(hexes, m[2]) + b"] TJ"

    data = _OPS.sub(array, data)
    if changed:
        stream.write(data)
