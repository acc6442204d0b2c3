// Care service: the directory (specialties, clinics, where doctors practise), doctors'
// availability (weekly hours, exceptions), free slots in each clinic's local time, and
// appointments that the database never lets overlap (a conflict answers 409 with the doctor's
// nearest free slots). Each write runs in one transaction with its audit row; reads do not audit
// themselves (the routes declare their read audit). Doctors' accounts are identity's, reached
// through its service. Knows nothing of HTTP. Safe for concurrent use: state is in the database.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "care/model.hpp"
#include "care/tokens.hpp"
#include "core/error.hpp"
#include "db/database.hpp"
#include "identity/model.hpp"
#include "identity/service.hpp"

namespace vitalis::care {

// The longest range free slots are computed for at once.
inline constexpr std::int64_t kMaxSlotRangeDays = 31;

// The error with the field it concerns (every 4xx of care names one).
inline Error about(Error error, std::string field) {
  error.field = std::move(field);
  return error;
}

class CareService {
 public:
  CareService(db::Pool& pool, identity::IdentityService& identity);

  identity::IdentityService& identity() const { return identity_; }
  // The clock (Unix seconds) bookings are checked against; tests set it.
  void set_clock(std::function<std::int64_t()> now) { now_ = std::move(now); }
  // Where the web app lives, for the links in emails (--public-url).
  void set_public_url(std::string url) { public_url_ = std::move(url); }

  // --- directory (service.cpp) ----------------------------------------------------------------
  Result<std::vector<Specialty>> specialties();
  Result<Specialty> add_specialty(const identity::Caller& admin, const std::string& name);
  Result<Clinic> create_clinic(const identity::Caller& admin, const ClinicInput& input);
  // Changes the fields given; `active: false` deactivates (clinics are never deleted).
  Result<Clinic> update_clinic(const identity::Caller& admin, std::int64_t clinic_id,
                               const ClinicInput& input);
  // Clinics matching every filter given, with their doctors; nearest first (with the distance)
  // when a point is given, else by name.
  Result<std::vector<DirectoryEntry>> search(const identity::Caller& caller,
                                             const DirectoryQuery& query);
  // Admin: where an approved doctor practises and their specialties (replaces both).
  Status set_practice(const identity::Caller& admin, std::int64_t doctor_id,
                      const PracticeInput& input);

  // --- availability (service.cpp) -------------------------------------------------------------
  // The doctor themself or an admin: replaces the doctor's weekly hours at one of their clinics.
  Status set_weekly_hours(const identity::Caller& caller, std::int64_t doctor_id,
                          std::int64_t clinic_id, const std::vector<WeeklyHours>& hours);
  // leave / extra: the doctor themself or an admin; closed (a clinic on dates): an admin.
  Result<AvailabilityException> add_exception(const identity::Caller& caller,
                                              AvailabilityException exception);
  // Free slots starting in [from, to) (at most kMaxSlotRangeDays), none in the past.
  Result<std::vector<Slot>> free_slots(std::int64_t doctor_id, std::int64_t from, std::int64_t to);
  // The doctor's next `count` free slots from `from` (looking up to 62 days ahead).
  Result<std::vector<Slot>> next_free_slots(std::int64_t doctor_id, std::int64_t from, int count);

  // --- appointments (appointments.cpp) --------------------------------------------------------
  // A patient books for themself, a doctor for a patient on their care team in their own diary.
  // The time must be one of the doctor's slots (422 naming starts_at otherwise); when it is taken
  // (or the patient is busy then) 409 with up to three alternatives (Error::suggestions: the
  // doctor's nearest free starts). With an idempotency key, the first answer of (caller, key) is
  // returned again and nothing more is booked. The doctor joins the patient's care team.
  Result<Booked> book(const identity::Caller& caller, const BookingInput& input);
  // The patient, the doctor or an admin; `reason` is required.
  Result<Appointment> cancel(const identity::Caller& caller, std::int64_t appointment_id,
                             const std::string& reason);
  // completed | no_show: the doctor or an admin, once the appointment has started.
  Result<Appointment> set_outcome(const identity::Caller& caller, std::int64_t appointment_id,
                                  const std::string& status);
  // The patient or the doctor: moves the appointment to another free slot of its doctor in one
  // statement (409 with alternatives, the old time kept, when the new one is taken).
  Result<Appointment> reschedule(const identity::Caller& caller, std::int64_t appointment_id,
                                 std::int64_t starts_at);
  // A patient's appointments starting from `from`, soonest first (the route audits the read).
  Result<std::vector<Appointment>> patient_appointments(std::int64_t patient_id, std::int64_t from,
                                                        int limit);
  // A doctor's diary in [from, to) (at most kMaxSlotRangeDays): the doctor or an admin.
  Result<std::vector<Appointment>> doctor_agenda(const identity::Caller& caller,
                                                 std::int64_t doctor_id, std::int64_t from,
                                                 std::int64_t to);

