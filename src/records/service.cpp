// Records rules: validation through the catalogue, source from the caller's role, BMI
// derivation, corrections that keep history, and auditing of every read and write.
#include "records/service.hpp"

#include <chrono>
#include <cmath>

#include "core/time.hpp"
#include "identity/audit_row.hpp"
#include "records/catalogue.hpp"
#include "records/store.hpp"

namespace vitalis::records {

namespace {

using identity::Caller;
using identity::Role;

constexpr std::string_view kBloodPressure = "blood_pressure";
constexpr std::size_t kMaxReason = 500;
// Clocks of phones and devices drift; a little future is tolerated.
constexpr auto kFutureTolerance = std::chrono::minutes(5);

std::string now_text() { return format_rfc3339(Clock::now()); }

void audit_write(db::Lease& lease, const identity::IdentityService& identity, const Caller& caller,
                 std::int64_t patient_id, std::string_view action, std::int64_t observation_id) {
  identity.audit_write(
      lease, caller,
      identity::audit::Row(action).patient(patient_id).resource("observation", observation_id));
}

// What the reading form calls each field, for messages in people's words.
std::string label_of(std::string_view field) {
  if (field == "systolic") return "Systolic";
  if (field == "diastolic") return "Diastolic";
  if (field == "unit") return "Unit";
  return "Value";
}

Result<double> required_number(const std::optional<double>& value, std::string_view field) {
  if (!value) {
    return Error::validation(std::string(field),
                             label_of(field) + " is required: enter a number such as 5.8");
  }
  return *value;
}

Status required_unit(const std::string& unit) {
  if (unit.empty()) return Error::validation("unit", "Unit is required: choose the unit you used");
  return Ok{};
}

// Converts, checks the possible range and, unless the person confirmed it, the plausible one.
Result<Measurement> measure(const Metric& metric, double value, const ObservationInput& input,
                            std::string_view field) {
  auto measured = normalise(metric, value, input.unit, field);
  if (!measured.ok()) return measured;
  if (!input.confirmed) {
    if (auto checked = check_plausible(metric, *measured, field); !checked.ok()) {
      return checked.error();
    }
  }
  return measured;
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
    return Error::validation("code", "Measurement is required: choose what you measured");
  }
  std::vector<Measurement> out;
  if (input.metric == kBloodPressure) {
    auto systolic = required_number(input.systolic, "systolic");
    if (!systolic.ok()) return systolic.error();
    auto diastolic = required_number(input.diastolic, "diastolic");
    if (!diastolic.ok()) return diastolic.error();
    if (auto unit = required_unit(input.unit); !unit.ok()) return unit.error();
    auto high = measure(*find_metric(loinc::kSystolic), *systolic, input, "systolic");
    if (!high.ok()) return high.error();
    auto low = measure(*find_metric(loinc::kDiastolic), *diastolic, input, "diastolic");
    if (!low.ok()) return low.error();
    if (low->value >= high->value) {
      return Error::validation("diastolic", "Diastolic must be lower than systolic");
    }
    out.push_back(std::move(*high));
    out.push_back(std::move(*low));
    return out;
  }
  const Metric* metric = find_metric(input.metric);
  if (metric == nullptr) {
    return Error::validation(input.metric_field, "Measurement '" + input.metric +
                                                     "' is not known: use a LOINC code or a "
                                                     "metric name such as heart_rate");
  }
  auto value = required_number(input.value, "value");
  if (!value.ok()) return value.error();
  if (auto unit = required_unit(input.unit); !unit.ok()) return unit.error();
  auto measured = measure(*metric, *value, input, "value");
  if (!measured.ok()) return measured.error();
  out.push_back(std::move(*measured));
  return out;
}

Result<std::string> effective_time(const std::string& text, std::string_view field,
                                   std::string_view label) {
  auto now = Clock::now();
  if (text.empty()) return format_rfc3339(now);
  // Compared in microseconds: far-off years overflow the system clock's nanoseconds.
  auto latest = std::chrono::time_point_cast<std::chrono::microseconds>(now + kFutureTolerance);
  auto parsed = parse_rfc3339(text);
  const std::string name(field), shown(label);
  if (!parsed) {
    return Error::validation(
        name, shown + " must be a date and time, e.g. 2026-11-23T08:00:00Z (RFC 3339)");
  }
  if (*parsed > latest) return Error::validation(name, shown + " cannot be in the future");
  if (*parsed < *parse_rfc3339("1900-01-01T00:00:00Z")) {
    return Error::validation(name, shown + " must be after 1900");
  }
  return format_rfc3339(*parsed);
}

double body_mass_index(double weight_kg, double height_cm) {
  double metres = height_cm / 100.0;
  return std::round(weight_kg / (metres * metres) * 10.0) / 10.0;
}

RecordsService::RecordsService(db::Pool& pool, identity::IdentityService& identity)
    : pool_(pool), identity_(identity) {}

Result<Recorded> RecordsService::record(const Caller& caller, std::int64_t patient_id,
                                        const ObservationInput& input) {
  auto checked = check({input});
  if (!checked.ok()) return checked.error();
  std::string source;
  if (caller.role == Role::kPatient && caller.account_id == patient_id) {
    source = "self_reported";
  } else if (caller.role == Role::kDoctor) {
    source = "clinical";
  } else {
    return Error::forbidden("only the patient or their doctor can record observations");
  }
  return write(caller, patient_id, *checked, source, {});
}

Result<Recorded> RecordsService::record_all(const Caller& caller, std::int64_t patient_id,
                                            const std::vector<ObservationInput>& inputs,
                                            const Within& within) {
  if (caller.role != Role::kDoctor && caller.role != Role::kAdmin) {
    return Error::forbidden("only doctors and admins record results");
  }
  if (inputs.empty()) return Error::validation("results", "give at least one result");
  auto checked = check(inputs);
  if (!checked.ok()) return checked.error();
  return write(caller, patient_id, *checked, "clinical", within);
}

Result<std::vector<RecordsService::Checked>> RecordsService::check(
    const std::vector<ObservationInput>& inputs) {
  std::vector<Checked> out;
  for (const auto& input : inputs) {
    auto measurements = validate_observation(input);
    if (!measurements.ok()) return measurements.error();
    auto effective_at = effective_time(input.effective_at);
    if (!effective_at.ok()) return effective_at.error();
    out.push_back({std::move(*measurements), std::move(*effective_at)});
  }
  return out;
}

Result<Recorded> RecordsService::write(const Caller& caller, std::int64_t patient_id,
                                       const std::vector<Checked>& entries,
                                       const std::string& source, const Within& within) {
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<Recorded> {
    db::Transaction tx(lease);
    std::vector<Observation> stored;
    std::string now = now_text();
    for (const Checked& entry : entries) {
      for (const Measurement& measured : entry.measurements) {
        Observation row{0,
                        patient_id,
                        measured.code,
                        measured.value,
                        measured.unit,
                        measured.original_value,
                        measured.original_unit,
                        entry.effective_at,
                        source,
                        caller.account_id,
                        now,
                        "final",
                        std::nullopt,
                        {}};
        row.id = store::insert_observation(lease, row);
        audit_write(lease, identity_, caller, patient_id, "record.create", row.id);
        stored.push_back(row);
        if (auto bmi = derive_bmi(lease, row)) {
          audit_write(lease, identity_, caller, patient_id, "record.create", bmi->id);
          stored.push_back(std::move(*bmi));
        }
      }
    }
    Recorded out{std::move(stored), std::nullopt};
    if (on_recorded_) out.advice = on_recorded_(lease, caller, out.stored);
    if (within) {
      if (auto ok = within(lease, out.stored); !ok.ok()) return ok.error();
    }
    tx.commit();
    return out;
  });
}

