// Test support: a throwaway database of either dialect, for the tests of any module's store.
// SQLite gets a file in a fresh temp directory; PostgreSQL gets a fresh database on the server
// named by VITALIS_TEST_POSTGRES_URL (started by scripts/pg-test-server). Under CI=true a
// missing PostgreSQL server fails the test instead of skipping it.
#pragma once

#include <gtest/gtest.h>
#include <soci/soci.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>

#include "db/database.hpp"
#include "db/migrate.hpp"

namespace vitalis::db::testing {

inline std::string postgres_admin_url() {
  const char* url = std::getenv("VITALIS_TEST_POSTGRES_URL");
  return url == nullptr ? std::string() : std::string(url);
}

inline bool ci() {
  const char* ci = std::getenv("CI");
  return ci != nullptr && std::string(ci) == "true";
}

// A database that exists for the lifetime of this object. Not thread-safe.
class TestDatabase {
 public:
  explicit TestDatabase(Dialect dialect) : dialect_(dialect) {
    std::random_device random;
    suffix_ = std::to_string(::getpid()) + "_" + std::to_string(random() % 1000000);
    if (dialect == Dialect::kSqlite) {
      dir_ = std::filesystem::temp_directory_path() / ("vitalis_test_" + suffix_);
      std::filesystem::create_directories(dir_);
      url_ = "sqlite:" + (dir_ / "test.db").string();
      return;
    }
    admin_url_ = postgres_admin_url();
    if (admin_url_.empty()) return;
    name_ = "vitalis_test_" + suffix_;
    soci::session admin("postgresql", parse_url(admin_url_)->location);
    admin << "CREATE DATABASE " + name_;
    url_ = admin_url_.substr(0, admin_url_.rfind('/') + 1) + name_;
  }

  ~TestDatabase() {
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
    if (!name_.empty()) {
      try {
        soci::session admin("postgresql", parse_url(admin_url_)->location);
        admin << "DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)";
      } catch (const std::exception&) {
        // The throwaway server is deleted with its data directory anyway.
      }
    }
  }

  // Empty when PostgreSQL is wanted but no test server is configured.
  const std::string& url() const { return url_; }

  std::unique_ptr<Pool> open(int pool_size = 4) const {
    Options options;
    options.url = url_;
    options.pool_size = pool_size;
    auto pool = Pool::open(options);
    if (!pool.ok()) ADD_FAILURE() << pool.error().message;
    return pool.ok() ? std::move(pool).value() : nullptr;
  }

 private:
  Dialect dialect_;
  std::string suffix_;
  std::filesystem::path dir_;
  std::string admin_url_;
  std::string name_;
  std::string url_;
};

// Base fixture parameterised by dialect: SetUp() creates the database, or skips PostgreSQL
// outside CI when no server is configured, and fails under CI.
class DialectTest : public ::testing::TestWithParam<Dialect> {
 protected:
  void SetUp() override {
    database_ = std::make_unique<TestDatabase>(GetParam());
    if (database_->url().empty()) {
      if (ci()) FAIL() << "CI=true but VITALIS_TEST_POSTGRES_URL is not set";
      GTEST_SKIP() << "VITALIS_TEST_POSTGRES_URL not set (run through make test)";
    }
  }
  std::unique_ptr<TestDatabase> database_;
};

// DialectTest with a pool open on the database and every migration applied.
class MigratedTest : public DialectTest {
 protected:
  void SetUp() override {
    DialectTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    pool_ = database_->open();
    ASSERT_TRUE(pool_);
    ASSERT_TRUE(migrate(*pool_).ok());
  }
  std::unique_ptr<Pool> pool_;
};

// Applies the embedded migrations older than `version` only: a database as an older binary left
// it, for upgrade tests (then migrate(pool) applies the rest).
inline bool migrate_before(Pool& pool, int version) {
  auto migrations = load_migrations(embedded_migration_files());
  if (!migrations.ok()) return false;
  std::vector<Migration> before;
  for (const auto& migration : *migrations) {
    if (migration.version < version) before.push_back(migration);
  }
  return migrate(pool, before).ok();
}

inline std::string dialect_name(const ::testing::TestParamInfo<Dialect>& info) {
  return info.param == Dialect::kSqlite ? "sqlite" : "postgresql";
}

}  // namespace vitalis::db::testing