  // --- diagnostic tests (diagnostics.cpp) -----------------------------------------------------
  // The catalogue by name; inactive tests for admins only.
  Result<std::vector<DiagnosticTest>> tests(const identity::Caller& caller);
  Result<DiagnosticTest> create_test(const identity::Caller& admin, const TestInput& input);
  // Changes the fields given; `active: false` retires the test (never deleted).
  Result<DiagnosticTest> update_test(const identity::Caller& admin, std::int64_t test_id,
                                     const TestInput& input);
  // Admin: the tests a diagnostic centre offers, with places per hour (replaces the list).
  Status set_offers(const identity::Caller& admin, std::int64_t centre_id,
                    const std::vector<TestOffer>& offers);
  // Admin: the weekly hours a diagnostic centre takes test bookings (replaces them).
  Status set_centre_hours(const identity::Caller& admin, std::int64_t centre_id,
                          const std::vector<CentreHours>& hours);
  Result<CentreOffers> centre_offers(std::int64_t centre_id);
  // The active centres offering an active test: nearest first with the distance when a point is
  // given, else by name.
  Result<std::vector<TestCentre>> centres_for_test(std::int64_t test_id,
                                                   std::optional<double> latitude,
                                                   std::optional<double> longitude);
  // The hours of a test at a centre starting in [from, to) (at most kMaxSlotRangeDays), none in
  // the past, with the places left (full hours too, with 0).
  Result<std::vector<TestHour>> test_hours(std::int64_t centre_id, std::int64_t test_id,
                                           std::int64_t from, std::int64_t to);
  // A patient books a test in an hour the centre offers it: one place taken under the
  // database's guard (409 naming starts_at, with the next hours that have places, when full),
  // a unique token, and an email with the token. The same patient, test and hour again answers
  // the booking already made.
  Result<TestBooking> book_test(const identity::Caller& caller, std::int64_t centre_id,
                                std::int64_t test_id, std::int64_t starts_at);
  // The patient or an admin; the place returns. `reason` is required.
  Result<TestBooking> cancel_test(const identity::Caller& caller, std::int64_t booking_id,
                                  const std::string& reason);
  // Admins, or doctors who practise at the booking's centre: from two hours before its hour to
  // twelve after.
  Result<TestBooking> check_in(const identity::Caller& caller, std::string_view token);
  // A patient's test bookings from `from`, soonest first (the route audits the read).
  Result<std::vector<TestBooking>> patient_test_bookings(std::int64_t patient_id, std::int64_t from,
                                                         int limit);
  // A centre's bookings in [from, to): admins, or doctors who practise there.
  Result<std::vector<TestBooking>> centre_test_bookings(const identity::Caller& caller,
                                                        std::int64_t centre_id, std::int64_t from,
                                                        std::int64_t to);
  // --- reminders and confirmations (reminders.cpp) --------------------------------------------
  struct ReminderReport {
    int sent = 0, skipped = 0;
  };
  // Queues the reminders due now: for each of `hours` (e.g. {24, 2}), every booked appointment
  // and test starting within that many hours whose reminder is not recorded yet. One is skipped
  // (recorded, not sent) when it was booked after its reminder time (the confirmation told them)
  // or a nearer reminder is already due. Each is claimed and queued in one transaction, so two
  // processes or a restart never send one twice and a crash never loses one. Safe to run from
  // several processes at once.
  ReminderReport send_due_reminders(const std::vector<int>& hours);

  // Full names of accounts (identity's), for lists that show who booked.
  Result<std::map<std::int64_t, std::string>> patient_names(const std::vector<std::int64_t>& ids);

 private:
  // now_() as RFC 3339 text: when a booking or change was made (reminders compare with it).
  std::string stamp() const;
  // The patient's email about an appointment (kind: appointment_booked, _moved, _cancelled,
  // _reminder), with its calendar entry except for reminders, queued in `lease`'s transaction.
  Status mail_appointment(db::Lease& lease, const Appointment& appointment, std::string_view kind);
  Status mail_test_reminder(db::Lease& lease, const TestBooking& booking);
  std::vector<TestHour> hours_in(db::Lease& lease, std::int64_t centre_id, std::int64_t test_id,
                                 std::int64_t from, std::int64_t to);
  // The doctor's availability and busy times read in `lease`, as free slots of [from, to).
  std::vector<Slot> slots_in(db::Lease& lease, std::int64_t doctor_id, std::int64_t from,
                             std::int64_t to, bool minus_booked);
  // The doctor's nearest free slots to `around` (up to three).
  std::vector<Slot> alternatives(std::int64_t doctor_id, std::int64_t around);
  Error taken(bool doctor_busy, std::int64_t doctor_id, std::int64_t around);
  Status check_doctor(std::int64_t doctor_id, std::string_view field);

  db::Pool& pool_;
  identity::IdentityService& identity_;
  std::function<std::int64_t()> now_;
  std::string public_url_;
};

}  // namespace vitalis::care
