// Care rules for appointments: booking (with idempotency keys and the care-team link),
// cancelling, outcomes, rescheduling, and the lists. The database's overlap guards decide
// conflicts (store_appointments.hpp); this file turns a refusal into 409 with alternatives.
#include <algorithm>
#include <cstdlib>
#include <map>

#include "care/service.hpp"
#include "care/slots.hpp"
#include "care/store.hpp"
#include "care/store_appointments.hpp"
#include "core/time.hpp"
#include "identity/audit_row.hpp"
#include "identity/directory.hpp"

namespace vitalis::care {

namespace {

using identity::Caller;
using identity::Role;

constexpr std::int64_t kDay = 86400;
constexpr std::size_t kMaxReason = 500;

std::string rfc3339(std::int64_t unix_seconds) {
  return format_rfc3339(TimePoint(std::chrono::seconds(unix_seconds)));
}

void audit(const identity::IdentityService& identity, db::Lease& lease, const Caller& caller,
           std::string_view action, const Appointment& appointment) {
  identity.audit_write(lease, caller,
                       identity::audit::Row(action)
                           .patient(appointment.patient_id)
                           .resource("appointment", appointment.id));
}

// The appointment when the caller is its patient, its doctor or an admin; 404 otherwise (its
// existence is nobody else's business).
Result<Appointment> visible(db::Lease& lease, const Caller& caller, std::int64_t id) {
  auto appointment = store::find_appointment(lease, id);
  bool allowed =
      appointment && (caller.role == Role::kAdmin || appointment->patient_id == caller.account_id ||
                      appointment->doctor_id == caller.account_id);
  if (!allowed) return about(Error::not_found("no such appointment"), "appointment_id");
  return *appointment;
}

std::string fingerprint(const BookingInput& input) {
  return std::to_string(input.doctor_id) + ":" + std::to_string(input.patient_id) + ":" +
         std::to_string(input.starts_at) + ":" + std::to_string(input.clinic_id) + ":" + input.mode;
}

}  // namespace

CareService::Alternatives CareService::alternatives(std::int64_t doctor_id, std::int64_t around,
                                                    std::int64_t clinic_id) {
  constexpr auto kReuse = std::chrono::seconds(2);
  const auto key = std::tuple{doctor_id, around, clinic_id};
  const auto now = std::chrono::steady_clock::now();
  std::shared_future<Alternatives> answer;
  std::optional<std::promise<Alternatives>> mine;
  {
    std::lock_guard lock(alternatives_mutex_);
    std::erase_if(recent_alternatives_,
                  [&](const auto& entry) { return now - entry.second.made > kReuse; });
    auto found = recent_alternatives_.find(key);
    if (found != recent_alternatives_.end()) {
      answer = found->second.answer;
    } else {
      mine.emplace();
      answer = mine->get_future().share();
      recent_alternatives_[key] = SharedAlternatives{now, answer};
    }
  }
  if (mine) {
    try {
      mine->set_value(compute_alternatives(doctor_id, around, clinic_id));
    } catch (...) {
      mine->set_exception(std::current_exception());
    }
  }
  return answer.get();
}

CareService::Alternatives CareService::compute_alternatives(std::int64_t doctor_id,
                                                            std::int64_t around,
                                                            std::int64_t clinic_id) {
  auto found = db::with_connection(pool_, [&](db::Lease& lease) -> Result<Alternatives> {
    Alternatives out;
    std::int64_t from = std::max(now_(), around - 7 * kDay);
    auto nearest = slots_in(lease, doctor_id, from, from + kMaxSlotRangeDays * kDay, true);
    std::stable_sort(nearest.begin(), nearest.end(), [&](const Slot& a, const Slot& b) {
      return std::llabs(a.starts_at - around) < std::llabs(b.starts_at - around);
    });
    if (nearest.size() > 3) nearest.resize(3);
    auto by_time = [](const Slot& a, const Slot& b) { return a.starts_at < b.starts_at; };
    out.own = nearest;
    std::sort(out.own.begin(), out.own.end(), by_time);
    // The soonest free slots of the doctor's specialties' other doctors near the clinic.
    SoonestQuery others;
    others.count = 3;
    others.except_doctor = doctor_id;
    others.specialty_ids = store::specialty_ids_of(lease, doctor_id);
    auto clinic = store::find_clinic(lease, clinic_id);
    if (clinic) {
      others.latitude = clinic->latitude;
      others.longitude = clinic->longitude;
    }
    auto theirs =
        others.specialty_ids.empty() ? std::vector<DoctorSlot>{} : soonest_in(lease, others);
    // Up to three: the doctor's nearest first, keeping a place for another doctor's soonest.
    nearest.resize(std::min<std::size_t>(nearest.size(), theirs.empty() ? 3 : 2));
    std::sort(nearest.begin(), nearest.end(), by_time);
    auto name = identity::directory::names(lease, {doctor_id})[doctor_id];
    std::map<std::int64_t, std::optional<Clinic>> clinics;
    for (const Slot& slot : nearest) {
      if (!clinics.contains(slot.clinic_id)) {
        clinics[slot.clinic_id] = store::find_clinic(lease, slot.clinic_id);
      }
      const auto& here = clinics[slot.clinic_id];
      std::optional<double> distance;
      if (clinic && here) {
        distance = slots::distance_km(clinic->latitude, clinic->longitude, here->latitude,
                                      here->longitude);
      }
      out.mixed.push_back(DoctorSlot{slot, doctor_id, name, here ? here->name : "", distance});
    }
    for (auto& slot : theirs) {
      if (out.mixed.size() >= 3) break;
      out.mixed.push_back(std::move(slot));
    }
    return out;
  });
  return found.ok() ? std::move(found).value() : Alternatives{};
}

Error CareService::taken(bool doctor_busy, std::int64_t doctor_id, std::int64_t around,
                         std::int64_t clinic_id, std::vector<DoctorSlot>* alternatives_out) {
  Error error = Error::conflict(doctor_busy ? "this time is already booked: choose another slot"
                                            : "the patient has another appointment at this time");
  error.field = doctor_busy ? "starts_at" : "patient_id";
  auto found = alternatives(doctor_id, around, clinic_id);
  for (const auto& slot : found.own) error.suggestions.push_back(rfc3339(slot.starts_at));
  if (alternatives_out != nullptr) *alternatives_out = std::move(found.mixed);
  return error;
}

Result<Booked> CareService::book(const Caller& caller, const BookingInput& given,
                                 std::vector<DoctorSlot>* alternatives_out) {
  BookingInput input = given;
  if (caller.role == Role::kPatient) {
    if (input.patient_id == 0) input.patient_id = caller.account_id;
    if (input.patient_id != caller.account_id) {
      return about(Error::forbidden("patients book appointments for themselves"), "patient_id");
    }
  } else if (caller.role == Role::kDoctor) {
    if (input.doctor_id != caller.account_id) {
      return about(Error::forbidden("doctors book patients into their own diary"), "doctor_id");
    }
    if (input.patient_id == 0) return Error::validation("patient_id", "patient_id is required");
  } else {
    return about(Error::forbidden("only patients and doctors book appointments"), "doctor_id");
  }
  if (input.mode != "in_person" && input.mode != "telehealth") {
    return Error::validation("mode", "mode must be in_person or telehealth");
  }
  if (input.reason.size() > kMaxReason) {
    return Error::validation("reason", "reason is too long (500 characters at most)");
  }
  if (input.idempotency_key.size() > 200) {
    return Error::validation("Idempotency-Key", "Idempotency-Key is too long (200 at most)");
  }
  const std::string print = fingerprint(input);
  // A request with a key already answered gets that answer again.
  auto replay = [&]() -> std::optional<Result<Booked>> {
    if (input.idempotency_key.empty()) return std::nullopt;
    return db::with_connection(pool_, [&](db::Lease& lease) -> std::optional<Result<Booked>> {
      auto key = store::find_key(lease, caller.account_id, input.idempotency_key);
      if (!key) return std::nullopt;
      if (key->fingerprint != print) {
        return Result<Booked>(Error::validation(
            "Idempotency-Key", "this Idempotency-Key was used for a different booking"));
      }
      auto appointment = store::find_appointment(lease, key->appointment_id);
      if (!appointment) return Result<Booked>(Error::internal());
      return Result<Booked>(Booked{*appointment, true});
    });
  };
  if (auto earlier = replay()) return std::move(*earlier);
  if (auto ok = check_doctor(input.doctor_id, "doctor_id"); !ok.ok()) return ok.error();
  if (input.starts_at <= now_()) {
    return Error::validation("starts_at", "starts_at must be in the future");
  }

  enum class Outcome {
    kBooked,
    kReplayed,
    kNotASlot,
    kNotLinked,
    kDoctorBusy,
    kPatientBusy,
    kKeyTaken
  };
  Outcome outcome = Outcome::kBooked;
  std::int64_t clinic_id = input.clinic_id;
  auto booked = db::with_connection(pool_, [&](db::Lease& lease) -> Result<Appointment> {
    if (caller.role == Role::kDoctor &&
        !identity::directory::linked(lease, input.patient_id, caller.account_id)) {
      outcome = Outcome::kNotLinked;
      return about(Error::forbidden("book patients on your care team only"), "patient_id");
    }
    // The time must be one of the doctor's slots (booked or not: the guards judge that).
    auto schedule =
        slots_in(lease, input.doctor_id, input.starts_at - kDay, input.starts_at + kDay, false);
    auto slot = std::find_if(schedule.begin(), schedule.end(), [&](const Slot& s) {
      return s.starts_at == input.starts_at &&
             (input.clinic_id == 0 || s.clinic_id == input.clinic_id);
    });
    if (slot == schedule.end()) {
      outcome = Outcome::kNotASlot;
      return Error::validation("starts_at", "this is not one of the doctor's slots");
    }
    clinic_id = slot->clinic_id;
    // A time already taken is answered without the write lock (most of a race's losers arrive
    // after the winner committed); the database's guards still settle requests that overlap.
    if (!store::doctor_busy(lease, input.doctor_id, slot->starts_at, slot->ends_at).empty()) {
      outcome = Outcome::kDoctorBusy;
      return Error::conflict("taken");
    }
    Appointment row;
    row.doctor_id = input.doctor_id;
    row.patient_id = input.patient_id;
    row.clinic_id = slot->clinic_id;
    row.starts_at = slot->starts_at;
    row.ends_at = slot->ends_at;
    row.mode = input.mode;
    row.reason = input.reason;
    row.status = "booked";
    row.booked_by = caller.account_id;
    row.booked_at = stamp();
    db::Transaction tx(lease);
    // The key again, in the writer's transaction: a request with the same key that committed
    // since the first look (on SQLite possibly in this commit group, not yet visible to other
    // connections) holds the slot; its booking is the answer.
    if (!input.idempotency_key.empty()) {
      if (auto key = store::find_key(lease, caller.account_id, input.idempotency_key)) {
        if (key->fingerprint != print) {
          return Error::validation("Idempotency-Key",
                                   "this Idempotency-Key was used for a different booking");
        }
        auto earlier = store::find_appointment(lease, key->appointment_id);
        if (!earlier) return Error::internal();
        outcome = Outcome::kReplayed;
        return *earlier;
      }
    }
    auto inserted = store::insert_appointment(lease, row);
    if (inserted.overlap != store::Overlap::kNone) {
      outcome = inserted.overlap == store::Overlap::kDoctor ? Outcome::kDoctorBusy
                                                            : Outcome::kPatientBusy;
      return Error::conflict("taken");  // rolled back by tx; answered below
    }
    row.id = inserted.id;
    if (!input.idempotency_key.empty() &&
        !store::insert_key(lease, caller.account_id, input.idempotency_key, print, row.id,
                           row.booked_at)) {
      outcome = Outcome::kKeyTaken;
      return Error::conflict("replay");
    }
    identity_.link_booked_doctor(lease, caller, row.patient_id, row.doctor_id);
    audit(identity_, lease, caller, "appointment.create", row);
    if (auto mailed = mail_appointment(lease, row, "appointment_booked"); !mailed.ok()) {
      return mailed.error();
    }
    tx.commit();
    return row;
  });
  if (booked.ok()) return Booked{std::move(booked).value(), outcome == Outcome::kReplayed};
  if (outcome == Outcome::kDoctorBusy || outcome == Outcome::kPatientBusy ||
      outcome == Outcome::kKeyTaken) {
    // A concurrent request with the same key may have won the slot: its answer is ours.
    if (auto earlier = replay()) return std::move(*earlier);
    if (outcome == Outcome::kKeyTaken) return Error::internal();
    return taken(outcome == Outcome::kDoctorBusy, input.doctor_id, input.starts_at, clinic_id,
                 alternatives_out);
  }
  return booked.error();
}

Result<Appointment> CareService::cancel(const Caller& caller, std::int64_t appointment_id,
                                        const std::string& reason) {
  if (reason.empty()) return Error::validation("reason", "say why the appointment is cancelled");
  if (reason.size() > kMaxReason) return Error::validation("reason", "reason is too long");
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<Appointment> {
    db::Transaction tx(lease);
    auto appointment = visible(lease, caller, appointment_id);
    if (!appointment.ok()) return appointment;
    std::string at = stamp();
    if (!store::set_status(lease, appointment_id, "cancelled", caller.account_id, at, reason)) {
      Error error = Error::conflict("only a booked appointment can be cancelled");
      error.field = "status";
      return error;
    }
    appointment->status = "cancelled";
    appointment->changed_by = caller.account_id;
    appointment->changed_at = at;
    appointment->cancel_reason = reason;
    appointment->revision += 1;
    audit(identity_, lease, caller, "appointment.cancel", *appointment);
    if (auto mailed = mail_appointment(lease, *appointment, "appointment_cancelled");
        !mailed.ok()) {
      return mailed.error();
    }
    tx.commit();
    return appointment;
  });
}

