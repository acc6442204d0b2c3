// Checks of the clinical part's inputs, shared by the clinical service's writes: trimmed texts
// of bounded length, lists, structured allergies, and messages that name what people see (the
// label of the input in the web app) while Error::field keeps the field's code. Pure: no
// database, safe from any thread.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "records/clinical_model.hpp"

namespace vitalis::records::checks {

inline constexpr std::size_t kMaxListItems = 50;
inline constexpr std::size_t kShortText = 200;
inline constexpr std::size_t kNotes = 10000;
inline constexpr std::array<std::string_view, 9> kBloodGroups = {"A+",  "A-", "B+", "B-",     "AB+",
                                                                 "AB-", "O+", "O-", "unknown"};

template <std::size_t N>
bool one_of(const std::array<std::string_view, N>& allowed, std::string_view value) {
  return std::find(allowed.begin(), allowed.end(), value) != allowed.end();
}

// The label people see for a field ("prescribed_at" -> "Date prescribed"); the code itself when
// it has none.
std::string label_of(std::string_view field);
// An error whose message starts with its field's code, restated with the field's label
// ("prescribed_at cannot be in the future" -> "Date prescribed cannot be in the future").
Error in_peoples_words(Error error);
// Trimmed text of at most `max` characters; required ones must not be empty. Control
// characters are refused, except line breaks and tabs in `multiline` texts (notes). Messages
// name the field's label, after `prefix` ("Allergy 2: "); `code` overrides the error's field.
Result<std::string> checked_text(std::string_view value, std::string_view field, std::size_t max,
                                 bool required, bool multiline = false, std::string_view code = {},
                                 std::string_view prefix = {});

// Validates each text field in place: {field name, target, max, required}.
struct TextRule {
  std::string_view field;
  std::string* value;
  std::size_t max;
  bool required;
};
Status check_texts(std::initializer_list<TextRule> rules);

// At most kMaxListItems texts, none empty, duplicates dropped.
Result<std::vector<std::string>> checked_list(const std::vector<std::string>& items,
                                              std::string_view field);
// Each allergy: a substance (required), an optional reaction, a severity (empty: unknown);
// errors name "allergies.<index>.<part>" and say which allergy in words. A second allergy to
// the same substance (case aside) is dropped.
Result<std::vector<Allergy>> checked_allergies(const std::vector<Allergy>& allergies);
// At least three words: an override is explained, not waved through.
bool few_words(std::string_view text);

}  // namespace vitalis::records::checks
