// Records rules: validation through the catalogue, source from the caller's role, BMI
// derivation, corrections that keep history, and auditing of every read and write.
#include "records/service.hpp"

#include <soci/soci.h>

#include <chrono>
#include <cmath>

#include "core/time.hpp"
#include "identity/audit.hpp"
#include "records/catalogue.hpp"
#include "records/store.hpp"

namespace vitalis::records {

namespace {

using identity::Principal;
using identity::Role;

constexpr std::string_view kBloodPressure = "blood_pressure";
constexpr std::size_t kMaxReason = 500;
// Clocks of phones and devices drift; a little future is tolerated.
constexpr auto kFutureTolerance = std::chrono::minutes(5);

std::string now_text() { return format_rfc3339(Clock::now()); }

void audit_write(db::Lease& lease, const identity::IdentityService& identity,
                 const Principal& principal, const identity::Client& client,
                 std::int64_t patient_id, std::string_view action, std::int64_t observation_id) {
  identity.audit_write(lease, principal, client, patient_id, action, "observation",
                       std::to_string(observation_id));
}

Result<double> required_number(const std::optional<double>& value, std::string_view field) {
  if (!value) {
    return Error::validation(std::string(field), std::string(field) + " is required (a number)");
  }
  return *value;
}

Status required_unit(const std::string& unit) {
  if (unit.empty()) return Error::validation("unit", "unit is required (a UCUM unit)");
  return Ok{};
}

// After a weight or height was stored: when it is now the latest of its kind and the other one
// exists, stores the BMI of the latest pair. Returns the BMI entry, if one was derived.
std::optional<Observation> derive_bmi(db::Lease& lease, const Observation& trigger) {
  if (trigger.code != loinc::kWeight && trigger.code != loinc::kHeight) return std::nullopt;
  auto weight = store::latest_observations(lease, trigger.patient_id, std::string(loinc::kWeight),
                                           nullptr, 1);
  auto height = store::latest_observations(lease, trigger.patient_id, std::string(loinc::kHeight),
                                           nullptr, 1);
  if (weight.empty() || height.empty()) return std::nullopt;
  // A back-dated entry does not change the latest pair, so it derives nothing new.
  if (weight.front().id != trigger.id && height.front().id != trigger.id) return std::nullopt;
  const Metric* bmi_metric = find_metric(loinc::kBmi);
  double bmi = body_mass_index(weight.front().value, height.front().value);
  auto measured = normalise(*bmi_metric, bmi, bmi_metric->unit);
  if (!measured.ok()) return std::nullopt;  // an implausible pair derives no BMI
  Observation out;
  out.patient_id = trigger.patient_id;
  out.code = measured->code;
  out.value = out.original_value = measured->value;
  out.unit = out.original_unit = measured->unit;
  out.effective_at = std::max(weight.front().effective_at, height.front().effective_at);
  out.source = trigger.source;
  out.recorded_by = trigger.recorded_by;
  out.recorded_at = trigger.recorded_at;
  out.status = "final";
  out.id = store::insert_observation(lease, out);
  return out;
}

}  // namespace

Result<std::vector<Measurement>> validate_observation(const ObservationInput& input) {
  if (input.metric.empty()) {
    return Error::validation("code", "code (LOINC) or metric (name) is required");
  }
  std::vector<Measurement> out;
  if (input.metric == kBloodPressure) {
    auto systolic = required_number(input.systolic, "systolic");
    if (!systolic.ok()) return systolic.error();
    auto diastolic = required_number(input.diastolic, "diastolic");
    if (!diastolic.ok()) return diastolic.error();
    if (auto unit = required_unit(input.unit); !unit.ok()) return unit.error();
    auto high = normalise(*find_metric(loinc::kSystolic), *systolic, input.unit, "systolic");
    if (!high.ok()) return high.error();
    auto low = normalise(*find_metric(loinc::kDiastolic), *diastolic, input.unit, "diastolic");
    if (!low.ok()) return low.error();
    if (low->value >= high->value) {
      return Error::validation("diastolic", "diastolic must be lower than systolic");
    }
    out.push_back(std::move(*high));
    out.push_back(std::move(*low));
    return out;
  }
  const Metric* metric = find_metric(input.metric);
  if (metric == nullptr) {
    return Error::validation(input.metric_field,
                             "unknown " + input.metric_field + " '" + input.metric + "'");
  }
  auto value = required_number(input.value, "value");
  if (!value.ok()) return value.error();
  if (auto unit = required_unit(input.unit); !unit.ok()) return unit.error();
  auto measured = normalise(*metric, *value, input.unit);
  if (!measured.ok()) return measured.error();
  out.push_back(std::move(*measured));
  return out;
}

Result<std::string> effective_time(const std::string& text, std::string_view field) {
  auto now = Clock::now();
  if (text.empty()) return format_rfc3339(now);
  // Compared in microseconds: far-off years overflow the system clock's nanoseconds.
  auto latest = std::chrono::time_point_cast<std::chrono::microseconds>(now + kFutureTolerance);
  auto parsed = parse_rfc3339(text);
  const std::string name(field);
  if (!parsed) {
    return Error::validation(name, name + " must be an RFC 3339 time, e.g. 2026-11-23T08:00:00Z");
  }
  if (*parsed > latest) return Error::validation(name, name + " cannot be in the future");
  if (*parsed < *parse_rfc3339("1900-01-01T00:00:00Z")) {
    return Error::validation(name, name + " must be after 1900");
  }
  return format_rfc3339(Clock::time_point(*parsed));
}

double body_mass_index(double weight_kg, double height_cm) {
  double metres = height_cm / 100.0;
  return std::round(weight_kg / (metres * metres) * 10.0) / 10.0;
}

RecordsService::RecordsService(db::Pool& pool, identity::IdentityService& identity)
    : pool_(pool), identity_(identity) {}

Result<std::vector<Observation>> RecordsService::record(const Principal& principal,
                                                        const identity::Client& client,
                                                        std::int64_t patient_id,
                                                        const ObservationInput& input) {
  auto measurements = validate_observation(input);
  if (!measurements.ok()) return measurements.error();
  auto effective_at = effective_time(input.effective_at);
  if (!effective_at.ok()) return effective_at.error();
  std::string source;
  if (principal.role == Role::kPatient && principal.account_id == patient_id) {
    source = "self_reported";
  } else if (principal.role == Role::kDoctor) {
    source = "clinical";
  } else {
    return Error::forbidden("only the patient or their doctor can record observations");
  }
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<std::vector<Observation>> {
    db::Transaction tx(lease);
    std::vector<Observation> stored;
    std::string now = now_text();
    for (const Measurement& measured : *measurements) {
      Observation row{0,
                      patient_id,
                      measured.code,
                      measured.value,
                      measured.unit,
                      measured.original_value,
                      measured.original_unit,
                      *effective_at,
                      source,
                      principal.account_id,
                      now,
                      "final",
                      std::nullopt,
                      {}};
      row.id = store::insert_observation(lease, row);
      audit_write(lease, identity_, principal, client, patient_id, "record.create", row.id);
      stored.push_back(row);
      if (auto bmi = derive_bmi(lease, row)) {
        audit_write(lease, identity_, principal, client, patient_id, "record.create", bmi->id);
        stored.push_back(std::move(*bmi));
      }
    }
    if (on_recorded_) on_recorded_(lease, stored);
    tx.commit();
    return stored;
  });
}

