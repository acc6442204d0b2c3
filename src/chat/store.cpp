#include "chat/store.hpp"

#include <soci/soci.h>

#include <map>

#include "db/rows.hpp"

namespace vitalis::chat::store {

namespace {

class ConversationReader {
 public:
  void bind(soci::statement& statement) {
    statement.exchange(soci::into(id_));
    statement.exchange(soci::into(patient_));
    statement.exchange(soci::into(doctor_));
    statement.exchange(soci::into(by_));
    statement.exchange(soci::into(row_.started_at));
    statement.exchange(soci::into(last_seq_));
    statement.exchange(soci::into(last_at_, last_at_ind_));
    statement.exchange(soci::into(read_));
    statement.exchange(soci::into(other_read_));
    statement.exchange(soci::into(other_received_));
  }
  Conversation current() const {
    Conversation out = row_;
    out.id = id_;
    out.patient_id = patient_;
    out.doctor_id = doctor_;
    out.started_by = by_;
    out.last_seq = last_seq_;
    out.last_message_at = last_at_ind_ == soci::i_ok ? last_at_ : std::string();
    out.last_read_seq = read_;
    out.unread = last_seq_ > read_ ? last_seq_ - read_ : 0;
    out.other_read_seq = other_read_;
    out.other_received_seq = other_received_;
    return out;
  }

 private:
  Conversation row_;
  long long id_ = 0, patient_ = 0, doctor_ = 0, by_ = 0, last_seq_ = 0, read_ = 0, other_read_ = 0,
            other_received_ = 0;
  std::string last_at_;
  soci::indicator last_at_ind_ = soci::i_null;
};

class MessageReader {
 public:
  void bind(soci::statement& statement) {
    statement.exchange(soci::into(id_));
    statement.exchange(soci::into(conversation_));
    statement.exchange(soci::into(seq_));
    statement.exchange(soci::into(sender_));
    statement.exchange(soci::into(row_.client_id));
    statement.exchange(soci::into(row_.text));
    statement.exchange(soci::into(row_.sent_at));
  }
  Message current() const {
    Message out = row_;
    out.id = id_;
    out.conversation_id = conversation_;
    out.seq = seq_;
    out.sender_id = sender_;
    return out;
  }

 private:
  Message row_;
  long long id_ = 0, conversation_ = 0, seq_ = 0, sender_ = 0;
};

class RoutedReader {
 public:
  void bind(soci::statement& statement) {
    message_.bind(statement);
    statement.exchange(soci::into(patient_));
    statement.exchange(soci::into(doctor_));
  }
  RoutedMessage current() const { return {message_.current(), patient_, doctor_}; }

