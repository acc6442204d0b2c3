// Row functions over the named queries in store_appointments.hpp.
#include "care/store_appointments.hpp"

#include <soci/soci.h>

#include "db/rows.hpp"

namespace vitalis::care::store {

namespace {

class AppointmentReader {
 public:
  void bind(soci::statement& statement) {
    statement.exchange(soci::into(id_));
    statement.exchange(soci::into(doctor_));
    statement.exchange(soci::into(patient_));
    statement.exchange(soci::into(clinic_));
    statement.exchange(soci::into(starts_));
    statement.exchange(soci::into(ends_));
    statement.exchange(soci::into(row_.mode));
    statement.exchange(soci::into(row_.reason));
    statement.exchange(soci::into(row_.status));
    statement.exchange(soci::into(booked_by_));
    statement.exchange(soci::into(row_.booked_at));
    statement.exchange(soci::into(changed_by_, changed_by_ind_));
    statement.exchange(soci::into(changed_at_, changed_at_ind_));
    statement.exchange(soci::into(cancel_reason_, cancel_reason_ind_));
    statement.exchange(soci::into(row_.revision));
  }
  Appointment current() const {
    Appointment out = row_;
    out.id = id_;
    out.doctor_id = doctor_;
    out.patient_id = patient_;
    out.clinic_id = clinic_;
    out.starts_at = starts_;
    out.ends_at = ends_;
    out.booked_by = booked_by_;
    if (changed_by_ind_ == soci::i_ok) out.changed_by = changed_by_;
    out.changed_at = changed_at_ind_ == soci::i_ok ? changed_at_ : std::string();
    out.cancel_reason = cancel_reason_ind_ == soci::i_ok ? cancel_reason_ : std::string();
    return out;
  }

 private:
  Appointment row_;
  long long id_ = 0, doctor_ = 0, patient_ = 0, clinic_ = 0, starts_ = 0, ends_ = 0;
  long long booked_by_ = 0, changed_by_ = 0;
  std::string changed_at_, cancel_reason_;
  soci::indicator changed_by_ind_ = soci::i_null, changed_at_ind_ = soci::i_null,
                  cancel_reason_ind_ = soci::i_null;
};

class BusyReader {
 public:
  void bind(soci::statement& statement) {
    statement.exchange(soci::into(starts_));
    statement.exchange(soci::into(ends_));
  }
  std::pair<std::int64_t, std::int64_t> current() const { return {starts_, ends_}; }

 private:
  long long starts_ = 0, ends_ = 0;
};

class DoctorBusyReader {
 public:
  void bind(soci::statement& statement) {
    statement.exchange(soci::into(doctor_));
    busy_.bind(statement);
  }
  DoctorBusy current() const {
    auto [starts, ends] = busy_.current();
    return {doctor_, starts, ends};
  }

 private:
  long long doctor_ = 0;
  BusyReader busy_;
};

class KeyReader {
 public:
  void bind(soci::statement& statement) {
    statement.exchange(soci::into(row_.fingerprint));
    statement.exchange(soci::into(id_));
  }
  KeyRow current() const { return {row_.fingerprint, id_}; }

