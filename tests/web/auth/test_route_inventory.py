"""Every route declares its permission (ASVS 8.2.1), and a school probing every route with another
school's ids gets the same answer as for a missing object, with nothing changed (ASVS 8.2.2).

The inventory reads ``app.url_map``: a route added by any room without ``@requires`` or ``@public``
fails here. The matrix is generated from the same map, so new routes are probed as they arrive.
"""

from __future__ import annotations

import hashlib
import re

import pytest
from signin import csrf_token, ensure_school, make_account, sign_in
from sqlalchemy import inspect, text

from itembank.authz import ACTION_TH
from web.auth import PUBLIC
from web.store_ext import get_store

#: Routes anyone may reach: Flask's static files, the sign-in steps, the fonts those pages use and the
#: API's index and OpenAPI document.
PUBLIC_ROUTES = {"static", "auth.login", "auth.totp", "home.font", "api.openapi", "api.index"}


def _routes(app):
    for rule in app.url_map.iter_rules():
        yield rule, app.view_functions[rule.endpoint]


def test_every_route_declares_a_permission_from_the_one_table(app):
    undeclared, unknown, public = [], [], []
    for rule, view in _routes(app):
        if rule.endpoint == "static":
            continue
        permission = getattr(view, "khlang_permission", None)
        if permission is None:
            undeclared.append(f"{rule.rule} ({rule.endpoint})")
        elif permission == PUBLIC:
            public.append(rule.endpoint)
        elif permission not in ACTION_TH:
            unknown.append(f"{rule.rule}: {permission}")
    assert not undeclared, f"routes without @requires(action) or @public: {undeclared}"
    assert not unknown, f"routes naming an action nobody registered: {unknown}"
    assert set(public) <= PUBLIC_ROUTES, f"public routes need review: {set(public) - PUBLIC_ROUTES}"


def test_when_authorization_denies_everything_every_route_but_the_public_ones_fails(app, monkeypatch):
    """TAO's test: deny every permission, and no declared route answers 200 (each really checks)."""
    from itembank.authz import Actor

    user = make_account(app, "admin")
    client = app.test_client()
    sign_in(client, user.username)
    monkeypatch.setattr(Actor, "may", lambda self, action, obj=None: False)
    for rule, _view in _routes(app):
        if rule.endpoint in PUBLIC_ROUTES or "GET" not in rule.methods:
            continue
        url = re.sub(r"<(?:[^:>]+:)?([^>]+)>", "x", rule.rule)
        assert client.get(url).status_code in (403, 404), url


def _db_digest(app) -> str:
    """A hash of every row of every table but the ones sign-in itself writes."""
    skip = {"audit_log", "login_attempt", "auth_session", "api_token", "alembic_version"}
    engine = get_store(app).read_engine
    h = hashlib.sha256()
    with engine.connect() as conn:
        for table in sorted(inspect(conn).get_table_names()):
            if table in skip:
                continue
            rows = conn.execute(text(f'SELECT * FROM "{table}"')).fetchall()  # noqa: S608
            h.update(table.encode())
            for row in sorted(map(repr, rows)):
                h.update(row.encode())
    return h.hexdigest()


def _other_school_values(app, school_id: int) -> dict[str, list[str]]:
    """Ids and codes of every row that belongs to school `school_id`, table by table."""
    engine = get_store(app).read_engine
    found: dict[str, list[str]] = {"int": [], "str": []}
    with engine.connect() as conn:
        for table in inspect(conn).get_table_names():
            columns = {c["name"] for c in inspect(conn).get_columns(table)}
            owner = "id" if table == "school" else "school_id" if "school_id" in columns else None
            if owner is None:
                continue
            picked = [c for c in ("id", "code", "username") if c in columns]
            if not picked:
                continue
            rows = conn.execute(text(f'SELECT {", ".join(picked)} FROM "{table}" WHERE "{owner}" = :s'),  # noqa: S608
                                {"s": school_id}).fetchall()
            for row in rows:
                for value in row:
                    if isinstance(value, int):   # the id, and its neighbours (ASVS: id ± 1)
                        found["int"] += [str(value), str(value + 1), str(max(value - 1, 1))]
                    else:
                        found["str"].append(str(value))
    found["int"] = sorted(set(found["int"]))
    return found


