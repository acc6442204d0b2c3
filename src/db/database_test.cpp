// Pool, transactions and migrations against real SQLite files and a real PostgreSQL server.
#include "db/database.hpp"

#include <gtest/gtest.h>
#include <soci/soci.h>
#include <sys/stat.h>

#include <atomic>
#include <filesystem>
#include <thread>
#include <vector>

#include "db/migrate.hpp"
#include "db/rows.hpp"
#include "db/testing.hpp"

namespace vitalis::db {
namespace {

using testing::DialectTest;

TEST(ParseUrlTest, AcceptsBothDialectsAndRejectsOthers) {
  auto lite = parse_url("sqlite:var/vitalis.db");
  ASSERT_TRUE(lite.ok());
  EXPECT_EQ(lite->dialect, Dialect::kSqlite);
  EXPECT_EQ(lite->location, "var/vitalis.db");
  auto pg = parse_url("postgresql://u:p%27w@127.0.0.1:5432/db?sslmode=disable");
  ASSERT_TRUE(pg.ok());
  EXPECT_EQ(pg->dialect, Dialect::kPostgresql);
  EXPECT_EQ(pg->location,
            "host='127.0.0.1' port='5432' user='u' password='p\\'w' dbname='db' sslmode='disable' "
            "connect_timeout='10' keepalives='1' keepalives_idle='30'");
  EXPECT_FALSE(parse_url("mysql://x").ok());
  EXPECT_FALSE(parse_url("sqlite:").ok());
  EXPECT_EQ(redact_url("postgresql://u:secret@h/db"), "postgresql://u:***@h/db");
  EXPECT_EQ(redact_url("postgresql://h/db?user=u&password=secret&sslmode=require"),
            "postgresql://h/db?user=u&password=***&sslmode=require");
  auto timeout = parse_url("postgresql://h/db?connect_timeout=3");
  ASSERT_TRUE(timeout.ok());
  EXPECT_EQ(timeout->location.find("connect_timeout='10'"), std::string::npos);
}

class DatabaseTest : public DialectTest {};

std::vector<Migration> test_migrations() {
  return {
      {1, "t", "CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER NOT NULL)",
       "CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER NOT NULL)"},
      {2, "u", "CREATE TABLE u (id INTEGER PRIMARY KEY); INSERT INTO u VALUES (7)",
       "CREATE TABLE u (id INTEGER PRIMARY KEY); INSERT INTO u VALUES (7)"},
  };
}

TEST_P(DatabaseTest, MigratesOnceAndRecordsVersions) {
  auto pool = database_->open();
  ASSERT_TRUE(pool);
  auto first = migrate(*pool, test_migrations());
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_EQ(first->applied, 2);
  EXPECT_EQ(first->current_version, 2);
  auto again = migrate(*pool, test_migrations());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->applied, 0);
  EXPECT_EQ(again->current_version, 2);

  auto lease = pool->acquire();
  ASSERT_TRUE(lease.ok());
  int count = 0;
  **lease << "SELECT COUNT(*) FROM schema_migrations", soci::into(count);
  EXPECT_EQ(count, 2);
}

TEST_P(DatabaseTest, FailedMigrationLeavesNothingBehind) {
  auto pool = database_->open();
  ASSERT_TRUE(pool);
  auto migrations = test_migrations();
  migrations.push_back({3, "broken", "CREATE TABLE w (id INTEGER); INSERT INTO nowhere VALUES (1)",
                        "CREATE TABLE w (id INTEGER); INSERT INTO nowhere VALUES (1)"});
  auto result = migrate(*pool, migrations);
  EXPECT_FALSE(result.ok());

  auto lease = pool->acquire();
  ASSERT_TRUE(lease.ok());
  int version = 0;
  **lease << "SELECT MAX(version) FROM schema_migrations", soci::into(version);
  EXPECT_EQ(version, 2);
  int tables = -1;
  if (pool->dialect() == Dialect::kSqlite) {
    **lease << "SELECT COUNT(*) FROM sqlite_master WHERE name = 'w'", soci::into(tables);
  } else {
    **lease << "SELECT COUNT(*) FROM information_schema.tables WHERE table_name = 'w'",
        soci::into(tables);
  }
  EXPECT_EQ(tables, 0);
}

TEST_P(DatabaseTest, RefusesSchemaNewerThanBinary) {
  auto pool = database_->open();
  ASSERT_TRUE(pool);
  ASSERT_TRUE(migrate(*pool, test_migrations()).ok());
  auto older = test_migrations();
  older.pop_back();
  auto result = migrate(*pool, older);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::kConflict);
}

