// RFC 5322 / MIME message composition for the sender: headers, RFC 2047 encoded words,
// quoted-printable bodies, multipart/alternative. Internal to notify; pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.hpp"
#include "notify/outbox.hpp"

namespace vitalis::notify::mime {

struct Envelope {
  std::int64_t outbox_id = 0;
  std::string from;        // "Vitalis <no-reply@vitalis.local>" or a bare address
  std::string to;          // one bare address
  std::string subject;     // UTF-8
  std::string text;        // UTF-8 plain-text body
  std::string html;        // UTF-8 HTML body; empty → a text/plain message
  std::string created_at;  // the row's RFC 3339 creation time (makes the Message-ID stable)
  Clock::time_point date;  // the Date header
  std::vector<Attachment> attachments;  // any: multipart/mixed around the bodies, base64 parts
};

// The complete message with CRLF line endings, ready for SMTP DATA or an .eml file. Plain text
// alone is text/plain; with HTML, multipart/alternative; with attachments, multipart/mixed holding
// that body first and then each attachment (base64, `Content-Disposition: attachment`).
std::string compose(const Envelope& envelope);

// "Mon, 23 Nov 2026 06:36:08 +0000"
std::string format_date(Clock::time_point time);

// The addr-spec of "Name <addr>", or the text itself when it has no angle brackets.
std::string address_of(std::string_view mailbox);

// "<outbox id>.<created_at digits>@<domain of from>": the same for every retry of a row.
std::string message_id(std::int64_t outbox_id, std::string_view created_at, std::string_view from);

// RFC 2047 "B" encoded words when the text is not plain printable ASCII, else the text itself.
std::string encode_header(std::string_view text);

// Quoted-printable (RFC 2045) with CRLF line endings and lines of at most 76 characters.
std::string quoted_printable(std::string_view text);

std::string base64(std::string_view data);

}  // namespace vitalis::notify::mime
