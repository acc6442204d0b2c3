// Message composition: RFC 5322 headers, RFC 2047 encoded words, RFC 2045 quoted-printable.
#include "notify/mime.hpp"

#include <chrono>
#include <cstdio>

namespace vitalis::notify::mime {

namespace {

constexpr std::string_view kCrlf = "\r\n";

bool is_plain_ascii(std::string_view text) {
  for (char ch : text) {
    auto byte = static_cast<unsigned char>(ch);
    if (byte < 0x20 || byte > 0x7e) return false;
  }
  return true;
}

// Header values never carry a line break of their own (that would inject headers).
std::string one_line(std::string_view text) {
  std::string out(text);
  for (char& ch : out) {
    if (ch == '\r' || ch == '\n') ch = ' ';
  }
  return out;
}

std::string mailbox_header(std::string_view mailbox) {
  std::string address = address_of(mailbox);
  auto open = mailbox.find('<');
  if (open == std::string_view::npos) return address;
  std::string_view display = mailbox.substr(0, open);
  while (!display.empty() && display.back() == ' ') display.remove_suffix(1);
  while (!display.empty() && display.front() == ' ') display.remove_prefix(1);
  if (display.size() >= 2 && display.front() == '"' && display.back() == '"') {
    display = display.substr(1, display.size() - 2);
  }
  if (display.empty()) return "<" + address + ">";
  std::string shown;
  if (!is_plain_ascii(display)) {
    shown = encode_header(display);
  } else if (display.find_first_of("()<>[]:;@\\,.\"") != std::string_view::npos) {
    shown = "\"";
    for (char ch : display) {
      if (ch == '"' || ch == '\\') shown.push_back('\\');
      shown.push_back(ch);
    }
    shown.push_back('"');
  } else {
    shown = std::string(display);
  }
  return shown + " <" + address + ">";
}

void append_part(std::string& out, std::string_view boundary, std::string_view type,
                 std::string_view body) {
  out += "--";
  out += boundary;
  out += kCrlf;
  out += "Content-Type: ";
  out += type;
  out += "; charset=UTF-8";
  out += kCrlf;
  out += "Content-Transfer-Encoding: quoted-printable";
  out += kCrlf;
  out += kCrlf;
  out += quoted_printable(body);
  out += kCrlf;
}

}  // namespace

std::string base64(std::string_view data) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  std::size_t idx = 0;
  for (; idx + 2 < data.size(); idx += 3) {
    unsigned value = (static_cast<unsigned char>(data[idx]) << 16) |
                     (static_cast<unsigned char>(data[idx + 1]) << 8) |
                     static_cast<unsigned char>(data[idx + 2]);
    out.push_back(kAlphabet[(value >> 18) & 63]);
    out.push_back(kAlphabet[(value >> 12) & 63]);
    out.push_back(kAlphabet[(value >> 6) & 63]);
    out.push_back(kAlphabet[value & 63]);
  }
  if (std::size_t rest = data.size() - idx; rest > 0) {
    unsigned value = static_cast<unsigned char>(data[idx]) << 16;
    if (rest == 2) value |= static_cast<unsigned char>(data[idx + 1]) << 8;
    out.push_back(kAlphabet[(value >> 18) & 63]);
    out.push_back(kAlphabet[(value >> 12) & 63]);
    out.push_back(rest == 2 ? kAlphabet[(value >> 6) & 63] : '=');
    out.push_back('=');
  }
  return out;
}

std::string encode_header(std::string_view text) {
  std::string line = one_line(text);
  if (is_plain_ascii(line)) return line;
  // At most 45 input bytes per word keeps each word within 75 characters; words never split a
  // UTF-8 sequence, and are folded onto continuation lines.
  std::string out;
  std::size_t start = 0;
  while (start < line.size()) {
    std::size_t end = std::min(line.size(), start + 45);
    while (end < line.size() && end > start + 1 &&
           (static_cast<unsigned char>(line[end]) & 0xC0) == 0x80) {
      --end;
    }
    if (!out.empty()) out += "\r\n ";
    out += "=?UTF-8?B?" + base64(std::string_view(line).substr(start, end - start)) + "?=";
    start = end;
  }
  return out;
}