def _own_exact(app, school_id: int) -> dict[str, list[str]]:
    """School `school_id`'s own ids and codes (no neighbours)."""
    engine = get_store(app).read_engine
    found: dict[str, list[str]] = {"int": [], "str": []}
    with engine.connect() as conn:
        for table in inspect(conn).get_table_names():
            columns = {c["name"] for c in inspect(conn).get_columns(table)}
            owner = "id" if table == "school" else "school_id" if "school_id" in columns else None
            picked = [c for c in ("id", "code", "username") if c in columns]
            if owner is None or not picked:
                continue
            for row in conn.execute(text(f'SELECT {", ".join(picked)} FROM "{table}" WHERE "{owner}" = :s'),  # noqa: S608
                                    {"s": school_id}):
                for value in row:
                    found["int" if isinstance(value, int) else "str"].append(str(value))
    return found


MISSING = {"int": "987654", "str": "NOPE-0000000"}


def _normalise(body: str, value: str) -> str:
    # the random parts first: a request id (16 hex digits) may hold the probed value's digits
    body = re.sub(r'name="csrf_token" value="[^"]+"', "", body)
    body = re.sub(r'"request_id": ?"[0-9a-f]+"', "", body)  # the JSON error of the API
    body = re.sub(r'data-test="request-id">[0-9a-f]+<', "", body)
    if len(value) >= 4:  # a page may name what it did not find; short ids would match anything
        body = body.replace(value, "<V>")
    return body


@pytest.fixture
def two_schools(app, sample_bank):
    a = ensure_school(app, "1000000001", "โรงเรียน ก")
    b = ensure_school(app, "1000000002", "โรงเรียน ข")
    make_account(app, "school", username="school.b", school_id=b)
    return a, b


def test_a_school_gets_the_same_404_for_another_schools_ids_as_for_missing_ones(app, two_schools):
    a, b = two_schools
    school_a = make_account(app, "school", school_id=a)
    client = app.test_client()
    sign_in(client, school_a.username)
    values = _other_school_values(app, b)
    for kind in ("int", "str"):   # school A's own ids and codes may answer 200: they are no probe
        mine = set(_own_exact(app, a)[kind])
        values[kind] = [v for v in values[kind] if v not in mine]
    assert values["int"] and values["str"]
    before = _db_digest(app)
    probes = 0
    for rule, _view in _routes(app):
        if not rule.arguments or rule.endpoint in PUBLIC_ROUTES:
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            for arg_kind in ("int", "str"):
                converters = {rule._converters[name].__class__.__name__ for name in rule.arguments}
                if arg_kind == "str" and converters & {"IntegerConverter", "FloatConverter"}:
                    continue  # a number in the path takes the int probes only
                missing = rule.rule
                for name in rule.arguments:
                    missing = re.sub(rf"<(?:[^:>]+:)?{name}>", MISSING[arg_kind], missing)
                token = csrf_token(client, "/")
                data = {"csrf_token": token} if method != "GET" else None
                expected = client.open(missing, method=method, data=data)
                for value in values[arg_kind]:
                    url = rule.rule
                    for name in rule.arguments:
                        url = re.sub(rf"<(?:[^:>]+:)?{name}>", value, url)
                    got = client.open(url, method=method, data=data)
                    probes += 1
                    assert got.status_code == expected.status_code, (method, url, got.status_code)
                    # an API route refuses a body it cannot read (422) before it looks anything up: the
                    # same answer as for a missing id (checked above) tells nothing
                    allowed = (401, 403, 404, 405, 422) if url.startswith("/api/") else (401, 403, 404, 405)
                    assert got.status_code in allowed, (method, url)
                    assert _normalise(got.get_data(as_text=True), value) == \
                        _normalise(expected.get_data(as_text=True), MISSING[arg_kind]), (method, url)
    assert probes > 0
    assert _db_digest(app) == before
    print(f"IDOR probes: {probes}")