Result<ObservationPage> RecordsService::page(std::int64_t patient_id,
                                             const ObservationQuery& query) {
  std::string code;
  if (!query.code.empty()) {
    const Metric* metric = find_metric(query.code);
    if (metric == nullptr) return Error::validation("code", "unknown code '" + query.code + "'");
    code = std::string(metric->code);
  }
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<ObservationPage> {
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
}

Result<Recorded> RecordsService::correct(const Caller& caller, std::int64_t patient_id,
                                         std::int64_t observation_id,
                                         const CorrectionInput& input) {
  auto value = required_number(input.value, "value");
  if (!value.ok()) return value.error();
  if (auto unit = required_unit(input.unit); !unit.ok()) return unit.error();
  if (input.reason.empty() || input.reason.size() > kMaxReason) {
    return Error::validation("reason", "Reason is required (1 to 500 characters)");
  }
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<Recorded> {
    db::Transaction tx(lease);
    auto old = store::find_observation(lease, patient_id, observation_id);
    if (!old) return Error::not_found("no such observation");
    if (caller.role == Role::kPatient && old->source != "self_reported") {
      return Error::forbidden("clinical entries are corrected by a doctor");
    }
    if (caller.role == Role::kDoctor && old->source != "clinical") {
      return Error::forbidden("self-reported entries are corrected by the patient");
    }
    if (caller.role == Role::kAdmin) {
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
                    caller.account_id,
                    now_text(),
                    "final",
                    old->id,
                    input.reason};
    row.id = store::insert_observation(lease, row);
    audit_write(lease, identity_, caller, patient_id, "record.correct", row.id);
    std::vector<Observation> stored{row};
    if (auto bmi = derive_bmi(lease, row)) {
      audit_write(lease, identity_, caller, patient_id, "record.create", bmi->id);
      stored.push_back(std::move(*bmi));
    }
    Recorded out{std::move(stored), std::nullopt};
    if (on_recorded_) out.advice = on_recorded_(lease, caller, out.stored);
    tx.commit();
    return out;
  });
}

Result<std::vector<Observation>> RecordsService::history(std::int64_t patient_id,
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
  return chain;
}

}  // namespace vitalis::records
