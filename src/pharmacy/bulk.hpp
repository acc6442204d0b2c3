// Bulk loading for demo-data only: stock for the catalogue in a few large transactions through
// the pharmacy's own statements, each lot with its `received` ledger row, and no audit row per
// lot (the demo's load is sealed by one audit row, as the other modules' bulk loads are).
#pragma once

#include <cstdint>
#include <string>

#include "core/error.hpp"
#include "db/database.hpp"

namespace vitalis::pharmacy::bulk {

// For each active item without lots, deterministically from its id and `seed`: most get one to
// three lots (5 to 200 units, expiring 3 to 24 months after `today`, YYYY-MM-DD), about one in
// twenty gets a single lot expiring within 30 days (the expiry alerts), about one in twelve a
// few units only (the low-stock alerts), about one in twenty none (out of stock). Received by
// `admin_id`. Returns how many lots were made.
Result<std::int64_t> stock_demo(db::Pool& pool, std::int64_t admin_id, const std::string& today,
                                std::uint64_t seed);

}  // namespace vitalis::pharmacy::bulk
