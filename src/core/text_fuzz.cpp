// libFuzzer target: core's parsers of outside text: RFC 3339 times (every date and time a request
// carries), base64url (the opaque paging cursors are base64url of their key) and CSV (bulk
// imports), and the name folding the directory search uses. A parsed time must format and parse
// back to itself (docs/RELIABILITY.md, Fuzzing).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/base64.hpp"
#include "core/csv.hpp"
#include "core/search_text.hpp"
#include "core/time.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  using namespace vitalis;
  if (auto time = parse_rfc3339(text)) {
    std::string formatted = format_rfc3339(*time);
    auto again = parse_rfc3339(formatted);
    if (!again || *again != *time) std::abort();  // formatting must round-trip
  }
  if (auto bytes = base64url_decode(text)) {
    if (base64url_decode(base64url_encode(*bytes)) != bytes) std::abort();
  }
  (void)parse_csv(text);
  std::string folded = fold_name(text);
  (void)name_words(folded);
  (void)contains_words(folded, fold_name(text.substr(size / 2)));
  return 0;
}
