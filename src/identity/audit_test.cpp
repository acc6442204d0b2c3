// The audit chain on both databases: intact after appends, broken (and named) after an edit or
// a deletion made directly in SQL; across a key rotation (each row verified with the key it
// names); and its head anchored outside the database (issue 16): rows cut from the end and an
// emptied table are named, a forged anchor is refused, retiring a key keeps its rows verifiable.
#include "identity/audit.hpp"

#include <gtest/gtest.h>
#include <soci/soci.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "db/migrate.hpp"
#include "db/testing.hpp"
#include "identity/audit_anchor.hpp"
#include "identity/service.hpp"

namespace vitalis::identity {
namespace {

class AuditTest : public db::testing::DialectTest {
 protected:
  void SetUp() override {
    DialectTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    init_crypto();
    pool_ = database_->open();
    ASSERT_TRUE(pool_);
    ASSERT_TRUE(db::migrate(*pool_).ok());
    folder_ = std::filesystem::temp_directory_path() /
              ("vitalis-anchor-" + std::to_string(::getpid()) + "-" +
               (GetParam() == db::Dialect::kSqlite ? "sqlite" : "postgresql"));
    std::filesystem::remove_all(folder_);
    std::filesystem::create_directories(folder_);
    path_ = (folder_ / "audit.anchor").string();
  }
  void TearDown() override {
    if (!folder_.empty()) std::filesystem::remove_all(folder_);
  }
  void append(int count) {
    auto lease = pool_->acquire();
    ASSERT_TRUE(lease.ok());
    for (int idx = 0; idx < count; ++idx) {
      db::Transaction tx(*lease);
      append_audit(*lease, key_,
                   {0,
                    {},
                    7,
                    "doctor",
                    "record.read",
                    "patient_profile",
                    std::to_string(idx),
                    3,
                    "127.0.0.1",
                    "success",
                    ""});
      tx.commit();
    }
  }
  void run(const std::string& statement) {
    auto lease = pool_->acquire();
    ASSERT_TRUE(lease.ok());
    **lease << statement;
  }
  std::string problem(const AuditAnchor& anchor) {
    auto out = db::with_connection(*pool_, [&](db::Lease& lease) -> Result<std::string> {
      return audit_anchor_problem(lease, anchor);
    });
    return out.ok() ? *out : "error: " + out.error().message;
  }
  std::string file() const {
    std::ifstream in(path_);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }
  KeyRing key_{SecretKey::generate()};
  std::unique_ptr<db::Pool> pool_;
  std::filesystem::path folder_;  // holds the anchor file
  std::string path_;
};

TEST_P(AuditTest, FreshAndAppendedChainsVerify) {
  auto empty = verify_audit(*pool_, key_);
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty->rows, 0);
  EXPECT_FALSE(empty->first_broken_id);
  append(5);
  auto report = verify_audit(*pool_, key_);
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->rows, 5);
  EXPECT_FALSE(report->first_broken_id) << report->problem;
  // Another key cannot vouch for the chain.
  EXPECT_TRUE(verify_audit(*pool_, SecretKey::generate())->first_broken_id);
}

TEST_P(AuditTest, EditedRowIsNamed) {
  append(5);
  auto lease = pool_->acquire();
  ASSERT_TRUE(lease.ok());
  long long third = 0;
  **lease << "SELECT id FROM audit_log ORDER BY id LIMIT 1 OFFSET 2", soci::into(third);
  **lease << "UPDATE audit_log SET outcome = 'denied' WHERE id = :id", soci::use(third);
  auto report = verify_audit(*pool_, key_);
  ASSERT_TRUE(report.ok());
  ASSERT_TRUE(report->first_broken_id);
  EXPECT_EQ(*report->first_broken_id, third);
  EXPECT_NE(report->problem.find("edited"), std::string::npos);
}

TEST_P(AuditTest, DeletedRowBreaksTheNextLink) {
  append(4);
  auto lease = pool_->acquire();
  ASSERT_TRUE(lease.ok());
  long long second = 0, third = 0;
  **lease << "SELECT id FROM audit_log ORDER BY id LIMIT 1 OFFSET 1", soci::into(second);
  **lease << "SELECT id FROM audit_log ORDER BY id LIMIT 1 OFFSET 2", soci::into(third);
  **lease << "DELETE FROM audit_log WHERE id = :id", soci::use(second);
  auto report = verify_audit(*pool_, key_);
  ASSERT_TRUE(report.ok());
  ASSERT_TRUE(report->first_broken_id);
  EXPECT_EQ(*report->first_broken_id, third);
}

