// Identity's SQL for two-step sign-in: the account's sealed TOTP secret (second_factors), its
// single-use recovery codes (recovery_codes, keyed hashes) and the challenges a correct password
// answers with (second_factor_challenges, by the keyed hash of their id). Every check that
// spends something (a time step, a recovery code, a challenge attempt) is one conditional update
// whose changed-row count decides, so two requests racing with one code cannot both pass. Every
// function runs in the caller's lease (and transaction).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "db/database.hpp"

namespace vitalis::identity::sql {

inline constexpr const char* kSelectSecondFactor =
    "SELECT sealed_secret, COALESCE(confirmed_at, ''), last_step FROM second_factors "
    "WHERE account_id = :account";
// A new secret replaces one whose enrolment was never confirmed, never an active one.
inline constexpr const char* kUpsertPendingSecondFactor =
    "INSERT INTO second_factors (account_id, sealed_secret, created_at) "
    "VALUES (:account, :sealed, :at) ON CONFLICT (account_id) DO UPDATE SET "
    "sealed_secret = excluded.sealed_secret, created_at = excluded.created_at, last_step = 0 "
    "WHERE second_factors.confirmed_at IS NULL";
inline constexpr const char* kConfirmSecondFactor =
    "UPDATE second_factors SET confirmed_at = :at, last_step = :step "
    "WHERE account_id = :account AND confirmed_at IS NULL";
inline constexpr const char* kUseTimeStep =
    "UPDATE second_factors SET last_step = :step WHERE account_id = :account "
    "AND confirmed_at IS NOT NULL AND last_step < :step_again";
inline constexpr const char* kDeleteSecondFactor =
    "DELETE FROM second_factors WHERE account_id = :account";
inline constexpr const char* kDeleteRecoveryCodes =
    "DELETE FROM recovery_codes WHERE account_id = :account";
inline constexpr const char* kInsertRecoveryCode =
    "INSERT INTO recovery_codes (account_id, code_hash, created_at) VALUES (:account, :hash, :at)";
inline constexpr const char* kUseRecoveryCode =
    "UPDATE recovery_codes SET used_at = :at WHERE account_id = :account AND code_hash = :hash "
    "AND used_at IS NULL";
inline constexpr const char* kCountRecoveryCodesLeft =
    "SELECT COUNT(*) FROM recovery_codes WHERE account_id = :account AND used_at IS NULL";
inline constexpr const char* kDeleteAccountChallenges =
    "DELETE FROM second_factor_challenges WHERE account_id = :account";
inline constexpr const char* kDeleteOldChallenges =
    "DELETE FROM second_factor_challenges WHERE expires_at <= :now";
inline constexpr const char* kInsertChallenge =
    "INSERT INTO second_factor_challenges (id_hash, account_id, created_at, expires_at) "
    "VALUES (:hash, :account, :at, :expires)";
// Counts one attempt on a live challenge: no row changes once it is used, expired or spent.
inline constexpr const char* kSpendChallengeAttempt =
    "UPDATE second_factor_challenges SET attempts = attempts + 1 WHERE id_hash = :hash "
    "AND used_at IS NULL AND expires_at > :now AND attempts < :max";
inline constexpr const char* kSelectChallengeAccount =
    "SELECT account_id FROM second_factor_challenges WHERE id_hash = :hash";
inline constexpr const char* kFinishChallenge =
    "UPDATE second_factor_challenges SET used_at = :at WHERE id_hash = :hash AND used_at IS NULL";

}  // namespace vitalis::identity::sql

namespace vitalis::identity::store {

struct SecondFactorRow {
  std::string sealed_secret;  // base64url of SecretKey::seal's box
  bool confirmed = false;
  std::int64_t last_step = 0;
};

std::optional<SecondFactorRow> second_factor(db::Lease& lease, std::int64_t account_id);
// false when the account's second factor is already on (nothing changed).
bool save_pending_second_factor(db::Lease& lease, std::int64_t account_id,
                                const std::string& sealed, const std::string& now);
// false when there is no enrolment waiting (none, or already confirmed).
bool confirm_second_factor(db::Lease& lease, std::int64_t account_id, const std::string& now,
                           std::int64_t step);
// Spends the time step of an accepted code: false when it (or a later one) was used already.
bool use_time_step(db::Lease& lease, std::int64_t account_id, std::int64_t step);
// Removes the secret, the recovery codes and open challenges.
void delete_second_factor(db::Lease& lease, std::int64_t account_id);
// Replaces the account's recovery codes by `hashes`.
void replace_recovery_codes(db::Lease& lease, std::int64_t account_id,
                            const std::vector<std::string>& hashes, const std::string& now);
// false when no unused code has this hash (wrong, or used before).
bool use_recovery_code(db::Lease& lease, std::int64_t account_id, const std::string& hash,
                       const std::string& now);
int recovery_codes_left(db::Lease& lease, std::int64_t account_id);
// Adds a challenge (dropping expired ones of anybody, so the table stays small).
void insert_challenge(db::Lease& lease, const std::string& hash, std::int64_t account_id,
                      const std::string& now, const std::string& expires_at);
// The account of a challenge that may still be answered, having counted this attempt; nullopt
// when it is unknown, used, expired or out of attempts.
std::optional<std::int64_t> spend_challenge_attempt(db::Lease& lease, const std::string& hash,
                                                    const std::string& now, int max_attempts);
// false when another request finished it first.
bool finish_challenge(db::Lease& lease, const std::string& hash, const std::string& now);

}  // namespace vitalis::identity::store
