// A list of texts stored in one column, one item a line (items never hold line breaks): how
// stores keep short lists (a clinic's services, an allergy's ingredients, a prescription's
// warnings) without a table of their own. Empty items are dropped when read back.
#pragma once

#include <string>
#include <vector>

namespace vitalis::db {

inline std::string join_lines(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out.push_back('\n');
    out += item;
  }
  return out;
}

inline std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    if (end > start) out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

}  // namespace vitalis::db
