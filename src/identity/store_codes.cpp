// Row functions over the one-time codes' named queries (store_codes.hpp).
#include "identity/store_codes.hpp"

#include <soci/soci.h>

#include "identity/store_rows.hpp"

namespace vitalis::identity::store {

void retire_codes(db::Lease& lease, std::int64_t account_id, const std::string& purpose,
                  std::int64_t subject_id, const std::string& now) {
  long long account = account_id, subject = subject_id;
  db::run(lease, sql::kRetireCodes, [&](soci::statement& statement) {
    statement.exchange(soci::use(now));
    statement.exchange(soci::use(account));
    statement.exchange(soci::use(purpose));
    statement.exchange(soci::use(subject));
  });
}

void insert_code(db::Lease& lease, std::int64_t account_id, const std::string& purpose,
                 std::int64_t subject_id, const std::string& hash, const std::string& now,
                 const std::string& expires_at) {
  long long account = account_id, subject = subject_id;
  db::run(lease, sql::kInsertCode, [&](soci::statement& statement) {
    statement.exchange(soci::use(account));
    statement.exchange(soci::use(purpose));
    statement.exchange(soci::use(subject));
    statement.exchange(soci::use(hash));
    statement.exchange(soci::use(now));
    statement.exchange(soci::use(expires_at));
  });
}

std::optional<OpenCode> latest_code(db::Lease& lease, std::int64_t account_id,
                                    const std::string& purpose, std::int64_t subject_id) {
  long long account = account_id, subject = subject_id, id = 0;
  OpenCode row;
  std::optional<OpenCode> out;
  db::for_each_row(
      lease, sql::kSelectLatestCode,
      [&](soci::statement& statement) {
        statement.exchange(soci::into(id));
        statement.exchange(soci::into(row.hash));
        statement.exchange(soci::into(row.expires_at));
        statement.exchange(soci::into(row.attempts));
        statement.exchange(soci::use(account));
        statement.exchange(soci::use(purpose));
        statement.exchange(soci::use(subject));
      },
      [&] {
        out = row;
        out->id = id;
      });
  return out;
}

bool count_code_attempt(db::Lease& lease, std::int64_t code_id, int max_attempts) {
  long long id = code_id;
  return db::execute(lease, sql::kCountCodeAttempt, [&](soci::statement& statement) {
           statement.exchange(soci::use(id));
           statement.exchange(soci::use(max_attempts));
         }) == 1;
}

bool consume_code(db::Lease& lease, std::int64_t code_id, const std::string& now) {
  long long id = code_id;
  return db::execute(lease, sql::kConsumeCode, [&](soci::statement& statement) {
           statement.exchange(soci::use(now));
           statement.exchange(soci::use(id));
         }) == 1;
}

}  // namespace vitalis::identity::store
