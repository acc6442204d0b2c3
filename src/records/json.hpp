// JSON in and out of the records module: typed readers of request body fields (422 naming the
// field on a wrong type) and the JSON form of every kind of entry, shared by the routes, the
// timeline and the export so an entry looks the same wherever it appears. Pure functions.
#pragma once

#include <boost/json.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/json_writer.hpp"
#include "http/message.hpp"
#include "medicines/knowledge.hpp"
#include "records/clinical_model.hpp"
#include "records/model.hpp"

namespace vitalis::records {

// The request body as a JSON object (400/415 from Request::json, 422 "body" for a non-object).
Result<boost::json::object> body_object(const http::Request& request);
// Absent or null: empty. Present with the wrong type: 422 naming the field.
Result<std::optional<double>> number_field(const boost::json::object& body, std::string_view name);
Result<std::string> text_field(const boost::json::object& body, std::string_view name);
Result<std::vector<std::string>> text_list_field(const boost::json::object& body,
                                                 std::string_view name);
// Absent or null: false.
Result<bool> bool_field(const boost::json::object& body, std::string_view name);
Result<std::optional<std::int64_t>> id_field(const boost::json::object& body,
                                             std::string_view name);

// Null for an empty text, else the text.
boost::json::value optional_json(const std::string& text);

boost::json::object observation_json(const Observation& observation);
// The urgent advice of a write; null when there is none.
boost::json::value advice_json(const std::optional<UrgentAdvice>& advice);
// The same fields written straight as text (the list endpoints, where rendering is hot).
void write_observation(json_writer::Writer& writer, const Observation& observation);
// Allergies with what they resolve to: ingredient keys and classes as `knowledge` names them.
boost::json::object allergy_json(const Allergy& allergy, const medicines::Knowledge& knowledge);
// Starts with the identity part as identity renders it (identity::profile_json).
boost::json::object profile_json(const ClinicalProfile& profile,
                                 const medicines::Knowledge& knowledge);
boost::json::object summary_json(const PatientSummary& summary,
                                 const medicines::Knowledge& knowledge);
boost::json::object conflict_json(const PrescribingConflict& conflict);
boost::json::object check_json(const PrescribingCheck& check);
boost::json::object encounter_json(const Encounter& encounter);
boost::json::object diagnosis_json(const Diagnosis& diagnosis);
boost::json::object prescription_json(const Prescription& prescription);
boost::json::object symptom_json(const SymptomEntry& symptom);

}  // namespace vitalis::records
