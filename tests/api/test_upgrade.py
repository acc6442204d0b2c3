"""Upgrading keeps every row: a database made by the previous release (tests/fixtures/upgrade/,
a small demo clinic with rows in every table) is loaded into a fresh SQLite file and a fresh
PostgreSQL database, `vitalis migrate` of the binary under test brings it to the current schema,
and then every row of every table is still there with the values it had (or where a migration
moved it), the audit chain still verifies, and the server starts and signs a fixture user in."""
import gzip
import pathlib
import shutil
import sqlite3
import subprocess

from conftest import BIN

FIXTURES = pathlib.Path(__file__).resolve().parents[1] / "fixtures" / "upgrade"
PASSWORD = "vitalis-demo-2026"  # the demo clinic's password

# Where the migrations since the fixture's release move rows. A table not named here keeps all
# of its rows under its own name. `None`: the table is dropped on purpose.
TABLE_MOVES = {
    "demo_items": None,  # issue 15: retired with /api/v1/demo/items (migration 0013)
}
# Columns that move to another table: (table, key column, columns) -> (new table, new key
# column[, the columns' new names]). Every row's values must arrive under the same key.
COLUMN_MOVES = {
    # issue 15, migration 0012: the clinical profile moves from identity to records.
    ("patient_profiles", "account_id", ("address_line1", "address_line2", "city", "area_code",
                                        "postcode", "blood_group", "clinical_updated_at",
                                        "no_known_allergies")):
        ("clinical_profiles", "patient_id", ("address_line1", "address_line2", "city", "area_code",
                                             "postcode", "blood_group", "updated_at",
                                             "no_known_allergies")),
}
# Columns a migration erases on purpose: (table, column) -> (the rows' condition, the value they
# then hold). The rows stay; only these values go.
ERASED_COLUMNS = {
    # issue 16, migration 0014: mail already sent or given up keeps no recipient or content.
    ("outbox", column): ("status IN ('sent', 'dead', 'uncertain')", "")
    for column in ("recipient", "subject", "text", "html")
}


def load_fixture(database):
    text = gzip.decompress((FIXTURES / f"{database.dialect}.sql.gz").read_bytes()).decode()
    if database.dialect == "sqlite":
        with sqlite3.connect(database.url.removeprefix("sqlite:")) as connection:
            connection.executescript(text)
    else:
        subprocess.run(["psql", database.url, "-v", "ON_ERROR_STOP=1", "-q"], input=text, check=True,
                       capture_output=True, text=True)


def query(database, sql):
    """Rows of a query as tuples of text (NULL as None)."""
    if database.dialect == "sqlite":
        with sqlite3.connect(database.url.removeprefix("sqlite:")) as connection:
            return [tuple(None if v is None else str(v) for v in row) for row in connection.execute(sql)]
    output = subprocess.run(["psql", database.url, "-v", "ON_ERROR_STOP=1", "-qAt", "-F", "\x1f", "-P",
                             "null=\x1e", "-c", sql], check=True, capture_output=True, text=True).stdout
    return [tuple(None if v == "\x1e" else v for v in line.split("\x1f")) for line in output.splitlines()]


def tables(database):
    if database.dialect == "sqlite":
        sql = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    else:
        sql = "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
    return sorted(row[0] for row in query(database, sql))


def columns_of(database, table):
    if database.dialect == "sqlite":
        return [row[1] for row in query(database, f"PRAGMA table_info({table})")]
    return [row[0] for row in query(database, "SELECT column_name FROM information_schema.columns "
                                              f"WHERE table_name = '{table}' ORDER BY ordinal_position")]


def contents(database, table, columns):
    """Every row of the table in those columns, sorted (the rows' values, not just their count)."""
    return sorted(normalised(row) for row in query(database, f"SELECT {', '.join(columns)} FROM {table}"))


def row_counts(database):
    names = tables(database)
    sql = " UNION ALL ".join(f"SELECT '{name}', COUNT(*) FROM {name}" for name in names)
    return {name: int(count) for name, count in query(database, sql)}


