// Reading a model's inputs from the record.
#include "predict/prefill.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdio>

#include "core/time.hpp"
#include "records/shared.hpp"

namespace vitalis::predict {

namespace json = boost::json;

namespace {

// Words that make a profile condition mean something else: a negation, a relative's disease, a
// suspicion, or another disease that shares the word (pulmonary hypertension is not the
// high blood pressure the stroke data means; gestational hypertension ended with the pregnancy).
constexpr std::string_view kNotThisCondition[] = {
    "no ",       "not ",      "without",   "family history",
    "suspected", "ruled out", "pulmonary", "gestational",
};

std::string lower(std::string_view text) {
  std::string out;
  for (char ch : text)
    out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(ch))));
  return out;
}

// Whole years between an ISO date (YYYY-MM-DD) and today; nullopt when unreadable.
std::optional<int> age_in_years(const std::string& date_of_birth) {
  int year = 0, month = 0, day = 0;
  if (std::sscanf(date_of_birth.c_str(), "%d-%d-%d", &year, &month, &day) != 3) return {};
  const auto today = std::chrono::year_month_day(
      std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now()));
  int age = static_cast<int>(today.year()) - year;
  unsigned this_month = static_cast<unsigned>(today.month());
  unsigned this_day = static_cast<unsigned>(today.day());
  if (this_month < static_cast<unsigned>(month) ||
      (this_month == static_cast<unsigned>(month) && this_day < static_cast<unsigned>(day))) {
    --age;
  }
  return age;
}

// Whole days since an RFC 3339 time or a date; nullopt when unreadable or empty.
std::optional<int> days_since(const std::string& when) {
  if (when.empty()) return std::nullopt;
  auto at = parse_rfc3339(when.size() == 10 ? when + "T00:00:00Z" : when);
  if (!at) return std::nullopt;
  auto now = std::chrono::time_point_cast<std::chrono::microseconds>(Clock::now());
  auto days = std::chrono::duration_cast<std::chrono::hours>(now - *at).count() / 24;
  return static_cast<int>(std::max<long long>(0, days));
}

bool in_range(const FeatureSpec& feature, double value) {
  return value >= feature.min && value <= feature.max;
}

// "I11.9" -> ('I', 11); false when the code does not start with a letter and two digits.
bool icd10_key(std::string_view code, char& letter, int& number) {
  if (code.size() < 3 || !std::isalpha(static_cast<unsigned char>(code[0])) ||
      !std::isdigit(static_cast<unsigned char>(code[1])) ||
      !std::isdigit(static_cast<unsigned char>(code[2]))) {
    return false;
  }
  letter = static_cast<char>(std::toupper(static_cast<unsigned char>(code[0])));
  number = (code[1] - '0') * 10 + (code[2] - '0');
  return true;
}

}  // namespace

bool icd10_in_range(std::string_view code, std::string_view range) {
  char letter = 0, from_letter = 0, to_letter = 0;
  int number = 0, from = 0, to = 0;
  if (!icd10_key(code, letter, number)) return false;
  std::string_view first = range, last = range;
  if (auto dash = range.find('-'); dash != std::string_view::npos) {
    first = range.substr(0, dash);
    last = range.substr(dash + 1);
  }
  if (!icd10_key(first, from_letter, from) || !icd10_key(last, to_letter, to)) return false;
  return letter == from_letter && letter == to_letter && number >= from && number <= to;
}

bool condition_matches(std::string_view condition, const std::vector<std::string>& phrases) {
  const std::string text = " " + lower(condition) + " ";
  bool named = std::any_of(phrases.begin(), phrases.end(), [&text](const std::string& phrase) {
    return text.find(phrase) != std::string::npos;
  });
  if (!named) return false;
  return std::none_of(std::begin(kNotThisCondition), std::end(kNotThisCondition),
                      [&text](std::string_view word) {
                        return text.find(" " + std::string(word)) != std::string::npos;
                      });
}

