// Monitoring service: chart series and trends over a patient's observations, the alerts inbox
// and its acknowledge/resolve steps, in-app notifications, and the doctor's patient search.
// Access rules run in the routes (identity/policy.hpp); this service adds the per-alert care-link
// check and audits every read and write of clinical data. Knows nothing of HTTP. Safe for
// concurrent use: all state is in the database.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "db/database.hpp"
#include "identity/service.hpp"
#include "monitor/evaluator.hpp"
#include "monitor/model.hpp"

namespace vitalis::monitor {

class MonitorService {
 public:
  MonitorService(db::Pool& pool, identity::IdentityService& identity,
                 const AlertEvaluator& evaluator);

  identity::IdentityService& identity() const { return identity_; }
  const AlertEvaluator& evaluator() const { return evaluator_; }

  // One series per code (two for "blood_pressure"); raw readings when there are at most
  // `points` of them, else time buckets summarised by the database. The reads here are not
  // audited: each route declares its read audit (routes.cpp).
  Result<std::vector<Series>> series(std::int64_t patient_id, const SeriesQuery& query);
  // Least-squares slope per day over the last N days or readings, per code.
  Result<std::vector<Trend>> trend(std::int64_t patient_id, const TrendQuery& query);

  // A doctor's inbox: alerts of their linked patients with `status`, newest first (the route
  // audits a read of each patient shown).
  Result<AlertPage> doctor_alerts(const identity::Caller& doctor, const std::string& status,
                                  std::int64_t cursor, int limit);
  // One patient's alerts (`status` empty: all).
  Result<AlertPage> patient_alerts(std::int64_t patient_id, const std::string& status,
                                   std::int64_t cursor, int limit);
  // Doctors on the patient's care team only (403 otherwise, 404 for an unknown alert); 409 when
  // the alert is not open (acknowledge) or already resolved (resolve).
  Result<Alert> acknowledge(const identity::Caller& doctor, std::int64_t alert_id);
  Result<Alert> resolve(const identity::Caller& doctor, std::int64_t alert_id);

  // The caller's own notifications, newest first.
  Result<NotificationPage> notifications(const identity::Caller& caller, std::int64_t cursor,
                                         int limit);
  // 404 for another account's notification; reading twice is fine.
  Status mark_read(const identity::Caller& caller, std::int64_t notification_id);

  // Doctors and admins: patients by name prefix (every word of the query must start a word of
  // the name; case and accents ignored) or by id. The route audits it as a search, without the
  // query text.
  Result<PatientPage> search_patients(const identity::Caller& caller, const PatientSearch& query);

 private:
  Result<Alert> change_alert(const identity::Caller& doctor, std::int64_t alert_id, bool resolve);

  db::Pool& pool_;
  identity::IdentityService& identity_;
  const AlertEvaluator& evaluator_;
};

}  // namespace vitalis::monitor
