"""schemathesis fuzzes every /api/v1 operation as anonymous, a school, an officer and an analyst.

The operations are read from the app's own OpenAPI document at run time, so every route an area adds is
fuzzed without touching this file. Each role sends its bearer token (anonymous sends none). Checks: no
server error, the status code, the content type and the response body are those the document declares.
The data are a small real district: two schools, a bank of eight approved items and the sample bank's
items, a frozen form with two variants, an administration released an hour ago and a roster.

Bounded: ``KHLANG_FUZZ_EXAMPLES`` examples per operation (default 20), no shrinking, no deadline.
"""

from __future__ import annotations

import os
import sys
import traceback
from collections import Counter, defaultdict
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
EXAMPLES = int(os.environ.get("KHLANG_FUZZ_EXAMPLES", "20"))
STATUS_LOG = os.environ.get("KHLANG_FUZZ_STATUS") == "1"  # print the status codes seen per operation


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
    from scoring.administrations import record_booklets
    from scoring.rosters import import_roster
    from web.store_ext import get_store

    with get_store(app).session() as s:
        world = make_world(s)
        import_roster(s, SYSTEM, SCHOOLS[0], roster_csv(tmp_path), 2568)
        s.commit()
        pdf = tmp_path / "booklet-A.pdf"  # a booklet "rendered at release" (the render job itself is not fuzzed)
        pdf.write_bytes(b"%PDF-1.4\n%fuzz\n")
        record_booklets(s, SYSTEM, world["admin"], {SCHOOLS[0]: {"A": {"path": str(pdf), "sha256": "0" * 64}}})
    _sample_items(app, service)
    headers: dict[str, dict[str, str]] = {"anonymous": {}}
    for role in ROLES[1:]:
        user = make_account(app, role, school_id=world["schools"][SCHOOLS[0]] if role == "school" else None)
        with get_store(app).session() as s:
            headers[role] = {"Authorization": f"Bearer {issue_token(s, Actor.system(), user.username)}"}
            if role == "analyst":
                _step_results(s, Actor(user.id, user.username, "analyst"))
    return headers


def _step_results(s, analyst) -> None:
    """A finished calibration, link and DIF of the analyst (KNOWN below), so their result routes answer 200."""
    from itembank.jobs import finish_job, record_job

    item = {"position": 1, "item_code": "S6-01"}
    outcomes = {
        "analysis_calibrate": {"kind": "calibration", "model": "2pl", "scale": "district-ป.6", "anchored": False,
                               "anchors_from": None, "n_anchors": 0, "n_persons": 40, "n_items": 1, "converged": True,
                               "iterations": 12, "log_likelihood": -20.5, "skipped": ["S6-08"], "warnings": [],
                               "parameter_set": None,
                               "items": [{**item, "a": 1.2, "b": -0.0, "c": None, "se_a": 0.3, "se_b": None,
                                          "se_c": None, "anchor": False}]},
        "analysis_link": {"kind": "linking", "scale": "district-ป.6", "method": "stocking_lord",
                          "anchors_from": "district-ป.6@v1", "A": 1.0, "B": -0.0, "se_A": 0.1, "se_B": None,
                          "n_common": 1, "n_persons": 40, "converged": True, "drift_limit": 0.5, "n_drift": 0,
                          "excluded": [], "common": [{**item, "a_new": 1.1, "b_new": 0.2, "a_linked": 1.1,
                                                      "b_linked": 0.2, "a_bank": 1.0, "b_bank": 0.2, "b_diff": 0.0,
                                                      "drift": False}]},
        "analysis_dif": {"kind": "dif", "comparison": "sex", "focal": "F", "reference": "M", "n_focal": 20,
                         "n_reference": 20, "purify": True, "dropped_from_matching": [], "counts": {"A": 1, "B": 0, "C": 0},
                         "items": [{**item, "alpha_mh": 1.0, "delta": -0.0, "delta_se": 0.4, "chi2": 0.0,
                                    "p_value": 1.0, "ets_class": "A"}]},
    }
    for kind, outcome in outcomes.items():
        job_id = KNOWN[{"analysis_calibrate": "calibrations", "analysis_link": "links", "analysis_dif": "dif"}[kind]]
        record_job(s, analyst, job_id, kind, {"administration": "ADM-1"})
        finish_job(s, job_id, kind, {"ok": True, "job": kind, "administration": "ADM-1", "seconds": 0.1,
                                     "message_th": "ผลทดสอบ", "message_en": "a test result", **outcome})


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
    app = create_app({"DATABASE_URL": db_url, "TESTING": True, "SECRET_KEY": "test", "PROPAGATE_EXCEPTIONS": False},
                     instance_path=str(tmp / "instance"))
    world = FuzzWorld(app, build_world(app, tmp))
    yield world
    get_store(app).dispose()


