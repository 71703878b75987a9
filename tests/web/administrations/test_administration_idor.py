"""The route inventory's IDOR probe on this area's routes, in a district where the other school has
a roster, answers and a download: every one of its ids and codes answers as a missing one, nothing changes."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "auth"))
import test_route_inventory as tri  # noqa: E402
from admin_world import SCHOOLS, answer_rows, answers_csv, import_roster_of, school_client, world  # noqa: E402

AREA = ("administrations", "administrations_api", "portal")


def test_another_schools_ids_answer_as_missing_ones_on_these_routes(app, monkeypatch, tmp_path):
    from itembank.authz import Actor
    from scoring.uploads import import_answers
    from web.store_ext import get_store

    world(app)
    import_roster_of(app, tmp_path, 1)
    with get_store(app).session() as s:
        import_answers(s, Actor.system(), "ADM-1", SCHOOLS[1], answers_csv(tmp_path, answer_rows(1)))
    b = school_client(app, 1)
    b.get("/school/ADM-1/booklet/A").close()
    a = school_client(app, 0)
    every = tri._routes
    monkeypatch.setattr(tri, "_routes", lambda app: [(r, v) for r, v in every(app) if r.endpoint.split(".")[0] in AREA])
    tri.test_a_school_gets_the_same_404_for_another_schools_ids_as_for_missing_ones(app, (a.school_id, b.school_id))
