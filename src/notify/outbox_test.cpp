// The outbox and its sender against real SQLite files and a real PostgreSQL server: transactional
// enqueue, atomic claims, backoff, dead letters, crash leftovers and the .eml transport.
#include "notify/outbox.hpp"

#include <gtest/gtest.h>
#include <soci/soci.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "core/time.hpp"
#include "db/migrate.hpp"
#include "db/testing.hpp"
#include "notify/sender.hpp"
#include "notify/templates.hpp"

namespace vitalis::notify {
namespace {

using db::testing::DialectTest;

class OutboxTest : public DialectTest {
 protected:
  void SetUp() override {
    DialectTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    pool_ = database_->open(4);
    ASSERT_TRUE(pool_);
    auto migrated = db::migrate(*pool_);
    ASSERT_TRUE(migrated.ok()) << migrated.error().message;
    // "Name/sqlite": one flat directory per test and dialect.
    std::string test_name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::replace(test_name.begin(), test_name.end(), '/', '_');
    mail_dir_ = std::filesystem::temp_directory_path() /
                ("vitalis_mail_" + std::to_string(::getpid()) + "_" + test_name);
    std::filesystem::remove_all(mail_dir_);
  }
  void TearDown() override {
    if (!mail_dir_.empty()) std::filesystem::remove_all(mail_dir_);
  }

  SenderOptions file_options() const {
    SenderOptions options;
    options.mail_dir = mail_dir_;
    options.poll_interval = std::chrono::milliseconds(20);
    return options;
  }

  Message message(const std::string& to = "ada@example.org") {
    auto rendered = render("verify_email",
                           {{"name", "Ada"},
                            {"code", "123456"},
                            {"minutes", "10"},
                            {"link", "http://127.0.0.1:8080/verify"}},
                           to);
    EXPECT_TRUE(rendered.ok());
    return *rendered;
  }

  std::int64_t add(const Message& message) {
    auto lease = pool_->acquire();
    EXPECT_TRUE(lease.ok());
    db::Transaction tx(*lease);
    auto id = enqueue_returning_id(*lease, message);
    tx.commit();
    return id;
  }

  long long count(const std::string& where) {
    auto lease = pool_->acquire();
    EXPECT_TRUE(lease.ok());
    long long rows = 0;
    **lease << "SELECT COUNT(*) FROM outbox WHERE " + where, soci::into(rows);
    return rows;
  }

  struct Row {
    std::string status;
    int attempts = 0;
    std::string next_attempt_at;
    std::string last_error;
    std::string sent_at;
  };
  Row row(std::int64_t id) {
    auto lease = pool_->acquire();
    EXPECT_TRUE(lease.ok());
    Row result;
    long long row_id = id;
    soci::indicator error_ind = soci::i_ok, sent_ind = soci::i_ok;
    **lease << "SELECT status, attempts, next_attempt_at, last_error, sent_at FROM outbox "
               "WHERE id = :id",
        soci::use(row_id), soci::into(result.status), soci::into(result.attempts),
        soci::into(result.next_attempt_at), soci::into(result.last_error, error_ind),
        soci::into(result.sent_at, sent_ind);
    return result;
  }

  void execute(const std::string& sql) {
    auto lease = pool_->acquire();
    ASSERT_TRUE(lease.ok());
    **lease << sql;
  }

  std::vector<std::filesystem::path> mail_files() const {
    std::vector<std::filesystem::path> files;
    if (!std::filesystem::exists(mail_dir_)) return files;
    for (const auto& entry : std::filesystem::directory_iterator(mail_dir_)) {
      files.push_back(entry.path());
    }
    return files;
  }

