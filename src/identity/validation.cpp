// Account input rules (the common-password list itself is in common_passwords.cpp).
#include "identity/validation.hpp"

#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <chrono>
#include <utility>
#include <vector>

#include "identity/unicode_text.hpp"

namespace vitalis::identity {

namespace {

std::size_t code_points(std::string_view text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char ch) {
    return (static_cast<unsigned char>(ch) & 0xC0) != 0x80;
  }));
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())))
    text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
    text.remove_suffix(1);
  return text;
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& ch : out) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return out;
}

// The label people see next to each field the identity API names in its errors.
constexpr std::array<std::pair<std::string_view, std::string_view>, 21> kLabels = {{
    {"actor_id", "Actor id"},
    {"email", "Email"},
    {"password", "Password"},
    {"new_password", "New password"},
    {"current_password", "Current password"},
    {"full_name", "Full name"},
    {"date_of_birth", "Date of birth"},
    {"sex", "Sex"},
    {"phone", "Phone"},
    {"licence_number", "Licence number"},
    {"specialty", "Specialty"},
    {"clinic", "Clinic"},
    {"code", "Code"},
    {"reason", "Reason"},
    {"message", "Message"},
    {"doctor_id", "Doctor"},
    {"patient_id", "Patient number"},
    {"grant_id", "Consent request"},
    {"request_id", "Access request"},
    {"account_id", "Account"},
    {"refresh_token", "Refresh token"},
}};

}  // namespace

std::string field_label(std::string_view field) {
  for (const auto& [name, label] : kLabels) {
    if (name == field) return std::string(label);
  }
  // Unknown: the field's words, first letter capitalised ("licence_number" -> "Licence number").
  std::string label(field);
  for (char& ch : label) {
    if (ch == '_') ch = ' ';
  }
  if (!label.empty())
    label[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(label[0])));
  return label;
}

Result<std::string> normalize_email(std::string_view email) {
  auto invalid = [] {
    return Error::validation("email", "Email must be an address like name@example.org.");
  };
  // NFC, no invisible or direction-changing characters; the local part lower-cased in ASCII
  // (as always: accounts are found by it); an internationalised domain in its UTS #46 form.
  auto composed = unicode::nfc(trim(email));
  if (!composed || unicode::first_hidden_character(*composed)) return invalid();
  std::string normalized = lower(*composed);
  auto at = normalized.find('@');
  if (at != std::string::npos) {
    std::string_view domain = std::string_view(normalized).substr(at + 1);
    bool ascii = std::all_of(domain.begin(), domain.end(),
                             [](char ch) { return static_cast<unsigned char>(ch) < 0x80; });
    if (!ascii || domain.starts_with("xn--") || domain.find(".xn--") != std::string_view::npos) {
      auto mapped = unicode::idna_domain(domain);
      if (!mapped) return invalid();
      normalized = normalized.substr(0, at + 1) + *mapped;
    }
  }
  bool ok = normalized.size() <= 254 && at != std::string::npos && at > 0 &&
            normalized.find('@', at + 1) == std::string::npos &&
            normalized.find('.', at + 2) != std::string::npos && normalized.back() != '.' &&
            std::none_of(normalized.begin(), normalized.end(), [](char ch) {
              return std::isspace(static_cast<unsigned char>(ch)) || ch == '<' || ch == '>' ||
                     ch == ',' || ch == ';' || ch == '"' || static_cast<unsigned char>(ch) < 0x20;
            });
  if (!ok) return invalid();
  return normalized;
}

Status check_password(std::string_view password, std::string_view email, std::string_view field,
                      std::string_view full_name) {
  std::string name(field), label = field_label(field);
  std::size_t length = code_points(password);
  if (length < 10) return Error::validation(name, label + " must be at least 10 characters.");
  if (length > 128) return Error::validation(name, label + " must be at most 128 characters.");
  if (is_common_password(password)) {
    return Error::validation(name, label +
                                       " is on the list of the most common passwords, which "
                                       "attackers try first: choose another.");
  }
  std::string folded = lower(password);
  std::string local = lower(email.substr(0, email.find('@')));
  if (!local.empty() && folded == local) {
    return Error::validation(name, label + " must not be the first part of your email address.");
  }
  if (!email.empty() && folded == lower(email)) {
    return Error::validation(name, label + " must not be your email address.");
  }
  // The name with or without its spaces ("Ana Maria Silva", "anamariasilva").
  auto squeezed = [](std::string text) {
    std::erase_if(text, [](char ch) { return std::isspace(static_cast<unsigned char>(ch)); });
    return text;
  };
  std::string name_folded = lower(trim(full_name));
  if (!name_folded.empty() &&
      (folded == name_folded || squeezed(folded) == squeezed(name_folded))) {
    return Error::validation(name, label + " must not be your name.");
  }
  return Ok{};
}