std::vector<PrefilledInput> read_prefill(db::Lease& lease, const ModelSpec& spec,
                                         std::int64_t patient_id) {
  std::vector<PrefilledInput> out;
  // Everything the spec's sources may use, in one read of the record.
  records::FactsWanted wanted;
  for (const auto* features : {&spec.context, &spec.features}) {
    for (const FeatureSpec& feature : *features) {
      for (const RecordSource& source : feature.record) {
        if (source.kind == RecordSource::Kind::kDiagnosis) wanted.diagnoses = true;
        if (source.kind != RecordSource::Kind::kObservation) continue;
        for (const auto& code : source.codes) {
          if (std::find(wanted.loinc_codes.begin(), wanted.loinc_codes.end(), code) ==
              wanted.loinc_codes.end()) {
            wanted.loinc_codes.push_back(code);
          }
        }
      }
    }
  }
  const records::RecordFacts facts = records::read_record_facts(lease, patient_id, wanted);
  const auto& profile = facts.profile;
  auto latest_of = [&facts](const std::string& code) -> const records::Observation* {
    auto found =
        std::find_if(facts.latest.begin(), facts.latest.end(),
                     [&code](const records::Observation& row) { return row.code == code; });
    return found == facts.latest.end() ? nullptr : &*found;
  };
  const std::string oldest = format_rfc3339(Clock::now() - std::chrono::days(kPrefillMaxAgeDays));
  auto fill = [&](const FeatureSpec& feature) {
    for (const RecordSource& source : feature.record) {
      PrefilledInput input;
      input.feature = feature.name;
      input.note = source.note;
      switch (source.kind) {
        case RecordSource::Kind::kAge: {
          if (!profile || profile->date_of_birth.empty()) continue;
          auto age = age_in_years(profile->date_of_birth);
          if (!age || !in_range(feature, *age)) continue;
          input.value = *age;
          input.source = "profile";
          input.note = "date of birth in your profile";
          break;
        }
        case RecordSource::Kind::kSex: {
          if (!profile || (profile->sex != "female" && profile->sex != "male")) continue;
          input.value = json::string(profile->sex);
          input.source = "profile";
          input.note = "sex in your profile";
          break;
        }
        case RecordSource::Kind::kObservation: {
          bool found = false;
          for (const auto& code : source.codes) {
            const records::Observation* latest = latest_of(code);
            if (latest == nullptr || latest->effective_at < oldest) continue;
            const records::Observation& reading = *latest;
            if (std::isnan(source.threshold)) {
              double value = source.scale * reading.value + source.offset;
              value = std::round(value * 10) / 10;
              if (!in_range(feature, value)) continue;
              input.value = value;
            } else {
              input.value = json::string(reading.value > source.threshold ? "yes" : "no");
            }
            input.source = "observation";
            input.code = code;
            input.entry_id = reading.id;
            input.recorded_at = reading.effective_at;
            found = true;
            break;
          }
          if (!found) continue;
          break;
        }
        case RecordSource::Kind::kDiagnosis: {
          const records::Diagnosis* match = nullptr;
          for (const auto& diagnosis : facts.diagnoses) {
            if (diagnosis.status != "active") continue;
            bool in = std::any_of(source.codes.begin(), source.codes.end(),
                                  [&diagnosis](const std::string& range) {
                                    return icd10_in_range(diagnosis.icd10_code, range);
                                  });
            if (in && (match == nullptr || diagnosis.diagnosed_at > match->diagnosed_at)) {
              match = &diagnosis;
            }
          }
          if (match == nullptr) continue;
          input.value = json::string("yes");
          input.source = "diagnosis";
          input.code = match->icd10_code;
          input.entry_id = match->id;
          input.recorded_at = match->diagnosed_at;
          input.text = match->description;
          break;
        }
        case RecordSource::Kind::kCondition: {
          if (!profile) continue;
          auto found = std::find_if(profile->conditions.begin(), profile->conditions.end(),
                                    [&source](const std::string& text) {
                                      return condition_matches(text, source.phrases);
                                    });
          if (found == profile->conditions.end()) continue;
          input.value = json::string("yes");
          input.source = "condition";
          input.recorded_at = profile->updated_at;
          input.text = *found;
          break;
        }
      }
      input.age_days = days_since(input.recorded_at);
      out.push_back(std::move(input));
      return;  // the first source that has a value wins
    }
  };
  for (const auto& feature : spec.context) fill(feature);
  for (const auto& feature : spec.features) fill(feature);
  return out;
}

json::array prefilled_json(const std::vector<PrefilledInput>& prefilled) {
  json::array out;
  for (const auto& input : prefilled) {
    json::object item{{"feature", input.feature},
                      {"value", input.value},
                      {"source", input.source},
                      {"note", input.note}};
    if (!input.code.empty()) item["code"] = input.code;
    if (input.source == "observation") {
      item["observation_id"] = input.entry_id;
      item["effective_at"] = input.recorded_at;
    } else if (input.source == "diagnosis") {
      item["diagnosis_id"] = input.entry_id;
      item["diagnosed_at"] = input.recorded_at;
    }
    if (!input.text.empty()) item["text"] = input.text;
    if (!input.recorded_at.empty()) item["recorded_at"] = input.recorded_at;
    item["age_days"] = input.age_days ? json::value(*input.age_days) : json::value();
    out.push_back(std::move(item));
  }
  return out;
}

}  // namespace vitalis::predict
