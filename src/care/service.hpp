// Care service: the directory (specialties, clinics, where doctors practise), doctors'
// availability (weekly hours, exceptions), free slots in each clinic's local time, and
// appointments that the database never lets overlap (a conflict answers 409 with the doctor's
// nearest free slots). Each write runs in one transaction with its audit row; reads do not audit
// themselves (the routes declare their read audit). Doctors' accounts are identity's, reached
// through its service. Knows nothing of HTTP. Safe for concurrent use: state is in the database.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <future>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "care/model.hpp"
#include "care/tokens.hpp"
#include "core/error.hpp"
#include "db/database.hpp"
#include "identity/model.hpp"
#include "identity/service.hpp"
#include "records/service.hpp"

namespace vitalis::care {

// The longest range free slots are computed for at once.
inline constexpr std::int64_t kMaxSlotRangeDays = 31;

// A test's results as the records module stored them (the patient's observations, and the
// urgent advice when one is critical), with the booking they answer.
struct TestResults {
  TestBooking booking;
  records::Recorded recorded;
};

// The error with the field it concerns (every 4xx of care names one).
inline Error about(Error error, std::string field) {
  error.field = std::move(field);
  return error;
}

class CareService {
 public:
  // Test results are written through `records` (the patient's observations).
  CareService(db::Pool& pool, identity::IdentityService& identity,
              records::RecordsService& records);

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
  // The doctor themself or an admin: the doctor's sessions at each clinic and the exceptions
  // ending yesterday or later.
  Result<Availability> availability(const identity::Caller& caller, std::int64_t doctor_id);
  // Removes a leave or extra session (the doctor themself or an admin) or a closure (an admin).
  Status remove_exception(const identity::Caller& caller, std::int64_t exception_id);
  // Free slots starting in [from, to) (at most kMaxSlotRangeDays), none in the past.
  Result<std::vector<Slot>> free_slots(std::int64_t doctor_id, std::int64_t from, std::int64_t to);
  // The doctor's next `count` free slots from `from` (looking up to 62 days ahead).
  Result<std::vector<Slot>> next_free_slots(std::int64_t doctor_id, std::int64_t from, int count);
  // The soonest free slots across every bookable doctor of the specialties (up to `count`,
  // 1–50, looking up to 62 days ahead): soonest first, then nearest; with a point, only clinics
  // within the radius, each slot with its distance. Reads all the doctors' hours, exceptions and
  // busy times in a handful of queries, whatever their number.
  Result<std::vector<DoctorSlot>> soonest_slots(const SoonestQuery& query);

  // --- appointments (appointments.cpp) --------------------------------------------------------
  // A patient books for themself, a doctor for a patient on their care team in their own diary.
  // The time must be one of the doctor's slots (422 naming starts_at otherwise); when it is taken
  // (or the patient is busy then) 409 with up to three alternatives (Error::suggestions: the
  // doctor's nearest free starts). With an idempotency key, the first answer of (caller, key) is
  // returned again and nothing more is booked. The doctor joins the patient's care team. On 409,
  // `alternatives` (when given) receives up to three slots to offer: the doctor's nearest and
  // the soonest of another doctor of the same specialty near the clinic.
  Result<Booked> book(const identity::Caller& caller, const BookingInput& input,
                      std::vector<DoctorSlot>* alternatives = nullptr);
  // The patient, the doctor or an admin; `reason` is required.
  Result<Appointment> cancel(const identity::Caller& caller, std::int64_t appointment_id,
                             const std::string& reason);
  // completed | no_show: the doctor or an admin, once the appointment has started.
  Result<Appointment> set_outcome(const identity::Caller& caller, std::int64_t appointment_id,
                                  const std::string& status);
  // The patient or the doctor: moves the appointment to another free slot of its doctor in one
  // statement (409 with alternatives, the old time kept, when the new one is taken).
  Result<Appointment> reschedule(const identity::Caller& caller, std::int64_t appointment_id,
                                 std::int64_t starts_at,
                                 std::vector<DoctorSlot>* alternatives = nullptr);
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
  // Admins, or doctors who practise at the booking's centre, once the patient has checked in:
  // the results (1–50) become the patient's observations through records, all or none, in one
  // transaction with the links that tie them to the booking (a critical value raises its alert
  // there, as any entry does). A field at fault is named `results[i].field`.
  Result<TestResults> record_test_results(const identity::Caller& caller, std::int64_t booking_id,
                                          const std::vector<records::ObservationInput>& results);
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
  std::vector<DoctorSlot> soonest_in(db::Lease& lease, const SoonestQuery& query);
  // The doctor's nearest free slots to `around` (up to three), and up to three to offer: the
  // doctor's nearest and the soonest of the specialty's other doctors near `clinic_id`.
  struct Alternatives {
    std::vector<Slot> own;
    std::vector<DoctorSlot> mixed;
  };
  // Shared by concurrent and recent callers: the losers of a race for one slot (all asking for
  // the same doctor, time and clinic) wait for one computation, and its answer is reused for two
  // seconds (a slot taken meanwhile only means another 409 with fresh alternatives).
  Alternatives alternatives(std::int64_t doctor_id, std::int64_t around, std::int64_t clinic_id);
  Alternatives compute_alternatives(std::int64_t doctor_id, std::int64_t around,
                                    std::int64_t clinic_id);
  Error taken(bool doctor_busy, std::int64_t doctor_id, std::int64_t around, std::int64_t clinic_id,
              std::vector<DoctorSlot>* alternatives_out);
  Status check_doctor(std::int64_t doctor_id, std::string_view field);

  db::Pool& pool_;
  identity::IdentityService& identity_;
  records::RecordsService& records_;
  std::function<std::int64_t()> now_;
  std::string public_url_;
  struct SharedAlternatives {
    std::chrono::steady_clock::time_point made;
    std::shared_future<Alternatives> answer;
  };
  std::mutex alternatives_mutex_;
  std::map<std::tuple<std::int64_t, std::int64_t, std::int64_t>, SharedAlternatives>
      recent_alternatives_;
};

}  // namespace vitalis::care
