// The patient search's query words and cursor (directory_query.hpp).
#include "identity/directory_query.hpp"

#include <algorithm>
#include <charconv>
#include <optional>

#include "core/search_text.hpp"

namespace vitalis::identity::directory {

namespace {

std::string hex_encode(std::string_view text) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char ch : text) {
    out.push_back(kDigits[ch >> 4]);
    out.push_back(kDigits[ch & 15]);
  }
  return out;
}

std::optional<std::string> hex_decode(std::string_view text) {
  if (text.size() % 2 != 0) return std::nullopt;
  std::string out;
  for (std::size_t index = 0; index < text.size(); index += 2) {
    int value = 0;
    auto [end, ec] = std::from_chars(text.data() + index, text.data() + index + 2, value, 16);
    if (ec != std::errc() || end != text.data() + index + 2) return std::nullopt;
    out.push_back(static_cast<char>(value));
  }
  return out;
}

}  // namespace

std::string search_cursor(std::string_view key, std::int64_t id) {
  return hex_encode(key) + "." + std::to_string(id);
}

Result<SearchCursor> parse_search_cursor(const std::string& text) {
  SearchCursor cursor;
  if (text.empty()) return cursor;
  auto dot = text.rfind('.');
  std::optional<std::string> key;
  if (dot != std::string::npos) key = hex_decode(std::string_view(text).substr(0, dot));
  const char* begin = text.data() + (dot == std::string::npos ? 0 : dot + 1);
  auto [end, ec] = std::from_chars(begin, text.data() + text.size(), cursor.id);
  if (!key || ec != std::errc() || end != text.data() + text.size() || cursor.id <= 0) {
    return Error::validation("cursor", "The cursor must be a next_cursor from a previous page");
  }
  cursor.key = std::move(*key);
  return cursor;
}

std::vector<std::string> query_words(std::string_view text) {
  std::vector<std::string> words = name_words(fold_name(text));
  if (words.size() > kMaxQueryWords) words.resize(kMaxQueryWords);
  // The longest word drives the index scan (fewest rows); the others filter.
  std::stable_sort(words.begin(), words.end(),
                   [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  return words;
}

bool all_digits(std::string_view text) {
  return !text.empty() && text.size() <= 18 &&
         std::all_of(text.begin(), text.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
}

std::string trim(std::string_view text) {
  auto begin = text.find_first_not_of(" \t");
  if (begin == std::string_view::npos) return {};
  auto end = text.find_last_not_of(" \t");
  return std::string(text.substr(begin, end - begin + 1));
}

}  // namespace vitalis::identity::directory
