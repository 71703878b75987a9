"""The item page reads through read_version(actor): a role that may not read keys never gets the key."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from flask import template_rendered


@contextmanager
def _captured(app):
    rendered = []

    def record(sender, template, context, **extra):
        rendered.append(context)

    template_rendered.connect(record, app)
    try:
        yield rendered
    finally:
        template_rendered.disconnect(record, app)


def _walk(value, depth=0):
    """Every attribute name reachable from the context's plain data (dataclasses and read models)."""
    if depth > 4:
        return
    fields = getattr(value, "__dataclass_fields__", None) or getattr(type(value), "model_fields", None)
    if fields:
        for name in fields:
            yield name
            yield from _walk(getattr(value, name), depth + 1)
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from _walk(v, depth + 1)


@pytest.mark.parametrize("role", ["supervisor", "qa"])
def test_a_role_without_item_read_key_gets_no_key_in_the_context_or_the_page(app, sample_bank, role):
    from signin import signed_in_client

    client = signed_in_client(app, role)
    with _captured(app) as rendered:
        response = client.get("/bank/items/M6-0002")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    (context,) = rendered
    names = {n for value in context.values() for n in _walk(value)}
    assert "key" not in names and "accepted_answers" not in names and "author_name" not in names
    assert not hasattr(context["v"], "key")
    assert 'class="key"' not in page and "✓" not in page
    assert "3/4" in page                                  # the option itself is shown, unmarked


def test_an_officer_sees_the_key(app, client, sample_bank):
    with _captured(app) as rendered:
        page = client.get("/bank/items/M6-0002").get_data(as_text=True)
    assert rendered[0]["v"].key == ["ค"] and rendered[0]["page"].shows_key
    assert '<li class="key">ค. 3/4' in page


def test_a_school_may_not_browse_the_bank(app, sample_bank):
    from signin import signed_in_client

    client = signed_in_client(app, "school")
    assert client.get("/bank/items/M6-0002").status_code in (403, 422)


def test_home_shows_no_counts_to_a_role_that_may_not_search_the_bank(app, sample_bank):
    from signin import signed_in_client

    client = signed_in_client(app, "school")
    page = client.get("/").get_data(as_text=True)
    assert 'data-test="n-items"' not in page
