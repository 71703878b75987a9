"""Text helpers shared by every renderer: escaping and sanitising user text, Thai digits, พ.ศ. dates."""

from __future__ import annotations

import datetime as dt
import functools
import html
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import nh3

THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")
THAI_MONTHS = (
    "มกราคม",
    "กุมภาพันธ์",
    "มีนาคม",
    "เมษายน",
    "พฤษภาคม",
    "มิถุนายน",
    "กรกฎาคม",
    "สิงหาคม",
    "กันยายน",
    "ตุลาคม",
    "พฤศจิกายน",
    "ธันวาคม",
)
THAI_MONTHS_SHORT = ("ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.")

# Item text may carry inline emphasis and sub/superscripts; nothing that loads anything or styles
# anything (no img, no style, no links): pictures come only as Media bytes from the bank.
_ALLOWED_TAGS = {"b", "strong", "i", "em", "u", "sub", "sup", "br", "span", "p"}


def esc(text: object) -> str:
    """Escape plain text for HTML (quotes included)."""
    return html.escape("" if text is None else str(text), quote=True)


def clean(fragment: str) -> str:
    """Sanitise an HTML-subset fragment from the bank: inline emphasis only, no attributes, no URLs."""
    return nh3.clean(
        fragment or "", tags=_ALLOWED_TAGS, attributes={}, url_schemes=set(), strip_comments=True
    )


def digits(text: object, thai: bool = True) -> str:
    """`text` with Arabic digits turned into Thai digits when `thai` is true."""
    s = "" if text is None else str(text)
    return s.translate(THAI_DIGITS) if thai else s


def thai_date(
    day: dt.date | None,
    *,
    thai_digits: bool = True,
    short: bool = False,
    abbreviated: bool = False,
    era: bool = True,
) -> str:
    """A date in the Buddhist era (CE + 543), e.g. ``๕ กุมภาพันธ์ พ.ศ. ๒๕๖๙``: the one พ.ศ. formatter.

    `short` writes ``5/2/2569`` (as on forms); `abbreviated` the short month names (``5 ก.พ. 2569``);
    `era` puts ``พ.ศ.`` before the year of a written-out date. A datetime also gets its time
    (``14:30 น.``) in its own zone: convert it first (:func:`display_date` does). None gives "".
    """
    if day is None:
        return ""
    if short:
        text = f"{day.day}/{day.month}/{day.year + 543}"
    else:
        month = (THAI_MONTHS_SHORT if abbreviated else THAI_MONTHS)[day.month - 1]
        text = f"{day.day} {month} {'พ.ศ. ' if era else ''}{day.year + 543}"
    if isinstance(day, dt.datetime):
        text += f" {day:%H:%M} น."
    return digits(text, thai_digits)


def academic_term(day: dt.date | None) -> str:
    """The Thai school term of a date: ``ภาคเรียนที่ 2 ปีการศึกษา 2568`` (term 1 from 16 May to October,
    term 2 from November to 15 May of the next CE year, which still belongs to the same academic year)."""
    if day is None:
        return ""
    year = day.year if (day.month, day.day) >= (5, 16) else day.year - 1
    term = 1 if (day.month, day.day) >= (5, 16) and day.month <= 10 else 2
    return f"ภาคเรียนที่ {term} ปีการศึกษา {year + 543}"


