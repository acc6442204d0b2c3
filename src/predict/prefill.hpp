// What a patient's record says about a model's inputs (RecordSource in the feature specs): the
// profile's age and sex, the latest final reading of the LOINC code that measures the input
// (never a reading of another kind), active diagnoses by ICD-10 range and the profile's
// conditions. Each value says where it came from and how old it is. Reads inside the caller's
// lease and transaction, through records' read_record_facts (one call per request); no audit
// (the caller audits). Safe for concurrent use.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "db/database.hpp"
#include "predict/model.hpp"

namespace vitalis::predict {

// One input taken from the record.
struct PrefilledInput {
  std::string feature;        // API name, e.g. "bmi" (or a context input such as "sex")
  boost::json::value value;   // as the API takes it: a number in the model's unit, or a level name
  std::string source;         // "observation", "diagnosis", "condition" or "profile"
  std::string code;           // LOINC (observation) or ICD-10 (diagnosis) code; else empty
  std::int64_t entry_id = 0;  // the observation's or diagnosis's id
  std::string recorded_at;    // when measured / diagnosed / the profile last changed; may be empty
  std::optional<int> age_days;  // how old that is, in whole days
  std::string text;             // the diagnosis or condition as written
  std::string note;             // the spec's note: "latest body mass index (LOINC 39156-5)"
};

// Readings older than this are not used to prefill (a five-year-old BMI is not today's).
inline constexpr int kPrefillMaxAgeDays = 730;

std::vector<PrefilledInput> read_prefill(db::Lease& lease, const ModelSpec& spec,
                                         std::int64_t patient_id);

boost::json::array prefilled_json(const std::vector<PrefilledInput>& prefilled);

// "I11.9" is in "I10-I15"; "I11" in "I11". Exposed for tests.
bool icd10_in_range(std::string_view code, std::string_view range);
// A profile condition that names one of `phrases` and is not negated or another disease with
// the same word ("no hypertension", "pulmonary hypertension", "family history of ..."). Exposed
// for tests.
bool condition_matches(std::string_view condition, const std::vector<std::string>& phrases);

}  // namespace vitalis::predict
