// Bulk loading of care's directory and appointments, for `vitalis demo-data` (and future imports)
// only: in the caller's transaction through care's own statements, skipping what the service does
// per row (access checks, one audit row each); the loader audits the load as a whole. The
// database's overlap guards still check every appointment. No other caller.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "care/model.hpp"
#include "db/database.hpp"

namespace vitalis::care::bulk {

// Where a doctor practises: clinics by their index in Directory::clinics, with weekly hours.
struct Placement {
  std::int64_t doctor_id = 0;
  std::vector<std::string> specialties;  // names from Directory::specialties
  std::vector<std::pair<std::size_t, std::vector<WeeklyHours>>> clinics;
};

struct Directory {
  std::vector<std::string> specialties;
  std::vector<Clinic> clinics;
  std::vector<Placement> placements;
};

// Stores it; returns the clinics' ids in the order given.
std::vector<std::int64_t> insert_directory(db::Lease& lease, const Directory& directory);

// Books, for each (patient, doctor) pair in turn, the doctor's next slot from their stored hours in
// [from, to) that neither has taken yet, round robin, up to `per_pair` each; appointments that
// started before `now` are stored completed. Returns how many were stored.
std::int64_t book_demo_appointments(
    db::Lease& lease, const std::vector<std::pair<std::int64_t, std::int64_t>>& patient_doctor,
    std::int64_t from, std::int64_t to, std::int64_t now, int per_pair, const std::string& at);

// The test catalogue and what the centres offer: offers and hours by the centre's id.
struct TestCentreSetup {
  std::int64_t centre_id = 0;
  std::vector<std::pair<std::string, int>> offers;  // test code, places per hour
  std::vector<CentreHours> hours;
};

// Stores the tests and the centres' offers and hours; returns the tests' ids by code.
std::map<std::string, std::int64_t> insert_tests(db::Lease& lease,
                                                 const std::vector<DiagnosticTest>& tests,
                                                 const std::vector<TestCentreSetup>& centres);

// Books each patient one test (`code`) at `centre_id` in the centre's first free hour from
// `from`, one patient an hour, each with a unique token. Returns how many were stored.
std::int64_t book_demo_tests(db::Lease& lease, const std::vector<std::int64_t>& patients,
                             std::int64_t centre_id, std::int64_t test_id, std::int64_t from,
                             const std::string& at);

}  // namespace vitalis::care::bulk
