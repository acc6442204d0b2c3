// Row functions over the second factor's named queries (store_second_factor.hpp).
#include "identity/store_second_factor.hpp"

#include <soci/soci.h>

#include "db/rows.hpp"

namespace vitalis::identity::store {

std::optional<SecondFactorRow> second_factor(db::Lease& lease, std::int64_t account_id) {
  long long account = account_id, step = 0;
  SecondFactorRow row;
  std::string confirmed_at;
  std::optional<SecondFactorRow> out;
  db::for_each_row(
      lease, sql::kSelectSecondFactor,
      [&](soci::statement& statement) {
        statement.exchange(soci::into(row.sealed_secret));
        statement.exchange(soci::into(confirmed_at));
        statement.exchange(soci::into(step));
        statement.exchange(soci::use(account));
      },
      [&] {
        out = row;
        out->confirmed = !confirmed_at.empty();
        out->last_step = step;
      });
  return out;
}

bool save_pending_second_factor(db::Lease& lease, std::int64_t account_id,
                                const std::string& sealed, const std::string& now) {
  long long account = account_id;
  return db::execute(lease, sql::kUpsertPendingSecondFactor, db::uses(account, sealed, now)) == 1;
}

bool confirm_second_factor(db::Lease& lease, std::int64_t account_id, const std::string& now,
                           std::int64_t step) {
  long long account = account_id, at_step = step;
  return db::execute(lease, sql::kConfirmSecondFactor, db::uses(now, at_step, account)) == 1;
}

bool use_time_step(db::Lease& lease, std::int64_t account_id, std::int64_t step) {
  long long account = account_id, at_step = step, again = step;
  return db::execute(lease, sql::kUseTimeStep, db::uses(at_step, account, again)) == 1;
}

void delete_second_factor(db::Lease& lease, std::int64_t account_id) {
  long long account = account_id;
  db::run(lease, sql::kDeleteSecondFactor, db::uses(account));
  db::run(lease, sql::kDeleteRecoveryCodes, db::uses(account));
  db::run(lease, sql::kDeleteAccountChallenges, db::uses(account));
}

void replace_recovery_codes(db::Lease& lease, std::int64_t account_id,
                            const std::vector<std::string>& hashes, const std::string& now) {
  long long account = account_id;
  db::run(lease, sql::kDeleteRecoveryCodes, db::uses(account));
  for (const std::string& hash : hashes) {
    db::run(lease, sql::kInsertRecoveryCode, db::uses(account, hash, now));
  }
}

bool use_recovery_code(db::Lease& lease, std::int64_t account_id, const std::string& hash,
                       const std::string& now) {
  long long account = account_id;
  return db::execute(lease, sql::kUseRecoveryCode, db::uses(now, account, hash)) == 1;
}

int recovery_codes_left(db::Lease& lease, std::int64_t account_id) {
  long long account = account_id;
  return static_cast<int>(db::number(lease, sql::kCountRecoveryCodesLeft, db::uses(account)));
}

void insert_challenge(db::Lease& lease, const std::string& hash, std::int64_t account_id,
                      const std::string& now, const std::string& expires_at) {
  long long account = account_id;
  db::run(lease, sql::kDeleteOldChallenges, db::uses(now));
  db::run(lease, sql::kInsertChallenge, db::uses(hash, account, now, expires_at));
}

std::optional<std::int64_t> spend_challenge_attempt(db::Lease& lease, const std::string& hash,
                                                    const std::string& now, int max_attempts) {
  if (db::execute(lease, sql::kSpendChallengeAttempt, db::uses(hash, now, max_attempts)) != 1) {
    return std::nullopt;
  }
  auto account = db::first_value<long long>(lease, sql::kSelectChallengeAccount, db::uses(hash));
  if (!account) return std::nullopt;
  return static_cast<std::int64_t>(*account);
}

bool finish_challenge(db::Lease& lease, const std::string& hash, const std::string& now) {
  return db::execute(lease, sql::kFinishChallenge, db::uses(now, hash)) == 1;
}

}  // namespace vitalis::identity::store
