// The clinical part of a generated demo patient (app/demo_data.hpp patient_clinical): profile,
// allergies, encounters, diagnoses, prescriptions and symptoms that fit their conditions.
#include <string>
#include <vector>

#include "app/demo_data.hpp"
#include "app/demo_random.hpp"

namespace vitalis::app {

namespace {

struct Area {
  const char* city;
  const char* area_code;  // local authority (the air-quality aid reads it)
  const char* postcode;
};
constexpr std::array<Area, 8> kAreas{{{"London", "E09000007", "NW1 0AA"},
                                      {"London", "E09000012", "E8 1AA"},
                                      {"London", "E09000019", "N1 1AA"},
                                      {"Manchester", "E08000003", "M1 1AA"},
                                      {"Leeds", "E08000035", "LS1 1AA"},
                                      {"Birmingham", "E08000025", "B1 1AA"},
                                      {"Bristol", "E06000023", "BS1 1AA"},
                                      {"Sheffield", "E08000019", "S1 1AA"}}};
constexpr std::array<const char*, 8> kStreets{"High Street",   "Church Road", "Station Road",
                                              "Victoria Road", "Park Lane",   "Mill Lane",
                                              "Queen Street",  "Green Lane"};

struct Condition {
  const char* name;
  const char* icd10;
  const char* medicine;
  const char* strength;
  const char* dose;
  const char* frequency;
  const char* instructions;
  const char* review_reason;
};
constexpr Condition kHypertension{"Essential hypertension",
                                  "I10",
                                  "Amlodipine",
                                  "5 mg",
                                  "1 tablet",
                                  "once daily",
                                  "Take in the morning",
                                  "Blood pressure review"};
constexpr Condition kDiabetes{
    "Type 2 diabetes mellitus", "E11.9",          "Metformin", "500 mg", "1 tablet", "twice daily",
    "Take with meals",          "Diabetes review"};
constexpr Condition kCopd{"Chronic obstructive pulmonary disease",
                          "J44.9",
                          "Salbutamol inhaler",
                          "100 micrograms",
                          "2 puffs",
                          "as needed",
                          "Up to four times a day for breathlessness",
                          "COPD review"};
constexpr Condition kHighLdl{"Hypercholesterolaemia",
                             "E78.0",
                             "Atorvastatin",
                             "20 mg",
                             "1 tablet",
                             "once daily",
                             "Take at night",
                             "Cholesterol review"};

struct DemoAllergy {
  const char* substance;
  const char* reaction;
  const char* severity;
  double chance;
};
constexpr DemoAllergy kDemoAllergies[] = {
    {"Penicillin", "Hives and swelling of the lips", "moderate", 0.08},
    {"Sulfa drugs", "Itchy rash", "mild", 0.03},
    {"Ibuprofen", "Wheezing", "moderate", 0.03},
    {"Codeine", "Vomiting", "mild", 0.02},
    {"Peanuts", "Anaphylaxis", "severe", 0.03},
    {"Latex", "Itchy rash", "mild", 0.04},
};

struct SymptomKind {
  const char* key;  // in the shared symptom vocabulary
  int low, high;    // usual severity range
};

}  // namespace

DemoClinical patient_clinical(const DemoPatient& patient, std::uint64_t seed,
                              std::int64_t patient_id, std::int64_t doctor_id,
                              const std::vector<Clock::time_point>& visits, Clock::time_point end) {
  Random random(mix(seed ^ 0x636c696eULL, static_cast<std::uint64_t>(patient_id)));
  DemoClinical out;
  const Area& area = random.pick(kAreas);
  out.profile.address_line1 = std::to_string(1 + random.next() % 180) + " " + random.pick(kStreets);
  out.profile.city = area.city;
  out.profile.area_code = area.area_code;
  out.profile.postcode = area.postcode;
  double group = random.uniform();  // UK distribution, roughly
  out.profile.blood_group = group < 0.35   ? "O+"
                            : group < 0.65 ? "A+"
                            : group < 0.73 ? "B+"
                            : group < 0.83 ? "O-"
                            : group < 0.91 ? "A-"
                            : group < 0.94 ? "AB+"
                            : group < 0.96 ? "B-"
                            : group < 0.97 ? "AB-"
                                           : "unknown";
  // Allergies as patients report them (about one in five has one); of the rest, half have said
  // they have none, the others were never asked ("no allergies recorded").
  for (const DemoAllergy& allergy : kDemoAllergies) {
    if (!random.chance(allergy.chance)) continue;
    records::Allergy recorded;
    recorded.substance = allergy.substance;
    recorded.reaction = allergy.reaction;
    recorded.severity = allergy.severity;
    out.profile.allergies.push_back(std::move(recorded));
  }
  out.profile.no_known_allergies = out.profile.allergies.empty() && random.chance(0.5);
  std::vector<const Condition*> conditions;
  if (patient.hypertensive) conditions.push_back(&kHypertension);
  if (patient.diabetic) conditions.push_back(&kDiabetes);
  if (patient.copd) conditions.push_back(&kCopd);
  if (patient.ldl > 160) conditions.push_back(&kHighLdl);
  for (const Condition* condition : conditions) {
    out.profile.conditions.push_back(condition->name);
    out.profile.medications.push_back(std::string(condition->medicine) + " " + condition->strength +
                                      " " + condition->frequency);
  }
  for (std::size_t idx = 0; idx < visits.size(); ++idx) {
    records::Encounter encounter;
    encounter.patient_id = patient_id;
    encounter.occurred_at = format_rfc3339(visits[idx]);
    encounter.type = idx == 0 ? "consultation" : (random.chance(0.2) ? "telehealth" : "follow_up");
    encounter.reason = conditions.empty() ? "Routine check-up"
                                          : conditions[idx % conditions.size()]->review_reason;
    encounter.notes = idx == 0 ? "New patient assessment; vitals and bloods taken."
                               : "Reviewed home readings and results; plan unchanged.";
    encounter.doctor_id = doctor_id;
    encounter.recorded_at = format_rfc3339(visits[idx] + std::chrono::minutes(20));
    out.encounters.push_back(std::move(encounter));
  }
  if (!out.encounters.empty()) {
    const records::Encounter& first = out.encounters.front();
    for (const Condition* condition : conditions) {
      records::Diagnosis diagnosis;
      diagnosis.patient_id = patient_id;
      diagnosis.description = condition->name;
      diagnosis.icd10_code = condition->icd10;
      diagnosis.status = "active";
      diagnosis.diagnosed_at = first.occurred_at;
      diagnosis.recorded_by = doctor_id;
      diagnosis.recorded_at = first.recorded_at;
      out.diagnoses.emplace_back(std::move(diagnosis), 0);
      records::Prescription prescription;
      prescription.patient_id = patient_id;
      prescription.medicine = condition->medicine;
      prescription.strength = condition->strength;
      prescription.dose = condition->dose;
      prescription.frequency = condition->frequency;
      prescription.duration = "ongoing";
      prescription.instructions = condition->instructions;
      prescription.status = "active";
      prescription.prescribed_at = first.occurred_at;
      prescription.prescribed_by = doctor_id;
      prescription.recorded_at = first.recorded_at;
      out.prescriptions.emplace_back(std::move(prescription), 0);
    }
  }
  // Symptoms through the same span as the readings, a few a year, fitting the conditions.
  std::vector<SymptomKind> kinds{{"fatigue", 2, 5}, {"headache", 2, 6}};
  if (patient.hypertensive) kinds.insert(kinds.end(), {{"headache", 3, 7}, {"dizziness", 2, 6}});
  if (patient.diabetic) kinds.insert(kinds.end(), {{"polyuria", 2, 5}, {"fatigue", 3, 6}});
  if (patient.copd) kinds.insert(kinds.end(), {{"breathlessness", 3, 7}, {"cough", 2, 6}});
  auto start = visits.empty() ? end - std::chrono::days(90) : visits.front();
  double span_days = std::chrono::duration<double, std::ratio<86400>>(end - start).count();
  int count = static_cast<int>(span_days / 120.0) + static_cast<int>(random.next() % 2);
  for (int idx = 0; idx < count; ++idx) {
    const SymptomKind& kind = kinds[random.next() % kinds.size()];
    records::SymptomEntry symptom;
    symptom.patient_id = patient_id;
    symptom.symptom = kind.key;
    symptom.severity = kind.low + static_cast<int>(random.next() % (kind.high - kind.low + 1));
    auto onset = start + std::chrono::duration_cast<Clock::duration>(
                             std::chrono::duration<double, std::ratio<86400>>(
                                 random.between(0, std::max(1.0, span_days - 1))));
    symptom.onset_at = format_rfc3339(onset);
    symptom.source = "self_reported";
    symptom.recorded_by = patient_id;
    symptom.recorded_at = format_rfc3339(onset + std::chrono::hours(1));
    out.symptoms.push_back(std::move(symptom));
  }
  std::sort(out.symptoms.begin(), out.symptoms.end(),
            [](const auto& left, const auto& right) { return left.onset_at < right.onset_at; });
  return out;
}

}  // namespace vitalis::app
