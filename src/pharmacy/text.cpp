#include "pharmacy/text.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <chrono>
#include <cstdio>

#include "core/search_text.hpp"

namespace vitalis::pharmacy::text {

namespace {

bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
bool is_lower(char c) { return c >= 'a' && c <= 'z'; }

void append_utf8(std::string& out, unsigned code) {
  if (code < 0x80) {
    out.push_back(static_cast<char>(code));
  } else if (code < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (code >> 6)));
    out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
  } else {
    out.push_back(' ');  // beyond Latin-1: not something a medicine's text needs
  }
}

// The entity at `text[at]` ('&'): its text and length, or {"", 0} when it is not one we know.
std::pair<std::string, std::size_t> entity(std::string_view text, std::size_t at) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 7> kNamed = {{
      {"&amp;", "&"},
      {"&lt;", "<"},
      {"&gt;", ">"},
      {"&quot;", "\""},
      {"&#39;", "'"},
      {"&apos;", "'"},
      {"&nbsp;", " "},
  }};
  for (const auto& [name, value] : kNamed) {
    if (text.substr(at, name.size()) == name) return {std::string(value), name.size()};
  }
  if (text.substr(at, 2) == "&#") {
    std::size_t end = text.find(';', at);
    if (end == std::string_view::npos || end - at > 8) return {"", 0};
    std::string_view digits = text.substr(at + 2, end - at - 2);
    int base = 10;
    if (!digits.empty() && (digits[0] == 'x' || digits[0] == 'X')) {
      base = 16;
      digits.remove_prefix(1);
    }
    unsigned code = 0;
    auto [stop, error] = std::from_chars(digits.data(), digits.data() + digits.size(), code, base);
    if (error != std::errc() || stop != digits.data() + digits.size() || code == 0 || code > 0xFF) {
      return {"", 0};
    }
    std::string out;
    append_utf8(out, code);
    return {out, end - at + 1};
  }
  return {"", 0};
}

// Splits `text` before each position where `starts(text, i)` holds, trimming the parts and
// dropping empty ones.
template <typename Starts>
std::vector<std::string> split_before(const std::string& text, Starts&& starts) {
  std::vector<std::string> parts;
  std::size_t from = 0;
  auto flush = [&](std::size_t to) {
    std::string part = clean(std::string_view(text).substr(from, to - from));
    if (!part.empty()) parts.push_back(std::move(part));
    from = to;
  };
  for (std::size_t i = 1; i < text.size(); ++i) {
    if (starts(text, i)) flush(i);
  }
  flush(text.size());
  return parts;
}

// A capitalised word starts at i: a space before, a capital then a lower-case letter.
bool capitalised_word_at(const std::string& text, std::size_t i) {
  return text[i - 1] == ' ' && is_upper(text[i]) && i + 1 < text.size() && is_lower(text[i + 1]);
}

bool starts_with_lead(std::string_view use) {
  for (std::string_view lead : {"Treatment", "Prevention", "Prophylaxis", "Relief", "Management",
                                "Prevents", "Used", "Reduces"}) {
    if (use.starts_with(lead)) return true;
  }
  return false;
}

}  // namespace

