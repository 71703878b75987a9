"""Every page of every demo role, in a real Chromium: signed in through /login, each menu page and the
pages one link away from it (same origin; no downloads, no sign-out; one page of each kind).

On each page: status below 400, ``<html lang>``, nothing wider than the screen at 1366 and 390 px
(screenshots into artifacts/screenshots/crawl-<role>-…), no raw English values (``multiple_choice``,
``approved``, ``None``, ``2551-rev2560`` …), dates in พ.ศ., a label on every field. All problems of
a role are reported together. The demo district is the run's one seed on SQLite (:mod:`demodb`, shared
with the demo tests), copied for the crawl (``KHLANG_DEMO_DB``: an already seeded database to copy
instead, for a quick local run).
"""

from __future__ import annotations

import os
import re
import shutil
import threading
import time
from pathlib import Path

import pytest
from crawl_helpers import (
    LINKS_JS,
    NAV_JS,
    problems_of_page,
    problems_of_text,
    same_origin_paths,
    template_of,
    visible_text,
)
from demodb import DEMO_GROUP
from screens import overflow, shoot

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group(DEMO_GROUP)]  # one seed, one server (demodb)

DEMO_PASSWORD = "khlang-demo-2569"
ROLES = ("officer.malee", "school.1029020001", "analyst.thanet", "supervisor.rungnapa", "qa.jintana",
         "admin.kittisak", "reviewer.somsri", "secretary.wilai")
MAX_PAGES = int(os.environ.get("KHLANG_CRAWL_PAGES", "25"))
#: Pages a role reaches by a link but may not open: (role, path regex) -> refused in Thai (403/404).
EXPECTED_REFUSALS: tuple[tuple[str, str], ...] = ()


@pytest.fixture(scope="session")
def demo_server(tmp_path_factory):
    """The demo district on SQLite, served on a loopback port for the whole test process."""
    from werkzeug.serving import WSGIRequestHandler, make_server

    class Quiet(WSGIRequestHandler):
        def log_request(self, *args, **kwargs):  # the crawl reports what matters itself
            pass

    from web import create_app
    from web.store_ext import get_store

    root = tmp_path_factory.mktemp("crawl")
    url, instance = _demo_database(root, tmp_path_factory)
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "crawl", "DEMO_MODE": True,
                      "DEMO_PASSWORD": DEMO_PASSWORD, "LOGIN_FAILURE_DELAY": 0}, instance_path=str(instance))
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)
        get_store(app).dispose()


def _demo_database(root: Path, tmp_path_factory) -> tuple[str, Path]:
    """The crawl's copy of the seeded demo (SQLite) and its instance folder."""
    given = os.environ.get("KHLANG_DEMO_DB")
    if given:
        path = root / "demo.sqlite3"
        shutil.copyfile(given.removeprefix("sqlite:///"), path)
        return f"sqlite:///{path}", root / "instance"
    from demodb import demo_copy, demo_template

    with demo_copy(demo_template("sqlite", tmp_path_factory), root) as copy:  # a file: nothing to drop after
        return copy.url, copy.instance


def _sign_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/login")
    page.fill("#username", username)
    page.fill("#password", DEMO_PASSWORD)
    page.click("#sign-in")
    page.wait_for_load_state("load")
    assert "/login" not in page.url, f"{username} could not sign in: {visible_text(page)[:300]}"


def _refusal_expected(username: str, path: str) -> bool:
    return any(u == username and re.search(p, path) for u, p in EXPECTED_REFUSALS)


def _check(page, base: str, username: str, path: str, name: str) -> list[str]:
    """Open one page and return what is wrong with it."""
    response = page.goto(base + path, wait_until="load")
    status = response.status if response else 0
    found: list[str] = []
    if status >= 400:
        thai = re.search(r"[\u0E00-\u0E7F]", visible_text(page) or "")
        if not (status in (403, 404) and thai and _refusal_expected(username, path)):
            text = " ".join(visible_text(page).split())
            return [f"HTTP {status}{'' if thai else ' (not in Thai)'}: {text[-160:]!r}"]
    found += problems_of_page(page)
    found += problems_of_text(visible_text(page))
    try:
        shoot(page, name)
    except AssertionError as e:
        found.append(str(e).split(": ", 1)[-1])
    return found


@pytest.mark.parametrize("username", ROLES)
def test_every_page_a_role_reaches_is_thai_and_fits(chromium, demo_server, username):
    base = demo_server
    context = chromium.new_context(viewport={"width": 1366, "height": 768}, locale="th-TH")
    page = context.new_page()
    problems: dict[str, list[str]] = {}
    seen: set[str] = set()
    visited: list[str] = []
    started = time.perf_counter()
    try:
        _sign_in(page, base, username)
        home = urlpath(page.url)
        menu = [home] + same_origin_paths(base, page.url, page.evaluate(NAV_JS))
        queue: list[str] = []
        for path in dict.fromkeys(menu):
            if len(visited) >= MAX_PAGES:
                break
            seen.add(template_of(path))
            visited.append(path)
            found = _check(page, base, username, path, _shot_name(username, path))
            if found:
                problems[path] = found
            if page.url.startswith(base):
                queue += same_origin_paths(base, page.url, page.evaluate(LINKS_JS))
        for path in queue:
            if len(visited) >= MAX_PAGES:
                break
            kind = template_of(path)
            if kind in seen:
                continue
            seen.add(kind)
            visited.append(path)
            found = _check(page, base, username, path, _shot_name(username, path))
            if found:
                problems[path] = found
    finally:
        context.close()
    print(f"{username}: {len(visited)} pages in {time.perf_counter() - started:.1f} s")
    assert len(visited) >= 2, f"{username} reached only {visited}"
    assert not problems, f"{username}: {len(problems)} of {len(visited)} pages have problems:\n" + "\n".join(
        f"  {path}: {'; '.join(p)}" for path, p in problems.items())


def urlpath(url: str) -> str:
    from urllib.parse import urlsplit

    u = urlsplit(url)
    return u.path + (f"?{u.query}" if u.query else "")


def _shot_name(username: str, path: str) -> str:
    slug = re.sub(r"[^0-9A-Za-z]+", "-", path.strip("/")).strip("-")[:60] or "home"
    return f"crawl-{username.split('.')[0]}-{slug}"


def test_the_crawl_checks_find_what_they_look_for():
    """The checks themselves: raw values, C.E. dates and the curriculum id are caught; Thai passes."""
    assert problems_of_text("สถานะ: อนุมัติแล้ว วันที่ 7 ธันวาคม 2569 ฉบับ P6-MA-2568-1") == []
    assert problems_of_text("officer.malee ส่ง M6-0001") == []
    bad = problems_of_text("ชนิด multiple_choice สถานะ approved | None | 2551-rev2560 | 2026-12-07 | 7 ธ.ค. 2026")
    assert len(bad) == 4 and "multiple_choice" in bad[0] and "None" in bad[0]
    assert template_of("/bank/items/M6-0001?page=2&sort=code") == "/bank/items/{}?page&sort"
    assert overflow  # imported for the screenshots' check
