// Name keys of medicines: folding, spellings, strengths and form words.
#include "medicines/names.hpp"

#include <cctype>

#include "core/search_text.hpp"

namespace vitalis::medicines {

namespace {

std::string joined(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& word : words) {
    if (!out.empty()) out.push_back(' ');
    out += word;
  }
  return out;
}

std::string trimmed(std::string_view text) {
  auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  return std::string(text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1));
}

bool is_separator_word(std::string_view word) {
  std::string lower;
  for (char ch : word)
    lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(ch))));
  return lower == "and" || lower == "with" || lower == "plus";
}

}  // namespace

std::string NameRules::key(std::string_view name) const {
  std::vector<std::string> words;
  bool after_number = false;
  for (std::string& word : name_words(fold_name(name))) {
    if (std::isdigit(static_cast<unsigned char>(word.front()))) {
      after_number = true;
      continue;
    }
    if (after_number && units.contains(word)) continue;
    after_number = false;
    for (const auto& [from, to] : spellings) {
      for (auto at = word.find(from); at != std::string::npos;
           at = word.find(from, at + to.size())) {
        word.replace(at, from.size(), to);
      }
    }
    words.push_back(std::move(word));
  }
  while (!words.empty() && forms.contains(words.back())) words.pop_back();
  return joined(words);
}

std::string NameRules::without_salts(const std::string& key) const {
  std::vector<std::string> words = name_words(key);
  while (words.size() > 1 && salts.contains(words.back())) words.pop_back();
  return joined(words);
}

std::vector<std::string> combination_parts(std::string_view name) {
  std::vector<std::string> parts;
  std::string current;
  auto flush = [&] {
    if (auto part = trimmed(current); !part.empty()) parts.push_back(std::move(part));
    current.clear();
  };
  std::size_t pos = 0;
  while (pos < name.size()) {
    char ch = name[pos];
    if (ch == '+' || ch == '/' || ch == ',' || ch == '&' || ch == ';') {
      flush();
      ++pos;
      continue;
    }
    // A separating word ("and", "with", "plus") between spaces.
    if (ch == ' ') {
      auto end = name.find(' ', pos + 1);
      auto word = name.substr(pos + 1, end == std::string_view::npos ? end : end - pos - 1);
      if (end != std::string_view::npos && is_separator_word(word)) {
        flush();
        pos = end;
        continue;
      }
    }
    current.push_back(ch);
    ++pos;
  }
  flush();
  return parts;
}

std::vector<std::string> composition_parts(std::string_view composition) {
  std::vector<std::string> parts;
  std::string current;
  int depth = 0;
  auto flush = [&] {
    if (auto part = trimmed(current); !part.empty()) parts.push_back(std::move(part));
    current.clear();
  };
  for (char ch : composition) {
    if (ch == '(') {
      ++depth;
    } else if (ch == ')') {
      depth = depth > 0 ? depth - 1 : 0;
    } else if (ch == '+' && depth == 0) {
      flush();
    } else if (depth == 0) {
      current.push_back(ch);
    }
  }
  flush();
  return parts;
}

}  // namespace vitalis::medicines
