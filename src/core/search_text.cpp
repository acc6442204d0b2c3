// Accent-insensitive text for search: names and other words folded to lower-case ASCII where
// a Latin accent can be dropped (a small table of folds), split into words.
#include "core/search_text.hpp"

#include <algorithm>
#include <array>

namespace vitalis {

namespace {

// U+00C0..U+017F (Latin-1 Supplement letters and Latin Extended-A) folded to ASCII.
constexpr std::array<const char*, 0x180 - 0xC0> kLatinFolds = {
    "a", "a", "a",  "a",  "a", "a", "ae", "c",  "e",  "e", "e", "e", "i",  "i",  "i", "i", "d", "n",
    "o", "o", "o",  "o",  "o", "",  "o",  "u",  "u",  "u", "u", "y", "th", "ss", "a", "a", "a", "a",
    "a", "a", "ae", "c",  "e", "e", "e",  "e",  "i",  "i", "i", "i", "d",  "n",  "o", "o", "o", "o",
    "o", "",  "o",  "u",  "u", "u", "u",  "y",  "th", "y", "a", "a", "a",  "a",  "a", "a", "c", "c",
    "c", "c", "c",  "c",  "c", "c", "d",  "d",  "d",  "d", "e", "e", "e",  "e",  "e", "e", "e", "e",
    "e", "e", "g",  "g",  "g", "g", "g",  "g",  "g",  "g", "h", "h", "h",  "h",  "i", "i", "i", "i",
    "i", "i", "i",  "i",  "i", "i", "ij", "ij", "j",  "j", "k", "k", "k",  "l",  "l", "l", "l", "l",
    "l", "l", "l",  "l",  "l", "n", "n",  "n",  "n",  "n", "n", "n", "ng", "ng", "o", "o", "o", "o",
    "o", "o", "oe", "oe", "r", "r", "r",  "r",  "r",  "r", "s", "s", "s",  "s",  "s", "s", "s", "s",
    "t", "t", "t",  "t",  "t", "t", "u",  "u",  "u",  "u", "u", "u", "u",  "u",  "u", "u", "u", "u",
    "w", "w", "y",  "y",  "y", "z", "z",  "z",  "z",  "z", "z", "s",
};

// Decodes one UTF-8 sequence at text[pos]; returns the code point (or -1 when invalid) and
// advances pos.
long decode(std::string_view text, std::size_t& pos) {
  auto byte = static_cast<unsigned char>(text[pos++]);
  if (byte < 0x80) return byte;
  int extra = byte >= 0xF0 && byte < 0xF8 ? 3 : byte >= 0xE0 ? 2 : byte >= 0xC2 ? 1 : -1;
  if (extra < 0 || byte >= 0xF8) return -1;
  long code = byte & (0x3F >> extra);
  for (int index = 0; index < extra; ++index) {
    if (pos >= text.size() || (static_cast<unsigned char>(text[pos]) & 0xC0) != 0x80) return -1;
    code = (code << 6) | (static_cast<unsigned char>(text[pos++]) & 0x3F);
  }
  return code;
}

void encode(long code, std::string& out) {
  if (code < 0x80) {
    out.push_back(static_cast<char>(code));
  } else if (code < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (code >> 6)));
    out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
  } else if (code < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (code >> 12)));
    out.push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (code >> 18)));
    out.push_back(static_cast<char>(0x80 | ((code >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
  }
}

bool is_apostrophe(long code) { return code == '\'' || code == 0x2019 || code == 0x02BC; }

// Letters of scripts other than Latin (and combining marks' absence) are kept, lower-cased
// where the rule is a fixed offset.
long lower_other(long code) {
  if (code >= 0x391 && code <= 0x3A9 && code != 0x3A2) return code + 0x20;  // Greek
  if (code >= 0x410 && code <= 0x42F) return code + 0x20;                   // Cyrillic А-Я
  if (code >= 0x400 && code <= 0x40F) return code + 0x50;                   // Cyrillic Ѐ-Џ
  return code;
}

bool is_word_code(long code) {
  if (code < 0x80) {
    return (code >= 'a' && code <= 'z') || (code >= 'A' && code <= 'Z') ||
           (code >= '0' && code <= '9');
  }
  // Combining diacritical marks are dropped by the caller; general punctuation, symbols and
  // spaces of the Latin-1 block separate words.
  return code >= 0xC0 && code != 0xD7 && code != 0xF7 && !(code >= 0x2000 && code <= 0x206F) &&
         code != 0x3000;
}

}  // namespace

std::string fold_name(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool pending_space = false;
  std::size_t pos = 0;
  while (pos < text.size()) {
    long code = decode(text, pos);
    if (code >= 0x300 && code <= 0x36F) continue;  // combining accents (decomposed input)
    if (is_apostrophe(code)) continue;
    if (code < 0 || !is_word_code(code)) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    if (code < 0x80) {
      out.push_back(static_cast<char>(code >= 'A' && code <= 'Z' ? code + 32 : code));
    } else if (code < 0x180) {
      out += kLatinFolds[static_cast<std::size_t>(code - 0xC0)];
    } else {
      encode(lower_other(code), out);
    }
  }
  return out;
}

bool contains_words(std::string_view folded_text, std::string_view folded_query) {
  for (const auto& word : name_words(folded_query)) {
    if (folded_text.find(word) == std::string_view::npos) return false;
  }
  return true;
}

std::vector<std::string> name_words(std::string_view folded) {
  std::vector<std::string> words;
  std::size_t start = 0;
  while (start < folded.size()) {
    std::size_t end = folded.find(' ', start);
    if (end == std::string_view::npos) end = folded.size();
    std::string word(folded.substr(start, end - start));
    if (!word.empty() && std::find(words.begin(), words.end(), word) == words.end()) {
      words.push_back(std::move(word));
    }
    start = end + 1;
  }
  return words;
}

}  // namespace vitalis
