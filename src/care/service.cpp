// Care rules for the directory, availability and free slots; appointments are in
// appointments.cpp.
#include "care/service.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>

#include "care/slots.hpp"
#include "care/store.hpp"
#include "care/store_appointments.hpp"
#include "core/search_text.hpp"
#include "core/time.hpp"
#include "identity/audit_row.hpp"
#include "identity/directory.hpp"

namespace vitalis::care {

namespace {

using identity::Caller;
using identity::Role;

constexpr std::size_t kMaxText = 200;
constexpr std::int64_t kDay = 86400;

std::string now_text() { return format_rfc3339(Clock::now()); }

Status text_in(const std::optional<std::string>& value, std::string_view field, bool required) {
  if (!value) {
    if (required) return Error::validation(std::string(field), std::string(field) + " is required");
    return Ok{};
  }
  if (required && value->empty()) {
    return Error::validation(std::string(field), std::string(field) + " must not be empty");
  }
  if (value->size() > kMaxText) {
    return Error::validation(std::string(field), std::string(field) + " is too long (200 at most)");
  }
  return Ok{};
}

// Applies `input` over `clinic` and checks the result; `creating` requires every field.
Status apply(Clinic& clinic, const ClinicInput& input, bool creating) {
  for (auto [field, value, target] :
       {std::tuple{"kind", &input.kind, &clinic.kind},
        {"name", &input.name, &clinic.name},
        {"address", &input.address, &clinic.address},
        {"city", &input.city, &clinic.city},
        {"postcode", &input.postcode, &clinic.postcode},
        {"phone", &input.phone, &clinic.phone},
        {"opening_hours", &input.opening_hours, &clinic.opening_hours},
        {"time_zone", &input.time_zone, &clinic.time_zone}}) {
    if (auto ok = text_in(*value, field, creating || value->has_value()); !ok.ok()) return ok;
    if (*value) *target = **value;
  }
  if (clinic.kind != "clinic" && clinic.kind != "hospital" && clinic.kind != "diagnostic_centre") {
    return Error::validation("kind", "kind must be clinic, hospital or diagnostic_centre");
  }
  if (!slots::known_time_zone(clinic.time_zone)) {
    return Error::validation("time_zone",
                             "time_zone must be an IANA time zone such as Europe/London");
  }
  for (auto [field, value, target, limit] :
       {std::tuple{"latitude", &input.latitude, &clinic.latitude, 90.0},
        {"longitude", &input.longitude, &clinic.longitude, 180.0}}) {
    if (!*value && creating) {
      return Error::validation(field, std::string(field) + " is required");
    }
    if (*value && (!std::isfinite(**value) || std::abs(**value) > limit)) {
      return Error::validation(field, std::string(field) + " is out of range");
    }
    if (*value) *target = **value;
  }
  if (input.services) {
    if (input.services->size() > 50) return Error::validation("services", "50 services at most");
    for (const auto& service : *input.services) {
      if (service.empty() || service.size() > kMaxText || service.find('\n') != std::string::npos) {
        return Error::validation("services", "each service is one line of 1 to 200 characters");
      }
    }
    clinic.services = *input.services;
  }
  if (input.active) clinic.active = *input.active;
  return Ok{};
}

// One doctor's availability at `clinics` (id, zone) from their sessions (clinic, hours) and
// exceptions read for them (others' leave and extra sessions among `exceptions` are ignored).
std::vector<slots::ClinicAvailability> availability_of(
    std::int64_t doctor_id, const std::vector<std::pair<std::int64_t, std::string>>& clinics,
    const std::vector<std::pair<std::int64_t, WeeklyHours>>& hours,
    const std::vector<AvailabilityException>& exceptions) {
  std::vector<slots::ClinicAvailability> availability;
  for (const auto& [clinic_id, zone] : clinics) {
    slots::ClinicAvailability one{clinic_id, zone, {}, {}};
    for (const auto& [at, row] : hours) {
      if (at == clinic_id) one.weekly.push_back(row);
    }
    for (const auto& exception : exceptions) {
      bool here = exception.clinic_id == clinic_id;
      bool everywhere = exception.kind == "leave" && exception.clinic_id == 0;
      bool mine = exception.kind == "closed" || exception.doctor_id == doctor_id;
      if ((here || everywhere) && mine) one.exceptions.push_back(exception);
    }
    availability.push_back(std::move(one));
  }
  return availability;
}

// A box around a circle of `radius_km`: 1° of latitude is ~111.2 km; longitude shrinks with
// cos(latitude).
store::Box box_around(double latitude, double longitude, double radius_km) {
  double dlat = radius_km / 111.2;
  double cos_lat = std::max(0.01, std::cos(latitude * 3.14159265358979 / 180.0));
  double dlon = std::min(180.0, radius_km / (111.2 * cos_lat));
  return store::Box{latitude - dlat, latitude + dlat, longitude - dlon, longitude + dlon};
}

Status staff_for(const Caller& caller, std::int64_t doctor_id) {
  if (caller.role == Role::kAdmin) return Ok{};
  if (caller.role == Role::kDoctor && caller.account_id == doctor_id) return Ok{};
  return about(
      Error::forbidden("only the doctor themself or an admin can change this availability"),
      "doctor_id");
}

Status check_minutes(int start, int end, int slot, int buffer) {
  if (start < 0 || start > 1439) return Error::validation("start", "start must be 00:00 to 23:59");
  if (end <= start || end > 1440) return Error::validation("end", "end must be after start");
  if (slot < 5 || slot > 480) {
    return Error::validation("slot_minutes", "slot_minutes must be 5 to 480");
  }
  if (buffer < 0 || buffer > 240) {
    return Error::validation("buffer_minutes", "buffer_minutes must be 0 to 240");
  }
  if (end - start < slot) {
    return Error::validation("end", "a session must hold at least one slot");
  }
  return Ok{};
}

}  // namespace

CareService::CareService(db::Pool& pool, identity::IdentityService& identity,
                         records::RecordsService& records)
    : pool_(pool), identity_(identity), records_(records), now_([] {
        return std::chrono::duration_cast<std::chrono::seconds>(Clock::now().time_since_epoch())
            .count();
      }) {}

Status CareService::check_doctor(std::int64_t doctor_id, std::string_view field) {
  auto account = identity_.account(doctor_id);
  if (!account.ok() || account->role != Role::kDoctor || account->status != "active") {
    return Error::validation(std::string(field), "choose an approved doctor");
  }
  return Ok{};
}

Result<std::vector<Specialty>> CareService::specialties() {
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<std::vector<Specialty>> {
    return store::specialties(lease);
  });
}

