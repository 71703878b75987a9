"""The proctor's kit over the web: a school gets its own after release, another school's is a 404."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scoring"))  # scoring_world beside the room's tests

from scoring_world import SCHOOLS, SYSTEM, make_world, roster_csv  # noqa: E402

from scoring.rosters import import_roster  # noqa: E402

S1, S2 = SCHOOLS


def test_the_page_route_gives_a_school_its_own_kit_and_another_school_a_404(app, tmp_path):
    from signin import make_account, sign_in

    from web.store_ext import get_store

    with get_store(app).session() as s:
        world = make_world(s)
        import_roster(s, SYSTEM, S1, roster_csv(tmp_path, n=2), 2568)
    user = make_account(app, "school", school_id=world["schools"][S1])
    client = app.test_client()
    sign_in(client, user.username)
    mine = client.get(f"/administrations/{world['admin']}/schools/{S1}/proctor-pack.pdf")
    assert mine.status_code == 200 and mine.data[:5] == b"%PDF-"
    assert client.get(f"/administrations/{world['admin']}/schools/{S2}/proctor-pack.pdf").status_code == 404
    assert client.get(f"/administrations/NOPE/schools/{S1}/proctor-pack.pdf").status_code == 404
