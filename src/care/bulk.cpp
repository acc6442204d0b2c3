// Bulk loading of the directory and demo appointments; see bulk.hpp.
#include "care/bulk.hpp"

#include <algorithm>
#include <map>

#include "care/service.hpp"
#include "care/slots.hpp"
#include "care/store.hpp"
#include "care/store_appointments.hpp"
#include "care/store_diagnostics.hpp"

namespace vitalis::care::bulk {

std::vector<std::int64_t> insert_directory(db::Lease& lease, const Directory& directory) {
  std::map<std::string, std::int64_t> specialty_ids;
  for (const auto& name : directory.specialties) {
    specialty_ids[name] = store::insert_specialty(lease, name);
  }
  std::vector<std::int64_t> clinic_ids;
  for (const auto& clinic : directory.clinics) {
    clinic_ids.push_back(store::insert_clinic(lease, clinic));
  }
  for (const auto& placement : directory.placements) {
    PracticeInput practice;
    for (const auto& [index, hours] : placement.clinics) {
      practice.clinic_ids.push_back(clinic_ids.at(index));
    }
    for (const auto& name : placement.specialties) {
      practice.specialty_ids.push_back(specialty_ids.at(name));
    }
    store::set_practice(lease, placement.doctor_id, practice);
    for (const auto& [index, hours] : placement.clinics) {
      store::set_weekly_hours(lease, placement.doctor_id, clinic_ids.at(index), hours);
    }
  }
  return clinic_ids;
}

std::int64_t book_demo_appointments(
    db::Lease& lease, const std::vector<std::pair<std::int64_t, std::int64_t>>& patient_doctor,
    std::int64_t from, std::int64_t to, std::int64_t now, int per_pair, const std::string& at) {
  // Each doctor's slots over the window, from their stored hours (no exceptions in the demo).
  std::map<std::int64_t, std::vector<Slot>> free;
  std::map<std::int64_t, std::size_t> next;
  for (const auto& [patient, doctor] : patient_doctor) {
    if (free.count(doctor) != 0) continue;
    std::vector<slots::ClinicAvailability> availability;
    auto hours = store::weekly_hours(lease, doctor);
    for (const auto& [clinic_id, zone] : store::clinics_of_doctor(lease, doctor)) {
      slots::ClinicAvailability one{clinic_id, zone, {}, {}};
      for (const auto& [at_clinic, row] : hours) {
        if (at_clinic == clinic_id) one.weekly.push_back(row);
      }
      availability.push_back(std::move(one));
    }
    free[doctor] = slots::free_slots(availability, {}, from, to, from);
  }
  // Spread each doctor's bookings evenly over the window, past and future.
  std::map<std::int64_t, std::size_t> wanted, stride;
  for (const auto& pair : patient_doctor) wanted[pair.second] += per_pair;
  for (const auto& [doctor, count] : wanted) {
    stride[doctor] =
        std::max<std::size_t>(1, free[doctor].size() / std::max<std::size_t>(1, count));
  }
  std::map<std::int64_t, std::vector<slots::Busy>> patient_busy;
  std::int64_t stored = 0;
  for (int round = 0; round < per_pair; ++round) {
    for (const auto& [patient, doctor] : patient_doctor) {
      auto& open = free[doctor];
      auto& busy = patient_busy[patient];
      // The doctor's next slot at its stride, skipping the patient's clashes.
      std::size_t& index = next[doctor];
      while (index < open.size() &&
             std::any_of(busy.begin(), busy.end(), [&](const slots::Busy& b) {
               return b.starts_at < open[index].ends_at && b.ends_at > open[index].starts_at;
             })) {
        index += 1;
      }
      if (index >= open.size()) continue;
      const Slot slot = open[index];
      index += stride[doctor];
      Appointment row;
      row.doctor_id = doctor;
      row.patient_id = patient;
      row.clinic_id = slot.clinic_id;
      row.starts_at = slot.starts_at;
      row.ends_at = slot.ends_at;
      row.mode = stored % 4 == 3 ? "telehealth" : "in_person";
      row.reason = "Follow-up visit";
      row.booked_by = patient;
      row.booked_at = at;
      auto inserted = store::insert_appointment(lease, row);
      if (inserted.overlap != store::Overlap::kNone) continue;  // not reached: clashes skipped
      busy.push_back({slot.starts_at, slot.ends_at});
      if (slot.ends_at <= now) store::set_status(lease, inserted.id, "completed", doctor, at, "");
      ++stored;
    }
  }
  return stored;
}

std::map<std::string, std::int64_t> insert_tests(db::Lease& lease,
                                                 const std::vector<DiagnosticTest>& tests,
                                                 const std::vector<TestCentreSetup>& centres) {
  std::map<std::string, std::int64_t> ids;
  for (const auto& test : tests) {
    if (auto id = store::insert_test(lease, test)) ids[test.code] = *id;
  }
  for (const auto& centre : centres) {
    std::vector<TestOffer> offers;
    for (const auto& [code, per_hour] : centre.offers) {
      offers.push_back({centre.centre_id, ids.at(code), per_hour});
    }
    store::set_offers(lease, centre.centre_id, offers);
    store::set_centre_hours(lease, centre.centre_id, centre.hours);
  }
  return ids;
}

std::int64_t book_demo_tests(db::Lease& lease, const std::vector<std::int64_t>& patients,
                             std::int64_t centre_id, std::int64_t test_id, std::int64_t from,
                             const std::string& at) {
  auto centre = store::find_clinic(lease, centre_id);
  auto test = store::find_test(lease, test_id);
  if (!centre || !test) return 0;
  slots::ClinicAvailability availability{centre_id, centre->time_zone, {}, {}};
  for (const auto& row : store::centre_hours(lease, centre_id)) {
    availability.weekly.push_back({row.weekday, row.start_minute, row.end_minute, 60, 0});
  }
  int per_hour = 0;
  for (const auto& offer : store::offers_of_centre(lease, centre_id)) {
    if (offer.test_id == test_id) per_hour = offer.per_hour;
  }
  auto hours = slots::free_slots({availability}, {}, from, from + 14 * 86400, from);
  std::int64_t stored = 0;
  for (std::size_t index = 0; index < patients.size() && index < hours.size(); ++index) {
    TestBooking row;
    row.patient_id = patients[index];
    row.centre_id = centre_id;
    row.test_id = test_id;
    row.starts_at = hours[index].starts_at;
    row.price_minor = test->price_minor;
    row.currency = test->currency;
    row.booked_by = patients[index];
    row.booked_at = at;
    row.token = new_booking_token();
    // One loader, nothing concurrent: the place first, then the row (a token clash skips it).
    if (!store::reserve(lease, centre_id, test_id, row.starts_at, per_hour)) continue;
    if (!store::insert_booking(lease, row)) {
      store::release(lease, centre_id, test_id, row.starts_at);
      continue;
    }
    ++stored;
  }
  return stored;
}

}  // namespace vitalis::care::bulk