def display_date(value: dt.date | None, lang: str = "th", tz: str = "Asia/Bangkok") -> str:
    """A date or time as pages and commands show it: times in the office's zone `tz` (stored times
    are UTC; a naive time is taken as UTC), ``25 พ.ย. 2569 14:30 น.`` in Thai, ``25 Nov 2026 14:30``
    in English."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        value = value.astimezone(ZoneInfo(tz))
    if lang == "th":
        return thai_date(value, thai_digits=False, abbreviated=True, era=False)
    return value.strftime("%d %b %Y %H:%M") if isinstance(value, dt.datetime) else value.strftime("%d %b %Y")


# ---------------------------------------------------------------------------------------------
# Thai line breaking by dictionary. Thai has no spaces between words; the layout engines' own
# segmenters (libthai in Pango, ICU in LibreOffice) break compounds the school does not accept
# (ผู้อำนวย/การ, ข้อ/ใด). We segment with PyThaiNLP's dictionary engine (newmm) on its word list
# plus the bank's words (assets/thai_words.txt), keep numbers with their units, punctuation with its
# word and codes whole, and hand the engines break opportunities only there. In HTML two words that
# touch are parted by U+200B and a space inside a unit (15 ซม.) is U+00A0; the PDF renderer is told
# to break only at spaces and U+200B (:func:`exports.pdf.render_pdf` with ``marked_breaks``: a Pango
# attribute, no element per word, so segmentation costs the layout next to nothing). In DOCX words are
# separated by U+200B and the Thai character clusters inside a word are joined by U+2060 WORD JOINER
# (numbers and units by U+00A0): ICU (LibreOffice) honours WJ and ZWSP.

ZWSP = "\u200b"
NBSP = "\u00a0"
WORD_JOINER = "\u2060"
_THAI = re.compile(r"[\u0e01-\u0e4e]")
_UNITS = sorted((
    "ตร.ซม.", "ตร.ม.", "ลบ.ซม.", "ลบ.ม.", "ซม.", "มม.", "กม.", "กก.", "มล.", "ม.", "ก.", "ล.", "น.", "บาท",
    "สตางค์", "องศา", "เปอร์เซ็นต์", "นาที", "ชั่วโมง", "วินาที", "วัน", "เดือน", "ปี", "คน", "ข้อ", "ตัว", "ผล",
    "ใบ", "เล่ม", "ลูก", "ชิ้น", "หน้า", "คะแนน", "เมตร", "กรัม", "ลิตร", "%", "°C", "°",
    "เซนติเมตร", "มิลลิเมตร", "กิโลเมตร", "ตารางเซนติเมตร", "ตารางเมตร", "ตารางกิโลเมตร", "ลูกบาศก์เซนติเมตร",
    "ลูกบาศก์เมตร", "กิโลกรัม", "มิลลิลิตร", "สัน", "ด้าน", "มุม", "เหรียญ", "โหล", "แท่ง", "ห้อง", "ครั้ง", "ไร่",
    "งาน", "วา", "ตารางวา", "รอบ", "ชั้น", "ข้อ",
), key=len, reverse=True)
_UNIT = "|".join(re.escape(u) for u in _UNITS)
# codes (P6-MA-2568-1, ค 1.1 ป.6/2), times and decimals (06.00), grouped numbers (1,200), a number
# with its unit (15 ซม., 06.00 น.), abbreviations with a number (ป.6, ม.3): never broken
_ATOM = re.compile(
    r"(?:[A-Za-z0-9]+(?:[-/.:][A-Za-z0-9]+)+"
    r"|[ก-ฮ]{1,3}\.\s?[0-9๐-๙]+(?:[,.:/][0-9๐-๙]+)*"
    r"|[0-9๐-๙]+(?:[,.:/][0-9๐-๙]+)*)"
    rf"(?:\s?(?:{_UNIT})(?![\u0e01-\u0e4e]))?"
)
_CLOSING = set(",.;:!?)]}”’ๆฯ%…")
_OPENING = set("([{“‘")


@functools.lru_cache(maxsize=1)
def _tokenizer():
    from pythainlp.corpus import thai_words
    from pythainlp.tokenize import Tokenizer

    extra = (Path(__file__).parent / "assets" / "thai_words.txt").read_text(encoding="utf-8").split()
    return Tokenizer(custom_dict=set(thai_words()) | set(extra), engine="newmm", keep_whitespace=True)


@functools.lru_cache(maxsize=65536)
def thai_words(text: str) -> tuple[str, ...]:
    """`text` as the units a line may break between: Thai words by dictionary, each space run a unit
    of its own, numbers with their units, codes whole, punctuation with the word it belongs to."""
    pieces: list[str] = []
    pos = 0
    for m in _ATOM.finditer(text):
        if m.start() > pos:
            pieces.extend(_words_of(text[pos:m.start()]))
        pieces.append(m.group(0))
        pos = m.end()
    if pos < len(text):
        pieces.extend(_words_of(text[pos:]))
    out: list[str] = []
    glue_next = False
    for p in pieces:
        if not p:
            continue
        if p.isspace():
            out.append(p)
            glue_next = False
            continue
        if p[0] == "ๆ" and len(out) > 1 and out[-1].isspace() and not out[-2].isspace():
            out[-2:] = [out[-2] + out[-1] + p]  # ใด ๆ: the space before ๆ is no place to break
        elif out and not out[-1].isspace() and (glue_next or p[0] in _CLOSING):
            out[-1] += p
        else:
            out.append(p)
        glue_next = p[-1] in _OPENING
    return tuple(out)


def _words_of(text: str) -> list[str]:
    if not _THAI.search(text):
        return _split_spaces(text)
    return [t for t in _tokenizer().word_tokenize(text) if t]


def _split_spaces(text: str) -> list[str]:
    return [t for t in re.split(r"(\s+)", text) if t]


def segment_html(fragment: str) -> str:
    """HTML whose Thai text may break only between words: adjacent words parted by U+200B, the space
    inside a unit (a number and its unit, ``ดี ๆ``) made U+00A0. Render it with
    ``render_pdf(..., marked_breaks=True)``, which breaks lines there and at spaces only. Tags are left
    as they are; text inside ``<style>``, ``<title>`` and ``<script>`` is not touched."""
    out: list[str] = []
    skip = 0
    for part in _TAG.split(fragment):
        if not part:
            continue
        if part[0] == "<" and part[-1] == ">":
            name = part[1:].split(None, 1)[0].rstrip(">").lower() if len(part) > 2 else ""
            if name in ("style", "title", "script"):
                skip += 1
            elif name in ("/style", "/title", "/script"):
                skip = max(0, skip - 1)
            out.append(part)
        elif skip or not _THAI.search(part):
            out.append(part)
        else:
            out.append(_segment_text(part))
    return "".join(out)


_TAG = re.compile(r"(<[^>]*>)")


@functools.lru_cache(maxsize=65536)
def _segment_text(escaped: str) -> str:
    out: list[str] = []
    word_before = False
    for w in thai_words(html.unescape(escaped)):
        if w.isspace():
            out.append(w)
            word_before = False
            continue
        if word_before:
            out.append(ZWSP)
        out.append(esc(w.replace(" ", NBSP)))
        word_before = True
    return "".join(out)


def _joined(word: str) -> str:
    """`word` with U+2060 between its Thai character clusters (TCC), the only places where ICU's
    dictionary (LibreOffice) or Word could break inside it: their dictionaries are not ours (ICU
    breaks ถูก|ต้อง)."""
    from pythainlp.tokenize import subword_tokenize

    cuts: set[int] = set()
    pos = 0
    for t in subword_tokenize(word, engine="tcc"):
        pos += len(t)
        cuts.add(pos)
    cuts = {c for c in cuts if 0 < c < len(word) and word[c] != "\u00a0" and word[c - 1] != "\u00a0"}
    return "".join(WORD_JOINER + ch if k in cuts else ch for k, ch in enumerate(word))


@functools.lru_cache(maxsize=65536)
def segment_plain(text: str) -> str:
    """Plain text for DOCX: U+200B between words; inside a word, U+2060 where a general-purpose
    dictionary (ICU's, like PyThaiNLP's own list) would see a break (ผู้อำนวย⁠การ)."""
    if not _THAI.search(text):
        return text
    out: list[str] = []
    prev_word = False
    for w in thai_words(text):
        if w.isspace():
            out.append(w)
            prev_word = False
            continue
        if prev_word:
            out.append(ZWSP)
        w = w.replace(" ", NBSP)  # a number and its unit: one unbreakable unit
        if _THAI.search(w) and not _ATOM.fullmatch(w.replace(NBSP, " ")):
            w = _joined(w)
        out.append(w)
        prev_word = True
    return "".join(out)
