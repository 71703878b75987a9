"""The embargo, proven by a crawling school (issue 11 part 4; security note §7 #1).

A canary text is planted in a stem of the unreleased form. With the clock fixed at ``release_at − 1 s``
a school crawls every page reachable from its home page and every GET route with every id the
database holds, and calls every school-facing service of the administration: the canary appears
nowhere and every service answers "not found". At ``release_at`` the administration appears; the key
stays sealed until ``key_release_at`` and the results until ``results_release_at``.
"""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser

import pytest
from factories import make_item_draft
from signin import make_account, sign_in
from sqlalchemy import inspect, text

from itembank import service
from itembank.authz import Actor
from itembank.errors import KhlangError
from itembank.schemas import OptionDraft
from itembank.schools import SchoolBase, add_schools
from web.store_ext import get_store

scoring_admin = pytest.importorskip("scoring.administrations")

CANARY = "CANARY-7f3a9c"
SYSTEM = Actor.system()
OPTIONS = (OptionDraft("ก", "1"), OptionDraft("ข", "2"), OptionDraft("ค", "3"), OptionDraft("ง", "4"))
RELEASE = dt.datetime(2026, 12, 8, 2, 0, tzinfo=dt.UTC)        # 09:00 in Bangkok
KEY_RELEASE = RELEASE + dt.timedelta(hours=3)
RESULTS_RELEASE = RELEASE + dt.timedelta(days=7)


@pytest.fixture
def world(app):
    from testgen.forms import freeze_items, make_form_variants

    with get_store(app).session() as s:
        ids = add_schools(s, SYSTEM, [SchoolBase(code="1040120001", name_th="โรงเรียนทดสอบ ก"),
                                      SchoolBase(code="1040120002", name_th="โรงเรียนทดสอบ ข")])
        codes = [f"E6-{i:02d}" for i in range(4)]
        service.upsert_items(s, SYSTEM, [
            make_item_draft(code=c, options=OPTIONS, key=("ก",), status="approved",
                            stem=f"{CANARY} ข้อที่ {i} เท่ากับเท่าใด" if i == 0 else f"ข้อที่ {i} เท่ากับเท่าใด")
            for i, c in enumerate(codes)])
        s.commit()
        freeze_items(s, SYSTEM, "F-EMB", "คณิตศาสตร์ ป.6", codes)
        make_form_variants(s, SYSTEM, "F-EMB", 2, seed=3)
        scoring_admin.create_administration(
            s, SYSTEM, "ADM-EMB", "สอบปลายปี ป.6", "F-EMB", year_be=2569, term=2, grade="ป.6",
            release_at=RELEASE, key_release_at=KEY_RELEASE, results_release_at=RESULTS_RELEASE)
    return {"schools": ids, "code": "ADM-EMB"}


@pytest.fixture
def clock(monkeypatch):
    """The administrations' clock, set by the test."""
    now = {"t": RELEASE - dt.timedelta(seconds=1)}
    monkeypatch.setattr(scoring_admin, "utcnow", lambda: now["t"])
    return now


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src", "action") and value and value.startswith("/"):
                self.links.append(value.split("#")[0])


def _ids(app) -> list[str]:
    """Every id and code the database holds (the crawler tries each in each route)."""
    engine = get_store(app).read_engine
    found: set[str] = set()
    with engine.connect() as conn:
        for table in inspect(conn).get_table_names():
            columns = {c["name"] for c in inspect(conn).get_columns(table)}
            for column in ("id", "code"):
                if column in columns:
                    found |= {str(v) for (v,) in conn.execute(text(f'SELECT "{column}" FROM "{table}"'))}  # noqa: S608
    return sorted(found)


def _crawl(app, client) -> tuple[int, list[str]]:
    """Every page reachable by links from the home page, and every GET route with every id: how many
    responses were read, and the URLs whose body or headers carried the canary."""
    seen, hits, queue = set(), [], ["/"]
    ids = _ids(app)
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        if not rule.arguments:
            queue.append(rule.rule)
            continue
        for value in ids:
            queue.append(re.sub(r"<(?:[^:>]+:)?[^>]+>", value, rule.rule))
    while queue:
        url = queue.pop()
        if url in seen or url.startswith("/logout"):
            continue
        seen.add(url)
        with client.get(url) as response:
            body = response.get_data(as_text=True) if response.mimetype.startswith("text") else \
                response.get_data().decode("latin-1")
        if CANARY in body or CANARY in str(response.headers):
            hits.append(url)
        if response.mimetype == "text/html":
            parser = _Links()
            parser.feed(body)
            queue.extend(link for link in parser.links if link not in seen)
    return len(seen), hits