std::string clean(std::string_view raw) {
  std::string decoded;
  decoded.reserve(raw.size());
  for (std::size_t i = 0; i < raw.size();) {
    if (raw[i] == '&') {
      auto [value, length] = entity(raw, i);
      if (length > 0) {
        decoded += value;
        i += length;
        continue;
      }
    }
    char c = raw[i++];
    decoded.push_back(c == '\t' || c == '\r' || c == '\n' ? ' ' : c);
  }
  std::string out;
  out.reserve(decoded.size());
  for (char c : decoded) {
    if (c == ' ' && (out.empty() || out.back() == ' ')) continue;
    out.push_back(c);
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

std::vector<std::string> split_uses(std::string_view raw) {
  std::string text = clean(raw);
  // Run together: "allergiesTreatment", "reflux)Treatment".
  auto run_together = split_before(text, [](const std::string& t, std::size_t i) {
    char before = t[i - 1];
    return (is_lower(before) || before == ')') && is_upper(t[i]) && i + 1 < t.size() &&
           is_lower(t[i + 1]);
  });
  std::vector<std::string> uses;
  for (const auto& part : run_together) {
    if (starts_with_lead(part)) {
      uses.push_back(part);
      continue;
    }
    for (auto& one : split_before(part, capitalised_word_at)) uses.push_back(std::move(one));
  }
  std::vector<std::string> unique;
  for (auto& use : uses) {
    if (std::find(unique.begin(), unique.end(), use) == unique.end()) unique.push_back(use);
  }
  return unique;
}

std::vector<std::string> split_side_effects(std::string_view raw) {
  std::string text = clean(raw);
  std::vector<std::string> unique;
  for (auto& effect : split_before(text, capitalised_word_at)) {
    if (std::find(unique.begin(), unique.end(), effect) == unique.end()) {
      unique.push_back(std::move(effect));
    }
  }
  return unique;
}

std::vector<std::string> query_words(std::string_view query) {
  std::vector<std::string> words;
  for (auto& word : name_words(fold_name(query.substr(0, 400)))) {
    if (word.size() > 40) word.resize(40);
    if (std::find(words.begin(), words.end(), word) != words.end()) continue;
    words.push_back(std::move(word));
    if (words.size() == 8) break;
  }
  return words;
}

int edit_distance(std::string_view a, std::string_view b, int limit) {
  int n = static_cast<int>(a.size()), m = static_cast<int>(b.size());
  if (std::abs(n - m) > limit) return limit + 1;
  // Three rows of the optimal-string-alignment table.
  std::vector<int> before(m + 1), previous(m + 1), current(m + 1);
  for (int j = 0; j <= m; ++j) previous[j] = j;
  for (int i = 1; i <= n; ++i) {
    current[0] = i;
    int row_best = current[0];
    for (int j = 1; j <= m; ++j) {
      int cost = a[i - 1] == b[j - 1] ? 0 : 1;
      current[j] = std::min({previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        current[j] = std::min(current[j], before[j - 2] + 1);
      }
      row_best = std::min(row_best, current[j]);
    }
    if (row_best > limit) return limit + 1;
    std::swap(before, previous);
    std::swap(previous, current);
  }
  return std::min(previous[m], limit + 1);
}

int typo_allowance(std::string_view word) {
  if (word.size() < 4) return 0;
  return word.size() < 8 ? 1 : 2;
}

bool is_calendar_day(std::string_view day) {
  if (day.size() != 10 || day[4] != '-' || day[7] != '-') return false;
  auto number = [&](std::size_t from, std::size_t length, int& out) {
    auto [end, error] = std::from_chars(day.data() + from, day.data() + from + length, out);
    return error == std::errc() && end == day.data() + from + length &&
           std::isdigit(static_cast<unsigned char>(day[from]));
  };
  int year = 0, month = 0, date = 0;
  if (!number(0, 4, year) || !number(5, 2, month) || !number(8, 2, date)) return false;
  if (year < 2000 || year > 2999) return false;
  std::chrono::year_month_day ymd{std::chrono::year(year),
                                  std::chrono::month(static_cast<unsigned>(month)),
                                  std::chrono::day(static_cast<unsigned>(date))};
  return ymd.ok();
}

std::string day_after(std::string_view day, int days) {
  using namespace std::chrono;
  int year_number = 0;
  unsigned month_number = 0, day_number = 0;
  std::from_chars(day.data(), day.data() + 4, year_number);
  std::from_chars(day.data() + 5, day.data() + 7, month_number);
  std::from_chars(day.data() + 8, day.data() + 10, day_number);
  year_month_day out(sys_days(year_month_day{year(year_number), month(month_number),
                                             std::chrono::day(day_number)}) +
                     std::chrono::days(days));
  char text[11];
  std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(out.year()),
                static_cast<unsigned>(out.month()), static_cast<unsigned>(out.day()));
  return text;
}

std::int64_t demo_price_minor(std::string_view source_key) {
  std::uint64_t hash = 1469598103934665603ULL;  // FNV-1a
  for (unsigned char c : source_key) {
    hash ^= c;
    hash *= 1099511628211ULL;
  }
  // Squaring a uniform fraction puts most prices low, as in a pharmacy (integers throughout).
  auto u = static_cast<std::int64_t>(hash % 10007);
  std::int64_t steps = u * u * 1190 / (10007LL * 10007LL);  // 0..1189 steps of 5
  return 50 + steps * 5;
}

}  // namespace vitalis::pharmacy::text
