// Identity's SQL for one-time codes: stored as keyed hashes, one open code per (account,
// purpose, subject), attempts counted atomically. Every function runs in the caller's lease (and
// transaction).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "db/database.hpp"

namespace vitalis::identity::sql {

inline constexpr const char* kRetireCodes =
    "UPDATE one_time_codes SET consumed_at = :at WHERE account_id = :account "
    "AND purpose = :purpose AND subject_id = :subject AND consumed_at IS NULL";
inline constexpr const char* kInsertCode =
    "INSERT INTO one_time_codes (account_id, purpose, subject_id, code_hash, created_at, "
    "expires_at) VALUES (:account, :purpose, :subject, :hash, :at, :expires)";
inline constexpr const char* kSelectLatestCode =
    "SELECT id, code_hash, expires_at, attempts FROM one_time_codes WHERE account_id = :account "
    "AND purpose = :purpose AND subject_id = :subject AND consumed_at IS NULL "
    "ORDER BY id DESC LIMIT 1";
// Counts an attempt atomically; no row changes once the code is used or out of attempts.
inline constexpr const char* kCountCodeAttempt =
    "UPDATE one_time_codes SET attempts = attempts + 1 WHERE id = :id AND consumed_at IS NULL "
    "AND attempts < :max";
inline constexpr const char* kConsumeCode =
    "UPDATE one_time_codes SET consumed_at = :at WHERE id = :id AND consumed_at IS NULL";

}  // namespace vitalis::identity::sql

namespace vitalis::identity::store {

// The newest open code of (account, purpose, subject).
struct OpenCode {
  std::int64_t id = 0;
  std::string hash, expires_at;
  int attempts = 0;
};

// Marks every open code of (account, purpose, subject) used at `now`.
void retire_codes(db::Lease& lease, std::int64_t account_id, const std::string& purpose,
                  std::int64_t subject_id, const std::string& now);
void insert_code(db::Lease& lease, std::int64_t account_id, const std::string& purpose,
                 std::int64_t subject_id, const std::string& hash, const std::string& now,
                 const std::string& expires_at);
std::optional<OpenCode> latest_code(db::Lease& lease, std::int64_t account_id,
                                    const std::string& purpose, std::int64_t subject_id);
// Conditional: false once the code is used or out of attempts.
bool count_code_attempt(db::Lease& lease, std::int64_t code_id, int max_attempts);
// Conditional: false when the code was used meanwhile.
bool consume_code(db::Lease& lease, std::int64_t code_id, const std::string& now);

}  // namespace vitalis::identity::store
