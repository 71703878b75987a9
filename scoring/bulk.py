"""Many rows into one table at once, the fast way each database offers (uploads, re-scoring)."""

from __future__ import annotations

import json

from sqlalchemy import func, insert, select, text
from sqlmodel import Session


def insert_rows(session: Session, table, rows: list[dict], returning: tuple[str, ...] = ()) -> list[tuple]:
    """Insert many rows at once: on PostgreSQL by COPY (ids drawn from the table's sequence first), elsewhere
    by an executemany that SQLAlchemy batches into multi-row INSERTs. Returns the `returning` columns."""
    if not rows:
        return []
    columns = list(rows[0])
    if session.get_bind().dialect.name != "postgresql":
        stmt = insert(table).returning(*(table.c[c] for c in returning or (columns[0],)))
        return [tuple(r) for r in session.execute(stmt, rows).all()]
    if "id" in table.c and "id" not in columns and table.c["id"].primary_key:
        ids = session.execute(text("SELECT nextval(pg_get_serial_sequence(:t, 'id')) FROM generate_series(1, :n)"),
                              {"t": table.name, "n": len(rows)}).scalars().all()
        rows = [{**r, "id": i} for r, i in zip(rows, ids, strict=True)]
        columns.append("id")
    is_json = [type(table.c[c].type).__name__.upper().startswith(("JSON", "JSONTYPE")) or
               table.c[c].type.compile(dialect=session.get_bind().dialect).upper().startswith("JSON")
               for c in columns]
    raw = session.connection().connection.driver_connection  # the psycopg connection, in this transaction
    with raw.cursor() as cur, cur.copy(f'COPY "{table.name}" ({", ".join(columns)}) FROM STDIN') as copy:
        for r in rows:
            copy.write_row([json.dumps(r[c], ensure_ascii=False) if j and r[c] is not None else r[c]
                            for c, j in zip(columns, is_json, strict=True)])
    return [tuple(r[c] for c in returning) for r in rows] if returning else []


def json_text(value) -> str | None:
    """A JSON column's value as the text the driver is handed (done before the write transaction)."""
    return None if value is None else json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def timestamp_value(session: Session, value):
    """A timestamp as the driver takes it: SQLite's text (as SQLAlchemy writes it), a datetime elsewhere."""
    from sqlalchemy import DateTime

    dialect = session.get_bind().dialect
    process = DateTime(timezone=True).dialect_impl(dialect).bind_processor(dialect)
    return process(value) if process else value


def write_rows(session: Session, table, columns: tuple[str, ...], rows: list[tuple], *, with_ids: bool = False,
               ids: list[int] | None = None) -> list[int]:
    """Write rows that are ready for the driver (JSON as text, timestamps by :func:`timestamp_value`) in the
    session's transaction, with nothing left to compute but the ids: COPY on PostgreSQL, one executemany on
    the DBAPI cursor elsewhere. `with_ids`: new ids are drawn for the rows (PostgreSQL: from the table's
    sequence; SQLite: after the largest, safe because the write transaction holds the database's only write
    lock) and returned; `ids` gives them instead."""
    if not rows:
        return []
    conn = session.connection()
    if with_ids and ids is None:
        ids = new_ids(session, table, len(rows))
    if ids is not None:
        columns = ("id", *columns)
        rows = [(i, *r) for i, r in zip(ids, rows, strict=True)]
    raw = conn.connection.driver_connection
    names = ", ".join(columns)
    if conn.dialect.name == "postgresql":
        with raw.cursor() as cur, cur.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
            for r in rows:
                copy.write_row(r)
    else:  # names from the table model, quoted by the dialect; values only as parameters
        q = conn.dialect.identifier_preparer
        sql = (f"INSERT INTO {q.format_table(table)} ({', '.join(q.quote(c) for c in columns)}) "  # noqa: S608
               f"VALUES ({', '.join('?' * len(columns))})")
        raw.executemany(sql, rows)
    return list(ids or [])


def new_ids(session: Session, table, n: int) -> list[int]:
    """`n` unused ids of a table, in this write transaction (see :func:`write_rows`)."""
    conn = session.connection()
    if conn.dialect.name == "postgresql":
        return conn.execute(text("SELECT nextval(pg_get_serial_sequence(:t, 'id')) FROM generate_series(1, :n)"),
                            {"t": table.name, "n": n}).scalars().all()
    top = conn.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar() or 0
    return list(range(top + 1, top + n + 1))
