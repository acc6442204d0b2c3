// Records service: records, lists and corrects a patient's observations. Validates through the
// metric catalogue, derives BMI, writes each change with its audit row in one transaction, and
// audits reads. Access (who may call for which patient) is enforced by the route rules in
// identity/policy.hpp before these functions run. Knows nothing of HTTP. Safe for concurrent
// use: all state is in the database.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "db/database.hpp"
#include "identity/model.hpp"
#include "identity/service.hpp"
#include "records/model.hpp"

namespace vitalis::records {

// Validates an input into the measurements to store (two for a blood-pressure pair); 422 naming
// the field on any problem, and 422 confirmation_required for a possible but implausible value
// the input does not say is confirmed. Pure: no database.
Result<std::vector<Measurement>> validate_observation(const ObservationInput& input);
// Parses and canonicalises an RFC 3339 time (empty: now); 422 naming `field` for a bad or
// future time, in a message that names what people see (`label`).
Result<std::string> effective_time(const std::string& text, std::string_view field = "effective_at",
                                   std::string_view label = "When");
// BMI from weight (kg) and height (cm), rounded to one decimal.
double body_mass_index(double weight_kg, double height_cm);

class RecordsService {
 public:
  RecordsService(db::Pool& pool, identity::IdentityService& identity);

  // The identity service whose rules guard the records routes.
  identity::IdentityService& identity() const { return identity_; }

  // Called with the caller and the entries a record or correction stored, inside its transaction
  // before the commit (the alert evaluator); returns the urgent advice when an entry is critical.
  // Throwing rolls the write back. Set once at start-up.
  using RecordedHook = std::function<std::optional<UrgentAdvice>(
      db::Lease&, const identity::Caller&, const std::vector<Observation>&)>;
  void on_recorded(RecordedHook hook) { on_recorded_ = std::move(hook); }

  // Records what the caller entered (source from their role: patients self_reported,
  // doctors clinical). Returns the stored entries, plus a derived BMI when a weight or height
  // completed a pair, and the hook's urgent advice for a critical entry.
  Result<Recorded> record(const identity::Caller& caller, std::int64_t patient_id,
                          const ObservationInput& input);

  // Several entries in one transaction, all or none (a diagnostic test's results): each input
  // validated as `record` does; doctors and admins only, as clinical entries. `within` runs in
  // that transaction, after the alert hook, with what was stored (another module's rows linking
  // to them); its error rolls everything back.
  using Within = std::function<Status(db::Lease&, const std::vector<Observation>&)>;
  Result<Recorded> record_all(const identity::Caller& caller, std::int64_t patient_id,
                              const std::vector<ObservationInput>& inputs, const Within& within);

  // Final (current) entries, latest first, with a cursor. Not audited: the route declares its
  // read audit (routes.cpp).
  Result<ObservationPage> page(std::int64_t patient_id, const ObservationQuery& query);

  // Supersedes a final entry with a corrected value: the old row stays (status 'corrected').
  // Doctors correct clinical entries, patients their self-reported ones (403 otherwise); 409
  // when the entry was already corrected. Returns the new entry (and a re-derived BMI) and, for
  // a critical value, the advice.
  Result<Recorded> correct(const identity::Caller& caller, std::int64_t patient_id,
                           std::int64_t observation_id, const CorrectionInput& input);

  // The whole correction chain the entry belongs to, oldest first. Not audited: the route
  // declares its read audit.
  Result<std::vector<Observation>> history(std::int64_t patient_id, std::int64_t observation_id);

 private:
  // An input validated: its measurements (two for a blood-pressure pair) and its time.
  struct Checked {
    std::vector<Measurement> measurements;
    std::string effective_at;
  };
  static Result<std::vector<Checked>> check(const std::vector<ObservationInput>& inputs);
  Result<Recorded> write(const identity::Caller& caller, std::int64_t patient_id,
                         const std::vector<Checked>& entries, const std::string& source,
                         const Within& within);

  db::Pool& pool_;
  identity::IdentityService& identity_;
  RecordedHook on_recorded_;
};

}  // namespace vitalis::records
