// The outbox and its sender against real SQLite files and a real PostgreSQL server: transactional
// enqueue, atomic claims, backoff, dead letters, crash leftovers, the .eml transport, and mail
// that is not readable at rest (encrypted while queued, erased once finished).
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

  // Every value of every row of the table, as the database holds it (a backup would show this).
  std::string table_dump() {
    auto lease = pool_->acquire();
    EXPECT_TRUE(lease.ok());
    std::string out;
    soci::rowset<soci::row> rows = ((*lease)->prepare << "SELECT * FROM outbox");
    for (const auto& row : rows) {
      for (std::size_t column = 0; column < row.size(); ++column) {
        if (row.get_indicator(column) == soci::i_null) continue;
        switch (row.get_properties(column).get_data_type()) {
          case soci::dt_string:
            out += row.get<std::string>(column);
            break;
          case soci::dt_integer:
            out += std::to_string(row.get<int>(column));
            break;
          case soci::dt_long_long:
            out += std::to_string(row.get<long long>(column));
            break;
          case soci::dt_unsigned_long_long:
            out += std::to_string(row.get<unsigned long long>(column));
            break;
          case soci::dt_double:
            out += std::to_string(row.get<double>(column));
            break;
          default:
            ADD_FAILURE() << "column " << row.get_properties(column).get_name() << " not read";
        }
        out += '|';
      }
      out += '\n';
    }
    return out;
  }

  static std::string file_text(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream content;
    content << in.rdbuf();
    return content.str();
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

  // What /metrics shows: two retries after 30 s and 60 s, then given up.
  EXPECT_EQ(sender.counts().retries.load(), 2U);
  EXPECT_EQ(sender.counts().retry_delay_ms.load(), 90'000U);
  EXPECT_EQ(sender.counts().last_retry_delay_ms.load(), 60'000U);
  EXPECT_EQ(sender.counts().dead.load(), 1U);
  EXPECT_EQ(sender.counts().sent.load(), 0U);
  std::string text = sender.render_metrics();
  EXPECT_NE(text.find("\nvitalis_mail_retries_total 2\n"), std::string::npos) << text;
  EXPECT_NE(text.find("\nvitalis_mail_retry_backoff_seconds_total 90.000\n"), std::string::npos);
  EXPECT_NE(text.find("\nvitalis_mail_dead_total 1\n"), std::string::npos);
}

TEST(RetryDelayTest, DoublesAndIsCapped) {
  EXPECT_EQ(retry_delay(1), std::chrono::seconds(30));
  EXPECT_EQ(retry_delay(2), std::chrono::seconds(60));
  EXPECT_EQ(retry_delay(3), std::chrono::seconds(120));
  EXPECT_EQ(retry_delay(7), std::chrono::seconds(1920));
  EXPECT_EQ(retry_delay(8), std::chrono::seconds(3600));
  EXPECT_EQ(retry_delay(100), std::chrono::seconds(3600));
  // Configured (--outbox-retry-base-ms, --outbox-retry-max-ms): the fault tests' short backoff.
  using std::chrono::milliseconds;
  EXPECT_EQ(retry_delay(1, milliseconds(500), milliseconds(2000)), milliseconds(500));
  EXPECT_EQ(retry_delay(2, milliseconds(500), milliseconds(2000)), milliseconds(1000));
  EXPECT_EQ(retry_delay(3, milliseconds(500), milliseconds(2000)), milliseconds(2000));
  EXPECT_EQ(retry_delay(60, milliseconds(500), milliseconds(2000)), milliseconds(2000));
  EXPECT_EQ(retry_delay(1, milliseconds(5000), milliseconds(2000)), milliseconds(2000));
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

// Issue 16: a reset, verification or consent code must not be readable by whoever reads the
// database (a backup, a replica), neither while the mail waits nor after it went out.
TEST_P(OutboxTest, AQueuedCodeIsNowhereInTheTableBeforeOrAfterDelivery) {
  auto rendered = render("password_reset",
                         {{"name", "Ada Lovelace"},
                          {"code", "583920"},
                          {"minutes", "10"},
                          {"link", "http://127.0.0.1:8080/reset#code=583920"}},
                         "ada.private@example.org");
  ASSERT_TRUE(rendered.ok());
  auto id = add(*rendered);
  std::string queued = table_dump();
  ASSERT_NE(queued.find("password_reset"), std::string::npos) << queued;  // the dump reads rows
  for (auto secret : {"583920", "ada.private", "Lovelace", "Reset your"}) {
    EXPECT_EQ(queued.find(secret), std::string::npos) << secret << " readable while queued";
  }

  Sender sender(*pool_, file_options());
  EXPECT_EQ(sender.deliver_due(), 1);
  auto files = mail_files();
  ASSERT_EQ(files.size(), 1u);
  std::string eml = file_text(files[0]);
  EXPECT_NE(eml.find("    583920"), std::string::npos);  // decrypted for sending, intact
  EXPECT_NE(eml.find("To: ada.private@example.org\r\n"), std::string::npos);
  EXPECT_EQ(std::filesystem::status(files[0]).permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  EXPECT_EQ(std::filesystem::status(mail_dir_).permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_all);

  std::string sent = table_dump();
  for (auto secret : {"583920", "ada.private", "Lovelace", "Reset your"}) {
    EXPECT_EQ(sent.find(secret), std::string::npos) << secret << " readable after sending";
  }
  auto after = row(id);
  EXPECT_EQ(after.status, "sent");  // what operations need stays: status, attempts, times
  EXPECT_EQ(after.attempts, 1);
  EXPECT_EQ(count("id = " + std::to_string(id) +
                  " AND kind = 'password_reset' AND sealed IS NULL AND recipient = '' AND "
                  "subject = '' AND text = '' AND html = '' AND created_at <> ''"),
            1);
}

TEST_P(OutboxTest, AMessageThatCannotBeDecryptedIsAbandonedNeverSentGarbled) {
  set_outbox_key(std::string(32, 'a'));
  auto id = add(message());
  set_outbox_key(std::string(32, 'b'));  // the secret key file was replaced
  Sender sender(*pool_, file_options());
  EXPECT_EQ(sender.deliver_due(), 0);
  EXPECT_TRUE(mail_files().empty());
  auto dead = row(id);
  EXPECT_EQ(dead.status, "dead");
  EXPECT_EQ(dead.attempts, 1);
  EXPECT_NE(dead.last_error.find("cannot be decrypted"), std::string::npos) << dead.last_error;
  EXPECT_EQ(count("sealed IS NULL AND recipient = ''"), 1);  // the undecryptable text is gone too
  EXPECT_EQ(sender.deliver_due(), 0);

  // Under the key it was sealed with, a message goes out as written.
  set_outbox_key(std::string(32, 'a'));
  add(message());
  EXPECT_EQ(sender.deliver_due(), 1);
  ASSERT_EQ(mail_files().size(), 1u);
  EXPECT_NE(file_text(mail_files()[0]).find("    123456"), std::string::npos);
}

// Issue 16, key rotation: mail queued under the old key is still sent after a rotation (the ring's
// keys open it); new mail is sealed with the newest key; once the old key has left the ring, what
// it sealed cannot be opened.
TEST_P(OutboxTest, MailQueuedBeforeAKeyRotationIsStillSent) {
  const std::string old_key(32, 'a'), new_key(32, 'n');
  set_outbox_keys({old_key});
  add(message());
  set_outbox_keys({new_key, old_key});  // rotated: newest first
  auto after = add(message());
  Sender sender(*pool_, file_options());
  EXPECT_EQ(sender.deliver_due(), 2);
  ASSERT_EQ(mail_files().size(), 2u);
  for (const auto& file : mail_files()) {
    EXPECT_NE(file_text(file).find("    123456"), std::string::npos);
  }
  EXPECT_EQ(row(after).status, "sent");
  // Sealed with the newest key alone: the new key opens it, the old one does not.
  set_outbox_keys({new_key, old_key});
  auto sealed_new = add(message());
  set_outbox_keys({old_key});
  EXPECT_EQ(sender.deliver_due(), 0);
  EXPECT_EQ(row(sealed_new).status, "dead");
  EXPECT_THROW(set_outbox_keys({}), std::invalid_argument);
  set_outbox_key(std::string(32, 'k'));
}

// Rows an older release queued in clear: pending ones are sealed when a sender starts (and sent
// intact); one that appears in clear later is still sent, then emptied.
TEST_P(OutboxTest, RowsQueuedInClearAreSealedThenSentIntactAndEmptied) {
  auto insert_clear = [this](const std::string& to) {
    execute(
        "INSERT INTO outbox (recipient, subject, text, html, kind, status, attempts, "
        "next_attempt_at, created_at) VALUES ('" +
        to +
        "', 'Confirm', 'your code 771133', '<p>771133</p>', 'verify_email', 'pending', 0, "
        "'2000-01-01T00:00:00.000000Z', '2000-01-01T00:00:00.000000Z')");
  };
  insert_clear("old@example.org");
  Sender sender(*pool_, file_options());
  EXPECT_EQ(sender.seal_clear_rows(), 1);
  EXPECT_EQ(table_dump().find("771133"), std::string::npos);
  EXPECT_EQ(table_dump().find("old@example.org"), std::string::npos);
  EXPECT_EQ(count("status = 'pending' AND sealed IS NOT NULL"), 1);
  EXPECT_EQ(sender.seal_clear_rows(), 0);

  insert_clear("late@example.org");
  EXPECT_EQ(sender.deliver_due(), 2);
  std::string both;
  for (const auto& file : mail_files()) both += file_text(file);
  EXPECT_NE(both.find("To: old@example.org\r\n"), std::string::npos);
  EXPECT_NE(both.find("To: late@example.org\r\n"), std::string::npos);
  EXPECT_NE(both.find("your code 771133"), std::string::npos);
  EXPECT_EQ(table_dump().find("771133"), std::string::npos);
  EXPECT_EQ(table_dump().find("@example.org"), std::string::npos);
  EXPECT_EQ(count("status = 'sent'"), 2);
}

TEST_P(OutboxTest, ARetryKeepsTheSealedMessageEveryEndErasesIt) {
  auto retried = add(message("busy@example.org"));
  auto stale = add(message("stale@example.org"));
  execute(
      "UPDATE outbox SET status = 'sending', attempts = 1, claim_token = 'dead', "
      "claimed_at = '2000-01-01T00:00:00.000000Z' WHERE id = " +
      std::to_string(stale));
  SenderOptions options = file_options();
  options.smtp_url = "smtp://127.0.0.1:1";  // nothing listens on port 1
  options.max_attempts = 2;
  Sender sender(*pool_, options);
  EXPECT_EQ(sender.deliver_due(), 0);
  EXPECT_EQ(row(retried).status, "pending");
  EXPECT_EQ(count("id = " + std::to_string(retried) + " AND sealed IS NOT NULL"), 1);
  EXPECT_EQ(row(stale).status, "uncertain");
  EXPECT_EQ(count("id = " + std::to_string(stale) + " AND sealed IS NULL"), 1);

  execute("UPDATE outbox SET next_attempt_at = '2000-01-01T00:00:00.000000Z'");
  EXPECT_EQ(sender.deliver_due(), 0);
  EXPECT_EQ(row(retried).status, "dead");
  EXPECT_EQ(count("sealed IS NULL AND recipient = '' AND text = ''"), 2);
  EXPECT_EQ(table_dump().find("@example.org"), std::string::npos);
}

TEST_P(OutboxTest, FinishedRowsPastTheRetentionAreDeleted) {
  auto old_sent = add(message());
  auto new_sent = add(message());
  Sender sender(*pool_, file_options());
  EXPECT_EQ(sender.deliver_due(), 2);
  auto old_pending = add(message());
  execute("UPDATE outbox SET created_at = '2000-01-01T00:00:00.000000Z' WHERE id IN (" +
          std::to_string(old_sent) + ", " + std::to_string(old_pending) + ")");
  execute("UPDATE outbox SET next_attempt_at = '2999-01-01T00:00:00.000000Z' WHERE id = " +
          std::to_string(old_pending));
  EXPECT_EQ(sender.delete_expired(), 1);
  EXPECT_EQ(count("id = " + std::to_string(old_sent)), 0);
  EXPECT_EQ(count("id = " + std::to_string(new_sent)), 1);
  EXPECT_EQ(count("id = " + std::to_string(old_pending)), 1);  // not delivered yet: kept

  SenderOptions keep = file_options();
  keep.retention = std::chrono::hours(0);
  Sender keeping(*pool_, keep);
  execute("UPDATE outbox SET created_at = '2000-01-01T00:00:00.000000Z'");
  EXPECT_EQ(keeping.delete_expired(), 0);
  EXPECT_EQ(count("1 = 1"), 2);
}

INSTANTIATE_TEST_SUITE_P(Dialects, OutboxTest,
                         ::testing::Values(db::Dialect::kSqlite, db::Dialect::kPostgresql),
                         db::testing::dialect_name);

}  // namespace
}  // namespace vitalis::notify