def column_values(database, table, key, columns):
    rows = query(database, f"SELECT {key}, {', '.join(columns)} FROM {table}")
    return {row[0]: normalised(row[1:]) for row in rows}


def normalised(values):
    # SQLite hands back 0/1 where PostgreSQL says f/t; compare the meaning.
    return tuple({"f": "0", "t": "1", "false": "0", "true": "1"}.get(v, v) for v in values)


def run(*args):
    return subprocess.run([BIN, *args], capture_output=True, text=True, timeout=300)


def test_a_database_of_the_previous_release_migrates_and_keeps_every_row(database, start_server,
                                                                         tmp_path):
    key = tmp_path / "secret.key"
    shutil.copy(FIXTURES / "secret.key", key)
    key.chmod(0o600)
    load_fixture(database)
    before = row_counts(database)
    assert before and all(before.values()), f"the fixture has empty tables: {before}"
    moved_columns = {move: column_values(database, move[0], move[1], move[2]) for move in COLUMN_MOVES}
    leaving = {(table, column) for table, _, columns in COLUMN_MOVES for column in columns}
    leaving |= set(ERASED_COLUMNS)
    kept_columns = {table: [c for c in columns_of(database, table) if (table, c) not in leaving]
                    for table in before if TABLE_MOVES.get(table, table) is not None}
    old_rows = {table: contents(database, table, columns) for table, columns in kept_columns.items()}

    migrated = run("migrate", f"--database={database.url}", "--log-level=warn")
    assert migrated.returncode == 0, migrated.stdout + migrated.stderr

    after = row_counts(database)
    assert int(query(database, "SELECT MAX(version) FROM schema_migrations")[0][0]) > 0
    for table, count in before.items():
        if table == "schema_migrations":
            assert after[table] >= count, "applied migrations are remembered"
            continue
        destination = TABLE_MOVES.get(table, table)
        if destination is None:
            assert table not in after, f"{table} was to be dropped"
            continue
        assert destination in after, f"table {table} is gone after migrating (not in TABLE_MOVES)"
        assert after[destination] == count, f"{table}: {count} rows before, {after[destination]} after"
        assert contents(database, destination, kept_columns[table]) == old_rows[table], \
            f"{table}: rows changed by migrating"
    for (table, key_column, columns), (new_table, new_key, *renamed) in COLUMN_MOVES.items():
        arrived = column_values(database, new_table, new_key, renamed[0] if renamed else columns)
        assert arrived == moved_columns[(table, key_column, columns)], f"{table} columns into {new_table}"

    for (table, column), (condition, value) in ERASED_COLUMNS.items():
        erased = query(database, f"SELECT COUNT(*) FROM {table} WHERE {condition}")[0][0]
        assert int(erased) > 0, f"the fixture has no {table} rows to erase"
        assert query(database, f"SELECT DISTINCT {column} FROM {table} WHERE {condition}") == \
            [(value,)], f"{table}.{column} not erased"

    verified = run("audit", "verify", f"--database={database.url}", f"--secret-key-file={key}",
                   "--log-level=warn")
    assert verified.returncode == 0, verified.stdout + verified.stderr

    server = start_server(database, f"--secret-key-file={key}", "--argon2-opslimit=1",
                          "--argon2-memlimit-mb=8", "--test-only-weak-password-hashing=true")
    status, _, body = server.json("POST", "/api/v1/auth/signin",
                                  json_body={"email": "patient@demo.vitalis.test", "password": PASSWORD})
    assert status == 200, body
    token = body["access_token"]
    status, _, me = server.json("GET", "/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert status == 200 and me["email"] == "patient@demo.vitalis.test", me
    status, _, page = server.json("GET", f"/api/v1/patients/{me['id']}/observations?limit=5",
                                  headers={"Authorization": f"Bearer {token}"})
    assert status == 200 and len(page["items"]) == 5, page