 private:
  MessageReader message_;
  long long patient_ = 0, doctor_ = 0;
};

}  // namespace

std::optional<std::int64_t> insert_conversation(db::Lease& lease, std::int64_t patient_id,
                                                std::int64_t doctor_id, std::int64_t by,
                                                const std::string& at) {
  long long patient = patient_id, doctor = doctor_id, starter = by;
  std::string when = at;
  return db::first_value<long long>(lease, sql::kInsertConversation,
                                    db::uses(patient, doctor, starter, when));
}

std::optional<std::int64_t> find_pair(db::Lease& lease, std::int64_t patient_id,
                                      std::int64_t doctor_id) {
  long long patient = patient_id, doctor = doctor_id;
  return db::first_value<long long>(lease, sql::kFindPair, db::uses(patient, doctor));
}

void insert_member(db::Lease& lease, std::int64_t conversation_id, std::int64_t account_id) {
  long long conversation = conversation_id, account = account_id;
  db::run(lease, sql::kInsertMember, db::uses(conversation, account));
}

std::optional<std::pair<std::int64_t, std::int64_t>> participants(db::Lease& lease,
                                                                  std::int64_t conversation_id) {
  long long key = conversation_id, patient = 0, doctor = 0;
  std::optional<std::pair<std::int64_t, std::int64_t>> out;
  db::for_each_row(
      lease, sql::kParticipants,
      [&](soci::statement& statement) {
        statement.exchange(soci::into(patient));
        statement.exchange(soci::into(doctor));
        statement.exchange(soci::use(key));
      },
      [&] { out = std::make_pair<std::int64_t, std::int64_t>(patient, doctor); });
  return out;
}

UnreadTotals unread_totals(db::Lease& lease, std::int64_t viewer) {
  long long who = viewer, messages = 0, conversations = 0;
  db::for_each_row(
      lease, sql::kUnreadTotals,
      [&](soci::statement& statement) {
        statement.exchange(soci::into(messages));
        statement.exchange(soci::into(conversations));
        statement.exchange(soci::use(who));
      },
      [] {});
  return {messages, conversations};
}

std::vector<std::int64_t> partners(db::Lease& lease, std::int64_t account_id) {
  long long account = account_id, again = account_id, other = 0;
  std::vector<std::int64_t> out;
  db::for_each_row(
      lease, sql::kPartners,
      [&](soci::statement& statement) {
        statement.exchange(soci::into(other));
        statement.exchange(soci::use(account));
        statement.exchange(soci::use(again));
      },
      [&] { out.push_back(other); });
  return out;
}

std::vector<Conversation> conversations_of(db::Lease& lease, std::int64_t viewer, int limit) {
  long long who = viewer;
  return db::select_rows<ConversationReader>(lease, sql::kConversationsOf, db::uses(who, limit));
}

std::optional<Conversation> conversation_of(db::Lease& lease, std::int64_t viewer,
                                            std::int64_t id) {
  long long who = viewer, key = id;
  return db::first_row<ConversationReader>(lease, sql::kConversationOf, db::uses(who, key));
}

void read_last_messages(db::Lease& lease, std::vector<Conversation>& conversations) {
  std::vector<std::int64_t> ids;
  std::map<std::int64_t, Conversation*> by_id;
  for (auto& conversation : conversations) {
    if (conversation.last_seq == 0) continue;
    ids.push_back(conversation.id);
    by_id[conversation.id] = &conversation;
  }
  if (ids.empty()) return;
  std::string list = db::id_list(lease.dialect(), ids);
  bool lite = lease.dialect() == db::Dialect::kSqlite;
  for (auto& row : db::select_rows<MessageReader>(
           lease, lite ? sql::kLastMessagesSqlite : sql::kLastMessagesPostgresql, db::uses(list))) {
    by_id.at(row.conversation_id)->last_message = std::move(row);
  }
}

std::optional<std::int64_t> next_seq(db::Lease& lease, std::int64_t conversation_id,
                                     const std::string& at) {
  long long key = conversation_id;
  std::string when = at;
  return db::first_value<long long>(lease, sql::kNextSeq, db::uses(when, key));
}

std::optional<Message> find_by_client(db::Lease& lease, std::int64_t sender_id,
                                      const std::string& client_id) {
  long long sender = sender_id;
  std::string client = client_id;
  return db::first_row<MessageReader>(lease, sql::kFindByClient, db::uses(sender, client));
}

std::int64_t insert_message(db::Lease& lease, const Message& message) {
  long long conversation = message.conversation_id, seq = message.seq, sender = message.sender_id;
  std::string client = message.client_id, body = message.text, at = message.sent_at;
  return db::first_value<long long>(lease, sql::kInsertMessage,
                                    db::uses(conversation, seq, sender, client, body, at))
      .value_or(0);
}

std::vector<RoutedMessage> routed(db::Lease& lease, const std::vector<std::int64_t>& message_ids) {
  std::string list = db::id_list(lease.dialect(), message_ids);
  bool lite = lease.dialect() == db::Dialect::kSqlite;
  return db::select_rows<RoutedReader>(lease, lite ? sql::kRoutedSqlite : sql::kRoutedPostgresql,
                                       db::uses(list));
}

std::vector<Message> patient_messages(db::Lease& lease, std::int64_t patient_id) {
  long long patient = patient_id;
  return db::select_rows<MessageReader>(lease, sql::kPatientMessages, db::uses(patient));
}

std::vector<Message> before(db::Lease& lease, std::int64_t conversation_id, std::int64_t before_seq,
                            int limit) {
  long long conversation = conversation_id, seq = before_seq;
  return db::select_rows<MessageReader>(lease, sql::kBefore, db::uses(conversation, seq, limit));
}

std::vector<Message> after(db::Lease& lease, std::int64_t conversation_id, std::int64_t after_seq,
                           int limit) {
  long long conversation = conversation_id, seq = after_seq;
  return db::select_rows<MessageReader>(lease, sql::kAfter, db::uses(conversation, seq, limit));
}

bool mark_read(db::Lease& lease, std::int64_t conversation_id, std::int64_t account_id,
               std::int64_t seq) {
  long long value = seq, received = seq, received_again = seq, check = seq;
  long long conversation = conversation_id, account = account_id;
  return db::execute(lease, sql::kMarkRead,
                     db::uses(value, received, received_again, conversation, account, check)) == 1;
}

bool mark_received(db::Lease& lease, std::int64_t conversation_id, std::int64_t account_id,
                   std::int64_t seq) {
  long long value = seq, check = seq, conversation = conversation_id, account = account_id;
  return db::execute(lease, sql::kMarkReceived, db::uses(value, conversation, account, check)) == 1;
}

std::optional<std::pair<std::int64_t, std::int64_t>> member(db::Lease& lease,
                                                            std::int64_t conversation_id,
                                                            std::int64_t account_id) {
  long long conversation = conversation_id, account = account_id, read = 0, received = 0;
  std::optional<std::pair<std::int64_t, std::int64_t>> out;
  db::for_each_row(
      lease, sql::kMember,
      [&](soci::statement& statement) {
        statement.exchange(soci::into(read));
        statement.exchange(soci::into(received));
        statement.exchange(soci::use(conversation));
        statement.exchange(soci::use(account));
      },
      [&] { out = std::make_pair<std::int64_t, std::int64_t>(read, received); });
  return out;
}

void set_presence(db::Lease& lease, std::int64_t account_id, const std::string& server_id,
                  int connections, const std::string& at) {
  long long account = account_id;
  std::string server = server_id, when = at;
  if (connections <= 0) {
    db::run(lease, sql::kDropPresence, db::uses(account, server));
    return;
  }
  db::run(lease, sql::kSetPresence, db::uses(account, server, connections, when));
}

void touch_presence(db::Lease& lease, const std::string& server_id, const std::string& at) {
  std::string server = server_id, when = at;
  db::run(lease, sql::kTouchPresence, db::uses(when, server));
}

void clear_presence(db::Lease& lease, const std::string& server_id) {
  std::string server = server_id, polls = server_id + "/poll";
  db::run(lease, sql::kClearServerPresence, db::uses(server, polls));
}

bool online(db::Lease& lease, std::int64_t account_id, const std::string& since) {
  long long account = account_id;
  std::string after = since;
  return db::number(lease, sql::kOnline, db::uses(account, after)) > 0;
}

std::set<std::int64_t> online_among(db::Lease& lease, const std::vector<std::int64_t>& ids,
                                    const std::string& since) {
  std::set<std::int64_t> out;
  if (ids.empty()) return out;
  std::string list = db::id_list(lease.dialect(), ids), after = since;
  long long account = 0;
  bool lite = lease.dialect() == db::Dialect::kSqlite;
  db::for_each_row(
      lease, lite ? sql::kOnlineAmongSqlite : sql::kOnlineAmongPostgresql,
      [&](soci::statement& statement) {
        statement.exchange(soci::into(account));
        statement.exchange(soci::use(list));
        statement.exchange(soci::use(after));
      },
      [&] { out.insert(account); });
  return out;
}

std::vector<NoticeRow> offline_notices(db::Lease& lease, const std::string& cutoff,
                                       const std::string& since, int limit) {
  std::string before = cutoff, after = since;
  long long conversation = 0, recipient = 0, sender = 0, seq = 0, emailed = 0;
  std::vector<NoticeRow> rows;
  db::for_each_row(
      lease, sql::kOfflineNotices,
      [&](soci::statement& statement) {
        statement.exchange(soci::into(conversation));
        statement.exchange(soci::into(recipient));
        statement.exchange(soci::into(sender));
        statement.exchange(soci::into(seq));
        statement.exchange(soci::into(emailed));
        statement.exchange(soci::use(before));
        statement.exchange(soci::use(after));
        statement.exchange(soci::use(limit));
      },
      [&] {
        rows.push_back({{conversation, recipient, sender, seq}, emailed});
      });
  return rows;
}

bool claim_notice(db::Lease& lease, const NoticeRow& row) {
  long long seq = row.notice.seq, conversation = row.notice.conversation_id,
            account = row.notice.recipient_id, was = row.emailed_seq;
  return db::execute(lease, sql::kClaimNotice, db::uses(seq, conversation, account, was)) == 1;
}

}  // namespace vitalis::chat::store
