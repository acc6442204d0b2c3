#include "chat/service.hpp"

#include <random>

#include "chat/json.hpp"
#include "chat/store.hpp"
#include "core/time.hpp"
#include "identity/audit_row.hpp"
#include "identity/crypto.hpp"
#include "identity/directory.hpp"
#include "notify/outbox.hpp"
#include "notify/templates.hpp"

namespace vitalis::chat {

using identity::Role;

namespace {

Error about(Error error, std::string field) {
  error.field = std::move(field);
  return error;
}

Error no_conversation() {
  return about(Error::not_found("no such conversation"), "conversation_id");
}

std::int64_t system_micros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string random_server_id() {
  std::random_device device;
  std::uniform_int_distribution<int> digit(0, 15);
  std::string out = "srv-";
  for (int i = 0; i < 12; ++i) out.push_back("0123456789abcdef"[digit(device)]);
  return out;
}

// The names of both participants (one query).
void name_participants(db::Lease& lease, std::vector<Conversation>& conversations) {
  std::vector<std::int64_t> ids;
  for (const auto& one : conversations) {
    ids.push_back(one.patient_id);
    ids.push_back(one.doctor_id);
  }
  auto names = identity::directory::names(lease, ids);
  for (auto& one : conversations) {
    if (auto found = names.find(one.patient_id); found != names.end()) {
      one.patient_name = found->second;
    }
    if (auto found = names.find(one.doctor_id); found != names.end()) {
      one.doctor_name = found->second;
    }
  }
}

}  // namespace

identity::audit::Row read_audit_row(const Conversation& conversation) {
  return identity::audit::Row("chat.read")
      .patient(conversation.patient_id)
      .resource("conversation", conversation.id);
}

ChatService::ChatService(db::Pool& pool, identity::IdentityService& identity, ChatOptions options)
    : pool_(pool),
      identity_(identity),
      options_(options),
      now_(system_micros),
      server_id_(random_server_id()) {}

std::string ChatService::stamp(std::int64_t micros) const {
  return format_rfc3339(TimePoint(std::chrono::microseconds(micros)));
}

Result<ChatService::Started> ChatService::start(const identity::Caller& caller,
                                                std::int64_t other_id) {
  if (caller.role != Role::kPatient && caller.role != Role::kDoctor) {
    return about(Error::forbidden("chat is between patients and their doctors"), "other_id");
  }
  bool patient = caller.role == Role::kPatient;
  std::int64_t patient_id = patient ? caller.account_id : other_id;
  std::int64_t doctor_id = patient ? other_id : caller.account_id;
  std::string at = now_text();
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<Started> {
    db::Transaction tx(lease);
    if (other_id == caller.account_id ||
        !identity::directory::linked(lease, patient_id, doctor_id)) {
      return about(Error::forbidden(patient ? "you can write to doctors on your care team"
                                            : "you can write to patients whose care team you "
                                              "are on"),
                   "other_id");
    }
    Started out;
    auto id = store::insert_conversation(lease, patient_id, doctor_id, caller.account_id, at);
    if (id) {
      store::insert_member(lease, *id, patient_id);
      store::insert_member(lease, *id, doctor_id);
      identity_.audit_write(
          lease, caller,
          identity::audit::Row("chat.start").patient(patient_id).resource("conversation", *id));
      out.created = true;
    } else {
      id = store::find_pair(lease, patient_id, doctor_id);
      if (!id) return Error::internal();
    }
    auto found = store::conversation_of(lease, caller.account_id, *id);
    if (!found) return Error::internal();
    std::vector<Conversation> one{std::move(*found)};
    name_participants(lease, one);
    store::read_last_messages(lease, one);
    tx.commit();
    out.conversation = std::move(one.front());
    return out;
  });
}

Result<std::vector<Conversation>> ChatService::conversations(const identity::Caller& caller) {
  std::string since = stamp(now_() - std::chrono::microseconds(options_.presence_stale).count());
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<std::vector<Conversation>> {
    auto rows = store::conversations_of(lease, caller.account_id, 500);
    name_participants(lease, rows);
    store::read_last_messages(lease, rows);
    std::vector<std::int64_t> others;
    for (const auto& row : rows) others.push_back(row.other_id(caller.account_id));
    auto online = store::online_among(lease, others, since);
    for (auto& row : rows) row.other_online = online.count(row.other_id(caller.account_id)) > 0;
    return rows;
  });
}

Result<UnreadTotals> ChatService::unread(const identity::Caller& caller) {
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<UnreadTotals> {
    return store::unread_totals(lease, caller.account_id);
  });
}

