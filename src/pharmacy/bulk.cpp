#include "pharmacy/bulk.hpp"

#include <chrono>
#include <cstdio>

#include "core/time.hpp"
#include "pharmacy/store.hpp"
#include "pharmacy/store_stock.hpp"
#include "pharmacy/text.hpp"

namespace vitalis::pharmacy::bulk {

namespace {

// SplitMix64: a stable stream of numbers from a seed.
std::uint64_t next(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

}  // namespace

Result<std::int64_t> stock_demo(db::Pool& pool, std::int64_t admin_id, const std::string& today,
                                std::uint64_t seed) {
  auto ids = db::with_connection(pool, [&](db::Lease& lease) -> Result<std::vector<std::int64_t>> {
    return store::items_without_lots(lease);
  });
  if (!ids.ok()) return ids.error();
  std::string at = format_rfc3339(Clock::now());
  std::int64_t made = 0;
  constexpr std::size_t kBatch = 1000;
  for (std::size_t from = 0; from < ids->size(); from += kBatch) {
    auto done = db::with_connection(pool, [&](db::Lease& lease) -> Status {
      db::Transaction tx(lease);
      for (std::size_t i = from; i < std::min(ids->size(), from + kBatch); ++i) {
        std::int64_t item = (*ids)[i];
        std::uint64_t state = seed ^ (static_cast<std::uint64_t>(item) * 0x2545F4914F6CDD1DULL);
        auto kind = next(state) % 60;
        int lots = kind < 3 ? 0 : (kind < 6 ? 1 : 1 + static_cast<int>(next(state) % 3));
        for (int n = 0; n < lots; ++n) {
          Lot lot;
          lot.item_id = item;
          char batch[32];
          std::snprintf(batch, sizeof batch, "D%06lld-%d", static_cast<long long>(item), n + 1);
          lot.batch = batch;
          lot.supplier = "Demo Wholesale Ltd";
          bool expiring = kind >= 3 && kind < 6;
          bool low = kind >= 6 && kind < 11;
          lot.expires_on =
              text::day_after(today, expiring ? 5 + static_cast<int>(next(state) % 25)
                                              : 90 + static_cast<int>(next(state) % 640));
          lot.received_quantity =
              low ? 1 + static_cast<int>(next(state) % 3) : 5 + static_cast<int>(next(state) % 196);
          lot.cost_minor = 20 + static_cast<std::int64_t>(next(state) % 2000);
          lot.received_at = at;
          lot.received_by = admin_id;
          auto id = store::insert_lot(lease, lot);
          if (!id) continue;
          lot.id = *id;
          if (!store::receive(lease, lot.id, lot.received_quantity)) return Error::internal();
          Movement row;
          row.lot_id = lot.id;
          row.item_id = item;
          row.kind = "received";
          row.on_hand_change = lot.received_quantity;
          row.actor_id = admin_id;
          row.at = at;
          store::insert_movement(lease, row);
          ++made;
        }
      }
      tx.commit();
      return Ok{};
    });
    if (!done.ok()) return done.error();
  }
  return made;
}

}  // namespace vitalis::pharmacy::bulk
