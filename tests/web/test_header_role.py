"""The page header names the signed-in person's role in the page's language."""

from __future__ import annotations

import pytest
from signin import make_account, sign_in


def _who(app, role, lang):
    user = make_account(app, role)
    client = app.test_client()
    sign_in(client, user.username)
    page = client.get(f"/?lang={lang}").get_data(as_text=True)
    start = page.index('data-test="who"')
    return page[start:page.index("</span>", start)]


@pytest.mark.parametrize(("role", "thai", "english"), [
    ("analyst", "(นักวิเคราะห์)", "(Analyst)"),
    ("officer", "(นักวัดผล)", "(Measurement officer)"),
    ("school", "(โรงเรียน)", "(School)"),
    ("secretary", "(เลขานุการคณะกรรมการ ก.ต.ป.น.)", "(Committee secretary)"),
])
def test_the_header_names_the_role_in_the_page_language(app, role, thai, english):
    assert thai in _who(app, role, "th")
    who = _who(app, role, "en")
    assert english in who and thai not in who
