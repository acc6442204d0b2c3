// Outbox writes: one INSERT in the caller's transaction.
#include "notify/outbox.hpp"

#include <soci/soci.h>

#include <stdexcept>

#include "core/time.hpp"

namespace vitalis::notify {

namespace {

constexpr std::string_view kInsertMessage =
    "INSERT INTO outbox (recipient, subject, text, html, kind, status, attempts, "
    "next_attempt_at, created_at) "
    "VALUES (:recipient, :subject, :text, :html, :kind, 'pending', 0, :next, :created) "
    "RETURNING id";

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
  long long id = 0;
  *lease << std::string(kInsertMessage), soci::use(message.to), soci::use(message.subject),
      soci::use(message.text), soci::use(message.html), soci::use(message.kind), soci::use(due),
      soci::use(created), soci::into(id);
  return id;
}

void enqueue(db::Lease& lease, const Message& message) { enqueue_returning_id(lease, message); }

}  // namespace vitalis::notify
