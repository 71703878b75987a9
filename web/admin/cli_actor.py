"""Who a command acts as: ``--as USERNAME`` (an active account, checked) or the system actor.

Maintenance commands (users, backup, db) act as the system actor unless ``--as`` names a person;
then the services authorize that person's roles like the pages do.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import click

AS_HELP = "ทำรายการในนามผู้ใช้ (ตรวจกับบัญชีผู้ใช้); ไม่ระบุ = ระบบ / act as this account (checked)"


def as_option(f: Any) -> Any:
    return click.option("--as", "as_name", default=None, metavar="USERNAME", help=AS_HELP)(f)


_AS_KEY = "khlang.as_name"


def give_as_option(group: click.Group) -> click.Group:
    """Give every command of `group` the ``--as USERNAME`` option; :func:`chosen_as` reads it back.

    For command groups whose commands share one session helper (``khlang forms``): call it once after
    the last command, then ``actor_for(session, chosen_as())`` in the helper."""
    import functools

    for command in group.commands.values():
        if any(p.name == "as_name" for p in command.params) or command.callback is None:
            continue
        command.params.append(click.Option(["--as", "as_name"], default=None, metavar="USERNAME", help=AS_HELP))

        def wrap(callback: Any) -> Any:
            @functools.wraps(callback)
            def run(*args: Any, as_name: str | None = None, **kwargs: Any) -> Any:
                click.get_current_context().meta[_AS_KEY] = as_name
                return callback(*args, **kwargs)

            return run

        command.callback = wrap(command.callback)
    return group


def chosen_as() -> str | None:
    """The ``--as`` of the running command (given by :func:`give_as_option`), or None."""
    ctx = click.get_current_context(silent=True)
    return ctx.meta.get(_AS_KEY) if ctx is not None else None


def actor_for(session: Any, as_name: str | None) -> Any:
    """The system actor, or the Actor of the named active account (refused in Thai otherwise)."""
    from itembank.accounts import actor_for as account_actor
    from itembank.authz import Actor

    return Actor.system() if not as_name else account_actor(session, as_name)


@contextmanager
def store_session(*, write: bool = True) -> Iterator[Any]:
    """A session on the configured database (khlang --instance, khlang.cfg, KHLANG_ env)."""
    from itembank.store import Store
    from web.cli import config

    store = Store(config()["DATABASE_URL"])
    try:
        with (store.session() if write else store.read_session()) as s:
            yield s
    finally:
        store.dispose()
