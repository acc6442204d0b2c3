// Looks passwords up in the embedded common-password list: split once into a sorted vector of
// views into the binary's own text (no copies), then a binary search per check.
#include "identity/common_passwords.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include "identity/validation.hpp"

namespace vitalis::identity {

namespace {

std::vector<std::string_view> split_list() {
  std::string_view text = embedded_common_passwords();
  std::vector<std::string_view> words;
  words.reserve(static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) + 1);
  while (!text.empty()) {
    std::size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    if (!line.empty()) words.push_back(line);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
  }
  // The generator writes it sorted; a hand-edited file still works (one sort at first use).
  if (!std::is_sorted(words.begin(), words.end())) std::sort(words.begin(), words.end());
  return words;
}

const std::vector<std::string_view>& common_passwords() {
  static const std::vector<std::string_view> words = split_list();
  return words;
}

}  // namespace

std::size_t common_password_count() { return common_passwords().size(); }

bool is_common_password(std::string_view password) {
  // The list is ASCII and lower-case; folding ASCII letters is the whole case rule.
  std::string folded(password);
  for (char& ch : folded) {
    if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
  }
  const auto& words = common_passwords();
  return std::binary_search(words.begin(), words.end(), std::string_view(folded));
}

}  // namespace vitalis::identity
