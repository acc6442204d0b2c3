// Care's SQL for diagnostic tests: the catalogue, centres' offers and hours, the capacity
// counters and the bookings (migration 0020). The capacity guard is the database's: a counter
// row per (centre, test, hour) whose CHECK keeps `booked` within 0..capacity, raised by a
// conditional UPDATE whose row count `reserve` returns. Not thread-safe: one lease per task.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "care/model.hpp"
#include "db/database.hpp"

namespace vitalis::care::store {

namespace sql {
#define VITALIS_TEST_COLUMNS                                                                \
  "SELECT id, code, name, category, duration_minutes, price_minor, currency, preparation, " \
  "active FROM care_tests "
inline constexpr const char* kSelectTests = VITALIS_TEST_COLUMNS "ORDER BY name, id";
inline constexpr const char* kSelectTest = VITALIS_TEST_COLUMNS "WHERE id = :id";
#undef VITALIS_TEST_COLUMNS
// A code already taken inserts nothing (no row back).
inline constexpr const char* kInsertTest =
    "INSERT INTO care_tests (code, name, category, duration_minutes, price_minor, currency, "
    "preparation, active) VALUES (:code, :name, :category, :duration, :price, :currency, "
    ":preparation, :active) ON CONFLICT (code) DO NOTHING RETURNING id";
inline constexpr const char* kUpdateTest =
    "UPDATE care_tests SET code = :code, name = :name, category = :category, "
    "duration_minutes = :duration, price_minor = :price, currency = :currency, "
    "preparation = :preparation, active = :active WHERE id = :id AND NOT EXISTS (SELECT 1 "
    "FROM care_tests other WHERE other.code = :taken AND other.id <> :self)";
inline constexpr const char* kRetireOffers =
    "UPDATE care_test_offers SET active = 0 WHERE centre_id = :centre";
inline constexpr const char* kUpsertOffer =
    "INSERT INTO care_test_offers (centre_id, test_id, per_hour, active) VALUES (:centre, :test, "
    ":per_hour, 1) ON CONFLICT (centre_id, test_id) DO UPDATE SET per_hour = excluded.per_hour, "
    "active = 1";
inline constexpr const char* kSelectOffersOfCentre =
    "SELECT centre_id, test_id, per_hour FROM care_test_offers WHERE centre_id = :centre "
    "AND active = 1 ORDER BY test_id";
inline constexpr const char* kSelectOffersOfTest =
    "SELECT centre_id, test_id, per_hour FROM care_test_offers WHERE test_id = :test "
    "AND active = 1 ORDER BY centre_id";
inline constexpr const char* kDeleteCentreHours =
    "DELETE FROM care_centre_hours WHERE centre_id = :centre";
inline constexpr const char* kInsertCentreHours =
    "INSERT INTO care_centre_hours (centre_id, weekday, start_minute, end_minute) "
    "VALUES (:centre, :weekday, :start, :end)";
inline constexpr const char* kSelectCentreHours =
    "SELECT weekday, start_minute, end_minute FROM care_centre_hours WHERE centre_id = :centre "
    "ORDER BY weekday, start_minute";
// Capacity: the hour's counter is made on its first booking, then raised only while below it.
inline constexpr const char* kEnsureCapacity =
    "INSERT INTO care_test_capacity (centre_id, test_id, starts_at, capacity, booked) "
    "VALUES (:centre, :test, :starts, :capacity, 0) "
    "ON CONFLICT (centre_id, test_id, starts_at) DO NOTHING";
inline constexpr const char* kReserve =
    "UPDATE care_test_capacity SET booked = booked + 1 WHERE centre_id = :centre "
    "AND test_id = :test AND starts_at = :starts AND booked < capacity";
inline constexpr const char* kRelease =
    "UPDATE care_test_capacity SET booked = booked - 1 WHERE centre_id = :centre "
    "AND test_id = :test AND starts_at = :starts AND booked > 0";
inline constexpr const char* kSelectTaken =
    "SELECT starts_at, booked FROM care_test_capacity WHERE centre_id = :centre "
    "AND test_id = :test AND starts_at >= :from AND starts_at < :to";
#define VITALIS_BOOKING_COLUMNS                                                                  \
  "SELECT id, token, patient_id, centre_id, test_id, starts_at, price_minor, currency, status, " \
  "booked_by, booked_at, changed_by, changed_at, cancel_reason FROM care_test_bookings "
// A token or an active (patient, centre, test, hour) already taken inserts nothing.
inline constexpr const char* kInsertBooking =
    "INSERT INTO care_test_bookings (token, patient_id, centre_id, test_id, starts_at, "
    "price_minor, currency, status, booked_by, booked_at) VALUES (:token, :patient, :centre, "
    ":test, :starts, :price, :currency, 'booked', :by, :at) ON CONFLICT DO NOTHING RETURNING id";
inline constexpr const char* kSelectBooking = VITALIS_BOOKING_COLUMNS "WHERE id = :id";
inline constexpr const char* kSelectBookingByToken = VITALIS_BOOKING_COLUMNS "WHERE token = :token";
inline constexpr const char* kSelectActiveBooking = VITALIS_BOOKING_COLUMNS
    "WHERE patient_id = :patient AND centre_id = :centre AND test_id = :test "
    "AND starts_at = :starts AND status = 'booked'";
inline constexpr const char* kSelectPatientBookings = VITALIS_BOOKING_COLUMNS
    "WHERE patient_id = :patient AND starts_at >= :from ORDER BY starts_at, id LIMIT :limit";
inline constexpr const char* kSelectCentreBookings = VITALIS_BOOKING_COLUMNS
    "WHERE centre_id = :centre AND starts_at >= :from AND starts_at < :to "
    "ORDER BY starts_at, id LIMIT 1000";
// Booked tests starting in (:now, :until] not yet reminded :hours before (care_test_bookings_due).
inline constexpr const char* kSelectDueTestBookings = VITALIS_BOOKING_COLUMNS
    "WHERE status = 'booked' AND starts_at > :now AND starts_at <= :until AND NOT EXISTS "
    "(SELECT 1 FROM care_reminders r WHERE r.kind = 'test' AND r.ref_id = care_test_bookings.id "
    "AND r.starts_at = care_test_bookings.starts_at AND r.hours = :hours) "
    "ORDER BY starts_at, id LIMIT 200";
#undef VITALIS_BOOKING_COLUMNS
// Conditional: only a booked test changes state, so two racing changes cannot both win.
inline constexpr const char* kSetBookingStatus =
    "UPDATE care_test_bookings SET status = :status, changed_by = :by, changed_at = :at, "
    "cancel_reason = :reason WHERE id = :id AND status = 'booked'";
// A test's results: which of the patient's observations (records') answer the booking.
inline constexpr const char* kInsertResult =
    "INSERT INTO care_test_results (booking_id, observation_id, recorded_by, recorded_at) "
    "VALUES (:booking, :observation, :by, :at)";
// The observations recorded as a booking's results.
inline constexpr const char* kSelectResults =
    "SELECT observation_id FROM care_test_results WHERE booking_id = :booking "
    "ORDER BY observation_id";
}  // namespace sql

std::vector<DiagnosticTest> tests(db::Lease& lease);
std::optional<DiagnosticTest> find_test(db::Lease& lease, std::int64_t id);
// nullopt when the code is taken.
std::optional<std::int64_t> insert_test(db::Lease& lease, const DiagnosticTest& test);
// False when another test has the new code (the row is left as it was).
bool update_test(db::Lease& lease, const DiagnosticTest& test);

// Replaces a centre's offers (ones left out are retired, never deleted).
void set_offers(db::Lease& lease, std::int64_t centre_id, const std::vector<TestOffer>& offers);
std::vector<TestOffer> offers_of_centre(db::Lease& lease, std::int64_t centre_id);
std::vector<TestOffer> offers_of_test(db::Lease& lease, std::int64_t test_id);
void set_centre_hours(db::Lease& lease, std::int64_t centre_id,
                      const std::vector<CentreHours>& hours);
std::vector<CentreHours> centre_hours(db::Lease& lease, std::int64_t centre_id);

// Takes one place in the hour (making its counter with `capacity` on the first booking); false
// when the hour is full. In the booking's transaction.
bool reserve(db::Lease& lease, std::int64_t centre_id, std::int64_t test_id, std::int64_t starts_at,
             int capacity);
// Gives a place back (a cancelled booking).
void release(db::Lease& lease, std::int64_t centre_id, std::int64_t test_id,
             std::int64_t starts_at);
// Places taken per hour start in [from, to).
std::map<std::int64_t, int> taken(db::Lease& lease, std::int64_t centre_id, std::int64_t test_id,
                                  std::int64_t from, std::int64_t to);

// nullopt when the token is taken or the patient already holds this hour of this test.
std::optional<std::int64_t> insert_booking(db::Lease& lease, const TestBooking& booking);
std::optional<TestBooking> find_booking(db::Lease& lease, std::int64_t id);
std::optional<TestBooking> find_booking_by_token(db::Lease& lease, const std::string& token);
std::optional<TestBooking> find_active_booking(db::Lease& lease, std::int64_t patient_id,
                                               std::int64_t centre_id, std::int64_t test_id,
                                               std::int64_t starts_at);
std::vector<TestBooking> patient_bookings(db::Lease& lease, std::int64_t patient_id,
                                          std::int64_t from, int limit);
std::vector<TestBooking> centre_bookings(db::Lease& lease, std::int64_t centre_id,
                                         std::int64_t from, std::int64_t to);
// Booked tests starting in (now, now + hours] not yet reminded `hours` before (200 at most).
std::vector<TestBooking> due_test_bookings(db::Lease& lease, std::int64_t now, int hours);
// false when the booking is no longer booked.
bool set_booking_status(db::Lease& lease, std::int64_t id, const std::string& status,
                        std::int64_t by, const std::string& at, const std::string& reason);

// Links an observation to the booking it answers (in the results' transaction).
void insert_result(db::Lease& lease, std::int64_t booking_id, std::int64_t observation_id,
                   std::int64_t by, const std::string& at);
// The observations recorded as the booking's results, by id.
std::vector<std::int64_t> result_ids(db::Lease& lease, std::int64_t booking_id);

}  // namespace vitalis::care::store
