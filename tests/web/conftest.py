"""Fixtures for the pages: an app on the test database (SQLite and PostgreSQL), a live server and Chromium."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator

import pytest
from factories import make_item_draft, make_rubric_draft, make_set_draft
from werkzeug.serving import make_server

from itembank import service
from itembank.authz import Actor
from web import create_app
from web.store_ext import get_store


@pytest.fixture
def app(db_url, session, tmp_path):
    """The Flask app on empty tables of the test database."""
    app = create_app({"DATABASE_URL": db_url, "TESTING": True, "SECRET_KEY": "test"},
                     instance_path=str(tmp_path / "instance"))
    yield app
    get_store(app).dispose()


@pytest.fixture
def client(app):
    """A browser signed in as an officer (pages require sign-in); `anon` is nobody."""
    from signin import signed_in_client

    return signed_in_client(app, "officer")


@pytest.fixture
def anon(app):
    """A client nobody signed in with."""
    return app.test_client()


@pytest.fixture
def sample_bank(app):
    """A small bank: mathematics ป.6 and ป.3 items, a Thai passage set, a rubric item, one item with markup."""
    drafts = [
        make_item_draft(code="M6-0001"),
        make_item_draft(code="M6-0002", stem="<b>เศษส่วน</b> 1/2 + 1/4 เท่ากับเท่าใด<img src=x onerror=alert(1)>",
                        options=_opts("1/6", "2/6", "3/4", "1/8"), key=("ค",), cognitive_level="understand"),
        make_item_draft(code="M3-0001", grade="ป.3", indicator_codes=("ค 1.1 ป.3/2",),
                        stem="7 × 8 เท่ากับเท่าใด", options=_opts("54", "56", "58", "64"), key=("ข",)),
        make_rubric_draft(code="M6-0003"),
        make_item_draft(code="T6-0001", learning_area="ท", indicator_codes=("ท 1.1 ป.6/3",),
                        stem="จากเรื่อง ตลาดน้ำ ผู้คนมาค้าขายด้วยวิธีใด", options=_opts("เดิน", "พายเรือ", "ขี่ม้า", "ขับรถ"),
                        key=("ข",), set_code="SET-001", set_position=1),
    ]
    with get_store(app).session() as s:
        service.upsert_items(s, Actor.system(), drafts, sets=[make_set_draft("SET-001")])
    return drafts


def _opts(*texts):
    from itembank.schemas import OptionDraft

    return tuple(OptionDraft(label, text) for label, text in zip("กขคง", texts, strict=False))


@pytest.fixture
def live_server(app) -> Iterator[str]:
    """The app served on a free loopback port in a thread, for the browser."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


@pytest.fixture(scope="session")
def chromium():
    """Debian's Chromium driven by Playwright (the test command installs it; the network stays closed)."""
    path = shutil.which("chromium")
    if path is None:
        pytest.fail("chromium is not installed: run scripts/test.sh (it installs Debian's chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=path, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"])
        yield browser
        browser.close()
