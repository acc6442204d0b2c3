// The prescribing safety check: a new medicine against the patient's recorded allergies (by
// ingredient, by a class the allergy names, by a class shared with an allergy's ingredient) and
// against active prescriptions with the same ingredient, through the medicines knowledge. Each
// conflict is said in plain words for the doctor. Pure functions: safe from any thread.
#pragma once

#include <string>
#include <vector>

#include "medicines/knowledge.hpp"
#include "records/clinical_model.hpp"

namespace vitalis::records {

// Fills `allergy.ingredients` and `allergy.classes` (the classes the substance itself names)
// with what the knowledge makes of the substance now, keeping what was saved before.
Allergy understood(const medicines::Knowledge& knowledge, Allergy allergy);

// The check for `medicine` as typed. `allergies` as stored (they are understood again here);
// `active`: the patient's active prescriptions (empty: no duplicate check).
PrescribingCheck check_prescription(const medicines::Knowledge& knowledge,
                                    const std::string& medicine,
                                    const std::vector<Allergy>& allergies,
                                    const std::vector<Prescription>& active);

// "severe: anaphylaxis", "severe", "rash; severity not recorded", "severity not recorded".
std::string allergy_detail(const Allergy& allergy);

}  // namespace vitalis::records
