// Plain types of the chat between a patient and a doctor: conversations, messages, each
// participant's read state, and the events the live connections carry. No I/O.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace vitalis::chat {

struct Message {
  std::int64_t id = 0, conversation_id = 0;
  std::int64_t seq = 0;  // the conversation's order: the server's, the same for both sides
  std::int64_t sender_id = 0;
  std::string client_id;  // the sender's id for it: a resend with it finds this message
  std::string text;
  std::string sent_at;
};

// A conversation as one participant sees it.
struct Conversation {
  std::int64_t id = 0, patient_id = 0, doctor_id = 0;
  std::string patient_name, doctor_name;
  std::int64_t started_by = 0;
  std::string started_at;
  std::int64_t last_seq = 0;
  std::string last_message_at;          // empty before the first message
  std::int64_t last_read_seq = 0;       // the viewer's
  std::int64_t unread = 0;              // last_seq - last_read_seq
  std::int64_t other_read_seq = 0;      // the other participant's (read ticks)
  std::int64_t other_received_seq = 0;  // reached a device of theirs
  bool other_online = false;
  std::optional<Message> last_message;
  std::int64_t other_id(std::int64_t viewer) const {
    return viewer == patient_id ? doctor_id : patient_id;
  }
};

// Unread messages across all of an account's conversations, and how many conversations hold them.
struct UnreadTotals {
  std::int64_t messages = 0;
  std::int64_t conversations = 0;
};

// What a participant's client said about what it has: receipts move only forwards.
enum class Receipt { kReceived, kRead };

// One history page, latest first; `before_seq` of the next page is the last one's seq.
struct Page {
  std::vector<Message> messages;
  bool more = false;
  std::int64_t patient_id = 0;  // whose record the read is in (its audit row)
};

// A stored message and its conversation's two participants: what a process needs to deliver
// another process's event (the fan-out between processes carries ids only).
struct RoutedMessage {
  Message message;
  std::int64_t patient_id = 0, doctor_id = 0;
};

// What stored a message: `duplicate` when (sender, client_id) was stored before (a resend).
struct Sent {
  Message message;
  bool duplicate = false;
  std::int64_t recipient_id = 0;
};

// A state change of a participant's place in a conversation.
struct ReadState {
  std::int64_t conversation_id = 0, account_id = 0;
  std::int64_t last_read_seq = 0, last_received_seq = 0;
  std::int64_t other_id = 0;
};

// An unread conversation whose recipient is offline: one email for it.
struct OfflineNotice {
  std::int64_t conversation_id = 0, recipient_id = 0, sender_id = 0;
  std::int64_t seq = 0;  // the conversation's last seq when it was sent
};

}  // namespace vitalis::chat
