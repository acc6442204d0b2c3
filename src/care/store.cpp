// Row functions over the named queries in store.hpp.
#include "care/store.hpp"

#include <soci/soci.h>

#include "db/line_list.hpp"
#include "db/rows.hpp"

namespace vitalis::care::store {

namespace {

class ClinicReader {
 public:
  void bind(soci::statement& statement) {
    statement.exchange(soci::into(id_));
    statement.exchange(soci::into(row_.kind));
    statement.exchange(soci::into(row_.name));
    statement.exchange(soci::into(row_.address));
    statement.exchange(soci::into(row_.city));
    statement.exchange(soci::into(row_.postcode));
    statement.exchange(soci::into(row_.latitude));
    statement.exchange(soci::into(row_.longitude));
    statement.exchange(soci::into(row_.phone));
    statement.exchange(soci::into(row_.opening_hours));
    statement.exchange(soci::into(row_.time_zone));
    statement.exchange(soci::into(services_));
    statement.exchange(soci::into(active_));
    statement.exchange(soci::into(row_.updated_at));
  }
  Clinic current() const {
    Clinic out = row_;
    out.id = id_;
    out.services = db::split_lines(services_);
    out.active = active_ != 0;
    return out;
  }

 private:
  Clinic row_;
  long long id_ = 0;
  int active_ = 0;
  std::string services_;
};

class SpecialtyReader {
 public:
  void bind(soci::statement& statement) {
    statement.exchange(soci::into(id_));
    statement.exchange(soci::into(name_));
    statement.exchange(soci::into(active_));
  }
  Specialty current() const { return {id_, name_, active_ != 0}; }

 private:
  long long id_ = 0;
  std::string name_;
  int active_ = 0;
};

template <typename First, typename Second>
class PairReader {
 public:
  void bind(soci::statement& statement) {
    statement.exchange(soci::into(first_));
    statement.exchange(soci::into(second_));
  }
  auto current() const {
    if constexpr (std::is_same_v<First, long long> && std::is_same_v<Second, long long>) {
      return std::pair<std::int64_t, std::int64_t>(first_, second_);
    } else {
      return std::pair<std::int64_t, std::string>(first_, second_);
    }
  }

 private:
  First first_{};
  Second second_{};
};

class HoursReader {
 public:
  void bind(soci::statement& statement) {
    statement.exchange(soci::into(clinic_));
    statement.exchange(soci::into(row_.weekday));
    statement.exchange(soci::into(row_.start_minute));
    statement.exchange(soci::into(row_.end_minute));
    statement.exchange(soci::into(row_.slot_minutes));
    statement.exchange(soci::into(row_.buffer_minutes));
  }
  std::pair<std::int64_t, WeeklyHours> current() const { return {clinic_, row_}; }

 private:
  long long clinic_ = 0;
  WeeklyHours row_;
};

class DoctorHoursReader {
 public:
  void bind(soci::statement& statement) {
    statement.exchange(soci::into(doctor_));
    hours_.bind(statement);
  }
  DoctorHours current() const {
    auto [clinic, hours] = hours_.current();
    return {doctor_, clinic, hours};
  }

 private:
  long long doctor_ = 0;
  HoursReader hours_;
};

class ExceptionReader {
 public:
  void bind(soci::statement& statement) {
    statement.exchange(soci::into(id_));
    statement.exchange(soci::into(row_.kind));
    statement.exchange(soci::into(doctor_, doctor_ind_));
    statement.exchange(soci::into(clinic_, clinic_ind_));
    statement.exchange(soci::into(row_.first_day));
    statement.exchange(soci::into(row_.last_day));
    statement.exchange(soci::into(row_.start_minute));
    statement.exchange(soci::into(row_.end_minute));
    statement.exchange(soci::into(row_.slot_minutes));
    statement.exchange(soci::into(row_.buffer_minutes));
    statement.exchange(soci::into(row_.note));
  }
  AvailabilityException current() const {
    AvailabilityException out = row_;
    out.id = id_;
    out.doctor_id = doctor_ind_ == soci::i_ok ? doctor_ : 0;
    out.clinic_id = clinic_ind_ == soci::i_ok ? clinic_ : 0;
    return out;
  }

