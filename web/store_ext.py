"""The app's store: one `itembank.store.Store` per app, built from DATABASE_URL in the factory."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask, current_app
from sqlmodel import Session

from itembank.store import Store

EXTENSION = "khlang_store"


def init_app(app: Flask) -> None:
    app.extensions[EXTENSION] = Store(app.config["DATABASE_URL"])


def get_store(app: Flask | None = None) -> Store:
    return (app or current_app).extensions[EXTENSION]


@contextmanager
def read_session() -> Iterator[Session]:
    with get_store().read_session() as s:
        yield s


@contextmanager
def write_session() -> Iterator[Session]:
    with get_store().session() as s:
        yield s
