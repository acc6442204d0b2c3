// The demo clinic generator and its bulk loader.
#include "app/demo_data.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>
#include <ostream>
#include <sstream>

#include "app/demo_random.hpp"
#include "chat/bulk.hpp"
#include "db/statistics.hpp"
#include "identity/bulk.hpp"
#include "records/bulk.hpp"
#include "records/catalogue.hpp"

namespace vitalis::app {

namespace {

struct Name {
  const char* display;
  const char* ascii;  // for the email address
};
constexpr std::array<Name, 24> kFemale{
    {{"Maria", "maria"},   {"Zoë", "zoe"},       {"Amélie", "amelie"},       {"Priya", "priya"},
     {"Fatima", "fatima"}, {"Olivia", "olivia"}, {"Chloé", "chloe"},         {"Ingrid", "ingrid"},
     {"Aisha", "aisha"},   {"Lucía", "lucia"},   {"Hannah", "hannah"},       {"Mei", "mei"},
     {"Sofia", "sofia"},   {"Grace", "grace"},   {"Noor", "noor"},           {"Emma", "emma"},
     {"Yuki", "yuki"},     {"Ana", "ana"},       {"Elena", "elena"},         {"Chiara", "chiara"},
     {"Leila", "leila"},   {"Ruth", "ruth"},     {"Agnieszka", "agnieszka"}, {"Björk", "bjork"}}};
constexpr std::array<Name, 24> kMale{
    {{"José", "jose"},         {"Lukas", "lukas"}, {"Omar", "omar"},     {"Arjun", "arjun"},
     {"Kwame", "kwame"},       {"Liam", "liam"},   {"Mateo", "mateo"},   {"Søren", "soren"},
     {"Hiroshi", "hiroshi"},   {"David", "david"}, {"Ahmed", "ahmed"},   {"Noah", "noah"},
     {"François", "francois"}, {"Ivan", "ivan"},   {"Chen", "chen"},     {"Samuel", "samuel"},
     {"Tomás", "tomas"},       {"Emeka", "emeka"}, {"Rafael", "rafael"}, {"Jonas", "jonas"},
     {"Mohammed", "mohammed"}, {"Pedro", "pedro"}, {"Ravi", "ravi"},     {"Erik", "erik"}}};
constexpr std::array<Name, 32> kLast{{{"Gonçalves", "goncalves"},
                                      {"Müller", "muller"},
                                      {"Okafor", "okafor"},
                                      {"Nakamura", "nakamura"},
                                      {"García", "garcia"},
                                      {"Smith", "smith"},
                                      {"Kowalski", "kowalski"},
                                      {"Haddad", "haddad"},
                                      {"Patel", "patel"},
                                      {"Johansson", "johansson"},
                                      {"Rossi", "rossi"},
                                      {"Nguyen", "nguyen"},
                                      {"O'Brien", "obrien"},
                                      {"Dubois", "dubois"},
                                      {"Mensah", "mensah"},
                                      {"Ivanova", "ivanova"},
                                      {"Fernández", "fernandez"},
                                      {"Schmidt", "schmidt"},
                                      {"Kim", "kim"},
                                      {"Andersen", "andersen"},
                                      {"Yılmaz", "yilmaz"},
                                      {"Costa", "costa"},
                                      {"Wang", "wang"},
                                      {"Brown", "brown"},
                                      {"Novák", "novak"},
                                      {"Sánchez", "sanchez"},
                                      {"Williams", "williams"},
                                      {"Ben Ali", "benali"},
                                      {"Lindqvist", "lindqvist"},
                                      {"Moreau", "moreau"},
                                      {"Adeyemi", "adeyemi"},
                                      {"Rahman", "rahman"}}};

struct Staff {
  const char* local;  // email local part
  const char* full_name;
  const char* specialty;
};
constexpr std::array<Staff, 3> kDoctors{{{"doctor", "Dr. Amara Okafor", "Cardiology"},
                                         {"endo", "Dr. Lukas Schneider", "Endocrinology"},
                                         {"gp", "Dr. Sofía Marín", "General practice"}}};
constexpr const char* kClinic = "Vitalis Demo Clinic";
constexpr std::string_view kDemoAction = "demo_data.create";

std::string email(std::string_view local) {
  return std::string(local) + "@" + std::string(kDemoDomain);
}

std::string two_digits(int value) { return (value < 10 ? "0" : "") + std::to_string(value); }

using Days = std::chrono::duration<double, std::ratio<86400>>;
constexpr double kDaysPerYear = 365.25;

// Stores a value the way the service would: converted, rounded and range-checked by the
// catalogue; out-of-range values are clamped first so every row is one the API accepts.
void add_reading(std::vector<records::Observation>& out, std::string_view code, double value,
                 Clock::time_point at, const char* source, std::int64_t patient_id,
                 std::int64_t recorded_by) {
  const records::Metric* metric = records::find_metric(code);
  value = std::clamp(value, metric->possible_min, metric->possible_max);
  auto measured = records::normalise(*metric, value, metric->unit);
  if (!measured.ok()) return;
  records::Observation row;
  row.patient_id = patient_id;
  row.code = measured->code;
  row.value = row.original_value = measured->value;
  row.unit = row.original_unit = measured->unit;
  row.effective_at = format_rfc3339(at);
  row.recorded_at = format_rfc3339(at + std::chrono::minutes(2));
  row.source = source;
  row.recorded_by = recorded_by;
  row.status = "final";
  out.push_back(std::move(row));
}

}  // namespace

DemoPatient plan_patient(std::uint64_t seed, int index) {
  Random random(mix(seed, static_cast<std::uint64_t>(index)));
  DemoPatient patient;
  bool female = random.chance(0.5);
  const Name& first = female ? random.pick(kFemale) : random.pick(kMale);
  const Name& last = random.pick(kLast);
  patient.full_name = std::string(first.display) + " " + last.display;
  patient.email_local = std::string(first.ascii) + "." + last.ascii + "." + std::to_string(index);
  patient.sex = female ? "female" : "male";
  // Older patients are more common in a clinic's panel.
  patient.age = static_cast<int>(25 + 60 * std::sqrt(random.uniform()));
  int birth_year = 2026 - patient.age;
  patient.date_of_birth = std::to_string(birth_year) + "-" +
                          two_digits(1 + static_cast<int>(random.next() % 12)) + "-" +
                          two_digits(1 + static_cast<int>(random.next() % 28));
  patient.phone = "+1 555 01" + two_digits(static_cast<int>(random.next() % 100)) + " " +
                  std::to_string(1000 + random.next() % 9000);
  double age_factor = (patient.age - 25) / 60.0;
  patient.smoker = random.chance(0.15);
  patient.copd = patient.smoker && random.chance(0.3);
  double bmi = random.normal(26.5, 4.5);
  patient.diabetic = random.chance(0.08 + 0.2 * age_factor + (bmi > 30 ? 0.15 : 0));
  patient.hypertensive = random.chance(0.12 + 0.4 * age_factor + (patient.diabetic ? 0.15 : 0));
  if (patient.diabetic) bmi += 2.5;
  patient.height_cm = female ? random.normal(163, 7) : random.normal(177, 7);
  patient.weight_kg = bmi * std::pow(patient.height_cm / 100.0, 2);
  patient.weight_trend = random.normal(0.3, 1.5);
  // Treated hypertension improves over the years; untreated or resistant drifts upwards.
  if (patient.hypertensive) {
    patient.systolic = random.normal(150, 9);
    patient.systolic_trend = random.chance(0.5) ? random.normal(-5, 1.5) : random.normal(2, 1);
  } else {
    patient.systolic = random.normal(117 + 8 * age_factor, 7);
    patient.systolic_trend = random.normal(0.7, 0.5);
  }
  patient.diastolic_offset = random.normal(8, 4);
  patient.heart_rate = random.normal(patient.smoker ? 76 : 70, 7);
  if (patient.diabetic) {
    patient.hba1c = random.normal(7.8, 0.9);
    patient.hba1c_trend = random.chance(0.6) ? random.normal(-0.3, 0.1) : random.normal(0.25, 0.1);
  } else {
    patient.hba1c = random.normal(5.3, 0.25);
    patient.hba1c_trend = random.normal(0.02, 0.02);
  }
  patient.ldl = random.normal(patient.diabetic ? 125 : 115, 25);
  patient.hdl = random.normal(female ? 58 : 47, 9);
  patient.triglycerides = random.normal(patient.diabetic ? 190 : 130, 35);
  patient.hemoglobin = random.normal(female ? 13.4 : 15.0, 0.8);
  patient.creatinine = random.normal(female ? 0.75 : 0.95, 0.1) + (patient.age > 65 ? 0.15 : 0);
  return patient;
}

std::vector<records::Observation> patient_readings(const DemoPatient& patient, std::uint64_t seed,
                                                   std::int64_t patient_id, std::int64_t doctor_id,
                                                   std::int64_t count, Clock::time_point end,
                                                   std::vector<Clock::time_point>* visits) {
  Random random(mix(seed ^ 0x7265616469ULL, static_cast<std::uint64_t>(patient_id)));
  std::vector<records::Observation> out;
  if (count <= 0) return out;
  out.reserve(static_cast<std::size_t>(count) + 16);
  // Rows per home reading: blood pressure pair, heart rate, a weight every fourth time and a
  // glucose for diabetics; ~12 per quarterly visit. The span grows with the count (a hundred
  // entries cover some months, a thousand about three years, at most ten years).
  double per_event = 3.25 + (patient.diabetic ? 1 : 0);
  double span_days = std::clamp(static_cast<double>(count) * 1.1, 30.0, 10 * kDaysPerYear);
  double visit_count = std::max(1.0, span_days / 92.0);
  double home_events = std::max(1.0, (static_cast<double>(count) - 12 * visit_count) / per_event);
  double interval_days = span_days / home_events;
  auto start = end - std::chrono::duration_cast<Clock::duration>(Days(span_days));
  // Generated newest first (so the latest readings are always recent and a cut drops the
  // oldest), then reversed.
  double next_visit_days = span_days - random.between(0, 60);
  bool measured_height = false;
  const char* self = "self_reported";
  const char* clinical = "clinical";
  auto hours = [](double value) {
    return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(value * 3600));
  };
  for (std::int64_t event = 0; static_cast<std::int64_t>(out.size()) < count; ++event) {
    double day =
        span_days - 1 - (static_cast<double>(event) + random.between(0, 0.6)) * interval_days;
    double years = day / kDaysPerYear;
    // Mornings mostly, sometimes evenings.
    auto at = start + std::chrono::duration_cast<Clock::duration>(Days(std::floor(day))) +
              hours(random.chance(0.7) ? random.between(6.5, 9) : random.between(18, 21.5));
    // Blood pressure is higher in winter (northern hemisphere) and in the morning.
    double season = 4 * std::cos(2 * std::numbers::pi * day / kDaysPerYear);
    double systolic = std::max(95.0, patient.systolic + patient.systolic_trend * years) + season +
                      random.normal(0, 8);
    double diastolic =
        std::min(systolic - 25, 0.55 * systolic + patient.diastolic_offset + random.normal(0, 5));
    double weight = patient.weight_kg + patient.weight_trend * years;
    double hba1c = std::clamp(patient.hba1c + patient.hba1c_trend * years, 4.3, 13.0);
    double mean_glucose = 28.7 * hba1c - 46.7;  // ADAG relation between HbA1c and glucose
    add_reading(out, "8480-6", systolic, at, self, patient_id, patient_id);
    add_reading(out, "8462-4", diastolic, at, self, patient_id, patient_id);
    add_reading(out, "8867-4", patient.heart_rate + random.normal(0, 7), at, self, patient_id,
                patient_id);
    if (event % 4 == 0) {
      add_reading(out, "29463-7", weight + random.normal(0, 0.5), at, self, patient_id, patient_id);
    }
    if (patient.diabetic) {
      if (event % 2 == 0) {
        add_reading(out, "1558-6", mean_glucose * 0.85 + random.normal(0, 12), at, self, patient_id,
                    patient_id);
      } else {
        add_reading(out, "2339-0", mean_glucose + random.normal(0, 30), at, self, patient_id,
                    patient_id);
      }
    }
    if (day > next_visit_days) continue;
    next_visit_days -= random.between(75, 110);
    auto visit = at + std::chrono::hours(2);
    if (visits != nullptr) visits->push_back(visit);
    double visit_weight = weight + random.normal(0, 0.4);
    if (!measured_height) {
      add_reading(out, "8302-2", patient.height_cm, visit, clinical, patient_id, doctor_id);
      measured_height = true;
    }
    add_reading(out, "29463-7", visit_weight, visit, clinical, patient_id, doctor_id);
    add_reading(out, "39156-5", visit_weight / std::pow(patient.height_cm / 100.0, 2), visit,
                clinical, patient_id, doctor_id);
    add_reading(out, "8310-5",
                random.chance(0.03) ? random.normal(38.4, 0.4) : random.normal(36.7, 0.2), visit,
                clinical, patient_id, doctor_id);
    add_reading(out, "59408-5", patient.copd ? random.normal(92.5, 1.5) : random.normal(97.5, 1),
                visit, clinical, patient_id, doctor_id);
    add_reading(out, "9279-1", random.normal(patient.copd ? 19 : 15, 2), visit, clinical,
                patient_id, doctor_id);
    add_reading(out, "4548-4", hba1c + random.normal(0, 0.15), visit, clinical, patient_id,
                doctor_id);
    double ldl = patient.ldl + random.normal(0, 10), hdl = patient.hdl + random.normal(0, 4);
    double triglycerides = patient.triglycerides + random.normal(0, 25);
    add_reading(out, "2093-3", ldl + hdl + triglycerides / 5, visit, clinical, patient_id,
                doctor_id);
    add_reading(out, "2085-9", hdl, visit, clinical, patient_id, doctor_id);
    add_reading(out, "18262-6", ldl, visit, clinical, patient_id, doctor_id);
    add_reading(out, "2571-8", triglycerides, visit, clinical, patient_id, doctor_id);
    add_reading(out, "718-7", patient.hemoglobin + random.normal(0, 0.5), visit, clinical,
                patient_id, doctor_id);
    // Kidney function declines slowly with long-standing diabetes and hypertension.
    double kidney = (patient.diabetic && patient.hypertensive) ? 0.06 * years : 0;
    add_reading(out, "2160-0", patient.creatinine + kidney + random.normal(0, 0.05), visit,
                clinical, patient_id, doctor_id);
  }
  out.resize(static_cast<std::size_t>(count));
  std::reverse(out.begin(), out.end());
  if (visits != nullptr) {
    // Visits whose rows were cut with the oldest readings are dropped too.
    std::string oldest = out.empty() ? std::string() : out.front().effective_at;
    std::erase_if(*visits, [&oldest](Clock::time_point at) { return format_rfc3339(at) < oldest; });
    std::reverse(visits->begin(), visits->end());
  }
  return out;
}

