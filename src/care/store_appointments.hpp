// Care's SQL for appointments and booking idempotency keys. The overlap guards are the
// database's (migration 0018: exclusion constraints on PostgreSQL, triggers on SQLite); a write
// they refuse comes back as an Overlap value, not an exception. Not thread-safe: one lease per
// task.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "care/model.hpp"
#include "db/database.hpp"

namespace vitalis::care::store {

namespace sql {
#define VITALIS_APPOINTMENT_COLUMNS                                                         \
  "SELECT id, doctor_id, patient_id, clinic_id, starts_at, ends_at, mode, reason, status, " \
  "booked_by, booked_at, changed_by, changed_at, cancel_reason, revision FROM care_appointments "
inline constexpr const char* kInsertAppointment =
    "INSERT INTO care_appointments (doctor_id, patient_id, clinic_id, starts_at, ends_at, mode, "
    "reason, status, booked_by, booked_at) VALUES (:doctor, :patient, :clinic, :starts, :ends, "
    ":mode, :reason, 'booked', :by, :at) RETURNING id";
inline constexpr const char* kSelectAppointment = VITALIS_APPOINTMENT_COLUMNS "WHERE id = :id";
// Booked appointments of a doctor that end after :from and start before :to (the busy times
// slots are computed against), by care_appointments_doctor_time.
inline constexpr const char* kSelectDoctorBusy =
    "SELECT starts_at, ends_at FROM care_appointments WHERE doctor_id = :doctor "
    "AND status = 'booked' AND starts_at < :to AND starts_at >= :earliest AND ends_at > :from";
// The same for many doctors at once (soonest slots in a specialty), with the doctor.
inline constexpr const char* kSelectDoctorsBusySqlite =
    "SELECT doctor_id, starts_at, ends_at FROM care_appointments WHERE doctor_id IN "
    "(SELECT value FROM json_each(:doctors)) AND status = 'booked' AND starts_at < :to "
    "AND starts_at >= :earliest AND ends_at > :from";
inline constexpr const char* kSelectDoctorsBusyPostgresql =
    "SELECT doctor_id, starts_at, ends_at FROM care_appointments WHERE doctor_id = "
    "ANY(CAST(:doctors AS bigint[])) AND status = 'booked' AND starts_at < :to "
    "AND starts_at >= :earliest AND ends_at > :from";
inline constexpr const char* kSelectDoctorAppointments = VITALIS_APPOINTMENT_COLUMNS
    "WHERE doctor_id = :doctor AND starts_at >= :from AND starts_at < :to "
    "ORDER BY starts_at, id LIMIT 500";
inline constexpr const char* kSelectPatientAppointments = VITALIS_APPOINTMENT_COLUMNS
    "WHERE patient_id = :patient AND starts_at >= :from ORDER BY starts_at, id LIMIT :limit";
// Booked appointments starting in (:now, :until] whose reminder of :hours is not recorded yet,
// soonest first, by care_appointments_due (migration 0021).
inline constexpr const char* kSelectDueAppointments = VITALIS_APPOINTMENT_COLUMNS
    "WHERE status = 'booked' AND starts_at > :now AND starts_at <= :until AND NOT EXISTS "
    "(SELECT 1 FROM care_reminders r WHERE r.kind = 'appointment' AND "
    "r.ref_id = care_appointments.id AND r.starts_at = care_appointments.starts_at AND "
    "r.hours = :hours) ORDER BY starts_at, id LIMIT 200";
#undef VITALIS_APPOINTMENT_COLUMNS
// Conditional: only a booked appointment changes state, so two racing changes cannot both win.
inline constexpr const char* kSetStatus =
    "UPDATE care_appointments SET status = :status, changed_by = :by, changed_at = :at, "
    "cancel_reason = :reason, revision = revision + 1 WHERE id = :id AND status = 'booked'";
// One statement moves the appointment: the overlap guards check the new time against every
// other booked row, and on refusal the old time is untouched.
inline constexpr const char* kMoveAppointment =
    "UPDATE care_appointments SET starts_at = :starts, ends_at = :ends, clinic_id = :clinic, "
    "changed_by = :by, changed_at = :at, revision = revision + 1 "
    "WHERE id = :id AND status = 'booked'";
inline constexpr const char* kInsertKey =
    "INSERT INTO care_idempotency (account_id, idem_key, fingerprint, appointment_id, "
    "created_at) VALUES (:account, :key, :fingerprint, :appointment, :at) "
    "ON CONFLICT (account_id, idem_key) DO NOTHING";
inline constexpr const char* kSelectKey =
    "SELECT fingerprint, appointment_id FROM care_idempotency "
    "WHERE account_id = :account AND idem_key = :key";
// The claim of a reminder (or of deciding to skip it): one row per (kind, id, hours).
inline constexpr const char* kInsertReminder =
    "INSERT INTO care_reminders (kind, ref_id, starts_at, hours, outcome, at) VALUES (:kind, :id, "
    ":starts, :hours, :outcome, :at) ON CONFLICT (kind, ref_id, starts_at, hours) DO NOTHING";
}  // namespace sql

// Which guard refused a write: the doctor's or the patient's time is taken.
enum class Overlap { kNone, kDoctor, kPatient };

struct Inserted {
  std::int64_t id = 0;
  Overlap overlap = Overlap::kNone;  // set: nothing was written (and, on PostgreSQL, the
                                     // transaction is aborted: roll it back)
};
Inserted insert_appointment(db::Lease& lease, const Appointment& appointment);
std::optional<Appointment> find_appointment(db::Lease& lease, std::int64_t id);
// Busy intervals of a doctor overlapping [from, to); appointments last at most a day.
std::vector<std::pair<std::int64_t, std::int64_t>> doctor_busy(db::Lease& lease,
                                                               std::int64_t doctor_id,
                                                               std::int64_t from, std::int64_t to);
// (doctor, start, end) of the booked appointments of `doctor_ids` overlapping [from, to).
struct DoctorBusy {
  std::int64_t doctor_id = 0, starts_at = 0, ends_at = 0;
};
std::vector<DoctorBusy> doctors_busy(db::Lease& lease, const std::vector<std::int64_t>& doctor_ids,
                                     std::int64_t from, std::int64_t to);
std::vector<Appointment> doctor_appointments(db::Lease& lease, std::int64_t doctor_id,
                                             std::int64_t from, std::int64_t to);
std::vector<Appointment> patient_appointments(db::Lease& lease, std::int64_t patient_id,
                                              std::int64_t from, int limit);
// false when the appointment is no longer booked.
bool set_status(db::Lease& lease, std::int64_t id, const std::string& status, std::int64_t by,
                const std::string& at, const std::string& reason);
// Moves a booked appointment; kNone with `moved` false when it is no longer booked.
struct Moved {
  bool moved = false;
  Overlap overlap = Overlap::kNone;
};
Moved move_appointment(db::Lease& lease, std::int64_t id, const Slot& slot, std::int64_t by,
                       const std::string& at);

// Records the key's first answer; false when (account, key) already has one.
bool insert_key(db::Lease& lease, std::int64_t account_id, const std::string& key,
                const std::string& fingerprint, std::int64_t appointment_id, const std::string& at);
struct KeyRow {
  std::string fingerprint;
  std::int64_t appointment_id = 0;
};
std::optional<KeyRow> find_key(db::Lease& lease, std::int64_t account_id, const std::string& key);

// Booked appointments starting in (now, now + hours] not yet reminded `hours` before (200 at most).
std::vector<Appointment> due_appointments(db::Lease& lease, std::int64_t now, int hours);
// Claims the reminder of `hours` for (kind, id) starting at `starts_at` with `outcome` (sent |
// skipped); false when it was claimed already (another process, or before a restart). In the
// caller's transaction.
bool claim_reminder(db::Lease& lease, const std::string& kind, std::int64_t id,
                    std::int64_t starts_at, int hours, const std::string& outcome,
                    const std::string& at);

}  // namespace vitalis::care::store
