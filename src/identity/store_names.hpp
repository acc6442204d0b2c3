// Identity's SQL for the patient-search name index: accounts.search_name (the folded name,
// core/search_text.hpp) and account_name_tokens (each word, so a prefix of any word is an index
// range scan). Runs in the caller's lease (and transaction).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "db/database.hpp"

namespace vitalis::identity::sql {

inline constexpr const char* kUpdateSearchName =
    "UPDATE accounts SET search_name = :name WHERE id = :id";
inline constexpr const char* kDeleteTokens =
    "DELETE FROM account_name_tokens WHERE account_id = :id";
inline constexpr const char* kInsertToken =
    "INSERT INTO account_name_tokens (token, account_id) VALUES (:token, :id) "
    "ON CONFLICT DO NOTHING";
// Patients not indexed yet (rows older than migration 0006), a batch at a time.
inline constexpr const char* kSelectUnindexed =
    "SELECT id, full_name FROM accounts WHERE search_name IS NULL AND role = 'patient' "
    "ORDER BY id LIMIT 500";

}  // namespace vitalis::identity::sql

namespace vitalis::identity::store {

// How many rows kSelectUnindexed returns at most.
inline constexpr std::size_t kUnindexedBatch = 500;

// Stores the folded name and its words for one account, replacing earlier ones (the session's
// cached statements, so a bulk load prepares them once).
void index_name(db::Lease& lease, std::int64_t account_id, std::string_view full_name);

// (id, full name) of up to kUnindexedBatch patients whose search_name is still empty, by id.
std::vector<std::pair<std::int64_t, std::string>> unindexed_patients(db::Lease& lease);

}  // namespace vitalis::identity::store