 private:
  KeyRow row_;
  long long id_ = 0;
};

// The guard a refused write met, from the database's message: the constraint's name on
// PostgreSQL, the trigger's RAISE text on SQLite (both named care_appointments_*_overlap).
Overlap overlap_of(const soci::soci_error& error) {
  std::string_view what = error.what();
  if (what.find("care_appointments_doctor_overlap") != std::string_view::npos) {
    return Overlap::kDoctor;
  }
  if (what.find("care_appointments_patient_overlap") != std::string_view::npos) {
    return Overlap::kPatient;
  }
  return Overlap::kNone;
}

}  // namespace

Inserted insert_appointment(db::Lease& lease, const Appointment& row) {
  long long doctor = row.doctor_id, patient = row.patient_id, clinic = row.clinic_id;
  long long starts = row.starts_at, ends = row.ends_at, by = row.booked_by, id = 0;
  try {
    db::for_each_row(
        lease, sql::kInsertAppointment,
        [&](soci::statement& statement) {
          statement.exchange(soci::into(id));
          statement.exchange(soci::use(doctor));
          statement.exchange(soci::use(patient));
          statement.exchange(soci::use(clinic));
          statement.exchange(soci::use(starts));
          statement.exchange(soci::use(ends));
          statement.exchange(soci::use(row.mode));
          statement.exchange(soci::use(row.reason));
          statement.exchange(soci::use(by));
          statement.exchange(soci::use(row.booked_at));
        },
        [] {});
  } catch (const soci::soci_error& error) {
    Overlap overlap = overlap_of(error);
    if (overlap == Overlap::kNone) throw;
    return {0, overlap};
  }
  return {id, Overlap::kNone};
}

std::optional<Appointment> find_appointment(db::Lease& lease, std::int64_t id) {
  long long key = id;
  return db::first_row<AppointmentReader>(lease, sql::kSelectAppointment, db::uses(key));
}

std::vector<std::pair<std::int64_t, std::int64_t>> doctor_busy(db::Lease& lease,
                                                               std::int64_t doctor_id,
                                                               std::int64_t from, std::int64_t to) {
  long long doctor = doctor_id, end = to, earliest = from - 86400, start = from;
  return db::select_rows<BusyReader>(lease, sql::kSelectDoctorBusy,
                                     db::uses(doctor, end, earliest, start));
}

std::vector<DoctorBusy> doctors_busy(db::Lease& lease, const std::vector<std::int64_t>& doctor_ids,
                                     std::int64_t from, std::int64_t to) {
  if (doctor_ids.empty()) return {};
  std::string doctors = db::id_list(lease.dialect(), doctor_ids);
  long long end = to, earliest = from - 86400, start = from;
  bool lite = lease.dialect() == db::Dialect::kSqlite;
  return db::select_rows<DoctorBusyReader>(
      lease, lite ? sql::kSelectDoctorsBusySqlite : sql::kSelectDoctorsBusyPostgresql,
      db::uses(doctors, end, earliest, start));
}

std::vector<Appointment> doctor_appointments(db::Lease& lease, std::int64_t doctor_id,
                                             std::int64_t from, std::int64_t to) {
  long long doctor = doctor_id, start = from, end = to;
  return db::select_rows<AppointmentReader>(lease, sql::kSelectDoctorAppointments,
                                            db::uses(doctor, start, end));
}

std::vector<Appointment> patient_appointments(db::Lease& lease, std::int64_t patient_id,
                                              std::int64_t from, int limit) {
  long long patient = patient_id, start = from;
  return db::select_rows<AppointmentReader>(lease, sql::kSelectPatientAppointments,
                                            db::uses(patient, start, limit));
}

bool set_status(db::Lease& lease, std::int64_t id, const std::string& status, std::int64_t by,
                const std::string& at, const std::string& reason) {
  long long key = id, actor = by;
  std::string text = reason;
  soci::indicator reason_ind = reason.empty() ? soci::i_null : soci::i_ok;
  return db::execute(lease, sql::kSetStatus, [&](soci::statement& statement) {
           statement.exchange(soci::use(status));
           statement.exchange(soci::use(actor));
           statement.exchange(soci::use(at));
           statement.exchange(soci::use(text, reason_ind));
           statement.exchange(soci::use(key));
         }) == 1;
}

Moved move_appointment(db::Lease& lease, std::int64_t id, const Slot& slot, std::int64_t by,
                       const std::string& at) {
  long long key = id, actor = by, starts = slot.starts_at, ends = slot.ends_at;
  long long clinic = slot.clinic_id;
  std::string when = at;
  try {
    bool moved = db::execute(lease, sql::kMoveAppointment,
                             db::uses(starts, ends, clinic, actor, when, key)) == 1;
    return {moved, Overlap::kNone};
  } catch (const soci::soci_error& error) {
    Overlap overlap = overlap_of(error);
    if (overlap == Overlap::kNone) throw;
    return {false, overlap};
  }
}

bool insert_key(db::Lease& lease, std::int64_t account_id, const std::string& key,
                const std::string& fingerprint, std::int64_t appointment_id,
                const std::string& at) {
  long long account = account_id, appointment = appointment_id;
  std::string k = key, f = fingerprint, when = at;
  return db::execute(lease, sql::kInsertKey, db::uses(account, k, f, appointment, when)) == 1;
}

std::vector<Appointment> due_appointments(db::Lease& lease, std::int64_t now, int hours) {
  long long from = now, until = now + hours * 3600LL;
  int within = hours;
  return db::select_rows<AppointmentReader>(lease, sql::kSelectDueAppointments,
                                            db::uses(from, until, within));
}

bool claim_reminder(db::Lease& lease, const std::string& kind, std::int64_t id,
                    std::int64_t starts_at, int hours, const std::string& outcome,
                    const std::string& at) {
  std::string what = kind, result = outcome, when = at;
  long long key = id, starts = starts_at;
  int within = hours;
  return db::execute(lease, sql::kInsertReminder,
                     db::uses(what, key, starts, within, result, when)) == 1;
}

std::optional<KeyRow> find_key(db::Lease& lease, std::int64_t account_id, const std::string& key) {
  long long account = account_id;
  std::string k = key;
  return db::first_row<KeyReader>(lease, sql::kSelectKey, db::uses(account, k));
}

}  // namespace vitalis::care::store
