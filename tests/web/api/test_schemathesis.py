"""schemathesis fuzzes every /api/v1 operation as anonymous, a school, an officer and an analyst.

The operations are read from the app's own OpenAPI document at run time, so every route an area adds is
fuzzed without touching this file. Each role sends its bearer token (anonymous sends none). Checks: no
server error, the status code, the content type and the response body are those the document declares.
The data are a small real district: two schools, a bank of eight approved items and the sample bank's
items, a frozen form with two variants, an administration released an hour ago and a roster.

Bounded: ``KHLANG_FUZZ_EXAMPLES`` examples per operation (default 15), no shrinking, no deadline.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scoring"))  # scoring_world: the small district

ROLES = ("anonymous", "school", "officer", "analyst")
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES = int(os.environ.get("KHLANG_FUZZ_EXAMPLES", "15"))


@dataclass
class FuzzWorld:
    app: object
    headers: dict[str, dict[str, str]] = field(default_factory=dict)


def build_world(app, tmp_path: Path) -> dict[str, dict[str, str]]:
    """The district the fuzzer works on, and one bearer token per role (anonymous: none)."""
    from scoring_world import SCHOOLS, SYSTEM, make_world, roster_csv
    from signin import make_account

    from itembank import service
    from itembank.accounts import issue_token
    from itembank.authz import Actor
    from scoring.rosters import import_roster
    from web.store_ext import get_store

    with get_store(app).session() as s:
        world = make_world(s)
        import_roster(s, SYSTEM, SCHOOLS[0], roster_csv(tmp_path), 2568)
        s.commit()
    _sample_items(app, service)
    headers: dict[str, dict[str, str]] = {"anonymous": {}}
    for role in ROLES[1:]:
        user = make_account(app, role, school_id=world["schools"][SCHOOLS[0]] if role == "school" else None)
        with get_store(app).session() as s:
            headers[role] = {"Authorization": f"Bearer {issue_token(s, Actor.system(), user.username)}"}
    return headers


def _sample_items(app, service) -> None:
    from factories import make_item_draft, make_set_draft

    from itembank.authz import Actor
    from web.store_ext import get_store

    drafts = [make_item_draft(code="M3-0001", grade="ป.3", indicator_codes=("ค 1.1 ป.3/2",), stem="7 × 8 เท่ากับเท่าใด"),
              make_item_draft(code="T6-0001", learning_area="ท", indicator_codes=("ท 1.1 ป.6/3",),
                              stem="จากเรื่อง ตลาดน้ำ ผู้คนมาค้าขายด้วยวิธีใด", set_code="SET-001", set_position=1)]
    with get_store(app).session() as s:
        service.upsert_items(s, Actor.system(), drafts, sets=[make_set_draft("SET-001")])


@pytest.fixture(scope="module")
def fuzz_world(db_url, tmp_path_factory):
    """One app and one district for the module (the fuzzer's writes stay within it)."""
    from dbutil import clear_tables

    from itembank.store import Store
    from web import create_app
    from web.store_ext import get_store

    store = Store(db_url)
    clear_tables(store.engine)
    store.dispose()
    tmp = tmp_path_factory.mktemp("fuzz")
    app = create_app({"DATABASE_URL": db_url, "TESTING": True, "SECRET_KEY": "test"},
                     instance_path=str(tmp / "instance"))
    world = FuzzWorld(app, build_world(app, tmp))
    yield world
    get_store(app).dispose()


def fuzz(app, headers: dict[str, str], examples: int = EXAMPLES) -> dict[str, str]:
    """Every operation of the document, ``examples`` cases each; the failures by operation (empty: none)."""
    from hypothesis import given

    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    failures: dict[str, str] = {}
    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(max_examples=examples, deadline=None, phases=[Phase.explicit, Phase.generate],
                  suppress_health_check=list(HealthCheck), database=None, derandomize=True)
        def run(case):
            case.call_and_validate(headers=headers, checks=CHECKS)

        try:
            run()
        except Exception as e:  # noqa: BLE001 - every operation's failure is reported, not only the first
            failures[operation.label] = f"{type(e).__name__}: {e}"[:3000]
    return failures


@pytest.mark.parametrize("role", ROLES)
def test_api_conforms_to_its_document(fuzz_world, role):
    # the pytest plugin's lazy schema (schemathesis.pytest.from_fixture) breaks on pytest 9 (Function._nodeid)
    failures = fuzz(fuzz_world.app, fuzz_world.headers[role])
    assert not failures, "\n\n".join(f"== {label} as {role}\n{text}" for label, text in failures.items())
