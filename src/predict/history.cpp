// Patient predictions: prefill from the record, store in the history, list.
#include "predict/history.hpp"

#include <soci/soci.h>

#include <boost/json.hpp>
#include <chrono>
#include <cmath>
#include <cstdio>

#include "core/time.hpp"
#include "db/rows.hpp"
#include "identity/audit.hpp"
#include "predict/specs.hpp"
#include "records/clinical_store.hpp"
#include "records/store.hpp"

namespace vitalis::predict {

namespace json = boost::json;
using identity::Principal;

namespace {

namespace sql {
#define VITALIS_PREDICTION_COLUMNS                                                          \
  "SELECT id, patient_id, model, model_version, probability, risk_class, summary, result, " \
  "requested_by, created_at FROM predictions "
constexpr const char* kInsert =
    "INSERT INTO predictions (patient_id, model, model_version, probability, risk_class, "
    "summary, result, requested_by, created_at) VALUES (:patient, :model, :version, "
    ":probability, :risk, :summary, :result, :by, :at) RETURNING id";
constexpr const char* kFind = VITALIS_PREDICTION_COLUMNS "WHERE id = :id AND patient_id = :patient";
// Newest first by (created_at, id), served by predictions_patient_time; `:model` '' = all.
constexpr const char* kPage = VITALIS_PREDICTION_COLUMNS
    "WHERE patient_id = :patient AND (:model1 = '' OR model = :model2) "
    "AND (:first = 1 OR created_at < :at1 OR (created_at = :at2 AND id < :id)) "
    "ORDER BY created_at DESC, id DESC LIMIT :limit";
#undef VITALIS_PREDICTION_COLUMNS
}  // namespace sql

// Binds the columns of the prediction SELECTs; current() copies a fetched row out.
class RowReader {
 public:
  void bind(soci::statement& statement) {
    statement.exchange(soci::into(id_));
    statement.exchange(soci::into(patient_id_));
    statement.exchange(soci::into(row_.model));
    statement.exchange(soci::into(row_.model_version));
    statement.exchange(soci::into(probability_, probability_ind_));
    statement.exchange(soci::into(risk_, risk_ind_));
    statement.exchange(soci::into(row_.summary));
    statement.exchange(soci::into(row_.result));
    statement.exchange(soci::into(requested_by_));
    statement.exchange(soci::into(row_.created_at));
  }
  StoredPrediction current() const {
    StoredPrediction out = row_;
    out.id = id_;
    out.patient_id = patient_id_;
    out.requested_by = requested_by_;
    if (probability_ind_ == soci::i_ok) out.probability = probability_;
    out.risk_class = risk_ind_ == soci::i_ok ? risk_ : std::string();
    return out;
  }