Result<ObservationPage> RecordsService::list(const Principal& principal,
                                             const identity::Client& client,
                                             std::int64_t patient_id,
                                             const ObservationQuery& query) {
  std::string code;
  if (!query.code.empty()) {
    const Metric* metric = find_metric(query.code);
    if (metric == nullptr) return Error::validation("code", "unknown code '" + query.code + "'");
    code = std::string(metric->code);
  }
  auto page = db::with_connection(pool_, [&](db::Lease& lease) -> Result<ObservationPage> {
    std::optional<Observation> cursor;
    if (query.before_id > 0) {
      cursor = store::find_observation(lease, patient_id, query.before_id);
      if (!cursor) return Error::validation("before", "before is not an entry of this record");
    } else if (!query.to.empty()) {
      // "Taken before `to`": the keyset position just before the first entry at that time.
      cursor.emplace();
      cursor->effective_at = query.to;
    }
    ObservationPage out;
    out.items = store::latest_observations(lease, patient_id, code, cursor ? &*cursor : nullptr,
                                           query.limit + 1);
    if (out.items.size() > static_cast<std::size_t>(query.limit)) {
      out.items.pop_back();
      out.next_before = out.items.back().id;
    }
    return out;
  });
  if (!page.ok()) return page;
  auto audited = identity_.audit_record(principal, client, patient_id, "record.read",
                                        "observations", std::to_string(patient_id), "success");
  if (!audited.ok()) return audited.error();
  return page;
}