Result<std::string> required_text(std::string_view value, std::string_view field, std::size_t max) {
  std::string label = field_label(field);
  auto composed = unicode::nfc(trim(value));  // one spelling per text: "é", never "e" + accent
  if (!composed) {
    return Error::validation(std::string(field), label + " must be text (UTF-8).");
  }
  std::string trimmed(trim(*composed));
  std::size_t length = code_points(trimmed);
  if (length == 0) return Error::validation(std::string(field), "Enter the " + lower(label) + ".");
  if (length > max) {
    return Error::validation(std::string(field),
                             label + " must be at most " + std::to_string(max) + " characters.");
  }
  if (unicode::first_hidden_character(trimmed)) {
    return Error::validation(std::string(field),
                             label +
                                 " must not contain control characters or invisible formatting "
                                 "(such as direction changes).");
  }
  return trimmed;
}

Result<std::string> person_name(std::string_view value, std::string_view field, std::size_t max) {
  auto name = required_text(value, field, max);
  if (!name.ok()) return name;
  std::string label = field_label(field);
  // Compared in NFKC with case folding, so fullwidth "＠" or "ＷＷＷ．" count as "@" and "www.".
  std::string folded = unicode::nfkc_casefold(*name);
  std::vector<UChar32> chars;
  for (std::int32_t index = 0, size = static_cast<std::int32_t>(folded.size()); index < size;) {
    UChar32 ch = 0;
    U8_NEXT(folded.data(), index, size, ch);
    chars.push_back(ch);
  }
  bool domain_like = false;  // a dot followed at once by two letters or digits: "evil.com"
  for (std::size_t index = 0; index + 2 < chars.size(); ++index) {
    domain_like = domain_like || (chars[index] == '.' && u_isalnum(chars[index + 1]) &&
                                  u_isalnum(chars[index + 2]));
  }
  bool markup = folded.find_first_of("<>@") != std::string::npos ||
                folded.find("://") != std::string::npos || folded.find("www.") != std::string::npos;
  if (markup || domain_like) {
    return Error::validation(std::string(field),
                             label +
                                 " must not contain <, >, @, a web address or a domain name "
                                 "(after a dot, put a space: \"J. R. Tolkien\").");
  }
  if (unicode::mixes_confusable_scripts(*name)) {
    return Error::validation(std::string(field),
                             label +
                                 " mixes letters of alphabets that look alike (such as Latin "
                                 "and Cyrillic): type it in one alphabet.");
  }
  return name;
}

Status check_birth_date(std::string_view date, std::string_view today) {
  auto invalid = Error::validation("date_of_birth",
                                   "Date of birth must be a real date in the past, as YYYY-MM-DD.");
  if (date.size() != 10 || date[4] != '-' || date[7] != '-') return invalid;
  int y = 0, m = 0, d = 0;
  auto digits = [&](std::size_t pos, std::size_t len, int& out) {
    auto [end, ec] = std::from_chars(date.data() + pos, date.data() + pos + len, out);
    return ec == std::errc() && end == date.data() + pos + len;
  };
  if (!digits(0, 4, y) || !digits(5, 2, m) || !digits(8, 2, d)) return invalid;
  std::chrono::year_month_day ymd{std::chrono::year{y},
                                  std::chrono::month{static_cast<unsigned>(m)},
                                  std::chrono::day{static_cast<unsigned>(d)}};
  if (!ymd.ok() || date > today.substr(0, 10)) return invalid;
  int this_year = 0;
  std::from_chars(today.data(), today.data() + 4, this_year);
  if (y < this_year - 130) return invalid;
  return Ok{};
}

}  // namespace vitalis::identity

namespace vitalis::identity {

Status check_sex(std::string_view sex) {
  if (sex == "female" || sex == "male" || sex == "other" || sex == "unknown") return Ok{};
  return Error::validation("sex", "Sex must be female, male, other or prefer not to say.");
}

Status check_phone(std::string_view phone) {
  if (phone.size() > 32 || phone.find_first_not_of("+0123456789 -()") != std::string_view::npos) {
    return Error::validation("phone",
                             "Phone may hold only digits, spaces, +, - and parentheses (at most "
                             "32).");
  }
  return Ok{};
}

}  // namespace vitalis::identity
