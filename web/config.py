"""The one reading of Khlang's configuration, without Flask (commands that only need settings use it).

Order, each overriding the one before: :mod:`web.defaults`, the instance folder's ``khlang.cfg``
(a Python file, as Flask's ``from_pyfile`` reads it), environment variables prefixed ``KHLANG_``
(values parsed as JSON when they parse, as Flask's ``from_prefixed_env``; ``__`` nests into a dict),
``DATABASE_URL``, then the caller's overrides. :func:`web.create_app` loads the same dict into
``app.config``; nothing else reads the environment.
"""

from __future__ import annotations

import json
import os
import types
from collections.abc import Mapping
from typing import Any

PREFIX = "KHLANG_"


def _defaults() -> dict[str, Any]:
    from web import defaults

    return {k: v for k, v in vars(defaults).items() if k.isupper()}


def _from_pyfile(path: str) -> dict[str, Any]:
    if not os.path.isfile(path):
        return {}
    module = types.ModuleType("config")
    module.__file__ = path
    with open(path, "rb") as f:
        exec(compile(f.read(), path, "exec"), module.__dict__)  # noqa: S102 (the office's own settings file)
    return {k: v for k, v in vars(module).items() if k.isupper()}


def _from_env(environ: Mapping[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in sorted(k for k in environ if k.startswith(PREFIX)):
        value: Any = environ[key]
        try:
            value = json.loads(value)
        except ValueError:
            pass
        name = key[len(PREFIX):]
        if "__" not in name:
            out[name] = value
            continue
        *parents, leaf = name.split("__")
        current = out
        for part in parents:
            current = current.setdefault(part, {})
        current[leaf] = value
    return out


def load_config(instance_path: str, overrides: Mapping[str, Any] | None = None,
                environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Every configuration key for the instance folder `instance_path`, as `create_app` would set it."""
    environ = os.environ if environ is None else environ
    config = _defaults()
    config.update(_from_pyfile(os.path.join(instance_path, "khlang.cfg")))
    config.update(_from_env(environ))
    if environ.get("DATABASE_URL"):
        config["DATABASE_URL"] = environ["DATABASE_URL"]
    config.update(overrides or {})
    if not config.get("DATABASE_URL"):
        config["DATABASE_URL"] = "sqlite:///" + os.path.join(instance_path, "khlang.sqlite3")
    return config
