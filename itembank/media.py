"""Pictures for items, stored content-addressed: the sha256 of the bytes is the name.

The type is sniffed from the magic bytes (never trusted from the file name), the size is checked,
and only PNG, JPEG, GIF, WebP and SVG are accepted. An SVG is parsed with defusedxml and rebuilt
from an allowlist of elements and attributes: scripts, event handlers, ``foreignObject`` and every
external reference are removed, and the sha256 names the sanitised bytes.
"""

from __future__ import annotations

import hashlib
import re
import xml.etree.ElementTree as ET  # only to serialise trees that defusedxml parsed
from collections.abc import Iterable

from defusedxml import ElementTree as SafeET
from sqlalchemy import select
from sqlmodel import Session

from itembank.authz import Actor, authorize
from itembank.messages import bank_error
from itembank.models import Media

MAX_MEDIA_BYTES = 2 * 1024 * 1024
ALLOWED_MIME = ("image/png", "image/jpeg", "image/gif", "image/webp", "image/svg+xml")

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
SVG_ELEMENTS = frozenset({
    "svg", "g", "defs", "title", "desc", "path", "rect", "circle", "ellipse", "line", "polyline",
    "polygon", "text", "tspan", "linearGradient", "radialGradient", "stop", "marker", "clipPath",
    "symbol", "use",
})
SVG_ATTRIBUTES = frozenset({
    "viewBox", "width", "height", "x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "rx", "ry", "d",
    "points", "fill", "stroke", "stroke-width", "stroke-linecap", "stroke-linejoin", "stroke-dasharray",
    "fill-opacity", "stroke-opacity", "opacity", "transform", "font-size", "font-family", "font-weight",
    "text-anchor", "dominant-baseline", "id", "offset", "stop-color", "stop-opacity", "gradientUnits",
    "gradientTransform", "markerWidth", "markerHeight", "refX", "refY", "orient", "marker-end",
    "marker-start", "clip-path", "preserveAspectRatio", "version", "fill-rule", "clip-rule", "dx", "dy",
})
_LOCAL_REF = re.compile(r"^#[A-Za-z_][\w.-]*$")
_URL_FUNC = re.compile(r"url\(\s*([^)]*)\)")
_SVG_START = re.compile(rb"^\s*(?:<\?xml[^>]*\?>\s*)?(?:<!--.*?-->\s*)*(?:<!DOCTYPE[^\[>]*(?:\[.*?\])?\s*>\s*)?<svg[\s>]", re.S)


def sniff_mime(data: bytes) -> str | None:
    """The picture type by its magic bytes, or None when it is none of the allowed ones."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    head = data[:4096].lstrip(b"\xef\xbb\xbf")
    if _SVG_START.match(head):
        return "image/svg+xml"
    return None


def _describe(data: bytes) -> str:
    if data.startswith(b"PK\x03\x04"):
        return "ZIP"
    if data.startswith(b"%PDF"):
        return "PDF"
    if data.lstrip()[:1] == b"<":
        return "HTML/XML"
    return "ไม่ทราบชนิด"


def _local(name: str) -> str:
    return name.rsplit("}", 1)[-1]


def _clean_svg_element(element: ET.Element) -> None:
    for child in list(element):
        if not isinstance(child.tag, str) or _local(child.tag) not in SVG_ELEMENTS:
            element.remove(child)
            continue
        _clean_svg_element(child)
    for name in list(element.attrib):
        local, value = _local(name), element.attrib[name]
        if local == "href":  # use/xlink:href: only references inside this picture
            if not _LOCAL_REF.match(value.strip()):
                del element.attrib[name]
            continue
        if local not in SVG_ATTRIBUTES:
            del element.attrib[name]
            continue
        for ref in _URL_FUNC.findall(value):
            if not _LOCAL_REF.match(ref.strip().strip("'\"")):
                del element.attrib[name]
                break


def sanitize_svg(data: bytes, filename: str = "") -> bytes:
    """An SVG rebuilt from the allowlist, or ItemBankError when it does not parse safely."""
    try:
        root = SafeET.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except Exception as e:  # noqa: BLE001 - any parse failure means the file is refused
        raise bank_error("media.svg_invalid", filename=filename, reason=type(e).__name__) from None
    if _local(root.tag) != "svg":
        raise bank_error("media.svg_invalid", filename=filename, reason="root is not <svg>")
    _clean_svg_element(root)
    ET.register_namespace("", SVG_NS)
    ET.register_namespace("xlink", XLINK_NS)
    return ET.tostring(root, encoding="utf-8", xml_declaration=False)


def check_media(data: bytes, filename: str = "", *, max_bytes: int = MAX_MEDIA_BYTES) -> tuple[str, bytes]:
    """(mime, bytes to store) for an allowed picture, or ItemBankError naming the file."""
    if not data:
        raise bank_error("media.empty", filename=filename)
    if len(data) > max_bytes:
        raise bank_error("media.too_large", filename=filename, size=len(data), max=max_bytes)
    mime = sniff_mime(data)
    if mime is None:
        raise bank_error("media.type_not_allowed", filename=filename, detected=_describe(data))
    if mime == "image/svg+xml":
        data = sanitize_svg(data, filename)
    return mime, data


def store_media(session: Session, actor: Actor, data: bytes, filename: str = "", *,
                max_bytes: int = MAX_MEDIA_BYTES) -> Media:
    """Store a picture once by its sha256 (the same bytes again return the stored row)."""
    authorize(actor, None, "media.upload")
    mime, data = check_media(data, filename, max_bytes=max_bytes)
    sha = hashlib.sha256(data).hexdigest()
    existing = session.get(Media, sha)
    if existing is not None:
        return existing
    media = Media(sha256=sha, mime=mime, size=len(data), data=data, filename=filename[:255],
                  uploaded_by_name=actor.username)
    session.add(media)
    session.commit()
    return media


def get_media(session: Session, actor: Actor, sha256: str) -> Media:
    """A stored picture by its sha256."""
    authorize(actor, None, "media.read")
    media = session.get(Media, sha256)
    if media is None:
        raise bank_error("media.not_found", sha256=sha256)
    return media


def media_by_sha256(session: Session, sha256s: Iterable[str]) -> dict[str, Media]:
    """The stored pictures with these names, in one query (unknown names are left out)."""
    names = sorted(set(sha256s))
    return {m.sha256: m for m in session.scalars(select(Media).where(Media.sha256.in_(names)))} if names else {}
