// Chat service and store on both dialects: who may start a conversation, one order for both
// sides under concurrent senders, a resend stored once, receipts that only move forwards and
// unread counts, history pages, presence, and the offline email (once until read).
#include "chat/service.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>

#include "chat/live.hpp"
#include "db/migrate.hpp"
#include "db/testing.hpp"
#include "identity/crypto.hpp"
#include "identity/testing.hpp"
#include "notify/testing.hpp"

namespace vitalis::chat {
namespace {

using identity::Caller;
using identity::Role;

constexpr std::int64_t kStart = 1812326400LL * 1000000;  // 2027-06-07T00:00:00Z, microseconds

class ChatTest : public db::testing::DialectTest {
 protected:
  void SetUp() override {
    DialectTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    identity::init_crypto();
    pool_ = database_->open(8);
    ASSERT_TRUE(pool_);
    ASSERT_TRUE(db::migrate(*pool_).ok());
    identity_ = std::make_unique<identity::IdentityService>(*pool_, identity::SecretKey::generate(),
                                                            identity::IdentityOptions{});
    service_ = std::make_unique<ChatService>(*pool_, *identity_);
    service_->set_clock([this] { return now_.load(); });
    patient_ = caller("pat@example.org", "patient", Role::kPatient, "Pat Lee");
    doctor_ = caller("dora@example.org", "doctor", Role::kDoctor, "Dr Dora Reis");
    other_ = caller("sam@example.org", "patient", Role::kPatient, "Sam Wu");
    admin_ = caller("admin@example.org", "admin", Role::kAdmin, "Ada Admin");
    identity::testing::insert_patient_profile(*pool_, patient_.account_id, "1980-01-01", "female");
  }

  Caller caller(const std::string& email, const std::string& role, Role r,
                const std::string& name) {
    auto id = identity::testing::insert_account(*pool_, email, role, name);
    return Caller{{id, r, "s"}, identity::Client{"127.0.0.1"}};
  }

  Conversation started() {
    identity::testing::insert_care_link(*pool_, patient_.account_id, doctor_.account_id);
    auto done = service_->start(patient_, doctor_.account_id);
    EXPECT_TRUE(done.ok()) << done.error().message;
    return done.ok() ? done->conversation : Conversation{};
  }