TEST_P(AuditTest, ListsNewestFirstWithFilters) {
  append(3);
  auto lease = pool_->acquire();
  ASSERT_TRUE(lease.ok());
  AuditFilter filter;
  filter.patient_id = 3;
  filter.limit = 2;
  auto page = list_audit(*lease, filter);
  ASSERT_EQ(page.size(), 2u);
  EXPECT_GT(page[0].id, page[1].id);
  filter.before_id = page[1].id;
  auto rest = list_audit(*lease, filter);
  ASSERT_EQ(rest.size(), 1u);
  EXPECT_LT(rest[0].id, page[1].id);
  filter = {};
  filter.patient_id = 3;
  filter.exclude_actor_self = true;
  EXPECT_EQ(list_audit(*lease, filter).size(), 3u);
  filter.actor_id = 99;
  EXPECT_TRUE(list_audit(*lease, filter).empty());
}

TEST_P(AuditTest, TheChainVerifiesAcrossARotationEachRowWithItsKey) {
  append(3);
  std::string old_id = key_.newest_id(), new_id = key_.rotate();
  append(3);
  auto report = verify_audit(*pool_, key_);
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->rows, 6);
  EXPECT_FALSE(report->first_broken_id) << report->problem;
  std::string keys;
  auto lease = pool_->acquire();
  ASSERT_TRUE(lease.ok());
  soci::rowset<std::string> ids = ((*lease)->prepare << "SELECT key_id FROM audit_log ORDER BY id");
  for (const auto& id : ids) keys += id + " ";
  EXPECT_EQ(keys, old_id + " " + old_id + " " + old_id + " " + new_id + " " + new_id + " " +
                      new_id + " ");
  // Without the new key the rows it sealed cannot verify; the message names the key.
  KeyRing old_only(key_.keys().back().key);
  auto without = verify_audit(*pool_, old_only);
  ASSERT_TRUE(without->first_broken_id);
  EXPECT_NE(without->problem.find("key " + new_id), std::string::npos) << without->problem;
  // Rows from before migration 0016 record no key (''): they are the oldest key's.
  **lease << "UPDATE audit_log SET key_id = '' WHERE key_id = '" + old_id + "'";
  EXPECT_FALSE(verify_audit(*pool_, key_)->first_broken_id);
  // A row that names another key of the ring fails, like any edit.
  **lease << "UPDATE audit_log SET key_id = '" + new_id + "' WHERE key_id = ''";
  EXPECT_TRUE(verify_audit(*pool_, key_)->first_broken_id);
}

TEST_P(AuditTest, RowsRemovedFromTheEndAreNamedAgainstTheAnchor) {
  append(5);
  auto none = read_audit_anchor(path_, key_);
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(*none);  // no anchor yet: not an error
  auto anchored = anchor_audit_head(*pool_, key_, path_);
  ASSERT_TRUE(anchored.ok()) << anchored.error().message;
  struct stat info {};
  ASSERT_EQ(::stat(path_.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  auto report = verify_audit(*pool_, key_);
  EXPECT_EQ(anchored->last_id, report->last_id);
  EXPECT_EQ(anchored->head, report->head);
  auto read = read_audit_anchor(path_, key_);
  ASSERT_TRUE(read.ok() && *read) << (read.ok() ? "none" : read.error().message);
  EXPECT_EQ(problem(**read), "");
  // More rows later: still fine (the anchor says "at least this far").
  append(2);
  EXPECT_EQ(problem(**read), "");

  // Cut the last three rows: the chain itself still verifies, the anchor does not.
  std::int64_t anchored_at = anchored->last_id;
  run("DELETE FROM audit_log WHERE id > " + std::to_string(anchored_at - 2));
  EXPECT_FALSE(verify_audit(*pool_, key_)->first_broken_id);
  std::string day = anchored->at.substr(0, 10);
  EXPECT_EQ(problem(**read), "the audit log ends at row " + std::to_string(anchored_at - 2) +
                                 " but was anchored at row " + std::to_string(anchored_at) +
                                 " on " + day + ": rows were removed");
  // Re-anchoring would hide it: refused, and the anchor is kept as evidence.
  std::string before = file();
  auto refused = anchor_audit_head(*pool_, key_, path_);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("rows were removed"), std::string::npos);
  EXPECT_EQ(file(), before);

  run("DELETE FROM audit_log");
  EXPECT_EQ(problem(**read), "the audit log is empty but was anchored at row " +
                                 std::to_string(anchored_at) + " on " + day +
                                 ": rows were removed");
}

TEST_P(AuditTest, AForgedOrEditedAnchorIsRefused) {
  append(4);
  ASSERT_TRUE(anchor_audit_head(*pool_, key_, path_).ok());
  std::string text = file();
  // Moving the anchor back a row (to hide a later removal) breaks its signature.
  auto row_line = text.find("\nrow ") + 5;
  std::string edited = text;
  edited[row_line + (text.find('\n', row_line) - row_line) - 1] =
      text[row_line + (text.find('\n', row_line) - row_line) - 1] == '1' ? '2' : '1';
  std::ofstream(path_, std::ios::trunc) << edited;
  auto refused = read_audit_anchor(path_, key_);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("edited"), std::string::npos) << refused.error().message;
  EXPECT_FALSE(anchor_audit_head(*pool_, key_, path_).ok());  // nor overwritten
  // Signed with another key (one this ring does not hold).
  KeyRing stranger(SecretKey::generate());
  AuditAnchor forged{0, "", "2026-12-06T00:00:00Z", stranger.newest_id()};
  std::ofstream(path_, std::ios::trunc) << audit_anchor_text(forged, stranger);
  EXPECT_FALSE(read_audit_anchor(path_, key_).ok());
  std::ofstream(path_, std::ios::trunc) << "vitalis-audit-anchor 1\nrow 1\n";
  EXPECT_FALSE(read_audit_anchor(path_, key_).ok());
  // The genuine text reads again.
  std::ofstream(path_, std::ios::trunc) << text;
  EXPECT_TRUE(read_audit_anchor(path_, key_).ok());
}