Result<std::vector<Observation>> RecordsService::correct(const Principal& principal,
                                                         const identity::Client& client,
                                                         std::int64_t patient_id,
                                                         std::int64_t observation_id,
                                                         const CorrectionInput& input) {
  auto value = required_number(input.value, "value");
  if (!value.ok()) return value.error();
  if (auto unit = required_unit(input.unit); !unit.ok()) return unit.error();
  if (input.reason.empty() || input.reason.size() > kMaxReason) {
    return Error::validation("reason", "reason is required (1 to 500 characters)");
  }
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<std::vector<Observation>> {
    db::Transaction tx(lease);
    auto old = store::find_observation(lease, patient_id, observation_id);
    if (!old) return Error::not_found("no such observation");
    if (principal.role == Role::kPatient && old->source != "self_reported") {
      return Error::forbidden("clinical entries are corrected by a doctor");
    }
    if (principal.role == Role::kDoctor && old->source != "clinical") {
      return Error::forbidden("self-reported entries are corrected by the patient");
    }
    if (principal.role == Role::kAdmin) {
      return Error::forbidden("administrators cannot change patient records");
    }
    if (old->status != "final") {
      return Error::conflict("this entry was already corrected; correct the latest one");
    }
    auto measured = normalise(*find_metric(old->code), *value, input.unit);
    if (!measured.ok()) return measured.error();
    if (!store::mark_corrected(lease, old->id)) {
      return Error::conflict("this entry was already corrected; correct the latest one");
    }
    Observation row{0,
                    patient_id,
                    old->code,
                    measured->value,
                    measured->unit,
                    measured->original_value,
                    measured->original_unit,
                    old->effective_at,
                    old->source,
                    principal.account_id,
                    now_text(),
                    "final",
                    old->id,
                    input.reason};
    row.id = store::insert_observation(lease, row);
    audit_write(lease, identity_, principal, client, patient_id, "record.correct", row.id);
    std::vector<Observation> stored{row};
    if (auto bmi = derive_bmi(lease, row)) {
      audit_write(lease, identity_, principal, client, patient_id, "record.create", bmi->id);
      stored.push_back(std::move(*bmi));
    }
    if (on_recorded_) on_recorded_(lease, stored);
    tx.commit();
    return stored;
  });
}

Result<std::vector<Observation>> RecordsService::history(const Principal& principal,
                                                         const identity::Client& client,
                                                         std::int64_t patient_id,
                                                         std::int64_t observation_id) {
  auto chain =
      db::with_connection(pool_, [&](db::Lease& lease) -> Result<std::vector<Observation>> {
        auto entry = store::find_observation(lease, patient_id, observation_id);
        if (!entry) return Error::not_found("no such observation");
        std::vector<Observation> older;
        for (auto step = entry; step && step->supersedes;) {
          step = store::find_observation(lease, patient_id, *step->supersedes);
          if (step) older.push_back(*step);
        }
        std::vector<Observation> out(older.rbegin(), older.rend());
        out.push_back(*entry);
        for (auto next = store::successor(lease, entry->id); next;
             next = store::successor(lease, next->id)) {
          out.push_back(*next);
        }
        return out;
      });
  if (!chain.ok()) return chain;
  auto audited = identity_.audit_record(principal, client, patient_id, "record.read", "observation",
                                        std::to_string(observation_id), "success");
  if (!audited.ok()) return audited.error();
  return chain;
}

}  // namespace vitalis::records
