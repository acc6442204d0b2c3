// Outbox writes: checks the message, encrypts what it says (seal.hpp), then one INSERT
// (store.hpp) in the caller's transaction.
#include "notify/outbox.hpp"

#include <stdexcept>

#include "core/time.hpp"
#include "notify/seal.hpp"
#include "notify/store.hpp"

namespace vitalis::notify {

namespace {

bool has_line_break(std::string_view text) {
  return text.find_first_of("\r\n") != std::string_view::npos;
}

}  // namespace

bool is_plain_address(std::string_view address) {
  if (address.empty() || address.size() > 254) return false;
  auto at = address.rfind('@');
  if (at == std::string_view::npos || at == 0 || at + 1 == address.size()) return false;
  for (char ch : address) {
    auto byte = static_cast<unsigned char>(ch);
    if (byte <= 0x20 || byte == 0x7f) return false;
    if (ch == '<' || ch == '>' || ch == ',' || ch == ';' || ch == '"' || ch == '(' || ch == ')' ||
        ch == '\\') {
      return false;
    }
  }
  return true;
}

std::int64_t enqueue_returning_id(db::Lease& lease, const Message& message,
                                  std::chrono::seconds hold) {
  if (!is_plain_address(message.to)) {
    throw std::invalid_argument("outbox: recipient is not one plain email address");
  }
  if (has_line_break(message.subject) || message.subject.empty()) {
    throw std::invalid_argument("outbox: subject must be one non-empty line");
  }
  if (message.kind.empty()) throw std::invalid_argument("outbox: message kind is empty");
  auto now = Clock::now();
  std::string created = format_rfc3339(now);
  std::string due = format_rfc3339(now + hold);
  for (const auto& attachment : message.attachments) {
    if (attachment.filename.empty() ||
        attachment.filename.find_first_of("\"\\/\r\n") != std::string::npos ||
        has_line_break(attachment.content_type) || attachment.content_type.empty()) {
      throw std::invalid_argument("outbox: an attachment needs a plain file name and type");
    }
  }
  std::string sealed = seal::seal(
      {message.to, message.subject, message.text, message.html, message.attachments}, message.kind);
  return store::insert_message(lease, message.kind, sealed, due, created);
}

void enqueue(db::Lease& lease, const Message& message) { enqueue_returning_id(lease, message); }

}  // namespace vitalis::notify