Result<Specialty> CareService::add_specialty(const Caller& admin, const std::string& name) {
  if (auto ok = text_in(name, "name", true); !ok.ok()) return ok.error();
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<Specialty> {
    for (const auto& existing : store::specialties(lease)) {
      if (fold_name(existing.name) == fold_name(name)) {
        Error error = Error::conflict("this specialty is on the list already");
        error.field = "name";
        return error;
      }
    }
    db::Transaction tx(lease);
    Specialty out{store::insert_specialty(lease, name), name, true};
    identity_.audit_write(
        lease, admin, identity::audit::Row("care.specialty_create").resource("specialty", out.id));
    tx.commit();
    return out;
  });
}

std::string CareService::stamp() const {
  return format_rfc3339(TimePoint(std::chrono::seconds(now_())));
}

Result<Clinic> CareService::create_clinic(const Caller& admin, const ClinicInput& input) {
  Clinic clinic;
  if (auto ok = apply(clinic, input, true); !ok.ok()) return ok.error();
  clinic.updated_at = now_text();
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<Clinic> {
    db::Transaction tx(lease);
    clinic.id = store::insert_clinic(lease, clinic);
    identity_.audit_write(lease, admin,
                          identity::audit::Row("care.clinic_create").resource("clinic", clinic.id));
    tx.commit();
    return clinic;
  });
}