TEST_P(AuditTest, ARetiredKeyStaysForItsAuditRowsAnUnusedOneLeaves) {
  append(2);
  std::string first = key_.newest_id(), unused = key_.rotate(), newest = key_.rotate();
  ASSERT_TRUE(anchor_audit_head(*pool_, key_, path_).ok());
  append(1);
  auto dropped = retire_key(*pool_, key_, unused, path_);
  ASSERT_TRUE(dropped.ok()) << dropped.error().message;
  EXPECT_TRUE(*dropped);
  EXPECT_EQ(key_.find(unused), nullptr);
  dropped = retire_key(*pool_, key_, first, path_);
  ASSERT_TRUE(dropped.ok()) << dropped.error().message;
  EXPECT_FALSE(*dropped);  // its rows need it
  EXPECT_TRUE(key_.keys().back().audit_only);
  EXPECT_EQ(retire_key(*pool_, key_, newest, path_).error().code, ErrorCode::kConflict);
  // The chain still verifies, with the audit-only key for its rows; the anchor was re-signed
  // with the newest key and reads with the active keys alone.
  EXPECT_FALSE(verify_audit(*pool_, key_)->first_broken_id);
  auto anchor = read_audit_anchor(path_, key_.active());
  ASSERT_TRUE(anchor.ok() && *anchor);
  EXPECT_EQ((*anchor)->key_id, newest);
  // A truncated log refuses the retirement rather than re-anchoring over it.
  key_.rotate();
  run("DELETE FROM audit_log WHERE id = " + std::to_string((*anchor)->last_id));
  EXPECT_FALSE(retire_key(*pool_, key_, newest, path_).ok());
}

TEST_P(AuditTest, TheServersAnchorerWritesAtStartAndStopAndKeepsAContradictedAnchor) {
  append(1);
  {
    AuditAnchorer anchorer(*pool_, key_, path_, std::chrono::seconds(0));
    EXPECT_TRUE(std::filesystem::exists(path_));
    append(2);
    anchorer.stop();
  }
  auto anchor = read_audit_anchor(path_, key_);
  ASSERT_TRUE(anchor.ok() && *anchor);
  EXPECT_EQ((*anchor)->last_id, verify_audit(*pool_, key_)->last_id);
  run("DELETE FROM audit_log WHERE id = " + std::to_string((*anchor)->last_id));
  std::string evidence = file();
  {
    AuditAnchorer anchorer(*pool_, key_, path_, std::chrono::seconds(0));
    append(3);  // the log grows past the anchor again, but it stays contradicted
  }
  EXPECT_EQ(file(), evidence);
}

INSTANTIATE_TEST_SUITE_P(Dialects, AuditTest,
                         ::testing::Values(db::Dialect::kSqlite, db::Dialect::kPostgresql),
                         db::testing::dialect_name);

}  // namespace
}  // namespace vitalis::identity
