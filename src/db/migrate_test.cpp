// Migration file grouping and SQL statement splitting, without a database.
#include "db/migrate.hpp"

#include <gtest/gtest.h>

namespace vitalis::db {
namespace {

TEST(SplitStatementsTest, SplitsOutsideQuotesAndComments) {
  auto statements = split_statements(
      "-- leading comment; not a statement\n"
      "CREATE TABLE a (x TEXT DEFAULT 'semi;colon');\n"
      "/* block; comment */ INSERT INTO a VALUES ('it''s; fine');\n"
      "  ;  \n"
      "SELECT 1");
  ASSERT_EQ(statements.size(), 3u);
  EXPECT_EQ(statements[0], "CREATE TABLE a (x TEXT DEFAULT 'semi;colon')");
  EXPECT_EQ(statements[1], "INSERT INTO a VALUES ('it''s; fine')");
  EXPECT_EQ(statements[2], "SELECT 1");
}

TEST(SplitStatementsTest, KeepsDollarQuotedBodiesWhole) {
  auto statements = split_statements(
      "CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql;\n"
      "CREATE FUNCTION g() RETURNS int AS $body$ SELECT 2; $body$ LANGUAGE sql;\n"
      "SELECT $1");
  ASSERT_EQ(statements.size(), 3u);
  EXPECT_EQ(statements[0], "CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql");
  EXPECT_EQ(statements[1],
            "CREATE FUNCTION g() RETURNS int AS $body$ SELECT 2; $body$ LANGUAGE sql");
  EXPECT_EQ(statements[2], "SELECT $1");
}

TEST(SplitStatementsTest, KeepsATriggersBodyWhole) {
  auto statements = split_statements(
      "CREATE TRIGGER t BEFORE INSERT ON a BEGIN SELECT 1; SELECT RAISE(ABORT, 'x;y'); END;\n"
      "create trigger u after update on a begin select 2; end ;\n"
      "SELECT 'append'");
  ASSERT_EQ(statements.size(), 3u);
  EXPECT_EQ(statements[0],
            "CREATE TRIGGER t BEFORE INSERT ON a BEGIN SELECT 1; SELECT RAISE(ABORT, 'x;y'); END");
  EXPECT_EQ(statements[1], "create trigger u after update on a begin select 2; end");
  EXPECT_EQ(statements[2], "SELECT 'append'");
}

TEST(LoadMigrationsTest, PairsDialectFilesAndOrdersByVersion) {
  auto loaded = load_migrations(
      {{"0002_b.sql", "B"}, {"0001_a.postgresql.sql", "PG"}, {"0001_a.sqlite.sql", "LITE"}});
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  ASSERT_EQ(loaded->size(), 2u);
  EXPECT_EQ((*loaded)[0].version, 1);
  EXPECT_EQ((*loaded)[0].name, "a");
  EXPECT_EQ((*loaded)[0].sqlite_sql, "LITE");
  EXPECT_EQ((*loaded)[0].postgresql_sql, "PG");
  EXPECT_EQ((*loaded)[1].sqlite_sql, "B");
  EXPECT_EQ((*loaded)[1].postgresql_sql, "B");
}

TEST(LoadMigrationsTest, RejectsBadNamesDuplicatesAndMissingPartners) {
  EXPECT_FALSE(load_migrations({{"1_a.sql", ""}}).ok());
  EXPECT_FALSE(load_migrations({{"0001_a.txt", ""}}).ok());
  EXPECT_FALSE(load_migrations({{"0001_a.sql", ""}, {"0001_b.sql", ""}}).ok());
  EXPECT_FALSE(load_migrations({{"0001_a.sql", ""}, {"0001_a.sqlite.sql", ""}}).ok());
  EXPECT_FALSE(load_migrations({{"0001_a.sqlite.sql", ""}}).ok());
}

TEST(LoadMigrationsTest, EmbeddedMigrationsAreWellFormed) {
  auto loaded = load_migrations(embedded_migration_files());
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  EXPECT_FALSE(loaded->empty());
}

}  // namespace
}  // namespace vitalis::db
