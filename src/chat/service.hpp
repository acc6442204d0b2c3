// Chat service: conversations between a patient and a doctor on the patient's care team, their
// messages (stored before they are acknowledged, numbered by the server under the conversation's
// row so both sides see one order, a resend with the same client id stored once), receipts that
// move only forwards and keep unread counts right on every device, presence per server process,
// and the offline email. Only the two participants reach a conversation: anyone else (admins
// too) is told it does not exist. Knows nothing of HTTP or sockets (hub.hpp carries events).
// Safe for concurrent use: state is in the database.
#pragma once

#include <boost/json/array.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "chat/model.hpp"
#include "core/error.hpp"
#include "db/database.hpp"
#include "identity/model.hpp"
#include "identity/service.hpp"

namespace vitalis::chat {

struct ChatOptions {
  std::size_t max_text_bytes = 4000;  // a few KB of text; no attachments yet
  std::size_t max_client_id = 64;
  // An unread message older than this, to someone with no live connection: one email.
  std::chrono::seconds offline_email_after{300};
  // A process refreshes its presence rows this often; older rows count as gone (a crashed
  // process leaves rows behind).
  std::chrono::seconds presence_refresh{30};
  std::chrono::seconds presence_stale{90};
};

class ChatService {
 public:
  ChatService(db::Pool& pool, identity::IdentityService& identity, ChatOptions options = {});

  identity::IdentityService& identity() const { return identity_; }
  const ChatOptions& options() const { return options_; }
  // The clock (Unix microseconds) times are read against; tests set it.
  void set_clock(std::function<std::int64_t()> now_micros) { now_ = std::move(now_micros); }
  void set_public_url(std::string url) { public_url_ = std::move(url); }
  // This process's name in the presence table (random per start unless set).
  const std::string& server_id() const { return server_id_; }
  void set_server_id(std::string id) { server_id_ = std::move(id); }

  // A patient with a doctor on their care team, or a doctor with a patient whose care team they
  // are on: the pair's conversation (201 when new: `created`). 403 for anyone else.
  struct Started {
    Conversation conversation;
    bool created = false;
  };
  Result<Started> start(const identity::Caller& caller, std::int64_t other_id);
  // The caller's conversations, latest activity first, with unread counts and last messages.
  Result<std::vector<Conversation>> conversations(const identity::Caller& caller);
  // Unread totals for the navigation's badge (one query); zero for administrators, who have no
  // conversations.
  Result<UnreadTotals> unread(const identity::Caller& caller);
  Result<Conversation> conversation(const identity::Caller& caller, std::int64_t id);
  // Stores a message; the same (sender, client_id) again answers the stored one (`duplicate`),
  // or 409 client_id when it was another text or conversation. Sending reads the conversation
  // up to the message sent.
  Result<Sent> send(const identity::Caller& caller, std::int64_t conversation_id,
                    const std::string& client_id, const std::string& text);
  // History, latest first, before `before_seq` (0: from the newest). The caller audits it.
  Result<Page> history(const identity::Caller& caller, std::int64_t conversation_id,
                       std::int64_t before_seq, int limit);
  // What came after `after_seq`, oldest first (a reconnect's resume). The caller audits it.
  Result<Page> since(const identity::Caller& caller, std::int64_t conversation_id,
                     std::int64_t after_seq, int limit);
  // A receipt: 422 seq beyond the conversation's last message. `moved` is false when the
  // receipt was there already (nothing to tell anyone).
  struct Receipted {
    ReadState state;
    bool moved = false;
  };
  Result<Receipted> receipt(const identity::Caller& caller, std::int64_t conversation_id,
                            Receipt kind, std::int64_t seq);
  // Stored messages and their two participants, by id, in one read (the fan-out between
  // processes carries ids only). Ids not found are left out.
  Result<std::vector<RoutedMessage>> routed(const std::vector<std::int64_t>& message_ids);

  // Everyone the account has a conversation with (whom its presence concerns).
  Result<std::vector<std::int64_t>> partners(std::int64_t account_id);
  // Presence of this process's connections (0 removes the row); refresh keeps rows fresh.
  Status set_presence(std::int64_t account_id, int connections);
  Status refresh_presence();
  // A long poll counts as a live connection until presence_stale after it (its own row).
  Status poll_presence(std::int64_t account_id);
  Status clear_presence();
  bool online(std::int64_t account_id);

  // One email per unread conversation whose first unread message is older than
  // offline_email_after and whose recipient has no live connection; no second one until they
  // have read it. Each is claimed by a conditional update in the transaction that queues it, so
  // several processes sweeping at once send it once. Returns how many were queued.
  Result<int> send_offline_emails(int limit = 100);

  // Every message of the patient's conversations, by conversation and seq, as JSON: the chat's
  // part of the patient's export (app hands it to records' export; the caller's transaction).
  static boost::json::array export_messages(db::Lease& lease, std::int64_t patient_id);

 private:
  std::string stamp(std::int64_t micros) const;
  std::string now_text() const { return stamp(now_()); }

  db::Pool& pool_;
  identity::IdentityService& identity_;
  ChatOptions options_;
  std::function<std::int64_t()> now_;
  std::string public_url_ = "http://127.0.0.1:8080";
  std::string server_id_;
};

// The audit row of a history or resume read: chat.read of the conversation, in its patient's
// access log.
identity::audit::Row read_audit_row(const Conversation& conversation);

}  // namespace vitalis::chat
