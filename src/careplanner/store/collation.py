"""Text on the practice server behaves as it does in the local store: it compares and sorts by code
point (SQLite's BINARY) and it takes any length (SQLite never enforces VARCHAR(n)).

Order and search. A PostgreSQL database takes its collation from the cluster (Debian: the machine's
locale, e.g. en_GB.UTF-8; Windows: "English_United Kingdom.1252"). Under a linguistic collation
`ORDER BY family_name` puts "de Souza" before "Dixon" where the local store puts it after, and the range
tests the services use for find-as-you-type stop working: `nhs_number < '943:'` is false for '9434765919'
(the colon is ignored), so a search by the start of an NHS number found nobody. With the "C" collation
(byte order of UTF-8 = code point order) both back ends answer every comparison, ORDER BY, GROUP BY and
unique index the same way, whatever the database was created with.

Length. The models' String(n) lengths are declarations SQLite ignores: the local store keeps a 45-letter
title or a postcode typed with a note after it. PostgreSQL refused them (value too long), so on the server
the same save failed with a database error, and a store holding such a value could not be moved onto it.

Migration 0011 applies both to every text column there was; the migration environment (env.py) applies
them again after every upgrade on PostgreSQL, so a column added by a later revision gets them too.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import Connection

# Every collatable column of an ordinary table in the current schema that does not compare by code point,
# or that is a VARCHAR with a length limit.
_NOT_AS_SQLITE = text(
    """
    SELECT c.relname, a.attname, a.atttypid = 'varchar'::regtype AS is_varchar,
           format_type(a.atttypid, NULL) AS type_name
    FROM pg_attribute a
    JOIN pg_class c ON c.oid = a.attrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    LEFT JOIN pg_collation co ON co.oid = a.attcollation
    WHERE n.nspname = current_schema() AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
      AND a.attcollation <> 0
      AND (co.collname IS DISTINCT FROM 'C' OR (a.atttypid = 'varchar'::regtype AND a.atttypmod <> -1))
    ORDER BY c.relname, a.attnum
    """
)


def text_not_as_sqlite(conn: Connection) -> list[tuple[str, str]]:
    """(table, column) of each server text column with a linguistic collation or a length limit."""
    return [(str(t), str(c)) for t, c, _varchar, _type in conn.execute(_NOT_AS_SQLITE)]


def text_as_sqlite(conn: Connection) -> int:
    """Give every text column the "C" collation and no length limit (one ALTER TABLE per table); a no-op
    on SQLite. Returns how many columns were changed. Neither change rewrites a table (both are binary
    compatible); the indexes on the changed columns are rebuilt."""
    if conn.dialect.name != "postgresql":
        return 0
    by_table: dict[str, list[str]] = {}
    for table, column, is_varchar, type_name in conn.execute(_NOT_AS_SQLITE):
        kind = "varchar" if is_varchar else str(type_name)
        by_table.setdefault(str(table), []).append(f'ALTER COLUMN "{column}" TYPE {kind} COLLATE "C"')
    for table, changes in by_table.items():
        conn.exec_driver_sql(f'ALTER TABLE "{table}" ' + ", ".join(changes))
    return sum(len(changes) for changes in by_table.values())