Result<Clinic> CareService::update_clinic(const Caller& admin, std::int64_t clinic_id,
                                          const ClinicInput& input) {
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<Clinic> {
    db::Transaction tx(lease);
    auto clinic = store::find_clinic(lease, clinic_id);
    if (!clinic) return about(Error::not_found("no such clinic"), "clinic_id");
    // What a place is decides what points at it (tests offered, hours, bookings): it stays.
    if (input.kind && *input.kind != clinic->kind) {
      return Error::validation("kind", "a clinic's kind cannot change: add a new one instead");
    }
    std::string zone = clinic->time_zone;
    if (auto ok = apply(*clinic, input, false); !ok.ok()) return ok.error();
    // Hours are kept in local time: a new zone would move every slot, but booked appointments
    // keep their instants and could fall outside the hours. Refused while any are ahead.
    if (clinic->time_zone != zone) {
      auto ahead = store::booked_ahead(lease, clinic_id, now_());
      if (ahead > 0) {
        return about(
            Error::conflict(std::to_string(ahead) +
                            " appointments or test bookings ahead are booked here in " + zone +
                            " time; move or cancel them before changing the "
                            "time zone"),
            "time_zone");
      }
    }
    clinic->updated_at = now_text();
    store::update_clinic(lease, *clinic);
    identity_.audit_write(lease, admin,
                          identity::audit::Row("care.clinic_update").resource("clinic", clinic_id));
    tx.commit();
    return *clinic;
  });
}

Result<std::vector<DirectoryEntry>> CareService::search(const Caller& caller,
                                                        const DirectoryQuery& query) {
  bool near = query.latitude && query.longitude;
  if (query.include_inactive && caller.role != Role::kAdmin) {
    return about(Error::forbidden("only admins see inactive clinics"), "inactive");
  }
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<std::vector<DirectoryEntry>> {
    std::optional<store::Box> box;
    if (near) box = box_around(*query.latitude, *query.longitude, query.radius_km);
    auto clinics = store::clinics(lease, box, query.include_inactive);
    std::vector<std::int64_t> clinic_ids;
    for (const auto& clinic : clinics) clinic_ids.push_back(clinic.id);
    auto practices = store::practices_at(lease, clinic_ids);
    std::vector<std::int64_t> doctor_ids;
    for (auto [doctor, clinic] : practices) doctor_ids.push_back(doctor);
    std::sort(doctor_ids.begin(), doctor_ids.end());
    doctor_ids.erase(std::unique(doctor_ids.begin(), doctor_ids.end()), doctor_ids.end());
    auto names = identity::directory::names(lease, doctor_ids);
    std::map<std::int64_t, std::vector<std::string>> specialties;
    for (auto& [doctor, name] : store::specialties_of(lease, doctor_ids)) {
      specialties[doctor].push_back(std::move(name));
    }
    std::multimap<std::int64_t, std::int64_t> doctors_at;  // clinic -> doctor
    for (auto [doctor, clinic] : practices) doctors_at.emplace(clinic, doctor);

    std::string name = fold_name(query.name), city = fold_name(query.city);
    std::string specialty = fold_name(query.specialty);
    std::vector<DirectoryEntry> out;
    for (auto& clinic : clinics) {
      if (!city.empty() && fold_name(clinic.city) != city) continue;
      DirectoryEntry entry;
      if (near) {
        entry.distance_km = slots::distance_km(*query.latitude, *query.longitude, clinic.latitude,
                                               clinic.longitude);
        if (*entry.distance_km > query.radius_km) continue;
      }
      bool clinic_named = name.empty() || contains_words(fold_name(clinic.name), name);
      auto [first, last] = doctors_at.equal_range(clinic.id);
      for (auto it = first; it != last; ++it) {
        auto found = names.find(it->second);
        if (found == names.end()) continue;  // not an account (any more)
        DirectoryDoctor doctor{it->second, found->second, specialties[it->second]};
        if (!specialty.empty() &&
            std::none_of(doctor.specialties.begin(), doctor.specialties.end(),
                         [&](const std::string& s) { return fold_name(s) == specialty; })) {
          continue;
        }
        if (!clinic_named && !contains_words(fold_name(doctor.full_name), name)) continue;
        entry.doctors.push_back(std::move(doctor));
      }
      if ((!specialty.empty() || !clinic_named) && entry.doctors.empty()) continue;
      entry.clinic = std::move(clinic);
      out.push_back(std::move(entry));
    }
    if (near) {
      std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
        return *a.distance_km < *b.distance_km;
      });
    }
    if (static_cast<int>(out.size()) > query.limit) out.resize(query.limit);
    return out;
  });
}

