// Sentence helpers.
#include "predict/words.hpp"

#include <cctype>
#include <cstdio>

namespace vitalis::predict {

std::string join_words(const std::vector<std::string>& items) {
  std::string out;
  for (std::size_t idx = 0; idx < items.size(); ++idx) {
    if (idx > 0) out += idx + 1 == items.size() ? " and " : ", ";
    out += items[idx];
  }
  return out;
}

std::string in_sentence(const std::string& label) {
  std::string out = label;
  if (out.size() > 1 && std::isupper(static_cast<unsigned char>(out[0])) &&
      std::islower(static_cast<unsigned char>(out[1]))) {
    out[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(out[0])));
  }
  return out;
}

std::string percent_text(double share, int digits) {
  char text[32];
  std::snprintf(text, sizeof text, "%.*f %%", digits, 100 * share);
  return text;
}

}  // namespace vitalis::predict