  std::unique_ptr<db::Pool> pool_;
  std::unique_ptr<identity::IdentityService> identity_;
  std::unique_ptr<ChatService> service_;
  std::atomic<std::int64_t> now_{kStart};
  Caller patient_, doctor_, other_, admin_;
};

TEST_P(ChatTest, OnlyAPatientAndADoctorOnTheirCareTeamTalk) {
  auto refused = service_->start(patient_, doctor_.account_id);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kForbidden);
  EXPECT_EQ(service_->start(admin_, patient_.account_id).error().code, ErrorCode::kForbidden);
  identity::testing::insert_care_link(*pool_, patient_.account_id, doctor_.account_id);
  auto first = service_->start(patient_, doctor_.account_id);
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_TRUE(first->created);
  EXPECT_EQ(first->conversation.doctor_name, "Dr Dora Reis");
  // The doctor starting it finds the same one.
  auto again = service_->start(doctor_, patient_.account_id);
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->created);
  EXPECT_EQ(again->conversation.id, first->conversation.id);
  // Nobody else reaches it: not another patient, not an administrator.
  std::int64_t id = first->conversation.id;
  EXPECT_EQ(service_->conversation(other_, id).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(service_->history(admin_, id, 0, 10).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(service_->send(other_, id, "c-1", "hello").error().code, ErrorCode::kNotFound);
}

TEST_P(ChatTest, MessagesHaveOneOrderAResendIsStoredOnceAndReceiptsMoveForward) {
  auto chat = started();
  auto one = service_->send(patient_, chat.id, "p-1", "I have a headache since Monday");
  ASSERT_TRUE(one.ok()) << one.error().message;
  EXPECT_EQ(one->message.seq, 1);
  EXPECT_EQ(one->recipient_id, doctor_.account_id);
  auto resend = service_->send(patient_, chat.id, "p-1", "I have a headache since Monday");
  ASSERT_TRUE(resend.ok());
  EXPECT_TRUE(resend->duplicate);
  EXPECT_EQ(resend->message.id, one->message.id);
  EXPECT_EQ(service_->send(patient_, chat.id, "p-1", "something else").error().field, "client_id");
  EXPECT_EQ(service_->send(patient_, chat.id, "p-2", "  \n").error().field, "text");
  EXPECT_EQ(service_->send(patient_, chat.id, "p-2", std::string(4001, 'a')).error().field, "text");
  EXPECT_EQ(service_->send(patient_, chat.id, "", "hi").error().field, "client_id");
  ASSERT_TRUE(service_->send(patient_, chat.id, "p-2", "And a fever").ok());
  // Unread for the doctor: two; none for the patient (sending reads).
  EXPECT_EQ(service_->conversation(doctor_, chat.id)->unread, 2);
  EXPECT_EQ(service_->conversation(patient_, chat.id)->unread, 0);
  auto read = service_->receipt(doctor_, chat.id, Receipt::kRead, 1);
  ASSERT_TRUE(read.ok());
  EXPECT_TRUE(read->moved);
  EXPECT_EQ(read->state.last_received_seq, 1);
  EXPECT_FALSE(service_->receipt(doctor_, chat.id, Receipt::kRead, 1)->moved);
  EXPECT_FALSE(service_->receipt(doctor_, chat.id, Receipt::kReceived, 1)->moved);
  EXPECT_EQ(service_->receipt(doctor_, chat.id, Receipt::kRead, 3).error().field, "seq");
  EXPECT_EQ(service_->conversation(doctor_, chat.id)->unread, 1);
  EXPECT_EQ(service_->conversation(patient_, chat.id)->other_read_seq, 1);
  auto reply = service_->send(doctor_, chat.id, "d-1", "Any stiff neck?");
  ASSERT_TRUE(reply.ok());
  EXPECT_EQ(reply->message.seq, 3);
  EXPECT_EQ(service_->conversation(doctor_, chat.id)->unread, 0);
  EXPECT_EQ(service_->conversation(patient_, chat.id)->unread, 1);
  // History: latest first by pages; after a seq: oldest first.
  auto page = service_->history(patient_, chat.id, 0, 2);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->messages.size(), 2u);
  EXPECT_EQ(page->messages[0].seq, 3);
  EXPECT_TRUE(page->more);
  auto rest = service_->history(patient_, chat.id, page->messages.back().seq, 2);
  ASSERT_EQ(rest->messages.size(), 1u);
  EXPECT_FALSE(rest->more);
  auto missed = service_->since(doctor_, chat.id, 1, 10);
  ASSERT_EQ(missed->messages.size(), 2u);
  EXPECT_EQ(missed->messages[0].seq, 2);
  auto list = service_->conversations(doctor_);
  ASSERT_EQ(list->size(), 1u);
  ASSERT_TRUE(list->front().last_message);
  EXPECT_EQ(list->front().last_message->sender_id, doctor_.account_id);
  // A doctor no longer on the care team cannot write; the history stays readable.
  ASSERT_TRUE(identity_->unlink_doctor(patient_, doctor_.account_id).ok());
  EXPECT_EQ(service_->send(doctor_, chat.id, "d-2", "Hello?").error().code, ErrorCode::kForbidden);
  EXPECT_TRUE(service_->history(doctor_, chat.id, 0, 10).ok());
}

TEST_P(ChatTest, ConcurrentSendersGetOneGaplessOrder) {
  auto chat = started();
  std::vector<std::thread> threads;
  std::atomic<int> failed{0};
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      const Caller& who = t % 2 == 0 ? patient_ : doctor_;
      for (int i = 0; i < 15; ++i) {
        auto sent = service_->send(who, chat.id, "t" + std::to_string(t) + "-" + std::to_string(i),
                                   "message " + std::to_string(i));
        if (!sent.ok()) ++failed;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failed.load(), 0);
  auto all = service_->since(patient_, chat.id, 0, 500);
  ASSERT_EQ(all->messages.size(), 120u);
  std::set<std::int64_t> ids;
  for (std::size_t i = 0; i < all->messages.size(); ++i) {
    EXPECT_EQ(all->messages[i].seq, static_cast<std::int64_t>(i) + 1);
    if (i > 0) {
      EXPECT_GT(all->messages[i].id, all->messages[i - 1].id);  // stored in seq order
    }
    ids.insert(all->messages[i].id);
  }
  EXPECT_EQ(ids.size(), 120u);
}

TEST_P(ChatTest, AnOfflineRecipientGetsOneEmailUntilTheyRead) {
  auto chat = started();
  auto before = notify::testing::outbox_messages(*pool_).size();
  ASSERT_TRUE(service_->send(doctor_, chat.id, "d-1", "Your results are normal").ok());
  EXPECT_EQ(*service_->send_offline_emails(), 0);  // not yet five minutes
  now_ += 301LL * 1000000;
  // Online somewhere: no email.
  ASSERT_TRUE(service_->set_presence(patient_.account_id, 1).ok());
  EXPECT_EQ(*service_->send_offline_emails(), 0);
  ASSERT_TRUE(service_->set_presence(patient_.account_id, 0).ok());
  EXPECT_EQ(*service_->send_offline_emails(), 1);
  EXPECT_EQ(*service_->send_offline_emails(), 0);  // once
  ASSERT_TRUE(service_->send(doctor_, chat.id, "d-2", "Call me").ok());
  now_ += 301LL * 1000000;
  EXPECT_EQ(*service_->send_offline_emails(), 0);  // not read since the first email
  ASSERT_TRUE(service_->receipt(patient_, chat.id, Receipt::kRead, 2).ok());
  ASSERT_TRUE(service_->send(doctor_, chat.id, "d-3", "Thanks").ok());
  now_ += 301LL * 1000000;
  EXPECT_EQ(*service_->send_offline_emails(), 1);
  auto mails = notify::testing::outbox_messages(*pool_);
  mails.erase(mails.begin(), mails.begin() + static_cast<std::ptrdiff_t>(before));
  ASSERT_EQ(mails.size(), 2u);
  for (const auto& mail : mails) {
    EXPECT_EQ(mail.to, "pat@example.org");
    EXPECT_NE(mail.text.find("Dr Dora Reis"), std::string::npos) << mail.text;
    EXPECT_EQ(mail.text.find("results"), std::string::npos) << mail.text;  // never the text
    EXPECT_EQ(mail.text.find("Thanks"), std::string::npos);
    EXPECT_NE(mail.text.find("/chat/" + std::to_string(chat.id)), std::string::npos);
  }
}

TEST_P(ChatTest, PresenceExpiresWithItsProcess) {
  ASSERT_TRUE(service_->set_presence(patient_.account_id, 1).ok());
  EXPECT_TRUE(service_->online(patient_.account_id));
  // A process that stopped refreshing (it crashed) no longer counts after presence_stale.
  now_ += 91LL * 1000000;
  EXPECT_FALSE(service_->online(patient_.account_id));
  ASSERT_TRUE(service_->refresh_presence().ok());
  EXPECT_TRUE(service_->online(patient_.account_id));
  ASSERT_TRUE(service_->clear_presence().ok());
  EXPECT_FALSE(service_->online(patient_.account_id));
}

// Someone polling (the fallback) is online to the other side from their first poll, told once,
// and offline once their polls have stopped for poll_gone: their poll row no longer counts.
TEST_P(ChatTest, APollerComesAndGoesForTheOtherSide) {
  started();
  LiveOptions options;
  options.poll_gone = std::chrono::milliseconds(0);
  Live live(*service_, options);
  ASSERT_TRUE(live.polled(doctor_.account_id).ok());
  ASSERT_TRUE(live.polled(doctor_.account_id).ok());
  auto [told, last] = live.recent_events(patient_.account_id, 0);
  ASSERT_EQ(told.size(), 1u);
  EXPECT_NE(told[0].find(R"("online":true)"), std::string::npos) << told[0];
  EXPECT_TRUE(service_->online(doctor_.account_id));
  // A poll waiting for events keeps them online, however long it waits.
  ASSERT_TRUE(live.wait(doctor_.account_id,
                        std::chrono::steady_clock::now() + std::chrono::hours(1),
                        live.generation(doctor_.account_id), [] {}));
  live.sweep();
  EXPECT_TRUE(live.recent_events(patient_.account_id, last).first.empty());
  EXPECT_TRUE(service_->online(doctor_.account_id));
  live.release_waiters();
  live.sweep();
  auto gone = live.recent_events(patient_.account_id, last).first;
  ASSERT_EQ(gone.size(), 1u);
  EXPECT_NE(gone[0].find(R"("online":false)"), std::string::npos) << gone[0];
  EXPECT_FALSE(service_->online(doctor_.account_id));
  EXPECT_TRUE(live.recent_events(doctor_.account_id, 0).first.empty());  // not told themselves
}

INSTANTIATE_TEST_SUITE_P(Dialects, ChatTest,
                         ::testing::Values(db::Dialect::kSqlite, db::Dialect::kPostgresql),
                         db::testing::dialect_name);

}  // namespace
}  // namespace vitalis::chat
