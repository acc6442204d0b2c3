// The email outbox: messages are rows written in the caller's transaction and delivered later by
// the Sender (sender.hpp), so a mail goes out only if the event that caused it was committed.
// A row holds its recipient, subject and bodies encrypted (seal.hpp) until it is sent, and none
// of them after: what stays is the kind, the status and the times.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "db/database.hpp"

namespace vitalis::notify {

// A file sent with a message (an appointment's calendar entry), sealed with it at rest.
struct Attachment {
  std::string filename;      // plain ASCII without quotes, e.g. "appointment.ics"
  std::string content_type;  // e.g. "text/calendar; charset=UTF-8; method=PUBLISH"
  std::string data;
};

struct Message {
  std::string to;       // one recipient address
  std::string subject;  // never health data
  std::string text;     // plain-text body
  std::string html;     // HTML body; may be empty
  std::string kind;     // template name, e.g. "verify_email" (for logs/metrics)
  std::vector<Attachment> attachments;
};

// Adds the message to the outbox inside the caller's open transaction (db::Transaction on the same
// lease): it is delivered only if that transaction commits. Throws on database errors, like other
// store code (callers run it inside db::with_connection). A recipient that is not one plain
// address, or a header with a line break, is a bug of the caller: std::invalid_argument.
void enqueue(db::Lease& lease, const Message& message);

// The same, returning the new row's id; the row is not due before now + hold. `vitalis mail test`
// holds its row so that a running server's sender leaves it to the command, which delivers it by
// id.
std::int64_t enqueue_returning_id(db::Lease& lease, const Message& message,
                                  std::chrono::seconds hold = std::chrono::seconds(0));

// The key that encrypts queued messages: 32 bytes, derived by app from the deployment's secret
// for the purpose "outbox" (identity::SecretKey::derive). Set it at start-up, before the first
// enqueue() or Sender; every process of one deployment needs the same key. A process that never
// sets one encrypts with a random key of its own (its queued mail is then undeliverable by any
// other process). Throws std::invalid_argument on another length. Thread-safe.
void set_outbox_key(std::string_view key);
// The same for a key ring (identity/keyring.hpp): one key per ring key, newest first. New mail is
// sealed with the first; a row is opened with whichever key authenticates it, so mail queued
// before a key rotation is still sent. Throws std::invalid_argument when empty or a key is not
// 32 bytes.
void set_outbox_keys(const std::vector<std::string>& keys);

// True for a single addr-spec like "ada@example.org": no spaces, controls, brackets or commas.
bool is_plain_address(std::string_view address);

}  // namespace vitalis::notify
