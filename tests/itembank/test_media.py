"""Media: content-addressed, sniffed by magic bytes, size-checked, SVG sanitised."""

from __future__ import annotations

import hashlib

import pytest
from factories import make_actor, make_item_draft
from sqlmodel import func, select

from itembank import service
from itembank.errors import ItemBankError
from itembank.media import check_media, get_media, sniff_mime, store_media
from itembank.models import Media

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 20
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 20
GIF = b"GIF89a" + b"\x00" * 20
WEBP = b"RIFF\x10\x00\x00\x00WEBPVP8 " + b"\x00" * 10
SVG = (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10" onload="alert(1)">'
       b'<script>alert(2)</script><rect width="5" height="5" fill="red" onclick="x"/>'
       b'<image href="https://evil.example/x.png"/><use href="#a"/><use href="https://evil/x#b"/>'
       b'<foreignObject><p>x</p></foreignObject></svg>')


@pytest.mark.parametrize("data, mime", [(PNG, "image/png"), (JPEG, "image/jpeg"), (GIF, "image/gif"),
                                        (WEBP, "image/webp"), (SVG, "image/svg+xml")])
def test_types_are_sniffed_from_magic_bytes(data, mime):
    assert sniff_mime(data) == mime


@pytest.mark.parametrize("data, what", [
    (b"PK\x03\x04" + b"\x00" * 30, "ZIP"),
    (b"%PDF-1.7", "PDF"),
    (b"<html><script>alert(1)</script></html>", "HTML/XML"),
    (b"MZ\x90\x00", "ไม่ทราบชนิด"),
])
def test_other_types_are_refused_in_thai(data, what):
    with pytest.raises(ItemBankError) as e:
        check_media(data, "รูป.png")
    assert e.value.code == "media.type_not_allowed" and what in e.value.text() and "รูป.png" in e.value.text()


def test_size_is_checked():
    with pytest.raises(ItemBankError) as e:
        check_media(PNG + b"\x00" * 100, "big.png", max_bytes=50)
    assert e.value.code == "media.too_large" and "ใหญ่เกิน" in e.value.text()
    with pytest.raises(ItemBankError):
        check_media(b"", "empty.png")


def test_svg_is_sanitised():
    mime, data = check_media(SVG, "pic.svg")
    text = data.decode()
    assert mime == "image/svg+xml"
    for bad in ("script", "onload", "onclick", "evil", "foreignObject", "alert"):
        assert bad not in text
    assert "<rect" in text and 'href="#a"' in text


def test_svg_with_entities_is_refused():
    bomb = b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaa">]><svg xmlns="http://www.w3.org/2000/svg">&a;</svg>'
    with pytest.raises(ItemBankError) as e:
        check_media(bomb, "bomb.svg")
    assert e.value.code == "media.svg_invalid"


def test_media_is_stored_once_by_sha256_and_items_refer_to_it(session):
    officer = make_actor("officer")
    first = store_media(session, officer, PNG, "a.png")
    again = store_media(session, officer, PNG, "b.png")
    assert first.sha256 == again.sha256 == hashlib.sha256(PNG).hexdigest()
    assert session.exec(select(func.count()).select_from(Media)).one() == 1
    assert get_media(session, make_actor("analyst"), first.sha256).data == PNG
    service.upsert_items(session, officer, [make_item_draft(code="IMG-1", media=(first.sha256,),
                                                            stem=f'ดูรูป <img src="media:{first.sha256}">')])
    v = service.get_version(session, "IMG-1")
    assert v.media == [first.sha256] and f'src="media:{first.sha256}"' in v.stem


def test_school_cannot_upload_and_unknown_media_is_not_found(session):
    with pytest.raises(ItemBankError) as e:
        store_media(session, make_actor("school"), PNG, "a.png")
    assert e.value.kind == "forbidden"
    with pytest.raises(ItemBankError) as e:
        get_media(session, make_actor("officer"), "f" * 64)
    assert e.value.kind == "not_found"
