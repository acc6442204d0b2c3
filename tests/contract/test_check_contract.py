"""The module contract check (scripts/check-contract): it passes a clean tree, catches a planted
breach of each kind, fails on a stale exception, and passes the real repository."""

import pathlib
import subprocess
import sys

import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]
CHECK = REPO / "scripts" / "check-contract"
MODULES = ["core", "db", "http", "notify", "identity", "medicines", "records", "monitor", "predict", "app"]


def run_check(root):
    result = subprocess.run([sys.executable, str(CHECK), "--root", str(root)], capture_output=True, text=True)
    return result.returncode, result.stdout.splitlines()


def write(root, relative, text):
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def tree(tmp_path):
    """A small clean tree: every module with a PUBLIC face, two migrations and their owners."""
    for module in MODULES:
        write(tmp_path, f"src/{module}/CMakeLists.txt", "")
    write(tmp_path, "src/core/PUBLIC", "error.hpp\n")
    write(tmp_path, "src/core/error.hpp", "#pragma once\n")
    write(tmp_path, "src/db/PUBLIC", "database.hpp  # Pool\n")
    write(tmp_path, "src/db/database.hpp", '#pragma once\n#include "core/error.hpp"\n')
    write(tmp_path, "src/db/migrate.cpp",
          '#include <soci/soci.h>\nconst char* k = "CREATE TABLE IF NOT EXISTS schema_migrations (v INTEGER)";\n')
    write(tmp_path, "src/http/PUBLIC", "router.hpp\n")
    write(tmp_path, "src/http/router.hpp", "#pragma once\n")
    write(tmp_path, "src/identity/PUBLIC", "# the face\nservice.hpp\n")
    write(tmp_path, "src/identity/service.hpp", '#pragma once\n#include "db/database.hpp"\n')
    write(tmp_path, "src/identity/store.hpp", "#pragma once\n")
    write(tmp_path, "src/identity/store.cpp",
          '#include <soci/soci.h>\n#include "identity/store.hpp"\n'
          'const char* kFind = "SELECT a.id FROM accounts a, care_links l WHERE a.id = l.patient_id";\n')
    write(tmp_path, "src/identity/store_test.cpp", '#include <soci/soci.h>\nconst char* q = "DELETE FROM accounts";\n')
    write(tmp_path, "src/records/PUBLIC", "service.hpp\n")
    write(tmp_path, "src/records/service.hpp", '#pragma once\n#include "identity/service.hpp"\n')
    write(tmp_path, "src/records/service.cpp",
          '#include "records/service.hpp"\n#include "records/store.hpp"\n#include "http/router.hpp"\n'
          '// A comment may say: SELECT * FROM accounts\n'
          '/* and so may this one: INSERT INTO care_links */\n'
          'const char* kMessage = "could not read from accounts";  // English, not SQL\n'
          "const long kBig = 1'000'000; const char kQuote = '\"';\n"
          'const char* kCode = "observations";\n')
    write(tmp_path, "src/records/store.hpp", "#pragma once\n")
    write(tmp_path, "src/records/clinical_store.cpp",
          '#include <soci/soci.h>\nconst char* kInsert =\n    "INSERT INTO observations (patient_id) "\n    "VALUES (:p)";\n')
    for module in ("notify", "medicines", "monitor", "predict", "app"):
        write(tmp_path, f"src/{module}/PUBLIC", "# nothing yet\n")
    write(tmp_path, "src/app/main.cpp", '#include "records/service.hpp"\n#include "identity/service.hpp"\n')
    write(tmp_path, "src/db/migrations/0001_base.sqlite.sql",
          "CREATE TABLE accounts (id INTEGER);\nCREATE TABLE care_links (id INTEGER);\n"
          "CREATE TABLE old_things (id INTEGER);\n")
    write(tmp_path, "src/db/migrations/0002_more.sqlite.sql",
          "-- CREATE TABLE commented_out (id INTEGER);\nCREATE TABLE observations_new (id INTEGER);\n"
          "ALTER TABLE observations_new RENAME TO observations;\nDROP TABLE old_things;\n")
    write(tmp_path, "src/db/migrations/tables.txt",
          "# owners\nschema_migrations db\naccounts identity\ncare_links identity\nobservations records\n")
    write(tmp_path, "scripts/contract-exceptions.txt", "# known breaches\n")
    return tmp_path


def test_a_clean_tree_passes(tree):
    assert run_check(tree) == (0, [])


def test_a_private_include_of_another_module_fails(tree):
    write(tree, "src/monitor/service.cpp", '#include "records/store.hpp"\n')
    code, lines = run_check(tree)
    assert code == 1
    assert len(lines) == 1
    assert lines[0].startswith("src/monitor/service.cpp:1: `monitor` includes records/store.hpp")
    assert "[rule private-include]" in lines[0] and "fix:" in lines[0]


def test_tests_and_app_obey_public_faces_too(tree):
    write(tree, "src/monitor/service_test.cpp", '#include "identity/store.hpp"\n')
    write(tree, "src/app/demo.cpp", '\n#include "records/store.hpp"\n')
    code, lines = run_check(tree)
    assert code == 1
    assert [line.split(" ")[0] for line in lines] == ["src/app/demo.cpp:2:", "src/monitor/service_test.cpp:1:"]
    assert all("[rule private-include]" in line for line in lines)