 private:
  StoredPrediction row_;
  long long id_ = 0, patient_id_ = 0, requested_by_ = 0;
  double probability_ = 0;
  std::string risk_;
  soci::indicator probability_ind_ = soci::i_null, risk_ind_ = soci::i_null;
};

std::int64_t insert(db::Lease& lease, const StoredPrediction& entry) {
  long long id = 0;
  long long patient = entry.patient_id, by = entry.requested_by;
  double probability = entry.probability.value_or(0);
  soci::indicator probability_ind = entry.probability ? soci::i_ok : soci::i_null;
  soci::indicator risk_ind = entry.risk_class.empty() ? soci::i_null : soci::i_ok;
  *lease << sql::kInsert, soci::use(patient), soci::use(entry.model),
      soci::use(entry.model_version), soci::use(probability, probability_ind),
      soci::use(entry.risk_class, risk_ind), soci::use(entry.summary), soci::use(entry.result),
      soci::use(by), soci::use(entry.created_at), soci::into(id);
  return id;
}

// Where a model input comes from in the record: the latest final observation of `code` (within
// kPrefillMaxAgeDays), used as it is or as a yes/no "above `threshold`".
struct ObservationSource {
  std::string_view feature;
  std::string_view code;
  double threshold = std::nan("");  // NaN: the value itself
};
// Canonical record units equal the models' units (mg/dL, mm[Hg] = mmHg, kg/m2 = kg/m²).
constexpr ObservationSource kObservationSources[] = {
    {"glucose", "2339-0"},      // diabetes: plasma glucose (the model's is a 2-hour OGTT value)
    {"avg_glucose", "2339-0"},  // stroke: average glucose; the latest reading stands in
    {"blood_pressure", "8462-4"},
    {"resting_bp", "8480-6"},
    {"bmi", "39156-5"},
    {"cholesterol", "2093-3"},
    {"fasting_glucose_high", "1558-6", 120.0},  // heart: fasting blood sugar > 120 mg/dL
};

void audit(db::Lease& lease, const identity::IdentityService& identity, const Principal& principal,
           const identity::Client& client, std::int64_t patient_id, std::string_view action,
           std::string_view resource, std::string resource_id) {
  identity::append_audit(lease, identity.key(),
                         {0,
                          {},
                          principal.account_id,
                          std::string(identity::role_name(principal.role)),
                          std::string(action),
                          std::string(resource),
                          std::move(resource_id),
                          patient_id,
                          client.address,
                          "success",
                          {}});
}

// Whole years between an ISO date (YYYY-MM-DD) and today; nullopt when unreadable.
std::optional<int> age_in_years(const std::string& date_of_birth) {
  int year = 0, month = 0, day = 0;
  if (std::sscanf(date_of_birth.c_str(), "%d-%d-%d", &year, &month, &day) != 3) return {};
  const auto today = std::chrono::year_month_day(
      std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now()));
  int age = static_cast<int>(today.year()) - year;
  unsigned this_month = static_cast<unsigned>(today.month());
  unsigned this_day = static_cast<unsigned>(today.day());
  if (this_month < static_cast<unsigned>(month) ||
      (this_month == static_cast<unsigned>(month) && this_day < static_cast<unsigned>(day))) {
    --age;
  }
  return age;
}

bool in_range(const FeatureSpec& feature, double value) {
  return value >= feature.min && value <= feature.max;
}

// The record's values for `spec`, read inside the caller's lease. Values outside the model's
// valid range are left out (the model would refuse them; the caller can still send their own).
std::vector<PrefilledInput> read_prefill(db::Lease& lease, const ModelSpec& spec,
                                         std::int64_t patient_id) {
  std::vector<PrefilledInput> out;
  auto profile = records::store::load_profile(lease, patient_id);
  const std::string date_of_birth = profile ? profile->date_of_birth : std::string();
  const std::string sex = profile ? profile->sex : std::string();
  if (int index = spec.feature_index("age"); index >= 0 && !date_of_birth.empty()) {
    auto age = age_in_years(date_of_birth);
    if (age && in_range(spec.features[static_cast<std::size_t>(index)], *age)) {
      out.push_back({"age", *age, "profile", {}, 0, {}});
    }
  }
  if (spec.feature_index("sex") >= 0 && (sex == "female" || sex == "male")) {
    out.push_back({"sex", json::string(sex), "profile", {}, 0, {}});
  }
  const std::string oldest = format_rfc3339(Clock::now() - std::chrono::days(kPrefillMaxAgeDays));
  for (const auto& source : kObservationSources) {
    int index = spec.feature_index(source.feature);
    if (index < 0) continue;
    auto latest = records::store::latest_observations(lease, patient_id, std::string(source.code),
                                                      nullptr, 1);
    if (latest.empty() || latest.front().effective_at < oldest) continue;
    const records::Observation& reading = latest.front();
    json::value value;
    if (std::isnan(source.threshold)) {
      if (!in_range(spec.features[static_cast<std::size_t>(index)], reading.value)) continue;
      value = reading.value;
    } else {
      value = json::string(reading.value > source.threshold ? "yes" : "no");
    }
    out.push_back({std::string(source.feature), std::move(value), "observation",
                   std::string(source.code), reading.id, reading.effective_at});
  }
  return out;
}

std::string percent_text(double probability) {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%.0f %%", probability * 100.0);
  return buffer;
}

}  // namespace

PatientPredictions::PatientPredictions(db::Pool& pool, identity::IdentityService& identity,
                                       const PredictionService& predictions)
    : pool_(pool), identity_(identity), predictions_(predictions) {}

Result<std::vector<PrefilledInput>> PatientPredictions::prefill(const Principal& principal,
                                                                const identity::Client& client,
                                                                std::int64_t patient_id,
                                                                std::string_view model) {
  const ModelSpec* spec = find_model_spec(model);
  if (spec == nullptr) return Error::not_found("no model named '" + std::string(model) + "'");
  auto prefilled =
      db::with_connection(pool_, [&](db::Lease& lease) -> Result<std::vector<PrefilledInput>> {
        db::Transaction tx(lease, db::Transaction::Mode::kRead);
        return read_prefill(lease, *spec, patient_id);
      });
  if (!prefilled.ok()) return prefilled;
  auto audited = identity_.audit_record(principal, client, patient_id, "record.read", "prefill",
                                        std::string(model), "success");
  if (!audited.ok()) return audited.error();
  return prefilled;
}

