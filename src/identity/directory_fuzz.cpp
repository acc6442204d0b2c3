// libFuzzer target: what the patient search reads from a request before the database
// (directory_query.hpp): the query's words and number, and the opaque cursor. The input is both
// the query text and the cursor. A cursor the search accepts, issued again, must read back the
// same; the words are at most four, each non-empty, longest first (docs/RELIABILITY.md, Fuzzing).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "identity/directory_query.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace vitalis::identity::directory;
  std::string text(reinterpret_cast<const char*>(data), size);
  if (auto cursor = parse_search_cursor(text); cursor.ok() && cursor->id != 0) {
    auto again = parse_search_cursor(search_cursor(cursor->key, cursor->id));
    if (!again.ok() || again->key != cursor->key || again->id != cursor->id) __builtin_trap();
  }
  // Any key and id make a cursor that reads back (the key is a folded name with a rank prefix).
  if (auto issued = parse_search_cursor(search_cursor(text, 1 + static_cast<std::int64_t>(size)));
      !issued.ok() || issued->key != text) {
    __builtin_trap();
  }
  std::string trimmed = trim(text);
  auto words = query_words(trimmed);
  if (words.size() > kMaxQueryWords) __builtin_trap();
  for (std::size_t index = 0; index < words.size(); ++index) {
    if (words[index].empty()) __builtin_trap();
    if (index > 0 && words[index].size() > words[index - 1].size()) __builtin_trap();
  }
  (void)all_digits(trimmed);
  return 0;
}
