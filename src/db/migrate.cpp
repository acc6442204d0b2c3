// Migration loading, statement splitting and the apply loop.
#include "db/migrate.hpp"

#include <soci/soci.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <map>

#include "core/log.hpp"
#include "core/time.hpp"

namespace vitalis::db {
namespace {

// Arbitrary constant naming Vitalis' migration lock among PostgreSQL advisory locks.
constexpr long long kMigrationLockKey = 0x5654414c4953;  // "VTALIS"

constexpr std::string_view kCreateLedger =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version INTEGER PRIMARY KEY,"
    " name TEXT NOT NULL,"
    " applied_at TEXT NOT NULL)";

}  // namespace

Result<std::vector<Migration>> load_migrations(const std::vector<MigrationFile>& files) {
  std::map<int, Migration> by_version;
  std::map<int, int> dialect_files;  // version -> bit 1 sqlite, bit 2 postgresql, bit 4 portable
  for (const auto& file : files) {
    std::string_view name = file.name;
    int version = 0;
    auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), version);
    std::size_t digits = static_cast<std::size_t>(end - name.data());
    if (ec != std::errc() || digits != 4 || version <= 0 || name.size() <= 5 || name[4] != '_' ||
        !name.ends_with(".sql")) {
      return Error::malformed("migration file name must look like 0001_name.sql: " +
                              std::string(name));
    }
    std::string_view stem = name.substr(5, name.size() - 9);
    int kind = 4;
    if (stem.ends_with(".sqlite")) {
      kind = 1;
      stem.remove_suffix(7);
    } else if (stem.ends_with(".postgresql")) {
      kind = 2;
      stem.remove_suffix(11);
    }
    auto& migration = by_version[version];
    if ((dialect_files[version] & kind) != 0 ||
        (!migration.name.empty() && migration.name != stem) ||
        (kind == 4 && dialect_files[version] != 0) || (kind != 4 && (dialect_files[version] & 4))) {
      return Error::conflict("migration version " + std::to_string(version) + " is defined twice");
    }
    dialect_files[version] |= kind;
    migration.version = version;
    migration.name = std::string(stem);
    if (kind & 5) migration.sqlite_sql = std::string(file.sql);
    if (kind & 6) migration.postgresql_sql = std::string(file.sql);
  }
  std::vector<Migration> result;
  for (auto& [version, migration] : by_version) {
    int kinds = dialect_files[version];
    if (kinds != 4 && kinds != 3) {
      return Error::malformed("migration " + std::to_string(version) +
                              " needs both .sqlite.sql and .postgresql.sql files");
    }
    result.push_back(std::move(migration));
  }
  return result;
}

namespace {

// "$tag$" starting at pos (tag may be empty), or empty when pos does not open a dollar quote.
std::string_view dollar_tag(std::string_view script, std::size_t pos) {
  std::size_t end = pos + 1;
  while (end < script.size() &&
         (std::isalnum(static_cast<unsigned char>(script[end])) || script[end] == '_')) {
    ++end;
  }
  if (end >= script.size() || script[end] != '$') return {};
  if (end > pos + 1 && std::isdigit(static_cast<unsigned char>(script[pos + 1]))) return {};  // $1
  return script.substr(pos, end - pos + 1);
}

// True while `current` is a CREATE TRIGGER whose BEGIN … END body has not ended yet: its inner
// statements' semicolons belong to it (SQLite triggers).
bool inside_trigger_body(const std::string& current) {
  auto first = current.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return false;
  auto upper = [](std::string_view text) {
    std::string out(text);
    for (char& ch : out) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    return out;
  };
  if (upper(std::string_view(current).substr(first, 14)) != "CREATE TRIGGER") return false;
  auto last = current.find_last_not_of(" \t\r\n");
  if (last < 3) return true;
  std::string tail = upper(std::string_view(current).substr(last - 3, 4));
  bool ends = tail.substr(1) == "END" && !std::isalnum(static_cast<unsigned char>(tail[0])) &&
              tail[0] != '_';
  return !ends;
}

}  // namespace

