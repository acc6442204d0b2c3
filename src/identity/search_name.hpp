// The folded form of account names that patient search matches against (core/search_text.hpp:
// lower case, Latin accents stripped, one space between words), stored in accounts.search_name.
// Each word of a patient's name is also stored in account_name_tokens so that a prefix of any
// word is an index range scan (store_names.hpp). The writers run in the caller's lease.
#pragma once

#include <cstdint>
#include <string_view>

#include "core/search_text.hpp"
#include "db/database.hpp"
#include "identity/directory.hpp"

namespace vitalis::identity {

// Stores the folded name and its words for one account (replacing earlier ones). Call in the same
// transaction that writes accounts.full_name.
void index_name(db::Lease& lease, std::int64_t account_id, std::string_view full_name);

// The start-up backfill (directory.hpp), for identity's own callers.
using directory::backfill_search_names;

}  // namespace vitalis::identity
