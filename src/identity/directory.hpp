// The patient directory: staff find patients by name (every word of the query starts a word of
// the name; case and accents ignored) or by number, and other modules look up, a page at a time,
// the names, demographics and care links they show beside their own rows. Identity owns the
// accounts, profiles, care links and name index these read. Every function runs in the caller's
// lease (and transaction), so a module's page costs one connection and one query per look-up;
// stateless and safe from any thread, one lease per call.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "db/database.hpp"
#include "identity/model.hpp"

namespace vitalis::identity {

// A patient as staff see them in lists. Demographics only: no health data.
struct PatientCard {
  std::int64_t id = 0;
  std::string full_name, date_of_birth, sex;
  bool linked = false;  // on the asking doctor's care team
};

// Open alerts per patient (or any count the caller keeps): patients missing from the map rank 0.
using PatientRank = std::function<std::map<std::int64_t, std::int64_t>(
    db::Lease& lease, const std::vector<std::int64_t>& patient_ids)>;

struct PatientQuery {
  std::string text;            // name prefix(es) or a patient number
  std::optional<bool> linked;  // doctors: only linked / only not linked; empty: both
  std::string cursor;          // next_cursor of the previous page
  int limit = 20;
  // Set: the doctor's own patients (needs linked=true), highest rank first, then by name.
  PatientRank rank;
  std::string rank_name;  // what the rank counts, for messages ("open alerts")
};

struct PatientCardPage {
  std::vector<PatientCard> items;
  std::string next_cursor;  // empty on the last page
};

// Where to reach an account (alert emails and notifications).
struct Contact {
  std::int64_t account_id = 0;
  std::string email, full_name;
};

namespace directory {

// Doctors and admins (the route checks): 422 for a query that names nobody or a bad cursor. A
// doctor's name query finds only their own patients; others only by exact patient number
// (linked=false with a name: 422). Not audited here: the caller audits the search (who and when,
// never what for) and the patients it showed who are not the caller's own.
Result<PatientCardPage> search(db::Lease& lease, const Principal& principal,
                               const PatientQuery& query);

// The patients among `ids` (active or not), by id; `linked` against `doctor_id` (0: none).
// One query for the whole list.
std::vector<PatientCard> patients(db::Lease& lease, const std::vector<std::int64_t>& ids,
                                  std::int64_t doctor_id);
// Full names of any accounts among `ids`; unknown ids are left out. One query.
std::map<std::int64_t, std::string> names(db::Lease& lease, const std::vector<std::int64_t>& ids);
// Full names of the approved doctors with active accounts among `ids` (whom patients may book).
// One query.
std::map<std::int64_t, std::string> active_doctor_names(db::Lease& lease,
                                                        const std::vector<std::int64_t>& ids);

// The doctor's patients (active care links), by id.
std::vector<std::int64_t> linked_patient_ids(db::Lease& lease, std::int64_t doctor_id);
bool linked(db::Lease& lease, std::int64_t patient_id, std::int64_t doctor_id);
// Active doctors on the patient's care team, by id.
std::vector<Contact> care_team_contacts(db::Lease& lease, std::int64_t patient_id);
// The patient themself, when their account is active.
std::optional<Contact> patient_contact(db::Lease& lease, std::int64_t patient_id);

// Indexes the names of patients not in the search index yet (rows older than migration 0006),
// in transactions of its own; returns how many. Safe to run on every start (serve does) and from
// several processes.
Result<std::int64_t> backfill_search_names(db::Pool& pool);

}  // namespace directory

}  // namespace vitalis::identity