Result<Appointment> CareService::set_outcome(const Caller& caller, std::int64_t appointment_id,
                                             const std::string& status) {
  if (status != "completed" && status != "no_show") {
    return Error::validation("status", "status must be completed or no_show");
  }
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<Appointment> {
    db::Transaction tx(lease);
    auto appointment = visible(lease, caller, appointment_id);
    if (!appointment.ok()) return appointment;
    if (caller.role == Role::kPatient) {
      return about(Error::forbidden("the doctor records how an appointment went"), "status");
    }
    if (appointment->starts_at > now_()) {
      return Error::validation("status", "the appointment has not started yet");
    }
    std::string at = stamp();
    if (!store::set_status(lease, appointment_id, status, caller.account_id, at, "")) {
      Error error = Error::conflict("only a booked appointment can be completed or missed");
      error.field = "status";
      return error;
    }
    appointment->status = status;
    appointment->revision += 1;
    appointment->changed_by = caller.account_id;
    appointment->changed_at = at;
    audit(identity_, lease, caller, "appointment." + status, *appointment);
    tx.commit();
    return appointment;
  });
}

Result<Appointment> CareService::reschedule(const Caller& caller, std::int64_t appointment_id,
                                            std::int64_t starts_at,
                                            std::vector<DoctorSlot>* alternatives_out) {
  if (starts_at <= now_()) return Error::validation("starts_at", "starts_at must be in the future");
  bool doctor_busy = false, refused = false;
  std::int64_t doctor_id = 0, clinic_id = 0;
  auto moved = db::with_connection(pool_, [&](db::Lease& lease) -> Result<Appointment> {
    auto appointment = visible(lease, caller, appointment_id);
    if (!appointment.ok()) return appointment;
    if (caller.role == Role::kAdmin)
      return about(Error::forbidden("the patient or doctor reschedules"), "appointment_id");
    doctor_id = appointment->doctor_id;
    auto schedule = slots_in(lease, doctor_id, starts_at - kDay, starts_at + kDay, false);
    auto slot = std::find_if(schedule.begin(), schedule.end(),
                             [&](const Slot& s) { return s.starts_at == starts_at; });
    if (slot == schedule.end()) {
      return Error::validation("starts_at", "this is not one of the doctor's slots");
    }
    clinic_id = slot->clinic_id;
    db::Transaction tx(lease);
    std::string at = stamp();
    auto result = store::move_appointment(lease, appointment_id, *slot, caller.account_id, at);
    if (result.overlap != store::Overlap::kNone) {
      refused = true;
      doctor_busy = result.overlap == store::Overlap::kDoctor;
      return Error::conflict("taken");
    }
    if (!result.moved) {
      Error error = Error::conflict("only a booked appointment can be rescheduled");
      error.field = "status";
      return error;
    }
    appointment->starts_at = slot->starts_at;
    appointment->ends_at = slot->ends_at;
    appointment->clinic_id = slot->clinic_id;
    appointment->changed_by = caller.account_id;
    appointment->changed_at = at;
    appointment->revision += 1;
    audit(identity_, lease, caller, "appointment.reschedule", *appointment);
    if (auto mailed = mail_appointment(lease, *appointment, "appointment_moved"); !mailed.ok()) {
      return mailed.error();
    }
    tx.commit();
    return appointment;
  });
  if (!moved.ok() && refused) {
    return taken(doctor_busy, doctor_id, starts_at, clinic_id, alternatives_out);
  }
  return moved;
}

Result<std::vector<Appointment>> CareService::patient_appointments(std::int64_t patient_id,
                                                                   std::int64_t from, int limit) {
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<std::vector<Appointment>> {
    return store::patient_appointments(lease, patient_id, from, limit);
  });
}

Result<std::vector<Appointment>> CareService::doctor_agenda(const Caller& caller,
                                                            std::int64_t doctor_id,
                                                            std::int64_t from, std::int64_t to) {
  if (caller.role != Role::kAdmin && caller.account_id != doctor_id) {
    return about(Error::forbidden("a doctor sees their own diary"), "doctor_id");
  }
  if (to <= from) return Error::validation("to", "to must be after from");
  if (to - from > kMaxSlotRangeDays * kDay) return Error::validation("to", "31 days at most");
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<std::vector<Appointment>> {
    return store::doctor_appointments(lease, doctor_id, from, to);
  });
}

}  // namespace vitalis::care