Status CareService::set_practice(const Caller& admin, std::int64_t doctor_id,
                                 const PracticeInput& input) {
  if (auto ok = check_doctor(doctor_id, "doctor_id"); !ok.ok()) return ok;
  if (input.clinic_ids.size() > 20) return Error::validation("clinic_ids", "20 clinics at most");
  if (input.specialty_ids.size() > 10) {
    return Error::validation("specialty_ids", "10 specialties at most");
  }
  return db::with_connection(pool_, [&](db::Lease& lease) -> Status {
    db::Transaction tx(lease);
    for (auto id : input.clinic_ids) {
      auto clinic = store::find_clinic(lease, id);
      if (!clinic || !clinic->active) {
        return Error::validation("clinic_ids", "clinic " + std::to_string(id) + " is not active");
      }
    }
    auto known = store::specialties(lease);
    for (auto id : input.specialty_ids) {
      if (std::none_of(known.begin(), known.end(),
                       [&](const Specialty& s) { return s.id == id && s.active; })) {
        return Error::validation("specialty_ids",
                                 "specialty " + std::to_string(id) + " is not on the list");
      }
    }
    PracticeInput unique = input;
    for (auto* ids : {&unique.clinic_ids, &unique.specialty_ids}) {
      std::sort(ids->begin(), ids->end());
      ids->erase(std::unique(ids->begin(), ids->end()), ids->end());
    }
    store::set_practice(lease, doctor_id, unique);
    identity_.audit_write(
        lease, admin, identity::audit::Row("care.practice_update").resource("doctor", doctor_id));
    tx.commit();
    return Ok{};
  });
}

Status CareService::set_weekly_hours(const Caller& caller, std::int64_t doctor_id,
                                     std::int64_t clinic_id,
                                     const std::vector<WeeklyHours>& hours) {
  if (auto ok = staff_for(caller, doctor_id); !ok.ok()) return ok;
  if (hours.size() > 50) return Error::validation("hours", "50 sessions a week at most");
  for (const auto& row : hours) {
    if (row.weekday < 1 || row.weekday > 7) {
      return Error::validation("weekday", "weekday must be 1 (Monday) to 7 (Sunday)");
    }
    if (auto ok =
            check_minutes(row.start_minute, row.end_minute, row.slot_minutes, row.buffer_minutes);
        !ok.ok()) {
      return ok;
    }
  }
  return db::with_connection(pool_, [&](db::Lease& lease) -> Status {
    db::Transaction tx(lease);
    auto clinics = store::clinics_of_doctor(lease, doctor_id);
    if (std::none_of(clinics.begin(), clinics.end(),
                     [&](const auto& c) { return c.first == clinic_id; })) {
      return Error::validation("clinic_id", "the doctor does not practise at this clinic");
    }
    store::set_weekly_hours(lease, doctor_id, clinic_id, hours);
    identity_.audit_write(lease, caller,
                          identity::audit::Row("care.hours_update").resource("doctor", doctor_id));
    tx.commit();
    return Ok{};
  });
}