namespace {

// Where the loader stands; ids are chosen up front from the largest id in use.
struct Plan {
  std::int64_t admin_id = 0, first_doctor_id = 0, first_patient_id = 0;
  int patients = 0;  // including the named demo patient and the timeline patient
  std::int64_t timeline_id = 0;
};

constexpr int kPatientsPerTransaction = 2000;
constexpr std::size_t kRowsPerInsert = 5000;

// The named demo patient's penicillin allergy: what the prescribing check and the doctor's
// banner show (amoxicillin for her is refused until a doctor overrides with a reason).
void add_named_allergy(DemoClinical& clinical) {
  records::Allergy penicillin;
  penicillin.substance = "Penicillin";
  penicillin.reaction = "Anaphylaxis (throat swelling) in 2015";
  penicillin.severity = "severe";
  auto& allergies = clinical.profile.allergies;
  allergies.erase(std::remove_if(allergies.begin(), allergies.end(),
                                 [](const auto& a) { return a.substance == "Penicillin"; }),
                  allergies.end());
  allergies.insert(allergies.begin(), std::move(penicillin));
  clinical.profile.no_known_allergies = false;
}

// The named demo patient reported chest pain three days ago: something for alerts to find.
void add_alerting_symptom(DemoClinical& clinical, std::int64_t patient_id, Clock::time_point end) {
  records::SymptomEntry symptom;
  symptom.patient_id = patient_id;
  symptom.symptom = "chest_pain";
  symptom.severity = 8;
  symptom.onset_at = format_rfc3339(end - std::chrono::hours(70));
  symptom.notes = "Tight feeling when climbing stairs";
  symptom.source = "self_reported";
  symptom.recorded_by = patient_id;
  symptom.recorded_at = format_rfc3339(end - std::chrono::hours(69));
  clinical.symptoms.push_back(std::move(symptom));
}

void insert_observations(db::Lease& lease, std::vector<records::Observation>& pending, bool flush) {
  if (pending.size() < kRowsPerInsert && !(flush && !pending.empty())) return;
  records::bulk::insert_observations(lease, pending);
  pending.clear();
}

// Maria asks her endocrinologist about her readings; his latest answer is still unread, so the
// Messages page has something to show on the first sign-in.
std::vector<chat::bulk::Line> demo_conversation(std::int64_t maria, std::int64_t doctor,
                                                Clock::time_point now) {
  auto at = [&](int hours_ago) { return format_rfc3339(now - std::chrono::hours(hours_ago)); };
  return {
      {maria, at(50),
       "Good morning Dr. Schneider. My sugar readings before breakfast have been higher this "
       "week. Should I change anything before my next appointment?"},
      {doctor, at(47),
       "Thank you for writing, Maria. Please keep taking your medicines as prescribed and note "
       "what you eat for the next few days. We will look at it together at your appointment."},
      {maria, at(46), "I will, thank you."},
      {doctor, at(3),
       "Your latest HbA1c result is in your record. Nothing urgent: I would like to go through "
       "it with you at your next visit."},
  };
}

}  // namespace

