// `vitalis demo-data`: a deterministic demo clinic (admin, approved doctors, patients with
// profiles, care links and years of correlated readings), and the same generator at benchmark
// size (100,000 patients, 10 million observations). Rows go through the owners' bulk functions
// (identity/bulk.hpp, records/bulk.hpp) in large transactions; one password hash is shared by
// every demo account.
#pragma once

#include <chrono>
#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/time.hpp"
#include "db/database.hpp"
#include "identity/keyring.hpp"
#include "records/bulk.hpp"
#include "records/clinical_model.hpp"
#include "records/model.hpp"

namespace vitalis::app {

// Every demo account signs in with this password (printed by the command, and in the README).
inline constexpr std::string_view kDemoPassword = "vitalis-demo-2026";
inline constexpr std::string_view kDemoDomain = "demo.vitalis.test";

struct DemoOptions {
  int patients = 48;              // besides the named demo patient
  std::int64_t observations = 0;  // in total over the generated patients; 0 = ~1,000 each
  int timeline_entries = 0;       // > 0: one more patient (timeline@) with this many entries
  bool only_if_empty = false;     // no-op on a database that has any account (make run)
  std::uint64_t seed = 20261123;
  // Where the medicines table lies (the pharmacy's catalogue); empty or unreadable: no pharmacy.
  std::string datasets_dir;
  // Readings end here; empty: at the start of today (UTC), so a run on one day gives the same rows.
  std::optional<Clock::time_point> end;
};

struct DemoReport {
  bool created = false;
  std::string note;  // why nothing was created
  int patients = 0;
  std::int64_t observations = 0;
  std::int64_t appointments = 0;
  std::int64_t medicines = 0, lots = 0;  // the pharmacy's catalogue and stock
  double seconds = 0;
};

// A generated patient: who they are and the parameters their readings follow.
struct DemoPatient {
  std::string full_name, email_local, sex, date_of_birth, phone;
  int age = 0;
  bool hypertensive = false, diabetic = false, smoker = false, copd = false;
  double height_cm = 0, weight_kg = 0, weight_trend = 0;  // trends per year
  double systolic = 0, systolic_trend = 0, diastolic_offset = 0, heart_rate = 0;
  double hba1c = 0, hba1c_trend = 0;
  double ldl = 0, hdl = 0, triglycerides = 0, hemoglobin = 0, creatinine = 0;
};

// Pure and deterministic: the same seed and index give the same patient.
DemoPatient plan_patient(std::uint64_t seed, int index);

// `count` observations for one patient, oldest first, ending shortly before `end`: home readings
// (blood pressure and heart rate, weight, glucose for diabetics; self_reported by the patient)
// and quarterly clinic visits (vitals and labs; clinical, by `doctor_id`). Values are in the
// catalogue's canonical units and pass its validation.
// `visits` (if given) receives the clinic visits' times, oldest first.
std::vector<records::Observation> patient_readings(
    const DemoPatient& patient, std::uint64_t seed, std::int64_t patient_id, std::int64_t doctor_id,
    std::int64_t count, Clock::time_point end, std::vector<Clock::time_point>* visits = nullptr);

// The clinical part of a generated patient: the profile (address, blood group, allergies,
// conditions, medications), an encounter per visit, diagnoses and prescriptions at the first
// visit (linked to it by index), and self-reported symptoms fitting their conditions.
using DemoClinical = records::bulk::ClinicalHistory;
DemoClinical patient_clinical(const DemoPatient& patient, std::uint64_t seed,
                              std::int64_t patient_id, std::int64_t doctor_id,
                              const std::vector<Clock::time_point>& visits, Clock::time_point end);

// Loads the demo clinic unless it is there already (then created = false and nothing changes).
// Progress lines go to `progress`.
Result<DemoReport> load_demo_data(db::Pool& pool, const identity::KeyRing& key,
                                  const identity::PasswordCost& cost, const DemoOptions& options,
                                  std::ostream& progress);

// The demo's scheduling (demo_care.cpp): clinics and test centres in London and Manchester,
// every doctor (cardiology, endocrinology, general practice, in that order) placed with weekly
// hours, and appointments from two weeks back to two weeks ahead of `now` for each
// (patient, doctor) pair; the diagnostic test catalogue, what the two centres offer and one
// test booking per patient; returns how many appointments and test bookings were made. Through
// care's bulk loader.
Result<std::int64_t> load_demo_care(db::Pool& pool, const std::vector<std::int64_t>& doctors,
                                    const std::vector<std::pair<std::int64_t, std::int64_t>>& pairs,
                                    Clock::time_point now);

// The demo's pharmacy (demo_pharmacy.cpp): the medicines table under `options.datasets_dir`
// imported as the catalogue, and deterministic stock received by `admin_id`. A table that cannot
// be read leaves the pharmacy empty with a note (not an error).
struct DemoPharmacy {
  std::int64_t items = 0, lots = 0;
  std::string note;
};
Result<DemoPharmacy> load_demo_pharmacy(db::Pool& pool, const identity::KeyRing& key,
                                        std::int64_t admin_id, const DemoOptions& options,
                                        std::ostream& progress);

// The accounts to sign in with, for the terminal and the README.
std::string demo_credentials();

}  // namespace vitalis::app
