// Checks of the clinical part's inputs (see clinical_checks.hpp), and the public validation
// functions of clinical_service.hpp (profile, ICD-10 codes, area codes, ages).
#include "records/clinical_checks.hpp"

#include <charconv>
#include <tuple>

#include "records/clinical_service.hpp"

namespace vitalis::records {

namespace checks {

namespace {

std::size_t code_points(std::string_view text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char ch) {
    return (static_cast<unsigned char>(ch) & 0xC0) != 0x80;
  }));
}

// What people see for each field: the label of its input in the web app, so that a message
// reads "Medicine is required", not "medicine is required". The field code stays in
// Error::field for the form to place the message.
constexpr std::pair<std::string_view, std::string_view> kFieldLabels[] = {
    {"address_line1", "Address line 1"},
    {"address_line2", "Address line 2"},
    {"city", "City"},
    {"postcode", "Postcode"},
    {"area_code", "Local authority code"},
    {"blood_group", "Blood group"},
    {"allergies", "Allergies"},
    {"substance", "Substance"},
    {"reaction", "Reaction"},
    {"severity", "Severity"},
    {"conditions", "Long-term conditions"},
    {"medications", "Medications"},
    {"medicine", "Medicine"},
    {"strength", "Strength"},
    {"dose", "Dose"},
    {"frequency", "Frequency"},
    {"duration", "Duration"},
    {"instructions", "Instructions"},
    {"override_reason", "Reason for the override"},
    {"prescribed_at", "Date prescribed"},
    {"description", "Diagnosis"},
    {"diagnosed_at", "Date diagnosed"},
    {"occurred_at", "When"},
    {"reason", "Reason"},
    {"notes", "Notes"},
    {"symptom", "Symptom"},
    {"free_text", "Symptom"},
    {"onset_at", "When it started"},
};

constexpr std::array<std::string_view, 4> kSeverities = {"mild", "moderate", "severe", "unknown"};

}  // namespace

std::string label_of(std::string_view field) {
  for (const auto& [name, label] : kFieldLabels) {
    if (name == field) return std::string(label);
  }
  return std::string(field);
}

// An error whose message starts with its field's code, restated with the field's label
// ("prescribed_at cannot be in the future" -> "Date prescribed cannot be in the future").
Error in_peoples_words(Error error) {
  if (!error.field.empty() && error.message.starts_with(error.field)) {
    error.message = label_of(error.field) + error.message.substr(error.field.size());
  }
  return error;
}

// Trimmed text of at most `max` characters; required ones must not be empty. Control
// characters are refused, except line breaks and tabs in `multiline` texts (notes). Messages
// name the field's label, after `prefix` ("Allergy 2: ").
Result<std::string> checked_text(std::string_view value, std::string_view field, std::size_t max,
                                 bool required, bool multiline, std::string_view code,
                                 std::string_view prefix) {
  const std::string name(code.empty() ? field : code);
  const std::string label = std::string(prefix) + label_of(field);
  auto first = value.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) {
    if (required) return Error::validation(name, label + " is required");
    return std::string();
  }
  value = value.substr(first, value.find_last_not_of(" \t\r\n") - first + 1);
  if (code_points(value) > max) {
    return Error::validation(name,
                             label + " must be at most " + std::to_string(max) + " characters");
  }
  for (char ch : value) {
    bool allowed_break = multiline && (ch == '\n' || ch == '\r' || ch == '\t');
    if (static_cast<unsigned char>(ch) < 0x20 && !allowed_break) {
      return Error::validation(name, label + " must not contain control characters");
    }
  }
  return std::string(value);
}

Status check_texts(std::initializer_list<TextRule> rules) {
  for (const auto& rule : rules) {
    auto checked = checked_text(*rule.value, rule.field, rule.max, rule.required,
                                rule.field == "notes" || rule.field == "instructions");
    if (!checked.ok()) return checked.error();
    *rule.value = std::move(*checked);
  }
  return Ok{};
}

Result<std::vector<std::string>> checked_list(const std::vector<std::string>& items,
                                              std::string_view field) {
  const std::string name(field), label = label_of(field);
  if (items.size() > kMaxListItems) {
    return Error::validation(
        name, label + " can hold at most " + std::to_string(kMaxListItems) + " entries");
  }
  std::vector<std::string> out;
  for (std::size_t index = 0; index < items.size(); ++index) {
    auto text = checked_text(items[index], field, kShortText, false);
    if (!text.ok()) return text.error();
    if (text->empty()) {
      return Error::validation(name, label + ": entry " + std::to_string(index + 1) + " is empty");
    }
    if (std::find(out.begin(), out.end(), *text) == out.end()) out.push_back(std::move(*text));
  }
  return out;
}

