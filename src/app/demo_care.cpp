// The demo's scheduling: a believable directory in two cities and a few weeks of bookings,
// loaded through care's bulk loader (care owns its tables; app never writes them).
#include <algorithm>

#include "app/demo_data.hpp"
#include "care/bulk.hpp"
#include "core/time.hpp"

namespace vitalis::app {

namespace {

care::Clinic clinic(const char* kind, const char* name, const char* address, const char* city,
                    const char* postcode, double lat, double lon, const char* phone,
                    std::vector<std::string> services, const std::string& at) {
  care::Clinic out;
  out.kind = kind;
  out.name = name;
  out.address = address;
  out.city = city;
  out.postcode = postcode;
  out.latitude = lat;
  out.longitude = lon;
  out.phone = phone;
  out.opening_hours = std::string(kind) == "hospital" ? "Open 24 hours" : "Mon-Fri 08:00-18:00";
  out.time_zone = "Europe/London";
  out.services = std::move(services);
  out.updated_at = at;
  return out;
}

// Weekday sessions: `days` (ISO weekdays), local start and end in minutes, slot length.
std::vector<care::WeeklyHours> week(std::initializer_list<int> days, int start, int end, int slot) {
  std::vector<care::WeeklyHours> out;
  for (int day : days) out.push_back({day, start, end, slot, 0});
  return out;
}

// The demo's test catalogue: prices in pence, preparation as a patient reads it.
std::vector<care::DiagnosticTest> demo_tests() {
  auto test = [](const char* code, const char* name, const char* category, int minutes,
                 std::int64_t pence, const char* preparation) {
    care::DiagnosticTest out;
    out.code = code;
    out.name = name;
    out.category = category;
    out.duration_minutes = minutes;
    out.price_minor = pence;
    out.currency = "GBP";
    out.preparation = preparation;
    return out;
  };
  return {
      test("full-blood-count", "Full blood count", "blood", 10, 2900, ""),
      test("hba1c", "HbA1c (average blood sugar over 2-3 months)", "blood", 10, 3500,
           "No need to fast. Take your usual medicines."),
      test("lipid-profile", "Lipid profile (cholesterol)", "blood", 10, 3900,
           "Do not eat for 10 to 12 hours before the test; water is fine."),
      test("x-ray-chest", "Chest X-ray", "imaging", 15, 9500,
           "Wear clothes without metal (zips, buttons); tell staff if you may be pregnant."),
      test("ecg", "ECG (heart tracing)", "cardiac", 20, 7500,
           "Avoid creams or lotion on your chest on the day."),
      test("ct-head", "CT scan of the head", "imaging", 30, 45000,
           "Tell staff about allergies, kidney problems or a possible pregnancy."),
      test("mri-knee", "MRI scan of the knee", "imaging", 45, 52000,
           "Remove all metal; tell staff about pacemakers, implants or metal fragments."),
      test("health-check", "Health check-up (bloods, blood pressure, BMI)", "check_up", 60, 15000,
           "Do not eat for 10 hours before; bring a list of your medicines."),
  };
}

}  // namespace

Result<std::int64_t> load_demo_care(db::Pool& pool, const std::vector<std::int64_t>& doctors,
                                    const std::vector<std::pair<std::int64_t, std::int64_t>>& pairs,
                                    Clock::time_point now) {
  std::string at = format_rfc3339(now);
  care::bulk::Directory directory;
  directory.specialties = {"Cardiology",       "Dermatology", "Endocrinology",
                           "General practice", "Neurology",   "Radiology"};
  directory.clinics = {
      clinic("clinic", "Vitalis Demo Clinic", "12 Clerkenwell Road", "London", "EC1M 5PA", 51.5226,
             -0.1037, "+44 20 7946 0101", {"Cardiology clinic", "Diabetes clinic", "GP"}, at),
      clinic("hospital", "St Bartholomew's Heart Centre", "West Smithfield", "London", "EC1A 7BE",
             51.5175, -0.1000, "+44 20 7946 0102", {"Cardiology", "ECG", "Echocardiography"}, at),
      clinic("diagnostic_centre", "Thames Diagnostics", "30 Borough High Street", "London",
             "SE1 1XU", 51.5040, -0.0910, "+44 20 7946 0103",
             {"Blood tests", "HbA1c", "Lipid profile", "X-ray", "ECG"}, at),
      clinic("clinic", "Piccadilly Medical Centre", "1 Piccadilly Gardens", "Manchester", "M1 1RG",
             53.4810, -2.2370, "+44 161 496 0201", {"GP", "Diabetes clinic"}, at),
      clinic("hospital", "Northern Heart Hospital", "Oxford Road", "Manchester", "M13 9WL", 53.4620,
             -2.2270, "+44 161 496 0202", {"Cardiology", "Endocrinology"}, at),
      clinic("diagnostic_centre", "Manchester Imaging Centre", "10 Deansgate", "Manchester",
             "M3 2BW", 53.4830, -2.2490, "+44 161 496 0203",
             {"CT", "MRI", "X-ray", "Health check-up"}, at),
  };
  // Cardiology in London (clinic mornings, hospital afternoons); endocrinology in London and
  // Manchester; general practice in both cities' clinics.
  directory.placements = {
      {doctors.at(0),
       {"Cardiology"},
       {{0, week({1, 2, 3, 4, 5}, 9 * 60, 12 * 60 + 30, 20)},
        {1, week({2, 4}, 14 * 60, 17 * 60, 30)}}},
      {doctors.at(1),
       {"Endocrinology"},
       {{0, week({1, 3, 5}, 9 * 60, 13 * 60, 30)}, {4, week({2, 4}, 9 * 60, 16 * 60, 30)}}},
      {doctors.at(2),
       {"General practice"},
       {{0, week({1, 2, 3, 4, 5}, 14 * 60, 18 * 60, 15)},
        {3, week({1, 2, 3, 4, 5}, 8 * 60, 12 * 60, 15)}}},
  };
  std::int64_t today =
      std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  return db::with_connection(pool, [&](db::Lease& lease) -> Result<std::int64_t> {
    db::Transaction tx(lease);
    auto clinic_ids = care::bulk::insert_directory(lease, directory);
    std::int64_t booked = care::bulk::book_demo_appointments(lease, pairs, today - 14 * 86400,
                                                             today + 14 * 86400, today, 2, at);
    // Diagnostic tests at the two centres (indexes 2 and 5), weekdays 08:00-17:00 in London and
    // 08:00-13:00 in Manchester (Saturday mornings too); the demo patients each have one booked.
    auto weekdays = [](std::initializer_list<int> days, int start, int end) {
      std::vector<care::CentreHours> out;
      for (int day : days) out.push_back({day, start, end});
      return out;
    };
    auto tests = care::bulk::insert_tests(
        lease, demo_tests(),
        {{clinic_ids.at(2),
          {{"full-blood-count", 6},
           {"hba1c", 6},
           {"lipid-profile", 6},
           {"x-ray-chest", 3},
           {"ecg", 2},
           {"health-check", 1}},
          weekdays({1, 2, 3, 4, 5}, 8 * 60, 17 * 60)},
         {clinic_ids.at(5),
          {{"x-ray-chest", 4}, {"ct-head", 1}, {"mri-knee", 1}, {"health-check", 2}},
          weekdays({1, 2, 3, 4, 5, 6}, 8 * 60, 13 * 60)}});
    std::vector<std::int64_t> patients;
    for (const auto& [patient, doctor] : pairs) {
      if (std::find(patients.begin(), patients.end(), patient) == patients.end()) {
        patients.push_back(patient);
      }
    }
    booked += care::bulk::book_demo_tests(lease, patients, clinic_ids.at(2), tests.at("hba1c"),
                                          today + 86400, at);
    tx.commit();
    return booked;
  });
}

}  // namespace vitalis::app
