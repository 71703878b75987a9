"""The PDF renderer's sandbox: file and network payloads reach nothing (ASVS 1.3.6, 13.2.4, 15.3.2)."""

from __future__ import annotations

import base64
import http.server
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pikepdf
import pytest
from exports_pdftools import needs_poppler, text

from demo.documents import demo_booklet
from exports.booklet import render_booklet_pdf
from exports.data import Booklet, BookletItem, Media
from exports.pdf import SandboxFetcher, render_pdf, sarabun_dir

SECRET = "CANARY-SECRET-7f3a91"


class _Canary(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        type(self).hits.append(self.path)
        if self.path.startswith("/redirect"):
            self.send_response(302)
            self.send_header("Location", "/after-redirect")
            self.end_headers()
            return
        body = f"{SECRET} from http".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/css" if self.path.endswith(".css") else "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def canary_server() -> Iterator[tuple[str, list[str]]]:
    _Canary.hits = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Canary)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", _Canary.hits
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def canary_file(tmp_path: Path) -> Path:
    path = tmp_path / "canary.txt"
    path.write_text(SECRET)
    (tmp_path / "canary.svg").write_text(
        f'<svg xmlns="http://www.w3.org/2000/svg" width="50" height="20"><text y="15">{SECRET}</text></svg>'
    )
    (tmp_path / "canary.css").write_text(f'body::before {{ content: "{SECRET}"; }}')
    return path


def _payload_html(http_base: str, canary: Path) -> tuple[str, list[str]]:
    file_url = canary.as_uri()
    css_url = canary.with_suffix(".css").as_uri()
    svg_url = canary.with_suffix(".svg").as_uri()
    escape = (sarabun_dir() / ".." / ".." / ".." / ".." / ".." / ".." / canary.relative_to("/")).as_posix()
    svg_payload = (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="60" height="60">'
        f'<image href="{http_base}/svg-image.png" width="20" height="20"/>'
        f'<image xlink:href="{svg_url}" x="20" width="20" height="20"/></svg>'
    )
    svg_data = "data:image/svg+xml;base64," + base64.b64encode(svg_payload.encode()).decode()
    urls = [
        file_url,
        f"{http_base}/img.png",
        f"{http_base}/import.css",
        css_url,
        f"{http_base}/bg.png",
        f"{http_base}/font.ttf",
        f"{http_base}/redirect",
        "file://" + escape,
        f"{http_base}/link.css",
        f"{http_base}/svg-image.png",
        svg_url,
    ]
    html = f"""<!DOCTYPE html><html lang="th"><head><meta charset="utf-8">
<link rel="stylesheet" href="{http_base}/link.css">
<link rel="attachment" href="{file_url}">
<style>
@import url("{http_base}/import.css");
@import url("{css_url}");
@font-face {{ font-family: "Evil"; src: url("{http_base}/font.ttf"); }}
body {{ background: url("{http_base}/bg.png"); font-family: "Evil", "Sarabun"; }}
.x {{ background-image: url("{http_base}/redirect"); }}
</style></head><body>
<p class="x">ข้อสอบ</p>
<img src="{file_url}"><img src="{http_base}/img.png"><img src="file://{escape}">
<img src="{svg_data}">
<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40"><image href="{svg_url}" width="40" height="40"/></svg>
<object data="{file_url}"></object><iframe src="{file_url}"></iframe>
</body></html>"""
    return html, urls


@needs_poppler
def test_payloads_in_a_template_reach_nothing(
    canary_server: tuple[str, list[str]], canary_file: Path, tmp_path: Path
) -> None:
    base, hits = canary_server
    with urllib.request.urlopen(base + "/probe", timeout=5) as r:  # the canary really answers
        assert SECRET in r.read().decode()
    assert hits == ["/probe"]
    hits.clear()
    html, urls = _payload_html(base, canary_file)
    fetcher = SandboxFetcher()
    started = time.perf_counter()
    pdf = render_pdf(html, fetcher=fetcher)
    elapsed = time.perf_counter() - started
    out = tmp_path / "payload.pdf"
    out.write_bytes(pdf)
    assert hits == []  # the loopback canary server saw no request at all
    assert SECRET not in text(out) and SECRET.encode() not in pdf
    with pikepdf.open(out) as doc:
        assert len(doc.attachments) == 0
    assert elapsed < 10
    missing = [u for u in urls if not any(b.startswith(u.split("?")[0][:60]) for b in fetcher.blocked)]
    assert missing == [], fetcher.blocked  # every payload URL was asked for, and refused


def test_payloads_in_item_text_and_media_are_stripped_or_blocked(
    canary_server: tuple[str, list[str]], canary_file: Path
) -> None:
    base, hits = canary_server
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="60" height="30">'
        f'<image href="{canary_file.with_suffix(".svg").as_uri()}" width="30" height="30"/>'
        f'<image href="{base}/media.png" x="30" width="30" height="30"/></svg>'
    ).encode()
    stem = (
        f'<img src="{canary_file.as_uri()}"><img src="{base}/stem.png">'
        f'<style>@import url("{base}/stem.css");</style><span style="background:url({base}/s.png)">ข้อ</span>'
        f'<svg><image href="{base}/inline.png"/></svg><link rel="stylesheet" href="{base}/l.css">'
    )
    item = BookletItem(
        "EVIL-1", stem, (f'<img src="{base}/opt.png">ก', "ข"), 1, media=Media(svg, "image/svg+xml")
    )
    b = demo_booklet("A")
    booklet = Booklet(
        **{**b.__dict__, "items": (item,), "passages": (), "title": f"<img src='{base}/t.png'>"}
    )
    fetcher = SandboxFetcher()
    pdf = render_booklet_pdf(booklet, fetcher=fetcher)
    assert hits == [] and SECRET.encode() not in pdf
    # the text payloads never reached the renderer; the media's SVG images were refused by the fetcher
    assert sorted(u.rsplit("/", 1)[-1] for u in fetcher.blocked) == ["canary.svg", "media.png"]


def test_own_fonts_and_data_uris_still_load() -> None:
    fetcher = SandboxFetcher()
    font = (sarabun_dir() / "Sarabun-Regular.ttf").as_uri()
    assert fetcher.fetch(font).read()[:4] == b"\x00\x01\x00\x00"
    assert fetcher.fetch("data:text/plain;base64,4Liq4Lin4Lix4Liq4LiU4Li1").read().decode() == "สวัสดี"
    for url in (
        "http://127.0.0.1:9/x",
        "https://example.org/a.png",
        "ftp://127.0.0.1/x",
        "file:///etc/passwd",
        font + "/../../../../../../etc/passwd",
        "file://localhost/etc/hostname",
        "gopher://x/",
    ):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    assert len(fetcher.blocked) == 7


def test_svg_media_converted_for_docx_fetches_nothing(
    canary_server: tuple[str, list[str]], canary_file: Path, tmp_path: Path
) -> None:
    from exports.docx import booklet_docx

    base, hits = canary_server
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="60" height="30">'
        f'<image xlink:href="{base}/docx.png" width="30" height="30"/>'
        f'<image href="{canary_file.with_suffix(".svg").as_uri()}" x="30" width="30" height="30"/>'
        '<rect width="10" height="10"/></svg>'
    ).encode()
    item = BookletItem("SVG-1", "รูป", ("ก", "ข"), 1, media=Media(svg, "image/svg+xml"))
    b = demo_booklet("A")
    data = booklet_docx(Booklet(**{**b.__dict__, "items": (item,), "passages": ()}), tmp_path / "x.docx")
    assert hits == [] and SECRET.encode() not in data