std::string quoted_printable(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  std::size_t line_start = 0;
  bool first_line = true;
  while (line_start <= text.size()) {
    std::size_t newline = text.find('\n', line_start);
    std::string_view line =
        text.substr(line_start, newline == std::string_view::npos ? std::string_view::npos
                                                                  : newline - line_start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (!first_line) out += kCrlf;
    first_line = false;
    std::size_t column = 0;
    for (std::size_t idx = 0; idx < line.size(); ++idx) {
      auto byte = static_cast<unsigned char>(line[idx]);
      bool last = idx + 1 == line.size();
      bool literal =
          (byte >= 33 && byte <= 126 && byte != '=') || ((byte == ' ' || byte == '\t') && !last);
      // A leading dot is encoded so no transport can mistake it for the end of DATA.
      if (byte == '.' && column == 0) literal = false;
      std::size_t width = literal ? 1 : 3;
      // Leave room for the "=" of a soft line break (76 characters per line at most).
      if (column + width > 75) {
        out += "=";
        out += kCrlf;
        column = 0;
        if (byte == '.') literal = false, width = 3;
      }
      if (literal) {
        out.push_back(static_cast<char>(byte));
      } else {
        out.push_back('=');
        out.push_back(kHex[byte >> 4]);
        out.push_back(kHex[byte & 15]);
      }
      column += width;
    }
    if (newline == std::string_view::npos) break;
    line_start = newline + 1;
  }
  return out;
}

std::string format_date(Clock::time_point time) {
  using namespace std::chrono;
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  auto seconds = time_point_cast<std::chrono::seconds>(time);
  auto day = floor<days>(seconds);
  year_month_day ymd{day};
  hh_mm_ss hms{seconds - day};
  char buffer[48];
  std::snprintf(buffer, sizeof buffer, "%s, %02u %s %04d %02d:%02d:%02d +0000",
                kDays[weekday{day}.c_encoding()], static_cast<unsigned>(ymd.day()),
                kMonths[static_cast<unsigned>(ymd.month()) - 1], static_cast<int>(ymd.year()),
                static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                static_cast<int>(hms.seconds().count()));
  return buffer;
}

std::string address_of(std::string_view mailbox) {
  auto open = mailbox.rfind('<');
  if (open != std::string_view::npos) {
    auto close = mailbox.find('>', open);
    if (close != std::string_view::npos)
      return std::string(mailbox.substr(open + 1, close - open - 1));
  }
  while (!mailbox.empty() && mailbox.front() == ' ') mailbox.remove_prefix(1);
  while (!mailbox.empty() && mailbox.back() == ' ') mailbox.remove_suffix(1);
  return std::string(mailbox);
}

std::string message_id(std::int64_t outbox_id, std::string_view created_at, std::string_view from) {
  std::string address = address_of(from);
  auto at = address.rfind('@');
  std::string domain = at == std::string::npos ? "" : address.substr(at + 1);
  if (domain.empty()) domain = "vitalis.local";
  std::string stamp;
  for (char ch : created_at) {
    if (ch >= '0' && ch <= '9') stamp.push_back(ch);
  }
  return "<outbox." + std::to_string(outbox_id) + "." + stamp + "@" + domain + ">";
}

namespace {

// The message's body as one MIME entity: its Content-Type (and encoding) header lines, a blank
// line, then the content. Plain text alone, or multipart/alternative with the HTML.
void append_body(std::string& out, const Envelope& envelope) {
  if (envelope.html.empty()) {
    out += "Content-Type: text/plain; charset=UTF-8";
    out += kCrlf;
    out += "Content-Transfer-Encoding: quoted-printable";
    out += kCrlf;
    out += kCrlf;
    out += quoted_printable(envelope.text);
    out += kCrlf;
    return;
  }
  // "=_" cannot occur in quoted-printable text, so the boundary never collides with a body.
  std::string boundary = "=_vitalis_" + std::to_string(envelope.outbox_id);
  out += "Content-Type: multipart/alternative; boundary=\"" + boundary + "\"";
  out += kCrlf;
  out += kCrlf;
  out += "This is a multi-part message in MIME format.";
  out += kCrlf;
  out += kCrlf;
  append_part(out, boundary, "text/plain", envelope.text);
  append_part(out, boundary, "text/html", envelope.html);
  out += "--" + boundary + "--";
  out += kCrlf;
}

// Base64 in lines of at most 76 characters (RFC 2045).
std::string base64_lines(std::string_view data) {
  std::string encoded = base64(data), out;
  for (std::size_t at = 0; at < encoded.size(); at += 76) {
    out += encoded.substr(at, 76);
    out += kCrlf;
  }
  return out;
}

}  // namespace

std::string compose(const Envelope& envelope) {
  std::string out;
  auto header = [&out](std::string_view name, std::string_view value) {
    out += name;
    out += ": ";
    out += value;
    out += kCrlf;
  };
  header("From", mailbox_header(envelope.from));
  header("To", one_line(envelope.to));
  header("Subject", encode_header(envelope.subject));
  header("Date", format_date(envelope.date));
  header("Message-ID", message_id(envelope.outbox_id, envelope.created_at, envelope.from));
  header("MIME-Version", "1.0");
  if (envelope.attachments.empty()) {
    append_body(out, envelope);
    return out;
  }
  // Base64 and quoted-printable never hold "=_", so this boundary collides with no part.
  std::string boundary = "=_vitalis_mixed_" + std::to_string(envelope.outbox_id);
  header("Content-Type", "multipart/mixed; boundary=\"" + boundary + "\"");
  out += kCrlf;
  out += "This is a multi-part message in MIME format.";
  out += kCrlf;
  out += kCrlf;
  out += "--" + boundary;
  out += kCrlf;
  append_body(out, envelope);
  for (const auto& attachment : envelope.attachments) {
    out += "--" + boundary;
    out += kCrlf;
    header("Content-Type",
           one_line(attachment.content_type) + "; name=\"" + one_line(attachment.filename) + "\"");
    header("Content-Disposition", "attachment; filename=\"" + one_line(attachment.filename) + "\"");
    header("Content-Transfer-Encoding", "base64");
    out += kCrlf;
    out += base64_lines(attachment.data);
  }
  out += "--" + boundary + "--";
  out += kCrlf;
  return out;
}

}  // namespace vitalis::notify::mime
