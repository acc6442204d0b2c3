// Row functions over the named queries in store.hpp.
#include "records/store.hpp"

#include <soci/soci.h>

#include "records/select_rows.hpp"

namespace vitalis::records::store {

namespace {

// Binds the columns of the observation SELECTs; current() copies a fetched row out.
class RowReader {
 public:
  void bind(soci::statement& statement) {
    statement.exchange(soci::into(id_));
    statement.exchange(soci::into(patient_id_));
    statement.exchange(soci::into(row_.code));
    statement.exchange(soci::into(row_.value));
    statement.exchange(soci::into(row_.unit));
    statement.exchange(soci::into(row_.original_value));
    statement.exchange(soci::into(row_.original_unit));
    statement.exchange(soci::into(row_.effective_at));
    statement.exchange(soci::into(row_.source));
    statement.exchange(soci::into(recorded_by_));
    statement.exchange(soci::into(row_.recorded_at));
    statement.exchange(soci::into(row_.status));
    statement.exchange(soci::into(supersedes_, supersedes_ind_));
    statement.exchange(soci::into(reason_, reason_ind_));
  }
  Observation current() const {
    Observation out = row_;
    out.id = id_;
    out.patient_id = patient_id_;
    out.recorded_by = recorded_by_;
    if (supersedes_ind_ == soci::i_ok) out.supersedes = supersedes_;
    out.correction_reason = reason_ind_ == soci::i_ok ? reason_ : std::string();
    return out;
  }

 private:
  Observation row_;
  long long id_ = 0, patient_id_ = 0, recorded_by_ = 0, supersedes_ = 0;
  std::string reason_;
  soci::indicator supersedes_ind_ = soci::i_null, reason_ind_ = soci::i_null;
};

// Runs a SELECT of observation rows; `bind_uses` adds the statement's parameters.
template <typename BindUses>
std::vector<Observation> select_rows(db::Lease& lease, const char* query, BindUses&& bind_uses) {
  return select_rows_with<RowReader>(lease, query, std::forward<BindUses>(bind_uses));
}

}  // namespace

std::int64_t insert_observation(db::Lease& lease, const Observation& observation) {
  long long patient = observation.patient_id, recorded_by = observation.recorded_by;
  long long supersedes = observation.supersedes.value_or(0), id = 0;
  soci::indicator supersedes_ind = observation.supersedes ? soci::i_ok : soci::i_null;
  soci::indicator reason_ind = observation.correction_reason.empty() ? soci::i_null : soci::i_ok;
  double value = observation.value, original_value = observation.original_value;
  *lease << sql::kInsertObservation, soci::use(patient), soci::use(observation.code),
      soci::use(value), soci::use(observation.unit), soci::use(original_value),
      soci::use(observation.original_unit), soci::use(observation.effective_at),
      soci::use(observation.source), soci::use(recorded_by), soci::use(observation.recorded_at),
      soci::use(supersedes, supersedes_ind), soci::use(observation.correction_reason, reason_ind),
      soci::into(id);
  return id;
}

std::optional<Observation> find_observation(db::Lease& lease, std::int64_t patient_id,
                                            std::int64_t id) {
  long long key = id, patient = patient_id;
  auto rows = select_rows(lease, sql::kSelectObservation, [&](soci::statement& statement) {
    statement.exchange(soci::use(key));
    statement.exchange(soci::use(patient));
  });
  if (rows.empty()) return std::nullopt;
  return std::move(rows.front());
}

std::vector<Observation> latest_observations(db::Lease& lease, std::int64_t patient_id,
                                             const std::string& code, const Observation* after,
                                             int limit) {
  long long patient = patient_id, cursor_id = after ? after->id : 0;
  std::string at = after ? after->effective_at : std::string();
  int rows = limit;
  const char* query = code.empty()
                          ? (after ? sql::kSelectLatestBefore : sql::kSelectLatest)
                          : (after ? sql::kSelectLatestByCodeBefore : sql::kSelectLatestByCode);
  return select_rows(lease, query, [&](soci::statement& statement) {
    statement.exchange(soci::use(patient));
    if (!code.empty()) statement.exchange(soci::use(code));
    if (after) {
      statement.exchange(soci::use(at));
      statement.exchange(soci::use(at));
      statement.exchange(soci::use(cursor_id));
    }
    statement.exchange(soci::use(rows));
  });
}

std::vector<Observation> observations_in(db::Lease& lease, const std::string& query,
                                         std::int64_t patient_id, const KeysetBounds& bounds) {
  return select_rows(lease, query.c_str(), KeysetUses(patient_id, bounds));
}

std::vector<Observation> all_observations(db::Lease& lease, std::int64_t patient_id) {
  long long patient = patient_id;
  return select_rows(lease, sql::kSelectAllObservations,
                     [&](soci::statement& statement) { statement.exchange(soci::use(patient)); });
}

std::optional<Observation> successor(db::Lease& lease, std::int64_t id) {
  long long key = id;
  auto rows = select_rows(lease, sql::kSelectSuccessor,
                          [&](soci::statement& statement) { statement.exchange(soci::use(key)); });
  if (rows.empty()) return std::nullopt;
  return std::move(rows.front());
}

bool mark_corrected(db::Lease& lease, std::int64_t id) {
  long long key = id;
  soci::statement update = (lease->prepare << sql::kMarkCorrected, soci::use(key));
  update.execute(true);
  return update.get_affected_rows() == 1;
}

}  // namespace vitalis::records::store
