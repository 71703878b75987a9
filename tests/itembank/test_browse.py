"""What browsing the bank shows: counts, and one item read as the actor may read it."""

from __future__ import annotations

import pytest
from factories import make_actor, make_item_draft

from itembank import service
from itembank.browse import bank_overview, item_page
from itembank.errors import ItemBankError


def test_overview_counts_latest_versions_by_status_and_area_grade(session):
    officer = make_actor("officer")
    service.create_item(session, officer, make_item_draft(code="B-1"))
    service.create_item(session, officer, make_item_draft(code="B-2", grade="ป.3", indicator_codes=("ค 1.1 ป.3/2",)))
    overview = bank_overview(session, make_actor("supervisor"))
    assert (overview.n_items, overview.n_versions, overview.n_schools) == (2, 2, 0)
    assert overview.by_status == {"draft": 2}
    assert overview.by_area_grade == {("ค", "ป.6"): 1, ("ค", "ป.3"): 1}
    with pytest.raises(ItemBankError) as e:
        bank_overview(session, make_actor("school"))
    assert e.value.kind == "forbidden"


def test_item_page_has_the_key_only_for_roles_that_may_read_it(session):
    service.create_item(session, make_actor("officer"), make_item_draft(code="B-1"))
    for_analyst = item_page(session, make_actor("analyst"), "B-1")
    assert for_analyst.shows_key and for_analyst.version.key == ["ข"] and for_analyst.status == "draft"
    for_qa = item_page(session, make_actor("qa"), "B-1")
    assert not for_qa.shows_key and not hasattr(for_qa.version, "key")
    assert [v.number for v in for_qa.versions] == [1] and for_qa.indicators[0][1]
    with pytest.raises(ItemBankError) as e:
        item_page(session, make_actor("officer"), "NOPE")
    assert e.value.kind == "not_found"