std::vector<std::string> split_statements(std::string_view script) {
  std::vector<std::string> statements;
  std::string current;
  auto flush = [&] {
    auto first = current.find_first_not_of(" \t\r\n");
    if (first != std::string::npos) {
      auto last = current.find_last_not_of(" \t\r\n");
      statements.push_back(current.substr(first, last - first + 1));
    }
    current.clear();
  };
  for (std::size_t pos = 0; pos < script.size(); ++pos) {
    char ch = script[pos];
    if (ch == '-' && pos + 1 < script.size() && script[pos + 1] == '-') {
      while (pos < script.size() && script[pos] != '\n') ++pos;
      current.push_back('\n');
    } else if (ch == '/' && pos + 1 < script.size() && script[pos + 1] == '*') {
      auto close = script.find("*/", pos + 2);
      pos = close == std::string_view::npos ? script.size() : close + 1;
      current.push_back(' ');
    } else if (ch == '\'' || ch == '"') {
      auto close = pos + 1;
      while (close < script.size()) {
        if (script[close] == ch) {
          if (close + 1 < script.size() && script[close + 1] == ch) {
            close += 2;  // doubled quote is an escaped quote
            continue;
          }
          break;
        }
        ++close;
      }
      current.append(script.substr(pos, close - pos + 1));
      pos = close;
    } else if (ch == '$' && dollar_tag(script, pos).size() > 0) {
      // PostgreSQL dollar quoting ($$ ... $$ or $tag$ ... $tag$), used by function bodies.
      std::string_view tag = dollar_tag(script, pos);
      auto close = script.find(tag, pos + tag.size());
      close = close == std::string_view::npos ? script.size() : close + tag.size();
      current.append(script.substr(pos, close - pos));
      pos = close - 1;
    } else if (ch == ';' && inside_trigger_body(current)) {
      current.push_back(ch);
    } else if (ch == ';') {
      flush();
    } else {
      current.push_back(ch);
    }
  }
  flush();
  return statements;
}

Result<MigrateReport> migrate(Pool& pool, const std::vector<Migration>& migrations) {
  auto lease = pool.acquire();
  if (!lease.ok()) return lease.error();
  MigrateReport report;
  int latest_known = migrations.empty() ? 0 : migrations.back().version;
  try {
    for (;;) {
      Transaction tx(*lease);
      soci::session& sql = **lease;  // after BEGIN: SQLite writes run on the pool's writer session
      if (pool.dialect() == Dialect::kPostgresql) {
        sql << "SELECT pg_advisory_xact_lock(" + std::to_string(kMigrationLockKey) + ")";
      }
      // Under the lock: CREATE TABLE IF NOT EXISTS races with itself on PostgreSQL.
      sql << std::string(kCreateLedger);
      int current = 0;
      soci::indicator ind = soci::i_ok;
      sql << "SELECT MAX(version) FROM schema_migrations", soci::into(current, ind);
      if (ind == soci::i_null) current = 0;
      report.current_version = current;
      if (current > latest_known) {
        return Error::conflict("database schema version " + std::to_string(current) +
                               " is newer than this binary knows (" + std::to_string(latest_known) +
                               "); upgrade vitalis");
      }
      auto next = std::find_if(migrations.begin(), migrations.end(),
                               [current](const Migration& m) { return m.version > current; });
      if (next == migrations.end()) {
        tx.commit();
        break;
      }
      const std::string& script =
          pool.dialect() == Dialect::kSqlite ? next->sqlite_sql : next->postgresql_sql;
      // Some migrations rebuild a large table: say which one runs before it takes a while.
      log::info("applying migration", {{"version", next->version}, {"name", next->name}});
      for (const auto& statement : split_statements(script)) sql << statement;
      std::string applied_at = format_rfc3339(Clock::now());
      sql << "INSERT INTO schema_migrations (version, name, applied_at) VALUES (:v, :n, :t)",
          soci::use(next->version), soci::use(next->name), soci::use(applied_at);
      tx.commit();
      log::info("migration applied", {{"version", next->version}, {"name", next->name}});
      ++report.applied;
      report.current_version = next->version;
    }
  } catch (const std::exception& error) {
    log::error("migration failed", {{"detail", error.what()}});
    return Error{ErrorCode::kInternal, std::string("migration failed: ") + error.what(), {}};
  }
  return report;
}

Result<MigrateReport> migrate(Pool& pool) {
  auto migrations = load_migrations(embedded_migration_files());
  if (!migrations.ok()) return migrations.error();
  return migrate(pool, *migrations);
}

}  // namespace vitalis::db
