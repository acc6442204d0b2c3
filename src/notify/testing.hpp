// Test support: the outbox's messages, for the tests of modules that send email (what was
// queued, to whom, and that no health data went into it) without naming notify's table in SQL.
#pragma once

#include <vector>

#include "db/database.hpp"
#include "notify/outbox.hpp"

namespace vitalis::notify::testing {

// Every message in the outbox, whatever its status, oldest first, decrypted with this process's
// outbox key. A message already sent or abandoned has only its kind left (the rest is empty); one
// that cannot be decrypted has only its kind.
std::vector<Message> outbox_messages(db::Pool& pool);

}  // namespace vitalis::notify::testing