TEST_P(DatabaseTest, TransactionRollsBackUnlessCommitted) {
  auto pool = database_->open();
  ASSERT_TRUE(pool);
  ASSERT_TRUE(migrate(*pool, test_migrations()).ok());
  auto lease = pool->acquire();
  ASSERT_TRUE(lease.ok());
  {
    Transaction tx(*lease);
    **lease << "INSERT INTO t (id, v) VALUES (1, 10)";
  }
  {
    Transaction tx(*lease);
    **lease << "INSERT INTO t (id, v) VALUES (2, 20)";
    tx.commit();
  }
  int count = 0;
  **lease << "SELECT COUNT(*) FROM t", soci::into(count);
  EXPECT_EQ(count, 1);
}

TEST_P(DatabaseTest, PoolHandsOutEachSessionOnceAndTimesOut) {
  Options options;
  options.url = database_->url();
  options.pool_size = 2;
  options.acquire_timeout = std::chrono::milliseconds(50);
  auto pool = Pool::open(options);
  ASSERT_TRUE(pool.ok()) << pool.error().message;
  auto a = (*pool)->acquire();
  auto b = (*pool)->acquire();
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(&**a, &**b);
  auto c = (*pool)->acquire();
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().code, ErrorCode::kUnavailable);
}

TEST_P(DatabaseTest, ConcurrentMigratorsApplyEachMigrationOnce) {
  // Two pools stand for two server processes starting at the same time.
  auto first = database_->open(1);
  auto second = database_->open(1);
  ASSERT_TRUE(first && second);
  Result<MigrateReport> a = Error::internal(), b = Error::internal();
  std::thread thread([&] { a = migrate(*first, test_migrations()); });
  b = migrate(*second, test_migrations());
  thread.join();
  ASSERT_TRUE(a.ok()) << a.error().message;
  ASSERT_TRUE(b.ok()) << b.error().message;
  EXPECT_EQ(a->applied + b->applied, 2);
}

TEST_P(DatabaseTest, PingReachesTheDatabase) {
  auto pool = database_->open();
  ASSERT_TRUE(pool);
  EXPECT_TRUE(pool->ping().ok());
}

// select_rows reads through the session's prepared statements (both dialects): each call sees
// its own parameters and the data committed before it, and a call that failed half-way leaves
// nothing that breaks the next one.
class ValueReader {
 public:
  void bind(soci::statement& statement) { statement.exchange(soci::into(value_)); }
  int current() const { return value_; }

 private:
  int value_ = 0;
};

TEST_P(DatabaseTest, TypedSelectsSeeTheirOwnParametersAndFreshData) {
  auto pool = database_->open(2);
  ASSERT_TRUE(pool);
  ASSERT_TRUE(migrate(*pool, test_migrations()).ok());
  auto lease = pool->acquire();
  ASSERT_TRUE(lease.ok());
  constexpr const char* kQuery = "SELECT v FROM t WHERE id >= :low ORDER BY id";
  auto values_from = [&](int low) {
    return select_rows<ValueReader>(
        *lease, kQuery, [&](soci::statement& statement) { statement.exchange(soci::use(low)); });
  };
  EXPECT_TRUE(values_from(1).empty());
  // Written on another session: a cached statement must not keep reading an old snapshot.
  auto written = with_connection(*pool, [](Lease& other) -> Status {
    Transaction tx(other);
    *other << "INSERT INTO t (id, v) VALUES (1, 10), (2, 20), (3, 30)";
    tx.commit();
    return Ok{};
  });
  ASSERT_TRUE(written.ok());
  EXPECT_EQ(values_from(1), (std::vector<int>{10, 20, 30}));
  EXPECT_EQ(values_from(3), (std::vector<int>{30}));
  EXPECT_TRUE(values_from(4).empty());
  // A row whose value overflows throws half-way through the rows (after three were read on
  // SQLite); SQLite drops the statement, PostgreSQL keeps it unbound, and the next call works.
  **lease << "INSERT INTO t (id, v) VALUES (4, 40)";
  constexpr const char* kText =
      "SELECT CASE WHEN id = 4 THEN abs(-9223372036854775807 - 1) ELSE v END FROM t ORDER BY id";
  auto bad = [&] { return select_rows<ValueReader>(*lease, kText, [](soci::statement&) {}); };
  EXPECT_ANY_THROW(bad());
  EXPECT_EQ(values_from(2), (std::vector<int>{20, 30, 40}));
  // Nothing holds a read transaction open between calls: a write on this session commits.
  EXPECT_NO_THROW(**lease << "DELETE FROM t WHERE id = 4");
  EXPECT_EQ(values_from(1), (std::vector<int>{10, 20, 30}));
}

