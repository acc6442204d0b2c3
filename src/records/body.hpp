// Request readers of the records module: typed readers of body fields (422 naming the field on a
// wrong type), the body of each kind of entry, and the query parameters of the observation list
// and the timeline. Pure functions with no database, so the fuzz target (body_fuzz.cpp) runs them
// alone; what a value means (units, ranges, codes) is checked later by the services.
#pragma once

#include <boost/json.hpp>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "http/message.hpp"
#include "records/clinical_model.hpp"
#include "records/model.hpp"
#include "records/shared.hpp"

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

// The entries' bodies. An allergy is a text (the substance) or {"substance", "reaction"?,
// "severity"?}; other keys (what GET adds, such as "resolves_to") are ignored, so a client can
// send back what it read.
Result<std::vector<Allergy>> parse_allergies(const boost::json::object& body);
Result<ProfileInput> parse_profile(const boost::json::object& body);
Result<EncounterInput> parse_encounter(const boost::json::object& body);
Result<DiagnosisInput> parse_diagnosis(const boost::json::object& body);
Result<PrescriptionInput> parse_prescription(const boost::json::object& body);
Result<SymptomInput> parse_symptom(const boost::json::object& body);
// A measurement: "code" or "metric" (not both), "unit", "effective_at", "value" or
// "systolic"/"diastolic", "confirmed".
Result<ObservationInput> parse_observation(const boost::json::object& body);

// A bound of ?from= / ?to=: an RFC 3339 time, or a date meaning its start (from) or the start
// of the next day (to, exclusive), so "to=2026-03-01" includes the whole of March 1st. 422
// naming `name` otherwise.
Result<std::string> time_bound(const std::string& text, std::string_view name);
// ?types=a,b&from=&to=&cursor=&limit=; `with_types` false for the single-kind lists. `parts`:
// the kinds other modules keep besides records' own.
Result<TimelineQuery> parse_timeline_query(const http::Request& request, bool with_types,
                                           std::span<const RecordPart> parts);
// The observation list's ?code=&to=&before=<id>&limit=<1..200>.
Result<ObservationQuery> parse_observation_query(const http::Request& request);

}  // namespace vitalis::records
