"""Many rows into one table at once, the fast way each database offers (uploads, re-scoring)."""

from __future__ import annotations

import json

from sqlalchemy import insert, text
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