  std::unique_ptr<db::Pool> pool_;
  std::filesystem::path mail_dir_;
};

TEST_P(OutboxTest, EnqueueIsPartOfTheCallersTransaction) {
  {
    auto lease = pool_->acquire();
    ASSERT_TRUE(lease.ok());
    db::Transaction tx(*lease);
    enqueue(*lease, message());
    // Rolled back when tx goes out of scope without commit().
  }
  EXPECT_EQ(count("1 = 1"), 0);
  Sender sender(*pool_, file_options());
  EXPECT_EQ(sender.deliver_due(), 0);
  EXPECT_TRUE(mail_files().empty());

  auto id = add(message());
  EXPECT_GT(id, 0);
  auto pending = row(id);
  EXPECT_EQ(pending.status, "pending");
  EXPECT_EQ(pending.attempts, 0);
  EXPECT_EQ(count("status = 'pending'"), 1);
}

TEST_P(OutboxTest, RejectsRecipientsThatAreNotOneAddress) {
  auto lease = pool_->acquire();
  ASSERT_TRUE(lease.ok());
  for (auto bad :
       {"", "no-at-sign", "a@b.org, c@d.org", "a@b.org\r\nBcc: x@y.org", "A <a@b.org>"}) {
    EXPECT_THROW(enqueue(*lease, message(bad)), std::invalid_argument) << bad;
  }
  EXPECT_TRUE(is_plain_address("first.last+tag@sub.example.org"));
}

TEST_P(OutboxTest, WritesEmlFilesOnceAndMarksSent) {
  auto id = add(message());
  Sender sender(*pool_, file_options());
  EXPECT_EQ(sender.deliver_due(), 1);
  EXPECT_EQ(sender.deliver_due(), 0);
  auto files = mail_files();
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(files[0].extension(), ".eml");
  EXPECT_NE(files[0].filename().string().find("-" + std::to_string(id) + "-verify_email"),
            std::string::npos);
  std::ifstream in(files[0], std::ios::binary);
  std::stringstream content;
  content << in.rdbuf();
  std::string eml = content.str();
  EXPECT_TRUE(eml.starts_with("From: Vitalis <no-reply@vitalis.local>\r\nTo: ada@example.org\r\n"));
  EXPECT_NE(eml.find("Subject: Confirm your email address for Vitalis\r\n"), std::string::npos);
  EXPECT_NE(eml.find("Message-ID: <outbox." + std::to_string(id) + "."), std::string::npos);
  EXPECT_NE(eml.find("Content-Type: text/plain; charset=UTF-8"), std::string::npos);
  EXPECT_NE(eml.find("Content-Type: text/html; charset=UTF-8"), std::string::npos);
  EXPECT_NE(eml.find("    123456"), std::string::npos);
  auto sent = row(id);
  EXPECT_EQ(sent.status, "sent");
  EXPECT_EQ(sent.attempts, 1);
  EXPECT_TRUE(parse_rfc3339(sent.sent_at).has_value());
}

TEST_P(OutboxTest, TwoSendersNeverDeliverTheSameRow) {
  constexpr int kMessages = 30;
  for (int idx = 0; idx < kMessages; ++idx) add(message("user" + std::to_string(idx) + "@x.org"));
  // Two senders on separate pools act like two processes.
  auto other_pool = database_->open(2);
  ASSERT_TRUE(other_pool);
  Sender first(*pool_, file_options());
  Sender second(*other_pool, file_options());
  int sent_first = 0, sent_second = 0;
  std::thread a([&] { sent_first = first.deliver_due(); });
  std::thread b([&] { sent_second = second.deliver_due(); });
  a.join();
  b.join();
  EXPECT_EQ(sent_first + sent_second, kMessages);
  EXPECT_EQ(mail_files().size(), static_cast<std::size_t>(kMessages));
  EXPECT_EQ(count("status = 'sent' AND attempts = 1"), kMessages);
}

TEST_P(OutboxTest, BacksOffThenGivesUp) {
  auto id = add(message());
  SenderOptions options = file_options();
  options.smtp_url = "smtp://127.0.0.1:1";  // nothing listens on port 1
  options.max_attempts = 3;
  Sender sender(*pool_, options);

  auto before = Clock::now();
  EXPECT_EQ(sender.deliver_due(), 0);
  auto first = row(id);
  EXPECT_EQ(first.status, "pending");
  EXPECT_EQ(first.attempts, 1);
  EXPECT_FALSE(first.last_error.empty());
  auto next = parse_rfc3339(first.next_attempt_at);
  ASSERT_TRUE(next.has_value());
  EXPECT_GE(*next, before + std::chrono::seconds(29));
  EXPECT_LE(*next, Clock::now() + std::chrono::seconds(31));

  // Not due yet: nothing happens.
  EXPECT_EQ(sender.deliver_due(), 0);
  EXPECT_EQ(row(id).attempts, 1);

  execute("UPDATE outbox SET next_attempt_at = '2000-01-01T00:00:00.000000Z'");
  before = Clock::now();
  EXPECT_EQ(sender.deliver_due(), 0);
  auto second = row(id);
  EXPECT_EQ(second.status, "pending");
  EXPECT_EQ(second.attempts, 2);
  next = parse_rfc3339(second.next_attempt_at);
  ASSERT_TRUE(next.has_value());
  EXPECT_GE(*next, before + std::chrono::seconds(59));  // doubled

  execute("UPDATE outbox SET next_attempt_at = '2000-01-01T00:00:00.000000Z'");
  EXPECT_EQ(sender.deliver_due(), 0);
  auto third = row(id);
  EXPECT_EQ(third.status, "dead");
  EXPECT_EQ(third.attempts, 3);
  EXPECT_FALSE(third.last_error.empty());
  EXPECT_EQ(third.last_error.find("ada@example.org"), std::string::npos);
  EXPECT_EQ(sender.deliver_due(), 0);
  EXPECT_EQ(row(id).attempts, 3);
}

TEST(RetryDelayTest, DoublesAndIsCapped) {
  EXPECT_EQ(retry_delay(1), std::chrono::seconds(30));
  EXPECT_EQ(retry_delay(2), std::chrono::seconds(60));
  EXPECT_EQ(retry_delay(3), std::chrono::seconds(120));
  EXPECT_EQ(retry_delay(7), std::chrono::seconds(1920));
  EXPECT_EQ(retry_delay(8), std::chrono::seconds(3600));
  EXPECT_EQ(retry_delay(100), std::chrono::seconds(3600));
}

TEST_P(OutboxTest, RowLeftSendingByACrashBecomesUncertainAndIsNotResent) {
  auto stale = add(message("stale@x.org"));
  auto fresh = add(message("fresh@x.org"));
  // As a sender that died mid-send leaves them: claimed long ago, and a moment ago.
  execute(
      "UPDATE outbox SET status = 'sending', attempts = 1, claim_token = 'dead', "
      "claimed_at = '2000-01-01T00:00:00.000000Z' WHERE id = " +
      std::to_string(stale));
  execute(
      "UPDATE outbox SET status = 'sending', attempts = 1, claim_token = 'busy', "
      "claimed_at = '" +
      format_rfc3339(Clock::now()) + "' WHERE id = " + std::to_string(fresh));
  Sender sender(*pool_, file_options());
  EXPECT_EQ(sender.deliver_due(), 0);
  EXPECT_TRUE(mail_files().empty());
  EXPECT_EQ(row(stale).status, "uncertain");
  EXPECT_FALSE(row(stale).last_error.empty());
  EXPECT_EQ(row(fresh).status, "sending");  // another sender may still be at work on it
  EXPECT_EQ(sender.deliver_due(), 0);
  EXPECT_EQ(row(stale).status, "uncertain");
}

TEST_P(OutboxTest, HeldRowIsLeftToDeliverNow) {
  auto lease = pool_->acquire();
  ASSERT_TRUE(lease.ok());
  auto id = enqueue_returning_id(*lease, message(), std::chrono::hours(1));
  Sender background(*pool_, file_options());
  EXPECT_EQ(background.deliver_due(), 0);
  EXPECT_EQ(row(id).status, "pending");
  EXPECT_TRUE(background.deliver_now(id).ok());
  EXPECT_EQ(row(id).status, "sent");
}

TEST_P(OutboxTest, DeliverNowSendsOneRowOrReportsWhy) {
  auto id = add(message());
  execute("UPDATE outbox SET next_attempt_at = '2999-01-01T00:00:00.000000Z'");
  Sender sender(*pool_, file_options());
  auto where = sender.deliver_now(id);
  ASSERT_TRUE(where.ok()) << where.error().message;
  EXPECT_TRUE(std::filesystem::exists(*where));
  EXPECT_EQ(row(id).status, "sent");
  EXPECT_FALSE(sender.deliver_now(id).ok());  // not pending any more

  auto failing_id = add(message());
  SenderOptions options = file_options();
  options.smtp_url = "smtp://user:secret@127.0.0.1:1";
  Sender failing(*pool_, options);
  auto failed = failing.deliver_now(failing_id);
  ASSERT_FALSE(failed.ok());
  EXPECT_NE(failed.error().message.find("127.0.0.1:1"), std::string::npos);
  EXPECT_EQ(failed.error().message.find("secret"), std::string::npos);
  EXPECT_EQ(row(failing_id).status, "dead");  // a test message is not retried later
}

TEST_P(OutboxTest, BackgroundThreadDeliversAndStops) {
  Sender sender(*pool_, file_options());
  sender.start();
  auto id = add(message());
  for (int idx = 0; idx < 250 && row(id).status != "sent"; ++idx) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  sender.stop();
  EXPECT_EQ(row(id).status, "sent");
  EXPECT_EQ(mail_files().size(), 1u);
}

INSTANTIATE_TEST_SUITE_P(Dialects, OutboxTest,
                         ::testing::Values(db::Dialect::kSqlite, db::Dialect::kPostgresql),
                         db::testing::dialect_name);

}  // namespace
}  // namespace vitalis::notify