// Each allergy: a substance (required), an optional reaction, a severity (empty: unknown);
// errors name "allergies.<index>.<part>" and say which allergy in words. A second allergy to
// the same substance (case aside) is dropped.
Result<std::vector<Allergy>> checked_allergies(const std::vector<Allergy>& allergies) {
  if (allergies.size() > kMaxListItems) {
    return Error::validation(
        "allergies", "Allergies can hold at most " + std::to_string(kMaxListItems) + " entries");
  }
  std::vector<Allergy> out;
  std::vector<std::string> seen;
  for (std::size_t index = 0; index < allergies.size(); ++index) {
    const std::string code = "allergies." + std::to_string(index) + ".";
    const std::string prefix = "Allergy " + std::to_string(index + 1) + ": ";
    Allergy allergy;
    auto substance = checked_text(allergies[index].substance, "substance", kShortText, true, false,
                                  code + "substance", prefix);
    if (!substance.ok()) return substance.error();
    auto reaction = checked_text(allergies[index].reaction, "reaction", kShortText, false, false,
                                 code + "reaction", prefix);
    if (!reaction.ok()) return reaction.error();
    allergy.substance = std::move(*substance);
    allergy.reaction = std::move(*reaction);
    allergy.severity = allergies[index].severity.empty() ? "unknown" : allergies[index].severity;
    if (!one_of(kSeverities, allergy.severity)) {
      return Error::validation(code + "severity",
                               prefix + "Severity must be mild, moderate, severe or not known");
    }
    std::string folded;
    for (char ch : allergy.substance) {
      folded.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(ch))));
    }
    if (std::find(seen.begin(), seen.end(), folded) != seen.end()) continue;
    seen.push_back(std::move(folded));
    out.push_back(std::move(allergy));
  }
  return out;
}

// At least three words: an override is explained, not waved through.
bool few_words(std::string_view text) {
  int words = 0;
  bool in_word = false;
  for (char ch : text) {
    bool space = ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r';
    if (!space && !in_word) ++words;
    in_word = !space;
  }
  return words >= 3;
}

}  // namespace checks

using namespace checks;

bool is_area_code(std::string_view text) {
  return text.size() == 9 && std::string_view("EWSN").find(text[0]) != std::string_view::npos &&
         std::all_of(text.begin() + 1, text.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
}

Result<std::string> normalise_icd10(std::string_view text) {
  std::string code;
  for (char ch : text)
    code.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(ch))));
  auto digit = [](char ch) { return ch >= '0' && ch <= '9'; };
  auto alnum = [&](char ch) { return digit(ch) || (ch >= 'A' && ch <= 'Z'); };
  bool ok =
      code.size() >= 3 && code[0] >= 'A' && code[0] <= 'Z' && digit(code[1]) && alnum(code[2]);
  if (ok && code.size() > 3) {
    ok = code[3] == '.' && code.size() >= 5 && code.size() <= 8 &&
         std::all_of(code.begin() + 4, code.end(), alnum);
  }
  if (!ok) {
    return Error::validation("icd10_code", "ICD-10 code must look like E11.9, I10 or S72.001A");
  }
  return code;
}

std::string symptom_label(std::string_view key) {
  std::string out;
  for (char ch : key) {
    if (ch == '_') {
      if (!out.empty() && out.back() != ' ') out.push_back(' ');
      continue;
    }
    out.push_back(ch);
  }
  if (!out.empty()) out[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(out[0])));
  return out;
}

Result<ProfileInput> validate_profile(ProfileInput input) {
  auto texts = check_texts({{"address_line1", &input.address_line1, kShortText, false},
                            {"address_line2", &input.address_line2, kShortText, false},
                            {"city", &input.city, 100, false},
                            {"postcode", &input.postcode, 16, false},
                            {"area_code", &input.area_code, 9, false}});
  if (!texts.ok()) return texts.error();
  for (char& ch : input.postcode)
    ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  if (!input.area_code.empty() && !is_area_code(input.area_code)) {
    return Error::validation("area_code",
                             "Local authority code must look like E09000007 (E, W, S or N and "
                             "eight digits)");
  }
  if (input.blood_group.empty()) input.blood_group = "unknown";
  if (!one_of(kBloodGroups, input.blood_group)) {
    return Error::validation(
        "blood_group", "Blood group must be one of A+, A-, B+, B-, AB+, AB-, O+, O- or not known");
  }
  auto allergies = checked_allergies(input.allergies);
  if (!allergies.ok()) return allergies.error();
  input.allergies = std::move(*allergies);
  if (input.no_known_allergies && !input.allergies.empty()) {
    return Error::validation("no_known_allergies",
                             "\u201cNo known allergies\u201d cannot be ticked while allergies "
                             "are listed: remove them first, or untick it");
  }
  for (auto [field, list] :
       {std::pair<std::string_view, std::vector<std::string>*>{"conditions", &input.conditions},
        {"medications", &input.medications}}) {
    auto checked = checked_list(*list, field);
    if (!checked.ok()) return checked.error();
    *list = std::move(*checked);
  }
  return input;
}

std::optional<int> age_on(std::string_view date_of_birth, std::string_view today) {
  auto parts = [](std::string_view date) -> std::optional<std::array<int, 3>> {
    if (date.size() != 10 || date[4] != '-' || date[7] != '-') return std::nullopt;
    std::array<int, 3> out{};
    for (auto [index, from, length] : {std::tuple<int, int, int>{0, 0, 4}, {1, 5, 2}, {2, 8, 2}}) {
      auto field = date.substr(static_cast<std::size_t>(from), static_cast<std::size_t>(length));
      auto [end, ec] = std::from_chars(field.data(), field.data() + field.size(), out[index]);
      if (ec != std::errc() || end != field.data() + field.size()) return std::nullopt;
    }
    return out;
  };
  auto born = parts(date_of_birth), now = parts(today);
  if (!born || !now) return std::nullopt;
  int age = (*now)[0] - (*born)[0];
  if (std::tie((*now)[1], (*now)[2]) < std::tie((*born)[1], (*born)[2])) --age;
  if (age < 0) return std::nullopt;
  return age;
}

}  // namespace vitalis::records