 private:
  AvailabilityException row_;
  long long id_ = 0, doctor_ = 0, clinic_ = 0;
  soci::indicator doctor_ind_ = soci::i_null, clinic_ind_ = soci::i_null;
};

// Binds a clinic's writable columns in the order of kInsertClinic / kUpdateClinic.
struct ClinicColumns {
  explicit ClinicColumns(const Clinic& clinic)
      : row(clinic), services(db::join_lines(clinic.services)), active(clinic.active ? 1 : 0) {}
  void bind(soci::statement& statement) {
    statement.exchange(soci::use(row.kind));
    statement.exchange(soci::use(row.name));
    statement.exchange(soci::use(row.address));
    statement.exchange(soci::use(row.city));
    statement.exchange(soci::use(row.postcode));
    statement.exchange(soci::use(row.latitude));
    statement.exchange(soci::use(row.longitude));
    statement.exchange(soci::use(row.phone));
    statement.exchange(soci::use(row.opening_hours));
    statement.exchange(soci::use(row.time_zone));
    statement.exchange(soci::use(services));
    statement.exchange(soci::use(active));
    statement.exchange(soci::use(row.updated_at));
  }
  Clinic row;
  std::string services;
  int active;
};

}  // namespace

std::int64_t insert_specialty(db::Lease& lease, const std::string& name) {
  return db::number(lease, sql::kInsertSpecialty, db::uses(name));
}

std::vector<Specialty> specialties(db::Lease& lease) {
  return db::select_rows<SpecialtyReader>(lease, sql::kSelectSpecialties, [](soci::statement&) {});
}

std::int64_t insert_clinic(db::Lease& lease, const Clinic& clinic) {
  ClinicColumns columns(clinic);
  long long id = 0;
  db::for_each_row(
      lease, sql::kInsertClinic,
      [&](soci::statement& statement) {
        statement.exchange(soci::into(id));
        columns.bind(statement);
      },
      [] {});
  return id;
}

void update_clinic(db::Lease& lease, const Clinic& clinic) {
  ClinicColumns columns(clinic);
  long long id = clinic.id;
  db::execute(lease, sql::kUpdateClinic, [&](soci::statement& statement) {
    columns.bind(statement);
    statement.exchange(soci::use(id));
  });
}

std::int64_t booked_ahead(db::Lease& lease, std::int64_t clinic_id, std::int64_t now) {
  long long clinic = clinic_id, centre = clinic_id, from = now, again = now;
  return db::number(lease, sql::kBookedAhead, db::uses(clinic, from, centre, again));
}

std::optional<Clinic> find_clinic(db::Lease& lease, std::int64_t id) {
  long long key = id;
  return db::first_row<ClinicReader>(lease, sql::kSelectClinic, db::uses(key));
}

std::vector<Clinic> clinics(db::Lease& lease, const std::optional<Box>& box,
                            bool include_inactive) {
  int min_active = include_inactive ? 0 : 1;
  if (!box) return db::select_rows<ClinicReader>(lease, sql::kSelectClinics, db::uses(min_active));
  Box b = *box;
  return db::select_rows<ClinicReader>(
      lease, sql::kSelectClinicsInBox,
      db::uses(b.lat_min, b.lat_max, b.lon_min, b.lon_max, min_active));
}

void set_practice(db::Lease& lease, std::int64_t doctor_id, const PracticeInput& input) {
  long long doctor = doctor_id;
  db::run(lease, sql::kRetirePractices, db::uses(doctor));
  for (long long clinic : input.clinic_ids) {
    db::run(lease, sql::kUpsertPractice, db::uses(doctor, clinic));
  }
  db::run(lease, sql::kDeleteDoctorSpecialties, db::uses(doctor));
  for (long long specialty : input.specialty_ids) {
    db::run(lease, sql::kInsertDoctorSpecialty, db::uses(doctor, specialty));
  }
}

std::vector<std::pair<std::int64_t, std::int64_t>> practices_at(
    db::Lease& lease, const std::vector<std::int64_t>& clinic_ids) {
  if (clinic_ids.empty()) return {};
  std::string ids = db::id_list(lease.dialect(), clinic_ids);
  bool lite = lease.dialect() == db::Dialect::kSqlite;
  return db::select_rows<PairReader<long long, long long>>(
      lease, lite ? sql::kPracticesAtSqlite : sql::kPracticesAtPostgresql, db::uses(ids));
}

std::vector<std::int64_t> specialty_ids_of(db::Lease& lease, std::int64_t doctor_id) {
  long long doctor = doctor_id;
  std::vector<std::int64_t> ids;
  for (const auto& [ignored, id] : db::select_rows<PairReader<long long, long long>>(
           lease, sql::kSpecialtyIdsOfDoctor, db::uses(doctor))) {
    ids.push_back(id);
  }
  return ids;
}

std::vector<std::pair<std::int64_t, std::string>> specialties_of(
    db::Lease& lease, const std::vector<std::int64_t>& doctor_ids) {
  if (doctor_ids.empty()) return {};
  std::string ids = db::id_list(lease.dialect(), doctor_ids);
  bool lite = lease.dialect() == db::Dialect::kSqlite;
  return db::select_rows<PairReader<long long, std::string>>(
      lease, lite ? sql::kSpecialtiesOfSqlite : sql::kSpecialtiesOfPostgresql, db::uses(ids));
}

std::vector<std::pair<std::int64_t, std::int64_t>> specialty_practices(
    db::Lease& lease, const std::vector<std::int64_t>& specialty_ids) {
  if (specialty_ids.empty()) return {};
  std::string ids = db::id_list(lease.dialect(), specialty_ids);
  bool lite = lease.dialect() == db::Dialect::kSqlite;
  return db::select_rows<PairReader<long long, long long>>(
      lease, lite ? sql::kSpecialtyPracticesSqlite : sql::kSpecialtyPracticesPostgresql,
      db::uses(ids));
}

std::vector<DoctorHours> hours_of(db::Lease& lease, const std::vector<std::int64_t>& doctor_ids) {
  if (doctor_ids.empty()) return {};
  std::string ids = db::id_list(lease.dialect(), doctor_ids);
  bool lite = lease.dialect() == db::Dialect::kSqlite;
  return db::select_rows<DoctorHoursReader>(
      lease, lite ? sql::kHoursOfSqlite : sql::kHoursOfPostgresql, db::uses(ids));
}

std::vector<AvailabilityException> exceptions_of(db::Lease& lease,
                                                 const std::vector<std::int64_t>& doctor_ids,
                                                 const std::vector<std::int64_t>& clinic_ids,
                                                 const std::string& day) {
  std::string doctors = db::id_list(lease.dialect(), doctor_ids);
  std::string clinics = db::id_list(lease.dialect(), clinic_ids);
  std::string day1 = day, day2 = day;
  bool lite = lease.dialect() == db::Dialect::kSqlite;
  return db::select_rows<ExceptionReader>(
      lease, lite ? sql::kExceptionsOfSqlite : sql::kExceptionsOfPostgresql,
      db::uses(day1, doctors, day2, clinics));
}

std::vector<std::pair<std::int64_t, std::string>> clinics_of_doctor(db::Lease& lease,
                                                                    std::int64_t doctor_id) {
  long long doctor = doctor_id;
  return db::select_rows<PairReader<long long, std::string>>(lease, sql::kClinicsOfDoctor,
                                                             db::uses(doctor));
}

void set_weekly_hours(db::Lease& lease, std::int64_t doctor_id, std::int64_t clinic_id,
                      const std::vector<WeeklyHours>& hours) {
  long long doctor = doctor_id, clinic = clinic_id;
  db::run(lease, sql::kDeleteWeeklyHours, db::uses(doctor, clinic));
  for (WeeklyHours row : hours) {
    db::run(lease, sql::kInsertWeeklyHours,
            db::uses(doctor, clinic, row.weekday, row.start_minute, row.end_minute,
                     row.slot_minutes, row.buffer_minutes));
  }
}

std::vector<std::pair<std::int64_t, WeeklyHours>> weekly_hours(db::Lease& lease,
                                                               std::int64_t doctor_id) {
  long long doctor = doctor_id;
  return db::select_rows<HoursReader>(lease, sql::kSelectWeeklyHours, db::uses(doctor));
}

std::int64_t insert_exception(db::Lease& lease, const AvailabilityException& exception,
                              std::int64_t created_by, const std::string& at) {
  AvailabilityException row = exception;
  long long doctor = row.doctor_id, clinic = row.clinic_id, by = created_by, id = 0;
  soci::indicator doctor_ind = doctor != 0 ? soci::i_ok : soci::i_null;
  soci::indicator clinic_ind = clinic != 0 ? soci::i_ok : soci::i_null;
  std::string when = at;
  db::for_each_row(
      lease, sql::kInsertException,
      [&](soci::statement& statement) {
        statement.exchange(soci::into(id));
        statement.exchange(soci::use(row.kind));
        statement.exchange(soci::use(doctor, doctor_ind));
        statement.exchange(soci::use(clinic, clinic_ind));
        statement.exchange(soci::use(row.first_day));
        statement.exchange(soci::use(row.last_day));
        statement.exchange(soci::use(row.start_minute));
        statement.exchange(soci::use(row.end_minute));
        statement.exchange(soci::use(row.slot_minutes));
        statement.exchange(soci::use(row.buffer_minutes));
        statement.exchange(soci::use(row.note));
        statement.exchange(soci::use(by));
        statement.exchange(soci::use(when));
      },
      [] {});
  return id;
}

std::vector<AvailabilityException> exceptions(db::Lease& lease, std::int64_t doctor_id,
                                              const std::string& day) {
  long long doctor1 = doctor_id, doctor2 = doctor_id;
  std::string day1 = day;
  return db::select_rows<ExceptionReader>(lease, sql::kSelectExceptions,
                                          db::uses(day1, doctor1, doctor2));
}

std::optional<AvailabilityException> find_exception(db::Lease& lease, std::int64_t id) {
  long long key = id;
  return db::first_row<ExceptionReader>(lease, sql::kSelectException, db::uses(key));
}

void delete_exception(db::Lease& lease, std::int64_t id) {
  long long key = id;
  db::run(lease, sql::kDeleteException, db::uses(key));
}

std::vector<AvailabilityException> closures(db::Lease& lease, std::int64_t clinic_id,
                                            const std::string& day) {
  long long clinic = clinic_id;
  std::string from = day;
  return db::select_rows<ExceptionReader>(lease, sql::kSelectClosures, db::uses(from, clinic));
}

}  // namespace vitalis::care::store