def test_sql_naming_a_table_of_another_module_fails(tree):
    write(tree, "src/monitor/store.cpp",
          '#include <soci/soci.h>\nconst char* kList =\n'
          '    "SELECT o.value FROM observations o "\n'
          '    "JOIN accounts a ON a.id = o.patient_id";\n'
          "#define COLUMNS \\\n  \"x FROM care_links l\"\n")
    code, lines = run_check(tree)
    assert code == 1
    assert "src/monitor/store.cpp:3: `monitor` names table `observations` in SQL; it belongs to `records`" in lines[0]
    assert "`accounts`" in lines[1] and "`identity`" in lines[1] and lines[1].startswith("src/monitor/store.cpp:3:")
    assert lines[2].startswith("src/monitor/store.cpp:6:") and "`care_links`" in lines[2]
    assert all("[rule foreign-table]" in line for line in lines)
    assert len(lines) == 3


def test_raw_strings_and_escaped_quotes_are_read_as_sql(tree):
    write(tree, "src/predict/store.cpp",
          '#include <soci/soci.h>\n'
          'const char* kRaw = R"sql(\n  SELECT id\n  FROM accounts)sql";\n'
          'const char* kEscaped = "SELECT \\"x\\" FROM care_links";\n'
          "// a comment with a quote: \"don't\" INSERT INTO observations\n")
    code, lines = run_check(tree)
    assert code == 1
    assert [line.split(" [")[0] for line in lines] == [
        "src/predict/store.cpp:2: `predict` names table `accounts` in SQL; it belongs to `identity`",
        "src/predict/store.cpp:5: `predict` names table `care_links` in SQL; it belongs to `identity`"]


def test_soci_outside_db_stores_and_tests_fails(tree):
    write(tree, "src/records/service_helpers.cpp", "#include <soci/soci.h>\n#include <soci/postgresql/soci-postgresql.h>\n")
    code, lines = run_check(tree)
    assert code == 1
    assert len(lines) == 2
    assert lines[0].startswith("src/records/service_helpers.cpp:1: `records` file includes <soci/soci.h> outside a store")
    assert "[rule soci]" in lines[1]


def test_an_include_against_the_direction_fails(tree):
    write(tree, "src/http/router.cpp", '#include "identity/service.hpp"\n')
    write(tree, "src/core/error.cpp", '#include "db/database.hpp"\n')
    write(tree, "src/records/app_hook.cpp", '#include "app/config.hpp"\n')
    write(tree, "src/identity/uses_records.cpp", '#include "records/service.hpp"\n')
    code, lines = run_check(tree)
    assert code == 1
    assert [line.split(":")[0] for line in lines] == [
        "src/core/error.cpp", "src/http/router.cpp", "src/identity/uses_records.cpp", "src/records/app_hook.cpp"]
    assert all("[rule direction]" in line for line in lines)
    assert "`http` may not use `identity`" in lines[1]


def test_a_listed_exception_excuses_its_breach_and_fails_once_fixed(tree):
    write(tree, "src/monitor/service.cpp", '#include "records/store.hpp"\n')
    write(tree, "scripts/contract-exceptions.txt",
          "# known\nprivate-include src/monitor/service.cpp records/store.hpp issue 15: monitor moving it\n")
    assert run_check(tree) == (0, [])
    (tree / "src/monitor/service.cpp").write_text('#include "records/service.hpp"\n')
    code, lines = run_check(tree)
    assert code == 1
    assert lines == [
        "scripts/contract-exceptions.txt:2: exception `private-include src/monitor/service.cpp records/store.hpp`"
        " no longer occurs [rule stale-exception] fix: the breach is fixed: delete this line from"
        " scripts/contract-exceptions.txt"]


def test_an_exception_needs_a_reason(tree):
    write(tree, "src/monitor/service.cpp", '#include "records/store.hpp"\n')
    write(tree, "scripts/contract-exceptions.txt", "private-include src/monitor/service.cpp records/store.hpp\n")
    code, lines = run_check(tree)
    assert code == 1
    assert any("not `<rule> <file> <target> <reason>`" in line for line in lines)


def test_table_ownership_follows_the_migrations(tree):
    write(tree, "src/db/migrations/0003_alerts.sqlite.sql", "CREATE TABLE alerts (id INTEGER);\n")
    write(tree, "src/db/migrations/tables.txt",
          "schema_migrations db\naccounts identity\ncare_links identity\nobservations records\n"
          "old_things records\nghosts nobody\n")
    code, lines = run_check(tree)
    assert code == 1
    text = "\n".join(lines)
    assert "src/db/migrations/0003_alerts.sqlite.sql:1: table `alerts` is created by a migration but has no owner" in text
    assert "owner `nobody` of `ghosts` is not a module" in text
    assert "tables.txt names `old_things`, which no migration leaves in the schema" in text
    assert "commented_out" not in text
    assert all("[rule table-owner]" in line for line in lines)


def test_a_public_face_must_exist_and_name_real_headers(tree):
    (tree / "src/monitor/PUBLIC").unlink()
    write(tree, "src/records/PUBLIC", "service.hpp\nmissing.hpp\n")
    code, lines = run_check(tree)
    assert code == 1
    assert lines[0].startswith("src/monitor:1: module `monitor` has no PUBLIC file [rule public-face]")
    assert lines[1].startswith("src/records/PUBLIC:2: PUBLIC lists `missing.hpp`")


def test_the_repository_keeps_its_contract():
    code, lines = run_check(REPO)
    assert (code, lines) == (0, []), "\n".join(lines)