Result<AvailabilityException> CareService::add_exception(const Caller& caller,
                                                         AvailabilityException exception) {
  auto first = slots::parse_day(exception.first_day), last = slots::parse_day(exception.last_day);
  if (!first) return Error::validation("first_day", "first_day must be a date, YYYY-MM-DD");
  if (!last) return Error::validation("last_day", "last_day must be a date, YYYY-MM-DD");
  if (*last < *first || *last - *first > 366) {
    return Error::validation("last_day", "last_day must be on or after first_day, within a year");
  }
  if (exception.note.size() > kMaxText) return Error::validation("note", "note is too long");
  if (exception.kind == "closed") {
    if (caller.role != Role::kAdmin)
      return about(Error::forbidden("only admins close a clinic"), "kind");
    if (exception.clinic_id == 0) return Error::validation("clinic_id", "clinic_id is required");
    exception.doctor_id = 0;
  } else if (exception.kind == "leave" || exception.kind == "extra") {
    if (auto ok = staff_for(caller, exception.doctor_id); !ok.ok()) return ok.error();
    if (exception.kind == "extra") {
      if (exception.clinic_id == 0) return Error::validation("clinic_id", "clinic_id is required");
      if (auto ok = check_minutes(exception.start_minute, exception.end_minute,
                                  exception.slot_minutes, exception.buffer_minutes);
          !ok.ok()) {
        return ok.error();
      }
    } else {
      exception.start_minute = exception.end_minute = exception.slot_minutes = 0;
      exception.buffer_minutes = 0;
    }
  } else {
    return Error::validation("kind", "kind must be leave, extra or closed");
  }
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<AvailabilityException> {
    db::Transaction tx(lease);
    if (exception.clinic_id != 0) {
      auto clinic = store::find_clinic(lease, exception.clinic_id);
      if (!clinic) return Error::validation("clinic_id", "no such clinic");
    }
    exception.id = store::insert_exception(lease, exception, caller.account_id, now_text());
    identity_.audit_write(
        lease, caller,
        identity::audit::Row("care.exception_create").resource("exception", exception.id));
    tx.commit();
    return exception;
  });
}

Result<Availability> CareService::availability(const Caller& caller, std::int64_t doctor_id) {
  if (auto ok = staff_for(caller, doctor_id); !ok.ok()) return ok.error();
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<Availability> {
    Availability out;
    auto hours = store::weekly_hours(lease, doctor_id);
    for (const auto& [clinic_id, zone] : store::clinics_of_doctor(lease, doctor_id)) {
      auto clinic = store::find_clinic(lease, clinic_id);
      ClinicSessions one{clinic_id, clinic ? clinic->name : "", zone, {}};
      for (const auto& [at, row] : hours) {
        if (at == clinic_id) one.sessions.push_back(row);
      }
      out.clinics.push_back(std::move(one));
    }
    out.exceptions = store::exceptions(lease, doctor_id, slots::format_day(now_() / kDay - 1));
    return out;
  });
}

Status CareService::remove_exception(const Caller& caller, std::int64_t exception_id) {
  return db::with_connection(pool_, [&](db::Lease& lease) -> Status {
    db::Transaction tx(lease);
    auto exception = store::find_exception(lease, exception_id);
    if (!exception) return about(Error::not_found("no such exception"), "exception_id");
    if (exception->kind == "closed") {
      if (caller.role != Role::kAdmin) {
        return about(Error::forbidden("only admins reopen a clinic"), "exception_id");
      }
    } else if (auto ok = staff_for(caller, exception->doctor_id); !ok.ok()) {
      return ok;
    }
    store::delete_exception(lease, exception_id);
    identity_.audit_write(
        lease, caller,
        identity::audit::Row("care.exception_delete").resource("exception", exception_id));
    tx.commit();
    return Ok{};
  });
}