Result<json::object> PatientPredictions::predict(const Principal& principal,
                                                 const identity::Client& client,
                                                 std::int64_t patient_id, std::string_view model,
                                                 const json::object& inputs) {
  const ModelSpec* spec = find_model_spec(model);
  if (spec == nullptr || !predictions_.has_model(model)) {
    auto described = predictions_.describe(model);
    return described.ok() ? Error::unavailable("the model is not loaded") : described.error();
  }
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<json::object> {
    db::Transaction tx(lease);
    std::vector<PrefilledInput> prefilled = read_prefill(lease, *spec, patient_id);
    // The caller's own values win, including an explicit null ("leave this out").
    json::object merged;
    std::vector<PrefilledInput> used;
    for (auto& input : prefilled) {
      if (inputs.contains(input.feature)) continue;
      merged[input.feature] = input.value;
      used.push_back(std::move(input));
    }
    for (const auto& [name, value] : inputs) {
      if (name != "patient_id") merged[name] = value;
    }
    auto prediction = predictions_.predict(model, merged);
    if (!prediction.ok()) return prediction.error();

    StoredPrediction entry;
    entry.patient_id = patient_id;
    entry.model = prediction->model;
    entry.model_version = prediction->model_version;
    entry.probability = prediction->probability;
    entry.risk_class = std::string(risk_class_name(prediction->risk));
    entry.summary = spec->title + ": " + percent_text(prediction->probability) + ", " +
                    entry.risk_class + " risk";
    entry.requested_by = principal.account_id;
    entry.created_at = format_rfc3339(Clock::now());
    json::object body = prediction_json(*spec, *prediction);
    body["inputs"] = merged;
    body["prefilled"] = prefilled_json(used);
    entry.result = json::serialize(body);
    entry.id = insert(lease, entry);
    if (!used.empty()) {
      audit(lease, identity_, principal, client, patient_id, "record.read", "prefill",
            std::string(model));
    }
    audit(lease, identity_, principal, client, patient_id, "record.create", "prediction",
          std::to_string(entry.id));
    tx.commit();
    body["id"] = entry.id;
    body["patient_id"] = patient_id;
    body["created_at"] = entry.created_at;
    return body;
  });
}

Result<std::string> PatientPredictions::area_code(const Principal& principal,
                                                  const identity::Client& client,
                                                  std::int64_t patient_id) {
  auto code = db::with_connection(pool_, [&](db::Lease& lease) -> Result<std::string> {
    auto profile = records::store::load_profile(lease, patient_id);
    if (!profile) return Error::not_found("no such patient");
    return profile->area_code;
  });
  if (!code.ok()) return code;
  auto audited = identity_.audit_record(principal, client, patient_id, "record.read",
                                        "patient_profile", "area_code", "success");
  if (!audited.ok()) return audited.error();
  return code;
}

Result<StoredPrediction> PatientPredictions::store(const Principal& principal,
                                                   const identity::Client& client,
                                                   StoredPrediction entry) {
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<StoredPrediction> {
    db::Transaction tx(lease);
    entry.requested_by = principal.account_id;
    entry.created_at = format_rfc3339(Clock::now());
    entry.id = insert(lease, entry);
    audit(lease, identity_, principal, client, entry.patient_id, "record.create", "prediction",
          std::to_string(entry.id));
    tx.commit();
    return entry;
  });
}

Result<StoredPage> PatientPredictions::list(const Principal& principal,
                                            const identity::Client& client, std::int64_t patient_id,
                                            const std::string& model, std::int64_t before_id,
                                            int limit) {
  auto page = db::with_connection(pool_, [&](db::Lease& lease) -> Result<StoredPage> {
    long long patient = patient_id, cursor_id = before_id;
    std::string cursor_at;
    int first = 1;
    if (before_id > 0) {
      auto found = db::select_rows<RowReader>(lease, sql::kFind, [&](soci::statement& statement) {
        statement.exchange(soci::use(cursor_id));
        statement.exchange(soci::use(patient));
      });
      if (found.empty()) return Error::validation("before", "before is not in this history");
      cursor_at = found.front().created_at;
      first = 0;
    }
    int fetch = limit + 1;
    StoredPage out;
    out.items = db::select_rows<RowReader>(lease, sql::kPage, [&](soci::statement& statement) {
      statement.exchange(soci::use(patient));
      statement.exchange(soci::use(model));
      statement.exchange(soci::use(model));
      statement.exchange(soci::use(first));
      statement.exchange(soci::use(cursor_at));
      statement.exchange(soci::use(cursor_at));
      statement.exchange(soci::use(cursor_id));
      statement.exchange(soci::use(fetch));
    });
    if (out.items.size() > static_cast<std::size_t>(limit)) {
      out.items.pop_back();
      out.next_before = out.items.back().id;
    }
    return out;
  });
  if (!page.ok()) return page;
  auto audited = identity_.audit_record(principal, client, patient_id, "record.read", "predictions",
                                        std::to_string(patient_id), "success");
  if (!audited.ok()) return audited.error();
  return page;
}

json::array prefilled_json(const std::vector<PrefilledInput>& prefilled) {
  json::array out;
  for (const auto& input : prefilled) {
    json::object item{{"feature", input.feature}, {"value", input.value}, {"source", input.source}};
    if (!input.code.empty()) {
      item["code"] = input.code;
      item["observation_id"] = input.observation_id;
      item["effective_at"] = input.effective_at;
    }
    out.push_back(std::move(item));
  }
  return out;
}

json::object stored_prediction_json(const StoredPrediction& entry) {
  json::object out{{"id", entry.id},
                   {"patient_id", entry.patient_id},
                   {"model", entry.model},
                   {"model_version", entry.model_version},
                   {"summary", entry.summary},
                   {"requested_by", entry.requested_by},
                   {"created_at", entry.created_at}};
  out["probability"] = entry.probability ? json::value(*entry.probability) : json::value();
  out["risk_class"] = entry.risk_class.empty() ? json::value() : json::value(entry.risk_class);
  boost::system::error_code ec;
  json::value result = json::parse(entry.result, ec);
  out["result"] = ec ? json::value() : std::move(result);
  return out;
}

}  // namespace vitalis::predict
