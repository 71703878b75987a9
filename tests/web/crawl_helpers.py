"""What the page crawl checks on every page a role can reach: Thai words, Thai dates, labels, the language.

Each ``problems_*`` function returns a list of Thai-free, short English descriptions (empty: the page
is fine), so one crawl reports every problem of every page at once instead of stopping at the first.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit, urlunsplit

#: Raw values that must never reach a page (enum values, role names, Python's None, the curriculum id).
ENGLISH_WORDS = (
    "multiple_choice", "multiple_response", "true_false", "short_answer", "constructed_response", "matching",
    "approved", "in_review", "draft", "retired", "returned", "rejected",
    "officer", "analyst", "supervisor", "reviewer", "qa_officer",
    "None", "null", "undefined", "NaN",
    "queued", "running", "refused", "frozen", "released", "pending",
)
_WORD = re.compile(r"(?<![\w.@/-])(" + "|".join(map(re.escape, ENGLISH_WORDS)) + r")(?![\w.@/-])")
_CURRICULUM = re.compile(r"\b25\d\d-rev25\d\d\b")
_TH_MONTHS = ("มกราคม|กุมภาพันธ์|มีนาคม|เมษายน|พฤษภาคม|มิถุนายน|กรกฎาคม|สิงหาคม|กันยายน|ตุลาคม|พฤศจิกายน|ธันวาคม|"
              r"ม\.ค\.|ก\.พ\.|มี\.ค\.|เม\.ย\.|พ\.ค\.|มิ\.ย\.|ก\.ค\.|ส\.ค\.|ก\.ย\.|ต\.ค\.|พ\.ย\.|ธ\.ค\.")
#: A Christian-era year shown as a date: ISO, d/m/yyyy, a month name followed by 20xx, English months.
_CE_DATES = (
    re.compile(r"(?<!\d)20[0-4]\d-[01]\d-[0-3]\d(?!\d)"),
    re.compile(r"(?<!\d)\d{1,2}/\d{1,2}/20[0-4]\d(?!\d)"),
    re.compile(rf"(?:{_TH_MONTHS})\s*(?:ค\.ศ\.\s*)?20[0-4]\d(?!\d)"),
    re.compile(r"\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?\s+\d{1,2},?\s+20[0-4]\d\b"),
)

#: Links the crawl never follows: leaving, switching language, files, the API, the password form's POST.
SKIP_PATH = re.compile(r"^/(logout|login|static/|api/|auth/logout)|/download|/export|\.(pdf|docx|xlsx|csv|zip|svg|png|"
                       r"jpe?g|json|txt)$", re.I)

UNLABELLED_JS = """
() => Array.from(document.querySelectorAll('input, select, textarea')).filter(el => {
  const t = (el.getAttribute('type') || '').toLowerCase();
  if (['hidden', 'submit', 'button', 'image', 'reset'].includes(t)) return false;
  if (el.labels && el.labels.length) return false;
  if ((el.getAttribute('aria-label') || '').trim()) return false;
  const by = el.getAttribute('aria-labelledby');
  if (by && by.split(/\\s+/).some(id => document.getElementById(id))) return false;
  return true;
}).map(el => el.outerHTML.slice(0, 160))
"""

LINKS_JS = """
() => Array.from(document.querySelectorAll('a[href]')).filter(a => !a.hasAttribute('download')
      && !a.closest('header.top .lang')).map(a => a.getAttribute('href'))
"""

NAV_JS = "() => Array.from(document.querySelectorAll('header.top nav a[href]')).map(a => a.getAttribute('href'))"


def visible_text(page) -> str:
    return page.evaluate("() => document.body ? document.body.innerText : ''")


def problems_of_text(text: str) -> list[str]:
    """Raw English values and Christian-era dates in the visible text."""
    found = []
    words = sorted({m.group(1) for m in _WORD.finditer(text)})
    if words:
        found.append(f"raw English words {words}: {_around(text, _WORD)}")
    if _CURRICULUM.search(text):
        found.append(f"raw curriculum id: {_around(text, _CURRICULUM)}")
    for pattern in _CE_DATES:
        if pattern.search(text):
            found.append(f"date in C.E. (not พ.ศ.): {_around(text, pattern)}")
    return found


def _around(text: str, pattern: re.Pattern) -> str:
    m = pattern.search(text)
    if m is None:
        return ""
    return repr(text[max(0, m.start() - 40):m.end() + 40].replace("\n", " | "))


def problems_of_page(page) -> list[str]:
    """The language of the document and the labels of its fields."""
    found = []
    if not (page.evaluate("() => document.documentElement.lang") or "").strip():
        found.append("<html> has no lang")
    unlabelled = page.evaluate(UNLABELLED_JS)
    if unlabelled:
        found.append(f"{len(unlabelled)} field(s) without a label: {unlabelled[:3]}")
    return found


def same_origin_paths(base: str, page_url: str, hrefs: list[str]) -> list[str]:
    """The same-origin pages a list of hrefs leads to (path and query, no fragment), minus skipped ones."""
    origin = urlsplit(base)
    out = []
    for href in hrefs:
        if not href or href.startswith(("#", "mailto:", "tel:", "javascript:")):
            continue
        url = urlsplit(urljoin(page_url, href))
        if (url.scheme, url.netloc) != (origin.scheme, origin.netloc):
            continue
        if SKIP_PATH.search(url.path) or "lang=" in url.query:
            continue
        out.append(urlunsplit(("", "", url.path, url.query, "")))
    return out


def template_of(path: str) -> str:
    """A page's kind: ids and codes replaced, query values dropped (one page of each kind is enough)."""
    url = urlsplit(path)
    parts = ["{}" if re.search(r"\d", p) else p for p in url.path.split("/")]
    keys = sorted({kv.split("=", 1)[0] for kv in url.query.split("&") if kv})
    return "/".join(parts) + ("?" + "&".join(keys) if keys else "")