#: Path values that exist in the world, by the path segment before the parameter (else by its name):
#: half of the cases use them, so the routes do real work instead of answering 404 to random codes.
KNOWN = {"items": "S6-00", "versions": "1", "number": "1", "administrations": "ADM-1", "forms": "F-1",
         "variants": "A", "variant": "A", "schools": "1040120001", "school": "1040120001",
         "school_code": "1040120001", "instruments": "INS-1", "blueprints": "BP-1", "years": "2568",
         "year": "2568", "kind": "school", "fmt": "pdf",
         "calibrations": "fuzz-calibration", "links": "fuzz-link", "dif": "fuzz-dif"}  # the analyst's step results


def real_path(path: str, params: dict) -> dict:
    """The path parameters with the world's values where one is known."""
    segments = path.split("/")
    out = dict(params)
    for name in params:
        at = segments.index("{" + name + "}") if "{" + name + "}" in segments else 0
        before = segments[at - 1] if at > 0 else ""
        value = KNOWN.get(before) if not before.startswith("{") else None
        value = value or KNOWN.get(name)
        if value is not None:
            out[name] = type(params[name])(value) if isinstance(params[name], int | float) else value
    return out


def fuzz(app, headers: dict[str, str], examples: int = EXAMPLES) -> dict[str, str]:
    """Every operation of the document, ``examples`` cases each; the failures by operation (empty: none)."""
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    failures: dict[str, str] = {}
    seen: dict[str, list[int]] = defaultdict(list)
    for result in schema.get_all_operations():
        operation = result.ok()
        try:
            _fuzz_operation(operation, headers, examples, seen[operation.label])
        except Exception as e:  # noqa: BLE001 - every operation's failure is reported, not only the first
            cause = e.__cause__
            where = "".join(traceback.format_exception(cause)[-4:]) if isinstance(cause, AttributeError | TypeError |
                                                                                 KeyError | ValueError) else ""
            failures[operation.label] = str(e)[:3000] + where
    if STATUS_LOG:
        for label, codes in seen.items():
            print(f"{label}: {dict(sorted(Counter(codes).items()))}")
    return failures


def _fuzz_operation(operation, headers: dict[str, str], examples: int, statuses: list[int]) -> None:
    from hypothesis import given
    from hypothesis import strategies as st

    @given(case=operation.as_strategy(), real=st.booleans())
    @settings(max_examples=examples, deadline=None, phases=[Phase.explicit, Phase.generate],
              suppress_health_check=list(HealthCheck), database=None, derandomize=True)
    def run(case, real):
        if real and case.path_parameters:
            case.path_parameters = real_path(operation.path, case.path_parameters)
        # the document's bearer scheme makes schemathesis invent tokens: the role's own replaces them
        case.headers = {k: v for k, v in (case.headers or {}).items() if k.lower() != "authorization"}
        case.headers.update(headers)
        try:
            response = case.call_and_validate(checks=CHECKS)
        except Exception as e:
            raise AssertionError(f"{_reproduce(case)}\n{type(e).__name__}: {e}") from e
        statuses.append(response.status_code)

    run()


def _reproduce(case) -> str:
    try:
        return case.as_curl_command(base_url="http://127.0.0.1:5000")
    except Exception:  # noqa: BLE001
        return f"{case.method} {case.formatted_path} query={case.query!r} body={case.body!r}"


@pytest.mark.parametrize("role", ROLES)
def test_api_conforms_to_its_document(fuzz_world, role):
    # the pytest plugin's lazy schema (schemathesis.pytest.from_fixture) breaks on pytest 9 (Function._nodeid)
    failures = fuzz(fuzz_world.app, fuzz_world.headers[role])
    assert not failures, "\n\n".join(f"== {label} as {role}\n{text}" for label, text in failures.items())