def _service_calls(session, actor, code: str, school_code: str) -> dict[str, object]:
    """Every school-facing service of the administration: its result, or the refusal's kind."""
    from scoring import warehouse

    calls = {
        "list": lambda: scoring_admin.list_administrations(session, actor),
        "get": lambda: scoring_admin.get_administration(session, actor, code),
        "booklet A": lambda: scoring_admin.booklet_download(session, actor, code, school_code, "A"),
        "booklet download": lambda: scoring_admin.record_download(session, actor, code, school_code, "booklet", "A"),
        "answer sheet": lambda: scoring_admin.record_download(session, actor, code, school_code, "answer_sheet"),
        "key": lambda: scoring_admin.record_download(session, actor, code, school_code, "key", "A"),
        "results": lambda: warehouse.school_results(session, actor, code, actor.school_id),
    }
    out = {}
    for name, call in calls.items():
        try:
            result = call()
            out[name] = f"download:{result.document}" if hasattr(result, "document") else result
        except KhlangError as e:
            session.rollback()
            out[name] = e.kind
    return out


def test_a_school_finds_nothing_of_an_unreleased_form_until_its_times(app, world, clock):
    school_user = make_account(app, "school", school_id=world["schools"]["1040120001"])
    actor = school_user.actor()
    client = app.test_client()
    sign_in(client, school_user.username)

    # release_at − 1 s: pages and services show nothing
    n_pages, hits = _crawl(app, client)
    assert hits == [] and n_pages > 10
    with get_store(app).session() as s:
        calls = _service_calls(s, actor, "ADM-EMB", "1040120001")
    assert calls["list"] == [] and CANARY not in repr(calls)
    assert {k: v for k, v in calls.items() if k != "list"} == {k: "not_found" for k in calls if k != "list"}

    # release_at: the administration and its booklets (not yet rendered), no key, no results
    clock["t"] = RELEASE
    with get_store(app).session() as s:
        calls = _service_calls(s, actor, "ADM-EMB", "1040120001")
    assert [a.code for a in calls["list"]] == ["ADM-EMB"] and calls["get"].code == "ADM-EMB"
    assert calls["booklet download"] == "download:booklet" and calls["answer sheet"] == "download:answer_sheet"
    assert calls["key"] == "not_found" and calls["results"] == "not_found"

    # key_release_at − 1 s / key_release_at
    clock["t"] = KEY_RELEASE - dt.timedelta(seconds=1)
    with get_store(app).session() as s:
        assert _service_calls(s, actor, "ADM-EMB", "1040120001")["key"] == "not_found"
    clock["t"] = KEY_RELEASE
    with get_store(app).session() as s:
        calls = _service_calls(s, actor, "ADM-EMB", "1040120001")
    assert calls["key"] == "download:key" and calls["results"] == "not_found"

    # results_release_at − 1 s / results_release_at
    clock["t"] = RESULTS_RELEASE - dt.timedelta(seconds=1)
    with get_store(app).session() as s:
        assert _service_calls(s, actor, "ADM-EMB", "1040120001")["results"] == "not_found"
    clock["t"] = RESULTS_RELEASE
    with get_store(app).session() as s:
        assert _service_calls(s, actor, "ADM-EMB", "1040120001")["results"] != "not_found"
    print(f"embargo crawl: {n_pages} responses read, canary hits before release: {len(hits)}")


def test_another_school_never_sees_the_administration_of_a_school_that_does_not_take_part(app, world, clock):
    """A school outside the administration gets not_found even after every release time."""
    with get_store(app).session() as s:
        outsider = add_schools(s, SYSTEM, [SchoolBase(code="1040120099", name_th="โรงเรียนนอก")])["1040120099"]
    actor = make_account(app, "school", school_id=outsider).actor()
    clock["t"] = RESULTS_RELEASE + dt.timedelta(days=1)
    with get_store(app).session() as s:
        calls = _service_calls(s, actor, "ADM-EMB", "1040120001")
    assert calls["list"] == [] and all(v in ("not_found", "forbidden") for k, v in calls.items() if k != "list")


def test_the_crawler_finds_the_canary_where_it_may_be_seen(app, world, clock):
    """The same crawl as an officer finds the canary in the bank: the school's zero is not blindness."""
    officer = make_account(app, "officer")
    client = app.test_client()
    sign_in(client, officer.username)
    _n, hits = _crawl(app, client)
    assert any(h.startswith("/bank/items/E6-00") for h in hits)