std::vector<Slot> CareService::slots_in(db::Lease& lease, std::int64_t doctor_id, std::int64_t from,
                                        std::int64_t to, bool minus_booked) {
  auto clinics = store::clinics_of_doctor(lease, doctor_id);
  if (clinics.empty()) return {};
  auto hours = store::weekly_hours(lease, doctor_id);
  // Exceptions ending on or after the day before the range (local dates differ by zone).
  auto exceptions = store::exceptions(lease, doctor_id, slots::format_day(from / kDay - 1));
  auto availability = availability_of(doctor_id, clinics, hours, exceptions);
  std::vector<slots::Busy> busy;
  if (minus_booked) {
    for (auto [starts, ends] : store::doctor_busy(lease, doctor_id, from, to)) {
      busy.push_back({starts, ends});
    }
  }
  return slots::free_slots(availability, busy, from, to, now_());
}

Result<std::vector<Slot>> CareService::free_slots(std::int64_t doctor_id, std::int64_t from,
                                                  std::int64_t to) {
  if (to <= from) return Error::validation("to", "to must be after from");
  if (to - from > kMaxSlotRangeDays * kDay) {
    return Error::validation("to", "the range is 31 days at most");
  }
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<std::vector<Slot>> {
    return slots_in(lease, doctor_id, from, to, true);
  });
}

Result<std::vector<Slot>> CareService::next_free_slots(std::int64_t doctor_id, std::int64_t from,
                                                       int count) {
  from = std::max(from, now_());
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<std::vector<Slot>> {
    std::vector<Slot> out;
    // Two 31-day windows at most: a doctor with no hours answers empty without a long scan.
    for (int window = 0; window < 2 && static_cast<int>(out.size()) < count; ++window) {
      std::int64_t start = from + window * kMaxSlotRangeDays * kDay;
      for (const auto& slot :
           slots_in(lease, doctor_id, start, start + kMaxSlotRangeDays * kDay, true)) {
        if (static_cast<int>(out.size()) < count) out.push_back(slot);
      }
    }
    return out;
  });
}

Result<std::vector<DoctorSlot>> CareService::soonest_slots(const SoonestQuery& query) {
  if (query.specialty_ids.empty()) {
    return Error::validation("specialty_id", "choose a specialty");
  }
  if (query.count < 1 || query.count > 50) {
    return Error::validation("next", "next must be 1 to 50");
  }
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<std::vector<DoctorSlot>> {
    auto known = store::specialties(lease);
    for (auto id : query.specialty_ids) {
      if (std::none_of(known.begin(), known.end(),
                       [&](const Specialty& s) { return s.id == id; })) {
        return about(Error::not_found("no such specialty"), "specialty_id");
      }
    }
    return soonest_in(lease, query);
  });
}

