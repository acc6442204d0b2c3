// Test support: the outbox's messages as rows, for the tests of modules that send email (what was
// queued, to whom, and that no health data went into it) without naming notify's table in SQL.
#pragma once

#include <soci/soci.h>

#include <vector>

#include "db/database.hpp"
#include "db/rows.hpp"
#include "notify/outbox.hpp"

namespace vitalis::notify::testing {

// Every message in the outbox, whatever its status, oldest first.
inline std::vector<Message> outbox_messages(db::Pool& pool) {
  auto lease = pool.acquire();
  Message row;
  std::vector<Message> out;
  db::for_each_row(
      *lease, "SELECT recipient, subject, text, html, kind FROM outbox ORDER BY id",
      [&](soci::statement& s) {
        s.exchange(soci::into(row.to));
        s.exchange(soci::into(row.subject));
        s.exchange(soci::into(row.text));
        s.exchange(soci::into(row.html));
        s.exchange(soci::into(row.kind));
      },
      [&] { out.push_back(row); });
  return out;
}

}  // namespace vitalis::notify::testing