Result<Conversation> ChatService::conversation(const identity::Caller& caller, std::int64_t id) {
  std::string since = stamp(now_() - std::chrono::microseconds(options_.presence_stale).count());
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<Conversation> {
    auto found = store::conversation_of(lease, caller.account_id, id);
    if (!found) return no_conversation();
    std::vector<Conversation> one{std::move(*found)};
    name_participants(lease, one);
    store::read_last_messages(lease, one);
    one.front().other_online = store::online(lease, one.front().other_id(caller.account_id), since);
    return std::move(one.front());
  });
}

Result<Sent> ChatService::send(const identity::Caller& caller, std::int64_t conversation_id,
                               const std::string& client_id, const std::string& text) {
  if (client_id.empty() || client_id.size() > options_.max_client_id) {
    return Error::validation("client_id",
                             "client_id is required: the sender's own id for the "
                             "message (64 characters at most)");
  }
  if (text.find_first_not_of(" \t\r\n") == std::string::npos) {
    return Error::validation("text", "write a message first");
  }
  if (text.size() > options_.max_text_bytes) {
    return Error::validation("text", "the message is too long (" +
                                         std::to_string(options_.max_text_bytes) +
                                         " bytes at most): send it in parts");
  }
  std::string at = now_text();
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<Sent> {
    db::Transaction tx(lease);
    auto found = store::conversation_of(lease, caller.account_id, conversation_id);
    if (!found) return no_conversation();
    // The conversation's row first: its lock orders this conversation's senders (and a resend
    // racing its first send finds the first's row below once the first has committed).
    auto seq = store::next_seq(lease, conversation_id, at);
    if (!seq) return no_conversation();
    Sent out;
    out.recipient_id = found->other_id(caller.account_id);
    if (auto stored = store::find_by_client(lease, caller.account_id, client_id)) {
      // A resend: nothing is written (the transaction is not committed).
      if (stored->conversation_id != conversation_id || stored->text != text) {
        return about(Error::conflict("this client_id was used for another message"), "client_id");
      }
      out.message = std::move(*stored);
      out.duplicate = true;
      return out;
    }
    if (!identity::directory::linked(lease, found->patient_id, found->doctor_id)) {
      return about(Error::forbidden(caller.role == Role::kPatient
                                        ? "this doctor is no longer on your care team"
                                        : "you are no longer on this patient's care team"),
                   "conversation_id");
    }
    Message message;
    message.conversation_id = conversation_id;
    message.seq = *seq;
    message.sender_id = caller.account_id;
    message.client_id = client_id;
    message.text = text;
    message.sent_at = at;
    message.id = store::insert_message(lease, message);
    store::mark_read(lease, conversation_id, caller.account_id, *seq);
    tx.commit();
    out.message = std::move(message);
    return out;
  });
}

namespace {

// A page of `limit` from `rows` fetched with one more than the limit (`more` says whether there
// are further ones), in the conversation's patient's record.
Page page_of(std::vector<Message> rows, int limit, std::int64_t patient_id) {
  Page page;
  page.more = static_cast<int>(rows.size()) > limit;
  if (page.more) rows.pop_back();
  page.messages = std::move(rows);
  page.patient_id = patient_id;
  return page;
}

}  // namespace

Result<Page> ChatService::history(const identity::Caller& caller, std::int64_t conversation_id,
                                  std::int64_t before_seq, int limit) {
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<Page> {
    auto found = store::conversation_of(lease, caller.account_id, conversation_id);
    if (!found) return no_conversation();
    std::int64_t before = before_seq > 0 ? before_seq : found->last_seq + 1;
    return page_of(store::before(lease, conversation_id, before, limit + 1), limit,
                   found->patient_id);
  });
}

Result<Page> ChatService::since(const identity::Caller& caller, std::int64_t conversation_id,
                                std::int64_t after_seq, int limit) {
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<Page> {
    auto found = store::conversation_of(lease, caller.account_id, conversation_id);
    if (!found) return no_conversation();
    return page_of(store::after(lease, conversation_id, after_seq, limit + 1), limit,
                   found->patient_id);
  });
}

Result<ChatService::Receipted> ChatService::receipt(const identity::Caller& caller,
                                                    std::int64_t conversation_id, Receipt kind,
                                                    std::int64_t seq) {
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<Receipted> {
    db::Transaction tx(lease);
    auto found = store::conversation_of(lease, caller.account_id, conversation_id);
    if (!found) return no_conversation();
    if (seq < 1 || seq > found->last_seq) {
      return Error::validation("seq",
                               "seq must be the number of a message in this "
                               "conversation (1 to " +
                                   std::to_string(found->last_seq) + ")");
    }
    Receipted out;
    out.moved = kind == Receipt::kRead
                    ? store::mark_read(lease, conversation_id, caller.account_id, seq)
                    : store::mark_received(lease, conversation_id, caller.account_id, seq);
    auto place = store::member(lease, conversation_id, caller.account_id);
    if (!place) return Error::internal();
    tx.commit();
    out.state = {conversation_id, caller.account_id, place->first, place->second,
                 found->other_id(caller.account_id)};
    return out;
  });
}