std::vector<DoctorSlot> CareService::soonest_in(db::Lease& lease, const SoonestQuery& query) {
  bool near = query.latitude && query.longitude;
  std::int64_t from = std::max(query.from, now_());
  // The clinics in reach (all active ones, or those within the radius), with their distance.
  std::optional<store::Box> box;
  if (near) box = box_around(*query.latitude, *query.longitude, query.radius_km);
  std::map<std::int64_t, std::pair<Clinic, std::optional<double>>> reach;
  for (auto& clinic : store::clinics(lease, box, false)) {
    std::optional<double> distance;
    if (near) {
      distance =
          slots::distance_km(*query.latitude, *query.longitude, clinic.latitude, clinic.longitude);
      if (*distance > query.radius_km) continue;
    }
    std::int64_t id = clinic.id;
    reach.emplace(id, std::pair{std::move(clinic), distance});
  }
  // The specialty's doctors practising at those clinics, bookable (active accounts).
  std::map<std::int64_t, std::vector<std::pair<std::int64_t, std::string>>> clinics_of;
  std::vector<std::int64_t> doctor_ids, clinic_ids;
  for (auto [doctor, clinic] : store::specialty_practices(lease, query.specialty_ids)) {
    auto found = reach.find(clinic);
    if (doctor == query.except_doctor || found == reach.end()) continue;
    clinics_of[doctor].emplace_back(clinic, found->second.first.time_zone);
    if (doctor_ids.empty() || doctor_ids.back() != doctor) doctor_ids.push_back(doctor);
    clinic_ids.push_back(clinic);
  }
  auto names = identity::directory::active_doctor_names(lease, doctor_ids);
  std::erase_if(doctor_ids, [&](std::int64_t id) { return !names.contains(id); });
  if (doctor_ids.empty()) return {};
  std::sort(clinic_ids.begin(), clinic_ids.end());
  clinic_ids.erase(std::unique(clinic_ids.begin(), clinic_ids.end()), clinic_ids.end());

  // Everyone's hours and exceptions in two queries, then each doctor's availability.
  std::map<std::int64_t, std::vector<std::pair<std::int64_t, WeeklyHours>>> hours_of;
  for (const auto& row : store::hours_of(lease, doctor_ids)) {
    hours_of[row.doctor_id].emplace_back(row.clinic_id, row.hours);
  }
  std::map<std::int64_t, std::vector<AvailabilityException>> exceptions_of;
  std::vector<AvailabilityException> closures;
  for (auto& exception :
       store::exceptions_of(lease, doctor_ids, clinic_ids, slots::format_day(from / kDay - 1))) {
    if (exception.kind == "closed") {
      closures.push_back(std::move(exception));
    } else {
      exceptions_of[exception.doctor_id].push_back(std::move(exception));
    }
  }
  std::map<std::int64_t, std::vector<slots::ClinicAvailability>> availability;
  for (auto doctor : doctor_ids) {
    auto exceptions = exceptions_of[doctor];
    exceptions.insert(exceptions.end(), closures.begin(), closures.end());
    availability[doctor] =
        availability_of(doctor, clinics_of[doctor], hours_of[doctor], exceptions);
  }

  // Widening windows (2, 9, 31, 62 days): most answers come from the first, which reads the
  // fewest busy times.
  struct Found {
    Slot slot;
    std::int64_t doctor = 0;
    double distance = 0;
  };
  std::vector<Found> found;
  std::int64_t start = from;
  for (std::int64_t days : {2, 9, 31, 62}) {
    std::int64_t end = from + days * kDay;
    std::map<std::int64_t, std::vector<slots::Busy>> busy;
    for (const auto& row : store::doctors_busy(lease, doctor_ids, start, end)) {
      busy[row.doctor_id].push_back({row.starts_at, row.ends_at});
    }
    for (auto doctor : doctor_ids) {
      for (const auto& slot :
           slots::free_slots(availability[doctor], busy[doctor], start, end, now_())) {
        found.push_back({slot, doctor, reach.at(slot.clinic_id).second.value_or(0)});
      }
    }
    if (static_cast<int>(found.size()) >= query.count) break;
    start = end;
  }
  auto order = [](const Found& a, const Found& b) {
    if (a.slot.starts_at != b.slot.starts_at) return a.slot.starts_at < b.slot.starts_at;
    if (a.distance != b.distance) return a.distance < b.distance;
    return a.doctor < b.doctor;
  };
  auto keep = std::min<std::size_t>(found.size(), static_cast<std::size_t>(query.count));
  std::partial_sort(found.begin(), found.begin() + static_cast<std::ptrdiff_t>(keep), found.end(),
                    order);
  std::vector<DoctorSlot> out;
  for (std::size_t at = 0; at < keep; ++at) {
    const auto& [clinic, distance] = reach.at(found[at].slot.clinic_id);
    out.push_back(DoctorSlot{found[at].slot, found[at].doctor, names[found[at].doctor], clinic.name,
                             distance});
  }
  return out;
}

}  // namespace vitalis::care