// A session's prepared statements outlive a transaction that failed and was rolled back. On
// PostgreSQL they live in the server's session: after the server drops the connection, the
// failed call marks it, the next lease reconnects, and the statements are prepared afresh.
TEST_P(DatabaseTest, PreparedStatementsSurviveFailuresAndReconnects) {
  auto pool = database_->open(1);
  ASSERT_TRUE(pool);
  ASSERT_TRUE(migrate(*pool, test_migrations()).ok());
  constexpr const char* kQuery = "SELECT v FROM t WHERE id >= :low ORDER BY id";
  auto select = [&](Lease& lease) {
    int low = 1;
    return select_rows<ValueReader>(
        lease, kQuery, [&](soci::statement& statement) { statement.exchange(soci::use(low)); });
  };
  auto values = [&]() -> Result<std::vector<int>> {
    return with_connection(*pool,
                           [&](Lease& lease) -> Result<std::vector<int>> { return select(lease); });
  };
  auto failed = with_connection(*pool, [&](Lease& lease) -> Status {
    Transaction tx(lease);
    *lease << "INSERT INTO t (id, v) VALUES (1, 10)";
    EXPECT_EQ(select(lease), (std::vector<int>{10}));
    *lease << "INSERT INTO t (id, v) VALUES (1, 11)";  // duplicate key: throws, rolls back
    tx.commit();
    return Ok{};
  });
  EXPECT_FALSE(failed.ok());
  auto empty = values();
  ASSERT_TRUE(empty.ok()) << empty.error().message;
  EXPECT_TRUE(empty->empty());
  ASSERT_TRUE(with_connection(*pool, [](Lease& lease) -> Status {
                *lease << "INSERT INTO t (id, v) VALUES (1, 10), (2, 20)";
                return Ok{};
              }).ok());
  EXPECT_EQ(*values(), (std::vector<int>{10, 20}));
  if (GetParam() != Dialect::kPostgresql) return;
  // A cached statement that fails inside a transaction stays prepared (a DEALLOCATE there would
  // be refused and leave a statement on the server for every failure).
  auto prepared = [&] {
    long long count = 0;
    EXPECT_TRUE(with_connection(*pool, [&](Lease& lease) -> Status {
                  *lease << "SELECT COUNT(*) FROM pg_prepared_statements", soci::into(count);
                  return Ok{};
                }).ok());
    return count;
  };
  long long before = prepared();
  for (int attempt = 0; attempt < 3; ++attempt) {
    auto duplicate = with_connection(*pool, [&](Lease& lease) -> Status {
      Transaction tx(lease);
      int id = 1;
      int returned = 0;
      for_each_row(
          lease, "INSERT INTO t (id, v) VALUES (:id, 0) RETURNING id",
          [&](soci::statement& statement) {
            statement.exchange(soci::into(returned));
            statement.exchange(soci::use(id));
          },
          [] {});
      tx.commit();
      return Ok{};
    });
    EXPECT_FALSE(duplicate.ok());
  }
  EXPECT_LE(prepared() - before, 1);
  EXPECT_EQ(*values(), (std::vector<int>{10, 20}));
  int backend = 0;
  ASSERT_TRUE(with_connection(*pool, [&](Lease& lease) -> Status {
                *lease << "SELECT pg_backend_pid()", soci::into(backend);
                return Ok{};
              }).ok());
  soci::session admin("postgresql", parse_url(database_->url())->location);
  admin << "SELECT pg_terminate_backend(:pid)", soci::use(backend);
  for (int waited = 0; waited < 100; ++waited) {
    int alive = 0;
    admin << "SELECT COUNT(*) FROM pg_stat_activity WHERE pid = :pid", soci::use(backend),
        soci::into(alive);
    if (alive == 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  // A plain statement finds the connection gone; the cached select was not involved, yet the
  // reconnected session no longer has it on the server.
  EXPECT_FALSE(with_connection(*pool, [](Lease& lease) -> Status {
                 *lease << "SELECT 1";
                 return Ok{};
               }).ok());
  auto again = values();
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(*again, (std::vector<int>{10, 20}));
}

// PostgreSQL down (here: the session ended and new connections refused): every call answers
// "unavailable" (503), the one that finds the connection gone and the reconnects that fail, and
// the pool reconnects by itself once the database takes connections again.
TEST_P(DatabaseTest, ALostDatabaseIsUnavailableAndReconnectedWhenBack) {
  if (GetParam() != Dialect::kPostgresql) GTEST_SKIP() << "a SQLite file does not go away";
  auto pool = database_->open(1);
  ASSERT_TRUE(pool);
  int backend = 0;
  ASSERT_TRUE(with_connection(*pool, [&](Lease& lease) -> Status {
                *lease << "SELECT pg_backend_pid()", soci::into(backend);
                return Ok{};
              }).ok());
  std::string name = database_->url().substr(database_->url().rfind('/') + 1);
  soci::session admin("postgresql", parse_url(testing::postgres_admin_url())->location);
  admin << "ALTER DATABASE " + name + " ALLOW_CONNECTIONS false";
  admin << "SELECT pg_terminate_backend(:pid)", soci::use(backend);
  for (int waited = 0; waited < 100; ++waited) {
    int alive = 0;
    admin << "SELECT COUNT(*) FROM pg_stat_activity WHERE pid = :pid", soci::use(backend),
        soci::into(alive);
    if (alive == 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  for (int call = 0; call < 3; ++call) {
    auto down = pool->ping();
    ASSERT_FALSE(down.ok());
    EXPECT_EQ(down.error().code, ErrorCode::kUnavailable) << call << ": " << down.error().message;
  }
  admin << "ALTER DATABASE " + name + " ALLOW_CONNECTIONS true";
  auto back = pool->ping();
  EXPECT_TRUE(back.ok()) << back.error().message;
}

// Concurrent writers, some of which fail or give up half-way. On SQLite they share group
// commits; each transaction still keeps its own outcome, and commit() returns only once the row
// is visible to other connections (the lease's own session is not the writer session).
TEST_P(DatabaseTest, ConcurrentWritersKeepTheirOwnOutcomes) {
  constexpr int kThreads = 6;
  constexpr int kEach = 40;
  auto pool = database_->open(kThreads + 1);
  ASSERT_TRUE(pool);
  ASSERT_TRUE(migrate(*pool, test_migrations()).ok());
  std::atomic<int> unseen{0};
  std::atomic<int> wrong_outcomes{0};
  std::vector<std::thread> threads;
  for (int thread = 0; thread < kThreads; ++thread) {
    threads.emplace_back([&, thread] {
      for (int step = 0; step < kEach; ++step) {
        int id = thread * 1000 + step + 1;
        auto status = with_connection(*pool, [&](Lease& lease) -> Status {
          Transaction tx(lease);
          *lease << "INSERT INTO t (id, v) VALUES (:id, :v)", soci::use(id), soci::use(step);
          // A duplicate key throws half-way; a returned error drops the transaction uncommitted.
          if (step % 5 == 1) *lease << "INSERT INTO t (id, v) VALUES (:id, 0)", soci::use(id);
          if (step % 5 == 2) return Error::conflict("gave up");
          tx.commit();
          int seen = 0;
          *lease << "SELECT COUNT(*) FROM t WHERE id = :id", soci::into(seen), soci::use(id);
          if (seen != 1) ++unseen;
          return Ok{};
        });
        bool should_commit = step % 5 != 1 && step % 5 != 2;
        if (status.ok() != should_commit) ++wrong_outcomes;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(wrong_outcomes, 0);
  EXPECT_EQ(unseen, 0);
  auto lease = pool->acquire();
  ASSERT_TRUE(lease.ok());
  int committed = 0;
  int undone = 0;
  **lease << "SELECT COUNT(*) FROM t", soci::into(committed);
  **lease << "SELECT COUNT(*) FROM t WHERE v % 5 IN (1, 2)", soci::into(undone);
  EXPECT_EQ(committed, kThreads * kEach * 3 / 5);
  EXPECT_EQ(undone, 0);
  // The writer is free again: a lone transaction commits at once.
  Transaction tx(*lease);
  **lease << "INSERT INTO t (id, v) VALUES (999999, 0)";
  tx.commit();
}

INSTANTIATE_TEST_SUITE_P(Dialects, DatabaseTest,
                         ::testing::Values(Dialect::kSqlite, Dialect::kPostgresql),
                         testing::dialect_name);

TEST(SqlitePoolTest, UsesWalAndForeignKeys) {
  testing::TestDatabase database(Dialect::kSqlite);
  auto pool = database.open(1);
  ASSERT_TRUE(pool);
  auto lease = pool->acquire();
  ASSERT_TRUE(lease.ok());
  std::string mode;
  int foreign_keys = 0;
  **lease << "PRAGMA journal_mode", soci::into(mode);
  **lease << "PRAGMA foreign_keys", soci::into(foreign_keys);
  EXPECT_EQ(mode, "wal");
  EXPECT_EQ(foreign_keys, 1);
}

unsigned mode_of(const std::string& file) {
  struct stat status {};
  return ::stat(file.c_str(), &status) == 0 ? status.st_mode & 0777 : 01000;  // 01000: missing
}

// Health data at rest is readable by the server's user only: the database, its WAL and
// shared-memory files and a folder made for them; an existing world-readable file is tightened.
TEST(SqlitePoolTest, DatabaseFilesArePrivateToTheirOwner) {
  testing::TestDatabase database(Dialect::kSqlite);
  auto folder = std::filesystem::path(parse_url(database.url())->location).parent_path();
  auto file = (folder / "new" / "clinic.db").string();
  Options options;
  options.url = "sqlite:" + file;
  {
    auto opened = Pool::open(options);
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    ASSERT_TRUE(migrate(**opened, test_migrations()).ok());
    EXPECT_EQ(mode_of(file), 0600u);
    EXPECT_EQ(mode_of(file + "-wal"), 0600u);
    EXPECT_EQ(mode_of(file + "-shm"), 0600u);
    EXPECT_EQ(mode_of((folder / "new").string()), 0700u);
  }
  ASSERT_EQ(::chmod(file.c_str(), 0644), 0);
  auto reopened = Pool::open(options);
  ASSERT_TRUE(reopened.ok());
  EXPECT_EQ(mode_of(file), 0600u);
}

TEST(SqlitePoolTest, WritersOfOneProcessQueueAndGiveUpAsBusy) {
  testing::TestDatabase database(Dialect::kSqlite);
  Options options;
  options.url = database.url();
  options.pool_size = 3;
  options.busy_timeout = std::chrono::milliseconds(300);
  auto opened = Pool::open(options);
  ASSERT_TRUE(opened.ok()) << opened.error().message;
  Pool& pool = **opened;
  ASSERT_TRUE(migrate(pool, test_migrations()).ok());

  // A second writer waits for the first one's commit (shorter than the timeout) and then writes.
  std::atomic<bool> holding{false};
  std::thread first([&] {
    auto status = with_connection(pool, [&](Lease& lease) -> Status {
      Transaction tx(lease);
      *lease << "INSERT INTO t (id, v) VALUES (1, 10)";
      holding = true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      tx.commit();
      return Ok{};
    });
    EXPECT_TRUE(status.ok());
  });
  while (!holding) std::this_thread::yield();
  auto second = with_connection(pool, [](Lease& lease) -> Status {
    Transaction tx(lease);
    *lease << "INSERT INTO t (id, v) VALUES (2, 20)";
    tx.commit();
    return Ok{};
  });
  first.join();
  ASSERT_TRUE(second.ok()) << second.error().message;

  // A writer still waiting when the busy timeout runs out gets 503-class "unavailable", and the
  // queue is free again afterwards.
  auto lease = pool.acquire();
  ASSERT_TRUE(lease.ok());
  {
    Transaction held(*lease);
    Status late = Ok{};
    std::thread waiter([&] {
      late = with_connection(pool, [](Lease& other) -> Status {
        Transaction tx(other);
        *other << "INSERT INTO t (id, v) VALUES (3, 30)";
        tx.commit();
        return Ok{};
      });
    });
    waiter.join();
    ASSERT_FALSE(late.ok());
    EXPECT_EQ(late.error().code, ErrorCode::kUnavailable);
  }
  int count = 0;
  **lease << "SELECT COUNT(*) FROM t", soci::into(count);
  EXPECT_EQ(count, 2);
  auto after = with_connection(pool, [](Lease& other) -> Status {
    Transaction tx(other);
    *other << "INSERT INTO t (id, v) VALUES (3, 30)";
    tx.commit();
    return Ok{};
  });
  EXPECT_TRUE(after.ok());
}

}  // namespace
}  // namespace vitalis::db