Result<std::vector<RoutedMessage>> ChatService::routed(
    const std::vector<std::int64_t>& message_ids) {
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<std::vector<RoutedMessage>> {
    return store::routed(lease, message_ids);
  });
}

Result<std::vector<std::int64_t>> ChatService::partners(std::int64_t account_id) {
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<std::vector<std::int64_t>> {
    return store::partners(lease, account_id);
  });
}

Status ChatService::set_presence(std::int64_t account_id, int connections) {
  std::string at = now_text();
  return db::with_connection(pool_, [&](db::Lease& lease) -> Status {
    db::Transaction tx(lease);
    store::set_presence(lease, account_id, server_id_, connections, at);
    tx.commit();
    return Ok{};
  });
}

Status ChatService::poll_presence(std::int64_t account_id) {
  std::string at = now_text(), server = server_id_ + "/poll";
  return db::with_connection(pool_, [&](db::Lease& lease) -> Status {
    db::Transaction tx(lease);
    store::set_presence(lease, account_id, server, 1, at);
    tx.commit();
    return Ok{};
  });
}

Status ChatService::refresh_presence() {
  std::string at = now_text();
  return db::with_connection(pool_, [&](db::Lease& lease) -> Status {
    db::Transaction tx(lease);
    store::touch_presence(lease, server_id_, at);
    tx.commit();
    return Ok{};
  });
}

Status ChatService::clear_presence() {
  return db::with_connection(pool_, [&](db::Lease& lease) -> Status {
    db::Transaction tx(lease);
    store::clear_presence(lease, server_id_);
    tx.commit();
    return Ok{};
  });
}

bool ChatService::online(std::int64_t account_id) {
  std::string since = stamp(now_() - std::chrono::microseconds(options_.presence_stale).count());
  auto found = db::with_connection(pool_, [&](db::Lease& lease) -> Result<bool> {
    return store::online(lease, account_id, since);
  });
  return found.ok() && *found;
}

boost::json::array ChatService::export_messages(db::Lease& lease, std::int64_t patient_id) {
  boost::json::array out;
  for (const auto& message : store::patient_messages(lease, patient_id)) {
    out.push_back(message_json(message));
  }
  return out;
}

Result<int> ChatService::send_offline_emails(int limit) {
  std::int64_t now = now_();
  std::string cutoff = stamp(now - std::chrono::microseconds(options_.offline_email_after).count());
  std::string since = stamp(now - std::chrono::microseconds(options_.presence_stale).count());
  auto due =
      db::with_connection(pool_, [&](db::Lease& lease) -> Result<std::vector<store::NoticeRow>> {
        return store::offline_notices(lease, cutoff, since, limit);
      });
  if (!due.ok()) return due.error();
  int sent = 0;
  for (const auto& row : *due) {
    auto queued = db::with_connection(pool_, [&](db::Lease& lease) -> Result<bool> {
      db::Transaction tx(lease);
      if (!store::claim_notice(lease, row)) return false;  // another process sent it
      auto names = identity::directory::names(lease, {row.notice.sender_id});
      std::optional<identity::Contact> to;
      auto pair = store::participants(lease, row.notice.conversation_id);
      if (!pair) return false;
      if (row.notice.recipient_id == pair->first) {
        to = identity::directory::patient_contact(lease, row.notice.recipient_id);
      } else {
        for (auto& contact : identity::directory::care_team_contacts(lease, pair->first)) {
          if (contact.account_id == row.notice.recipient_id) to = std::move(contact);
        }
      }
      if (to && notify::is_plain_address(to->email)) {
        std::string from = names.count(row.notice.sender_id) ? names.at(row.notice.sender_id)
                                                             : std::string("your care team");
        auto mail = notify::render(
            "chat_unread",
            {{"name", to->full_name},
             {"from", from},
             {"link", public_url_ + "/chat/" + std::to_string(row.notice.conversation_id)}},
            to->email);
        if (!mail.ok()) return mail.error();
        notify::enqueue(lease, *mail);
      }
      tx.commit();
      return true;
    });
    if (!queued.ok()) return queued.error();
    if (*queued) ++sent;
  }
  return sent;
}

}  // namespace vitalis::chat