std::string demo_credentials() {
  std::ostringstream out;
  out << "Demo clinic: every account's password is " << kDemoPassword << "\n"
      << "  admin    " << email("admin")
      << "  (on the first sign-in the web app sets up two-step sign-in: have an "
         "authenticator app ready)\n";
  for (const Staff& doctor : kDoctors) {
    out << "  doctor   " << email(doctor.local) << "  (" << doctor.full_name << ", "
        << doctor.specialty << ")\n";
  }
  out << "  patient  " << email("patient")
      << "  (Maria Gonçalves: hypertension and type 2 diabetes, severe penicillin allergy, "
         "three years of readings, chest pain three days ago, an unread message from Dr. "
         "Schneider)\n";
  return out.str();
}

Result<DemoReport> load_demo_data(db::Pool& pool, const identity::KeyRing& key,
                                  const identity::PasswordCost& cost, const DemoOptions& options,
                                  std::ostream& progress) {
  auto started = std::chrono::steady_clock::now();
  DemoReport report;
  Plan plan;
  auto checked = db::with_connection(pool, [&](db::Lease& lease) -> Status {
    if (identity::bulk::load_sealed(lease, kDemoAction)) {
      report.note = "the demo clinic is already loaded";
      return Ok{};
    }
    if (identity::bulk::account_exists(lease, email("admin"))) {
      return Error::conflict(
          "an earlier demo-data run did not finish: load the demo into a fresh database");
    }
    auto accounts = identity::bulk::accounts_state(lease);
    if (accounts.count > 0 && options.only_if_empty) {
      report.note = "the database already has accounts; demo data not loaded";
      return Ok{};
    }
    plan.admin_id = accounts.max_id + 1;
    plan.first_doctor_id = plan.admin_id + 1;
    plan.first_patient_id = plan.first_doctor_id + static_cast<std::int64_t>(kDoctors.size());
    plan.patients = 1 + options.patients + (options.timeline_entries > 0 ? 1 : 0);
    if (options.timeline_entries > 0) plan.timeline_id = plan.first_patient_id + plan.patients - 1;
    return Ok{};
  });
  if (!checked.ok()) return checked.error();
  if (!report.note.empty()) return report;

  progress << "hashing the demo password (argon2id)\n" << std::flush;
  std::string hash = identity::hash_password(kDemoPassword, cost);
  auto now = Clock::now();
  const Clock::time_point end =
      options.end.value_or(Clock::time_point(std::chrono::floor<std::chrono::days>(now)));
  std::string now_text = format_rfc3339(now);
  const std::int64_t generated = options.patients;
  auto readings_for = [&](std::int64_t ordinal) -> std::int64_t {
    if (options.observations <= 0)
      return 700 + static_cast<std::int64_t>(mix(options.seed, ordinal) % 600);
    std::int64_t base = options.observations / std::max<std::int64_t>(1, generated);
    return base + (ordinal < options.observations % std::max<std::int64_t>(1, generated) ? 1 : 0);
  };

  auto staff = db::with_connection(pool, [&](db::Lease& lease) -> Status {
    db::Transaction tx(lease);
    identity::bulk::AccountBatch accounts;
    accounts.add_account(plan.admin_id, email("admin"), hash, "admin", "Ada Admin (demo)",
                         now_text);
    for (std::size_t idx = 0; idx < kDoctors.size(); ++idx) {
      accounts.add_account(plan.first_doctor_id + static_cast<std::int64_t>(idx),
                           email(kDoctors[idx].local), hash, "doctor", kDoctors[idx].full_name,
                           now_text);
    }
    for (std::size_t idx = 0; idx < kDoctors.size(); ++idx) {
      accounts.add_approved_doctor(plan.first_doctor_id + static_cast<std::int64_t>(idx),
                                   "DEMO-" + std::to_string(1001 + idx), kDoctors[idx].specialty,
                                   kClinic, plan.admin_id, now_text);
    }
    accounts.insert(lease);
    tx.commit();
    return Ok{};
  });
  if (!staff.ok()) return staff.error();

  const std::int64_t cardiology = plan.first_doctor_id, endocrinology = plan.first_doctor_id + 1,
                     general = plan.first_doctor_id + 2;
  std::vector<std::pair<std::int64_t, std::int64_t>> patient_doctor;  // whom each one sees
  for (int first = 0; first < plan.patients; first += kPatientsPerTransaction) {
    int last = std::min(plan.patients, first + kPatientsPerTransaction);
    std::int64_t rows = 0;
    auto batch = db::with_connection(pool, [&](db::Lease& lease) -> Status {
      db::Transaction tx(lease);
      // Accounts, profiles and links first (the readings refer to them), then the readings.
      identity::bulk::AccountBatch accounts;
      std::vector<std::int64_t> ids;
      std::vector<std::pair<DemoPatient, std::int64_t>> planned;  // patient, reading count
      for (int ordinal = first; ordinal < last; ++ordinal) {
        std::int64_t id = plan.first_patient_id + ordinal;
        DemoPatient patient = plan_patient(options.seed, ordinal);
        std::int64_t count = readings_for(ordinal - 1);
        std::string local = patient.email_local;
        if (ordinal == 0) {  // the named demo patient: both conditions, three years of data
          patient.full_name = "Maria Gonçalves";
          patient.sex = "female";
          patient.hypertensive = patient.diabetic = true;
          patient.systolic = 152;
          patient.systolic_trend = 1.5;
          patient.hba1c = 7.4;
          patient.hba1c_trend = 0.2;
          local = "patient";
          count = 1200;
        } else if (id == plan.timeline_id) {
          patient.full_name = "Tim Eline";
          local = "timeline";
          count = options.timeline_entries;
        }
        accounts.add_account(id, email(local), hash, "patient", patient.full_name, now_text);
        accounts.add_patient_profile(id, patient.date_of_birth, patient.sex, patient.phone);
        accounts.add_care_link(id, cardiology, "patient", now_text);
        accounts.add_care_link(id, patient.diabetic ? endocrinology : general, "patient", now_text);
        ids.push_back(id);
        planned.emplace_back(std::move(patient), count);
      }
      accounts.insert(lease);
      std::vector<records::Observation> pending;
      for (std::size_t idx = 0; idx < planned.size(); ++idx) {
        const auto& [patient, count] = planned[idx];
        std::int64_t id = ids[idx];
        std::int64_t doctor =
            patient.hypertensive ? cardiology : (patient.diabetic ? endocrinology : general);
        patient_doctor.emplace_back(id, doctor);
        std::vector<Clock::time_point> visits;
        auto readings = patient_readings(patient, options.seed, id, doctor, count, end, &visits);
        rows += static_cast<std::int64_t>(readings.size());
        std::move(readings.begin(), readings.end(), std::back_inserter(pending));
        insert_observations(lease, pending, false);
        DemoClinical clinical = patient_clinical(patient, options.seed, id, doctor, visits, end);
        if (idx == 0 && first == 0) {
          add_alerting_symptom(clinical, id, end);
          add_named_allergy(clinical);
        }
        records::bulk::insert_clinical_history(lease, id, clinical, now_text);
      }
      insert_observations(lease, pending, true);
      tx.commit();
      return Ok{};
    });
    if (!batch.ok()) return batch.error();
    report.observations += rows;
    report.patients = last;
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    progress << "patients " << last << "/" << plan.patients << ", observations "
             << report.observations << ", " << static_cast<long long>(seconds) << " s, "
             << static_cast<long long>(report.observations / std::max(seconds, 0.001))
             << " rows/s\n"
             << std::flush;
  }

  // Scheduling: the directory (clinics in two cities, every doctor placed with hours) and a few
  // weeks of appointments around today.
  progress << "placing doctors and booking appointments\n" << std::flush;
  auto booked = load_demo_care(pool, {cardiology, endocrinology, general}, patient_doctor, now);
  if (!booked.ok()) return booked.error();
  report.appointments = *booked;

  // The pharmacy: the medicines table as the catalogue, with demo prices and stock.
  if (!options.datasets_dir.empty()) {
    progress << "stocking the pharmacy from the medicines table\n" << std::flush;
    auto stocked = load_demo_pharmacy(pool, key, plan.admin_id, options, progress);
    if (!stocked.ok()) return stocked.error();
    if (!stocked->note.empty()) progress << stocked->note << "\n" << std::flush;
    report.medicines = stocked->items;
    report.lots = stocked->lots;
  }

  // Messages: Maria and her endocrinologist have written to each other; his latest is unread.
  progress << "writing the demo conversation\n" << std::flush;
  auto chatted = db::with_connection(pool, [&](db::Lease& lease) -> Status {
    db::Transaction tx(lease);
    chat::bulk::insert_conversation(lease, plan.first_patient_id, endocrinology,
                                    plan.first_patient_id,
                                    demo_conversation(plan.first_patient_id, endocrinology, now));
    tx.commit();
    return Ok{};
  });
  if (!chatted.ok()) return chatted.error();

  // The name search's index (what sign-up writes for one account), for every new patient.
  progress << "indexing patient names for search\n" << std::flush;
  if (auto indexed = identity::bulk::index_names(pool); !indexed.ok()) return indexed.error();
  auto sealed = db::with_connection(pool, [&](db::Lease& lease) -> Status {
    db::Transaction tx(lease);
    identity::bulk::seal_load(lease, key, kDemoAction,
                              std::to_string(report.patients) + " patients");
    tx.commit();
    return Ok{};
  });
  if (!sealed.ok()) return sealed.error();
  if (pool.dialect() == db::Dialect::kPostgresql) {
    progress << "updating the planner's statistics\n" << std::flush;
    if (auto analyzed = db::update_planner_statistics(pool); !analyzed.ok()) {
      return analyzed.error();
    }
  }
  report.created = true;
  report.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return report;
}

}  // namespace vitalis::app
