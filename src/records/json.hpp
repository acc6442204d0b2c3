// JSON out of the records module: the JSON form of every kind of entry, shared by the routes, the
// timeline and the export so an entry looks the same wherever it appears (what comes in is read
// by body.hpp). Pure functions.
#pragma once

#include <boost/json.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/json_writer.hpp"
#include "medicines/knowledge.hpp"
#include "records/clinical_model.hpp"
#include "records/model.hpp"

namespace vitalis::records {

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
