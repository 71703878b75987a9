"""Rich text sanitising: an nh3 allowlist applied on import and on save.

Stems, options, rubric descriptions and passages may carry simple formatting (bold, sub/superscript,
lists, tables) and pictures from the bank's own media store. Everything else is removed:
``<script>`` and ``<style>`` with their content, event handlers such as ``onerror=``,
``javascript:`` and every external URL (the PDF renderer must never fetch anything).
"""

from __future__ import annotations

import html
import re

import nh3

ALLOWED_TAGS = frozenset({
    "p", "br", "b", "strong", "i", "em", "u", "s", "sub", "sup", "span", "div", "blockquote",
    "ul", "ol", "li", "table", "thead", "tbody", "tr", "td", "th", "img", "code", "pre", "hr",
})
ALLOWED_ATTRIBUTES = {
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
    "ol": {"start"},
}
CLEAN_CONTENT_TAGS = frozenset({"script", "style", "iframe", "object", "embed", "template", "noscript"})

# pictures only from the bank's own store: media:<sha256> or /media/<sha256>
_MEDIA_SRC = re.compile(r"^(?:media:|/media/)[0-9a-f]{64}$")
_NUMBER = re.compile(r"^[0-9]{1,4}$")
_BLOCK_TAG = re.compile(r"<(?:br|/?p|/?div|/?li|/?td|/?th|/?tr|hr)\b[^>]*>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")
_PLAIN = re.compile(r"^[^<>&\x00\r\xa0]*$")  # what the HTML serialiser never rewrites


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    if tag == "img" and attribute == "src":
        return value if _MEDIA_SRC.match(value) else None
    if attribute in ("width", "height", "colspan", "rowspan", "start"):
        return value if _NUMBER.match(value) else None
    return value


def sanitize_html(text: str) -> str:
    """The allowlisted form of `text`; plain text comes back unchanged except for escaping ``<>&``.

    Idempotent: ``sanitize_html(sanitize_html(x)) == sanitize_html(x)``.
    """
    if not text:
        return ""
    if _PLAIN.match(text):  # nothing the parser would change: skip it (imports sanitise every cell)
        return text
    return _clean(text)


def _clean(text: str) -> str:
    return nh3.clean(
        text,
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(CLEAN_CONTENT_TAGS),
        attributes={k: set(v) for k, v in ALLOWED_ATTRIBUTES.items()},
        attribute_filter=_attribute_filter,
        url_schemes={"media"},
        strip_comments=True,
        link_rel=None,
    )


def plain_text(text: str) -> str:
    """Text without markup or entities, whitespace collapsed: what text search looks in."""
    return _SPACE.sub(" ", html.unescape(_TAG.sub("", _BLOCK_TAG.sub(" ", text)))).strip()


def search_text(text: str) -> str:
    """What text search compares: plain text, lower-cased (Thai has no case; Latin letters fold the
    same way on SQLite and PostgreSQL because both sides are folded here, not by the database)."""
    return plain_text(text).lower()
