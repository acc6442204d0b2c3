// Care's SQL for the directory and availability: every query named, and the row functions that
// run them inside the caller's lease (and transaction). Names only care's tables. Not
// thread-safe: one lease per task. Appointments' SQL is in store_appointments.hpp.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "care/model.hpp"
#include "db/database.hpp"

namespace vitalis::care::store {

namespace sql {
inline constexpr const char* kInsertSpecialty =
    "INSERT INTO care_specialties (name, active) VALUES (:name, 1) RETURNING id";
inline constexpr const char* kSelectSpecialties =
    "SELECT id, name, active FROM care_specialties ORDER BY name";
#define VITALIS_CLINIC_COLUMNS                                                                  \
  "SELECT id, kind, name, address, city, postcode, latitude, longitude, phone, opening_hours, " \
  "time_zone, services, active, updated_at FROM care_clinics "
inline constexpr const char* kInsertClinic =
    "INSERT INTO care_clinics (kind, name, address, city, postcode, latitude, longitude, phone, "
    "opening_hours, time_zone, services, active, updated_at) VALUES (:kind, :name, :address, "
    ":city, :postcode, :latitude, :longitude, :phone, :hours, :zone, :services, :active, :at) "
    "RETURNING id";
inline constexpr const char* kUpdateClinic =
    "UPDATE care_clinics SET kind = :kind, name = :name, address = :address, city = :city, "
    "postcode = :postcode, latitude = :latitude, longitude = :longitude, phone = :phone, "
    "opening_hours = :hours, time_zone = :zone, services = :services, active = :active, "
    "updated_at = :at WHERE id = :id";
inline constexpr const char* kSelectClinic = VITALIS_CLINIC_COLUMNS "WHERE id = :id";
// Appointments and test bookings still to come at a clinic (a time zone change would move them
// off its hours). Rare (an admin's edit): no index of its own.
inline constexpr const char* kBookedAhead =
    "SELECT (SELECT COUNT(*) FROM care_appointments WHERE clinic_id = :clinic AND status = "
    "'booked' AND starts_at >= :now) + (SELECT COUNT(*) FROM care_test_bookings WHERE centre_id "
    "= :centre AND status = 'booked' AND starts_at >= :now_again)";
// The search's prefilter: every clinic (active ones unless asked), or those in a bounding box
// (care_clinics_position); names, cities and specialties are matched in C++ (folded text).
inline constexpr const char* kSelectClinics =
    VITALIS_CLINIC_COLUMNS "WHERE active >= :min_active ORDER BY name, id LIMIT 2000";
inline constexpr const char* kSelectClinicsInBox = VITALIS_CLINIC_COLUMNS
    "WHERE latitude BETWEEN :lat_min AND :lat_max AND longitude BETWEEN :lon_min AND :lon_max "
    "AND active >= :min_active ORDER BY name, id LIMIT 2000";
#undef VITALIS_CLINIC_COLUMNS
inline constexpr const char* kRetirePractices =
    "UPDATE care_practices SET active = 0 WHERE doctor_id = :doctor";
inline constexpr const char* kUpsertPractice =
    "INSERT INTO care_practices (doctor_id, clinic_id, active) VALUES (:doctor, :clinic, 1) "
    "ON CONFLICT (doctor_id, clinic_id) DO UPDATE SET active = 1";
inline constexpr const char* kDeleteDoctorSpecialties =
    "DELETE FROM care_doctor_specialties WHERE doctor_id = :doctor";
inline constexpr const char* kInsertDoctorSpecialty =
    "INSERT INTO care_doctor_specialties (doctor_id, specialty_id) VALUES (:doctor, :specialty)";
// Active practices at active clinics, by doctor, for the clinics of a search page.
inline constexpr const char* kPracticesAtSqlite =
    "SELECT doctor_id, clinic_id FROM care_practices WHERE active = 1 "
    "AND clinic_id IN (SELECT value FROM json_each(:ids)) ORDER BY clinic_id, doctor_id";
inline constexpr const char* kPracticesAtPostgresql =
    "SELECT doctor_id, clinic_id FROM care_practices WHERE active = 1 "
    "AND clinic_id = ANY(CAST(:ids AS bigint[])) ORDER BY clinic_id, doctor_id";
inline constexpr const char* kSpecialtyIdsOfDoctor =
    "SELECT doctor_id, specialty_id FROM care_doctor_specialties WHERE doctor_id = :doctor "
    "ORDER BY specialty_id";
inline constexpr const char* kSpecialtiesOfSqlite =
    "SELECT d.doctor_id, s.name FROM care_doctor_specialties d JOIN care_specialties s "
    "ON s.id = d.specialty_id WHERE d.doctor_id IN (SELECT value FROM json_each(:ids)) "
    "ORDER BY d.doctor_id, s.name";
inline constexpr const char* kSpecialtiesOfPostgresql =
    "SELECT d.doctor_id, s.name FROM care_doctor_specialties d JOIN care_specialties s "
    "ON s.id = d.specialty_id WHERE d.doctor_id = ANY(CAST(:ids AS bigint[])) "
    "ORDER BY d.doctor_id, s.name";
// The active clinics a doctor practises at, with their zones.
inline constexpr const char* kClinicsOfDoctor =
    "SELECT c.id, c.time_zone FROM care_practices p JOIN care_clinics c ON c.id = p.clinic_id "
    "WHERE p.doctor_id = :doctor AND p.active = 1 AND c.active = 1 ORDER BY c.id";
inline constexpr const char* kDeleteWeeklyHours =
    "DELETE FROM care_weekly_hours WHERE doctor_id = :doctor AND clinic_id = :clinic";
inline constexpr const char* kInsertWeeklyHours =
    "INSERT INTO care_weekly_hours (doctor_id, clinic_id, weekday, start_minute, end_minute, "
    "slot_minutes, buffer_minutes) VALUES (:doctor, :clinic, :weekday, :start, :end, :slot, "
    ":buffer)";
inline constexpr const char* kSelectWeeklyHours =
    "SELECT clinic_id, weekday, start_minute, end_minute, slot_minutes, buffer_minutes "
    "FROM care_weekly_hours WHERE doctor_id = :doctor ORDER BY clinic_id, weekday, start_minute";
inline constexpr const char* kInsertException =
    "INSERT INTO care_exceptions (kind, doctor_id, clinic_id, first_day, last_day, start_minute, "
    "end_minute, slot_minutes, buffer_minutes, note, created_by, created_at) VALUES (:kind, "
    ":doctor, :clinic, :first, :last, :start, :end, :slot, :buffer, :note, :by, :at) RETURNING id";
// A doctor's leave and extra sessions, and the closures of the clinics they practise at, that
// end on or after a local date.
inline constexpr const char* kSelectExceptions =
    "SELECT id, kind, doctor_id, clinic_id, first_day, last_day, start_minute, end_minute, "
    "slot_minutes, buffer_minutes, note FROM care_exceptions WHERE last_day >= :day1 AND "
    "(doctor_id = :doctor1 OR (kind = 'closed' AND clinic_id IN (SELECT clinic_id FROM "
    "care_practices WHERE doctor_id = :doctor2))) ORDER BY first_day, id";
inline constexpr const char* kSelectException =
    "SELECT id, kind, doctor_id, clinic_id, first_day, last_day, start_minute, end_minute, "
    "slot_minutes, buffer_minutes, note FROM care_exceptions WHERE id = :id";
inline constexpr const char* kDeleteException = "DELETE FROM care_exceptions WHERE id = :id";
// A clinic's or centre's closures ending on or after :day.
inline constexpr const char* kSelectClosures =
    "SELECT id, kind, doctor_id, clinic_id, first_day, last_day, start_minute, end_minute, "
    "slot_minutes, buffer_minutes, note FROM care_exceptions WHERE last_day >= :day "
    "AND kind = 'closed' AND clinic_id = :clinic ORDER BY first_day, id";
// "Soonest in a specialty" reads every doctor of it at once: their practices, weekly hours,
// exceptions and busy times in four queries, whatever the number of doctors.
// (doctor, clinic) of the active practices at active clinics of the doctors of :ids specialties.
#define VITALIS_SPECIALTY_PRACTICES(IDS)                                                         \
  "SELECT DISTINCT p.doctor_id, p.clinic_id FROM care_doctor_specialties d JOIN care_practices " \
  "p ON p.doctor_id = d.doctor_id JOIN care_clinics c ON c.id = p.clinic_id WHERE p.active = 1 " \
  "AND c.active = 1 AND d.specialty_id " IDS " ORDER BY p.doctor_id, p.clinic_id"
inline constexpr const char* kSpecialtyPracticesSqlite =
    VITALIS_SPECIALTY_PRACTICES("IN (SELECT value FROM json_each(:ids))");
inline constexpr const char* kSpecialtyPracticesPostgresql =
    VITALIS_SPECIALTY_PRACTICES("= ANY(CAST(:ids AS bigint[]))");
#undef VITALIS_SPECIALTY_PRACTICES
#define VITALIS_HOURS_OF(IDS)                                                      \
  "SELECT doctor_id, clinic_id, weekday, start_minute, end_minute, slot_minutes, " \
  "buffer_minutes FROM care_weekly_hours WHERE doctor_id " IDS                     \
  " ORDER BY doctor_id, clinic_id, "                                               \
  "weekday, start_minute"
inline constexpr const char* kHoursOfSqlite =
    VITALIS_HOURS_OF("IN (SELECT value FROM json_each(:ids))");
inline constexpr const char* kHoursOfPostgresql = VITALIS_HOURS_OF("= ANY(CAST(:ids AS bigint[]))");
#undef VITALIS_HOURS_OF
// Leave and extra sessions of the doctors, and closures of the clinics, ending on or after :day.
#define VITALIS_EXCEPTIONS_OF(DOCTORS, CLINICS)                                            \
  "SELECT id, kind, doctor_id, clinic_id, first_day, last_day, start_minute, end_minute, " \
  "slot_minutes, buffer_minutes, note FROM care_exceptions WHERE last_day >= :day1 AND "   \
  "doctor_id " DOCTORS                                                                     \
  " UNION ALL SELECT id, kind, doctor_id, clinic_id, first_day, "                          \
  "last_day, start_minute, end_minute, slot_minutes, buffer_minutes, note FROM "           \
  "care_exceptions WHERE last_day >= :day2 AND kind = 'closed' AND clinic_id " CLINICS
inline constexpr const char* kExceptionsOfSqlite = VITALIS_EXCEPTIONS_OF(
    "IN (SELECT value FROM json_each(:doctors))", "IN (SELECT value FROM json_each(:clinics))");
inline constexpr const char* kExceptionsOfPostgresql =
    VITALIS_EXCEPTIONS_OF("= ANY(CAST(:doctors AS bigint[]))", "= ANY(CAST(:clinics AS bigint[]))");
#undef VITALIS_EXCEPTIONS_OF
}  // namespace sql

std::int64_t insert_specialty(db::Lease& lease, const std::string& name);
std::vector<Specialty> specialties(db::Lease& lease);

std::int64_t insert_clinic(db::Lease& lease, const Clinic& clinic);
void update_clinic(db::Lease& lease, const Clinic& clinic);
std::optional<Clinic> find_clinic(db::Lease& lease, std::int64_t id);
std::int64_t booked_ahead(db::Lease& lease, std::int64_t clinic_id, std::int64_t now);
// Every clinic (with inactive ones when asked), or those inside a latitude/longitude box.
struct Box {
  double lat_min = 0, lat_max = 0, lon_min = 0, lon_max = 0;
};
std::vector<Clinic> clinics(db::Lease& lease, const std::optional<Box>& box, bool include_inactive);

// Replaces where a doctor practises (old places are kept, inactive) and their specialties.
void set_practice(db::Lease& lease, std::int64_t doctor_id, const PracticeInput& input);
// (doctor, clinic) of the active practices at `clinic_ids`; one query.
std::vector<std::pair<std::int64_t, std::int64_t>> practices_at(
    db::Lease& lease, const std::vector<std::int64_t>& clinic_ids);
// The ids of a doctor's specialties.
std::vector<std::int64_t> specialty_ids_of(db::Lease& lease, std::int64_t doctor_id);
// (doctor, specialty name) of `doctor_ids`; one query.
std::vector<std::pair<std::int64_t, std::string>> specialties_of(
    db::Lease& lease, const std::vector<std::int64_t>& doctor_ids);
// (clinic id, time zone) of the active clinics the doctor practises at.
std::vector<std::pair<std::int64_t, std::string>> clinics_of_doctor(db::Lease& lease,
                                                                    std::int64_t doctor_id);

// (doctor, clinic) of the active practices at active clinics of the doctors of any of
// `specialty_ids`; one query.
std::vector<std::pair<std::int64_t, std::int64_t>> specialty_practices(
    db::Lease& lease, const std::vector<std::int64_t>& specialty_ids);
// One session of a doctor at a clinic.
struct DoctorHours {
  std::int64_t doctor_id = 0, clinic_id = 0;
  WeeklyHours hours;
};
// Every session of `doctor_ids`; one query.
std::vector<DoctorHours> hours_of(db::Lease& lease, const std::vector<std::int64_t>& doctor_ids);
// The leave and extra sessions of `doctor_ids` and the closures of `clinic_ids` ending on or
// after `day` (YYYY-MM-DD); one query.
std::vector<AvailabilityException> exceptions_of(db::Lease& lease,
                                                 const std::vector<std::int64_t>& doctor_ids,
                                                 const std::vector<std::int64_t>& clinic_ids,
                                                 const std::string& day);

// Replaces the doctor's weekly hours at one clinic.
void set_weekly_hours(db::Lease& lease, std::int64_t doctor_id, std::int64_t clinic_id,
                      const std::vector<WeeklyHours>& hours);
// (clinic id, hours) of every session of the doctor.
std::vector<std::pair<std::int64_t, WeeklyHours>> weekly_hours(db::Lease& lease,
                                                               std::int64_t doctor_id);
std::int64_t insert_exception(db::Lease& lease, const AvailabilityException& exception,
                              std::int64_t created_by, const std::string& at);
// The doctor's leave and extra sessions and their clinics' closures ending on or after `day`.
std::vector<AvailabilityException> exceptions(db::Lease& lease, std::int64_t doctor_id,
                                              const std::string& day);
std::optional<AvailabilityException> find_exception(db::Lease& lease, std::int64_t id);
void delete_exception(db::Lease& lease, std::int64_t id);
// The closures of one clinic or centre ending on or after `day` (YYYY-MM-DD).
std::vector<AvailabilityException> closures(db::Lease& lease, std::int64_t clinic_id,
                                            const std::string& day);

}  // namespace vitalis::care::store
