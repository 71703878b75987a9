"""Rich text: nh3 allowlist, idempotent, nothing that runs or fetches survives."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from itembank.sanitize import plain_text, sanitize_html

SHA = "a" * 64


@pytest.mark.parametrize("dirty, clean", [
    ("<script>alert(1)</script>2 + 3", "2 + 3"),
    ('<img src=x onerror="alert(1)">ข้อ', "<img>ข้อ"),
    ('<b onclick="x">หนา</b>', "<b>หนา</b>"),
    ('<a href="javascript:alert(1)">ลิงก์</a>', "ลิงก์"),
    ("<style>body{}</style><p>ย่อหน้า</p>", "<p>ย่อหน้า</p>"),
    ('<iframe src="https://evil"></iframe>ok', "ok"),
    (f'<img src="media:{SHA}" alt="รูป">', f'<img src="media:{SHA}" alt="รูป">'),
    ('<img src="https://evil.example/x.png">', "<img>"),
    ('<img src="file:///etc/passwd">', "<img>"),
    ("x<sup>2</sup> + H<sub>2</sub>O", "x<sup>2</sup> + H<sub>2</sub>O"),
    ('<td colspan="2" style="x">a</td>', "a"),
    ("5 < 7", "5 &lt; 7"),
])
def test_allowlist(dirty, clean):
    assert sanitize_html(dirty) == clean


_PIECES = list("<>/=\"' abcimgs&;กขค") + ["<b>", "<img ", "<script>", " onerror=", "</", "src="]


@given(st.lists(st.sampled_from(_PIECES), max_size=30).map("".join))
def test_sanitising_is_idempotent_and_leaves_no_handlers(text):
    once = sanitize_html(text)
    assert sanitize_html(once) == once
    tags = re.findall(r"<[^>]*>", once)
    assert not any(t.lower().startswith("<script") or re.search(r"\son\w*\s*=", t, re.I) for t in tags)


@given(
    st.text(
        alphabet=st.characters(blacklist_characters="<>&\x00\r", blacklist_categories=("Cs",)), max_size=40
    )
)
def test_the_plain_text_shortcut_agrees_with_the_parser(text):
    from itembank.sanitize import _clean

    assert sanitize_html(text) == _clean(text)


def test_no_break_space_goes_through_the_parser():
    assert sanitize_html("5\xa0บาท") == "5&nbsp;บาท"


def test_plain_text_for_search():
    assert plain_text("<p>ผลบวก</p><p>ของ 2 &amp; 3</p>") == "ผลบวก ของ 2 & 3"
    assert plain_text("x<sup>2</sup>") == "x2"
