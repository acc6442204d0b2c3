// What the patient search reads from a request before it touches the database: the query's words
// and the opaque cursor. No database, so the fuzz target (directory_fuzz.cpp) runs it alone.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace vitalis::identity::directory {

// Where the next page starts: after the row with this ordering key and patient id.
struct SearchCursor {
  std::string key;
  std::int64_t id = 0;
};

// The cursor's text: the hex of the ordering key, a dot, the patient id.
std::string search_cursor(std::string_view key, std::int64_t id);
// Empty text: the first page. 422 naming `cursor` for a text search_cursor did not make.
Result<SearchCursor> parse_search_cursor(const std::string& text);

// Words of a name query that the search uses; more are ignored.
inline constexpr std::size_t kMaxQueryWords = 4;

// The folded words of a name query (accents and case ignored), at most kMaxQueryWords, longest
// first (the longest drives the index scan).
std::vector<std::string> query_words(std::string_view text);
// A patient number: 1 to 18 digits.
bool all_digits(std::string_view text);
// Without leading and trailing spaces and tabs.
std::string trim(std::string_view text);

}  // namespace vitalis::identity::directory
