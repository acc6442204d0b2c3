// Row functions over the named queries in store.hpp.
#include "notify/store.hpp"

#include <soci/soci.h>

#include "db/rows.hpp"

namespace vitalis::notify::store {

namespace {

bool claim(db::Lease& lease, const char* query, std::int64_t id, const std::string& now,
           const std::string& token, bool only_if_due) {
  long long row_id = id;
  if (only_if_due) {
    return db::execute(lease, query, [&](soci::statement& statement) {
             statement.exchange(soci::use(now));
             statement.exchange(soci::use(token));
             statement.exchange(soci::use(row_id));
             statement.exchange(soci::use(now));
           }) == 1;
  }
  return db::execute(lease, query, [&](soci::statement& statement) {
           statement.exchange(soci::use(now));
           statement.exchange(soci::use(token));
           statement.exchange(soci::use(row_id));
         }) == 1;
}

// Binds recipient, subject, text, html, sealed (NULL → `sealed_ind`), kind, in that order.
void bind_message(soci::statement& s, StoredMessage& row, soci::indicator& sealed_ind) {
  s.exchange(soci::into(row.recipient));
  s.exchange(soci::into(row.subject));
  s.exchange(soci::into(row.text));
  s.exchange(soci::into(row.html));
  s.exchange(soci::into(row.sealed, sealed_ind));
  s.exchange(soci::into(row.kind));
}

}  // namespace

std::int64_t insert_message(db::Lease& lease, const std::string& kind, const std::string& sealed,
                            const std::string& due, const std::string& created) {
  long long id = 0;
  db::for_each_row(
      lease, sql::kInsertMessage,
      [&](soci::statement& s) {
        s.exchange(soci::into(id));
        s.exchange(soci::use(sealed));
        s.exchange(soci::use(kind));
        s.exchange(soci::use(due));
        s.exchange(soci::use(created));
      },
      [] {});
  return id;
}

std::vector<std::int64_t> due_ids(db::Lease& lease, const std::string& now) {
  long long id = 0;
  std::vector<std::int64_t> out;
  db::for_each_row(
      lease, sql::kSelectDue,
      [&](soci::statement& s) {
        s.exchange(soci::into(id));
        s.exchange(soci::use(now));
      },
      [&] { out.push_back(id); });
  return out;
}

bool claim_due(db::Lease& lease, std::int64_t id, const std::string& now,
               const std::string& token) {
  return claim(lease, sql::kClaimDue, id, now, token, true);
}

bool claim_any(db::Lease& lease, std::int64_t id, const std::string& now,
               const std::string& token) {
  return claim(lease, sql::kClaimAny, id, now, token, false);
}

ClaimedMessage claimed_message(db::Lease& lease, std::int64_t id, const std::string& token) {
  long long row_id = id;
  ClaimedMessage row, out;
  soci::indicator sealed_ind = soci::i_ok;
  db::for_each_row(
      lease, sql::kSelectClaimed,
      [&](soci::statement& s) {
        bind_message(s, row.message, sealed_ind);
        s.exchange(soci::into(row.created_at));
        s.exchange(soci::into(row.attempts));
        s.exchange(soci::use(row_id));
        s.exchange(soci::use(token));
      },
      [&] {
        out = row;
        if (sealed_ind == soci::i_null) out.message.sealed.clear();
      });
  return out;
}

void mark_sent(db::Lease& lease, std::int64_t id, const std::string& token,
               const std::string& now) {
  long long row_id = id;
  db::execute(lease, sql::kMarkSent, [&](soci::statement& statement) {
    statement.exchange(soci::use(now));
    statement.exchange(soci::use(row_id));
    statement.exchange(soci::use(token));
  });
}

void mark_retry(db::Lease& lease, std::int64_t id, const std::string& token,
                const std::string& next, const std::string& error) {
  long long row_id = id;
  db::execute(lease, sql::kMarkRetry, [&](soci::statement& statement) {
    statement.exchange(soci::use(next));
    statement.exchange(soci::use(error));
    statement.exchange(soci::use(row_id));
    statement.exchange(soci::use(token));
  });
}

void mark_final(db::Lease& lease, std::int64_t id, const std::string& token,
                const std::string& status, const std::string& error) {
  long long row_id = id;
  db::execute(lease, sql::kMarkFinal, [&](soci::statement& statement) {
    statement.exchange(soci::use(status));
    statement.exchange(soci::use(error));
    statement.exchange(soci::use(row_id));
    statement.exchange(soci::use(token));
  });
}

std::vector<StaleRow> stale_rows(db::Lease& lease, const std::string& cutoff) {
  long long id = 0;
  std::string kind;
  std::vector<StaleRow> out;
  db::for_each_row(
      lease, sql::kSelectStale,
      [&](soci::statement& s) {
        s.exchange(soci::into(id));
        s.exchange(soci::into(kind));
        s.exchange(soci::use(cutoff));
      },
      [&] {
        out.push_back({id, kind});
      });
  return out;
}

bool mark_stale(db::Lease& lease, std::int64_t id, const std::string& cutoff) {
  long long row_id = id;
  return db::execute(lease, sql::kMarkStale, [&](soci::statement& statement) {
           statement.exchange(soci::use(row_id));
           statement.exchange(soci::use(cutoff));
         }) == 1;
}

std::vector<ClearRow> clear_rows(db::Lease& lease) {
  long long id = 0;
  StoredMessage row;
  std::vector<ClearRow> out;
  db::for_each_row(
      lease, sql::kSelectClear,
      [&](soci::statement& s) {
        s.exchange(soci::into(id));
        s.exchange(soci::into(row.recipient));
        s.exchange(soci::into(row.subject));
        s.exchange(soci::into(row.text));
        s.exchange(soci::into(row.html));
        s.exchange(soci::into(row.kind));
      },
      [&] {
        out.push_back({id, row});
      });
  return out;
}

bool seal_clear(db::Lease& lease, std::int64_t id, const std::string& sealed) {
  long long row_id = id;
  return db::execute(lease, sql::kSealClear, [&](soci::statement& statement) {
           statement.exchange(soci::use(sealed));
           statement.exchange(soci::use(row_id));
         }) == 1;
}

long long delete_finished(db::Lease& lease, const std::string& cutoff) {
  return db::execute(lease, sql::kDeleteFinished,
                     [&](soci::statement& statement) { statement.exchange(soci::use(cutoff)); });
}

std::vector<StoredMessage> all_messages(db::Lease& lease) {
  StoredMessage row;
  soci::indicator sealed_ind = soci::i_ok;
  std::vector<StoredMessage> out;
  db::for_each_row(
      lease, sql::kSelectAll, [&](soci::statement& s) { bind_message(s, row, sealed_ind); },
      [&] {
        out.push_back(row);
        if (sealed_ind == soci::i_null) out.back().sealed.clear();
      });
  return out;
}

}  // namespace vitalis::notify::store
