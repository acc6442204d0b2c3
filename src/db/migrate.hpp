// Schema migrations: numbered SQL files embedded in the binary, applied in order, each in its
// own transaction, and recorded in schema_migrations. The same list runs on both dialects.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "db/database.hpp"

namespace vitalis::db {

// One file under src/db/migrations/, as embedded at build time.
struct MigrationFile {
  std::string_view name;  // "0004_records.sql", or "0004_x.sqlite.sql" + "0004_x.postgresql.sql"
  std::string_view sql;
};
const std::vector<MigrationFile>& embedded_migration_files();

struct Migration {
  int version = 0;
  std::string name;            // "records"
  std::string sqlite_sql;      // the portable file, or the .sqlite.sql one
  std::string postgresql_sql;  // the portable file, or the .postgresql.sql one
};

// Groups files into migrations, ordered by version. Fails on a malformed name, a duplicate
// version, or a dialect-specific file without its partner.
Result<std::vector<Migration>> load_migrations(const std::vector<MigrationFile>& files);

// Splits a script into statements at semicolons outside quotes, $$-quotes and comments.
// SQLite trigger bodies (BEGIN ... END) are not understood: put each trigger in a file of
// its own dialect and keep it the file's last statement, or extend this splitter.
std::vector<std::string> split_statements(std::string_view script);

struct MigrateReport {
  int applied = 0;          // migrations applied by this call
  int current_version = 0;  // schema version afterwards
};

// Applies every pending migration. Safe to run from several processes at once: each
// migration takes the database's write lock (an advisory lock on PostgreSQL).
Result<MigrateReport> migrate(Pool& pool, const std::vector<Migration>& migrations);
Result<MigrateReport> migrate(Pool& pool);

}  // namespace vitalis::db
